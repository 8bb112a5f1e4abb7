import { sql, type Kysely } from 'kysely';

/**
 * One-time links in use (SPEC §10): a link belongs to one mailbox (gone with it), remembers who asked
 * for it (to tell them when the owner has set a password), and an account made with `add --link` has
 * no password anyone knows until its owner sets one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Nothing issued links before this migration; a row without a mailbox could not be used.
  await sql`delete from one_time_links`.execute(db);
  await sql`
    alter table one_time_links
      add column mailbox_id integer not null references mailboxes (id) on delete cascade,
      add column requester jsonb not null,
      drop column created_by`.execute(db);
  await sql`create index one_time_links_mailbox on one_time_links (mailbox_id)`.execute(db);
  await sql`alter table mailboxes add column password_pending boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table mailboxes drop column password_pending`.execute(db);
  await sql`delete from one_time_links`.execute(db);
  await sql`
    alter table one_time_links
      drop column mailbox_id,
      drop column requester,
      add column created_by text not null`.execute(db);
}
