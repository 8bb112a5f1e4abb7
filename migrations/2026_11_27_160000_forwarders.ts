import { sql, type Kysely } from 'kysely';

/**
 * Forwarders (SPEC §3, §9): mail to source_name@domain also (a POP account keeps its copy through its
 * identity row) or only (a name without an account) goes to each destination. Postfix reads them as
 * virtual aliases from mail_aliases, before the catch-all, by (name, domain) through the unique index.
 * A plan may cap the hosting account's forwarders (0 = unlimited).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table plans add column max_forwarders integer not null default 0 check (max_forwarders >= 0)`.execute(
    db,
  );
  await sql`
    create table forwarders (
      id serial primary key,
      hosting_account_id integer not null references hosting_accounts (id) on delete cascade,
      domain_id integer not null references domains (id) on delete cascade,
      source_name text not null check (source_name ~ '^[a-z0-9]{1,64}$'),
      destination text not null check (length(destination) <= 254),
      created_at timestamptz not null default now(),
      unique (domain_id, source_name, destination)
    )`.execute(db);
  await sql`create index forwarders_hosting_account on forwarders (hosting_account_id)`.execute(db);
  await sql`drop view mail_aliases`.execute(db);
  await sql`
    create view mail_aliases as
      select m.name, d.name as domain, m.name || '@' || d.name as destination
        from mailboxes m join domains d on d.id = m.domain_id
      union all
      select f.source_name, d.name, f.destination
        from forwarders f join domains d on d.id = f.domain_id
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view mail_aliases`.execute(db);
  await sql`
    create view mail_aliases as
      select m.name, d.name as domain, m.name || '@' || d.name as destination
        from mailboxes m join domains d on d.id = m.domain_id
  `.execute(db);
  await sql`drop table forwarders`.execute(db);
  await sql`alter table plans drop column max_forwarders`.execute(db);
}
