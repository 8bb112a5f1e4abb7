import { sql, type Kysely } from 'kysely';

/** Sales requests close the loop (SPEC §7): when one was done, by whom, with what note. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sales_requests
      add column done_at timestamptz,
      add column done_note text`.execute(db);
  await sql`create index sales_requests_open on sales_requests (at) where status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index sales_requests_open`.execute(db);
  await sql`alter table sales_requests drop column done_at, drop column done_note`.execute(db);
}
