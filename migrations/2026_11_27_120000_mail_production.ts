import { sql, type Kysely } from 'kysely';

/**
 * The mail server in production (SPEC §3, §9): its views rebuilt, suspend, last login, forwarders.
 *
 * - Every lookup is by (name, domain), columns taken straight from indexed tables, so Dovecot and
 *   Postfix use an index whatever the number of accounts (`deploy/` queries split the address with
 *   %n/%d and %u/%d). The Main Account's delivery address is `username@main.popbot.invalid`; its login
 *   is the bare username (a login without a domain is looked up in that domain).
 * - Mail folders are keyed by the account's id (`domain/name.id`), never reused: a deleted account's
 *   mail is never seen by a later account of the same name. Accounts made before keep their folder
 *   (`mail_folder`, set here), which no later account can get.
 * - The quota of an account is lowered to what the other logins of its hosting account leave free.
 *   The hosting account's total is kept in hosting_usage by a trigger on mailbox_usage (which Dovecot
 *   writes), so a lookup reads two rows instead of summing every login of the hosting account.
 * - Suspend: mailboxes.suspended_at refuses logins (mail_users.suspended, which Dovecot's password
 *   query excludes); suspended_incoming refuses mail too (mail_users.refuses_mail: Postfix answers
 *   550 5.2.1), and a catch-all pointing at such an account refuses as well (no mail_catchalls row).
 * - last_logins: written by Dovecot's last_login plugin through its dict, one row per login and
 *   protocol (pop3, imap), the time in seconds.
 * - Forwarders: mail to source_name@domain also (a POP account keeps its copy through its identity
 *   row) or only (a name without an account) goes to each destination. Postfix reads them from
 *   mail_aliases before mail_catchalls (per domain; none for `fail`), which replace mail_routes.
 *   A plan may cap the hosting account's forwarders (0 = unlimited).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table mailboxes add column mail_folder text`.execute(db);
  await sql`update mailboxes m set mail_folder = d.name || '/' || m.name from domains d where d.id = m.domain_id`.execute(
    db,
  );
  for (const view of ['mail_routes', 'mail_domains', 'mail_users', 'mail_accounts'])
    await sql`drop view ${sql.table(view)}`.execute(db);
  await sql`alter table mailboxes add column suspended_at timestamptz,
    add column suspended_incoming boolean not null default false`.execute(db);
  await sql`
    create table last_logins (
      username text not null,
      protocol text not null,
      last_login bigint not null,
      primary key (username, protocol)
    )`.execute(db);

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
  await sql`
    create table hosting_usage (
      hosting_account_id integer primary key references hosting_accounts (id) on delete cascade,
      bytes bigint not null default 0
    )`.execute(db);
  // The hosting account a login belongs to (name@domain, or a Main Account's bare username).
  await sql`
    create function popbot_hosting_of(login text) returns integer language sql stable as $$
      select m.hosting_account_id from mailboxes m join domains d on d.id = m.domain_id
       where m.name = split_part(login, '@', 1) and d.name = split_part(login, '@', 2)
      union all
      select h.id from hosting_accounts h where h.username = login
      limit 1
    $$`.execute(db);
  // Each change of a login's usage moves its hosting account's total by the difference; row locks on
  // hosting_usage keep concurrent deliveries exact. Runs with the owner's rights: the mail role that
  // writes mailbox_usage can read no table. popbot forgets a login's usage before deleting or
  // creating the account, so no row outlives the account it was counted for.
  await sql`
    create function popbot_hosting_usage_moved() returns trigger language plpgsql
    security definer set search_path = public as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        update hosting_usage set bytes = bytes - old.bytes where hosting_account_id = popbot_hosting_of(old.username);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into hosting_usage (hosting_account_id, bytes)
          select id, new.bytes from (select popbot_hosting_of(new.username) as id) h where id is not null
          on conflict (hosting_account_id) do update set bytes = hosting_usage.bytes + excluded.bytes;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger mailbox_usage_moves_hosting_usage after insert or update or delete on mailbox_usage
      for each row execute function popbot_hosting_usage_moved()`.execute(db);
  await sql`
    insert into hosting_usage (hosting_account_id, bytes)
      select popbot_hosting_of(username), sum(bytes) from mailbox_usage
       where popbot_hosting_of(username) is not null group by 1`.execute(db);

  await sql`
    create view mail_accounts as
      select m.name, d.name as domain, m.name || '@' || d.name as login, m.password_hash as password,
             coalesce(m.mail_folder, d.name || '/' || m.name || '.' || m.id) as maildir,
             (case when m.quota_mb = 0 then p.disk_quota_mb else least(m.quota_mb, p.disk_quota_mb) end)::bigint
               * 1048576 as own_quota_bytes,
             p.disk_quota_mb::bigint * 1048576 as disk_quota_bytes,
             h.id as hosting_account_id,
             m.suspended_at is not null as suspended,
             m.suspended_at is not null and m.suspended_incoming as refuses_mail
        from mailboxes m
        join domains d on d.id = m.domain_id
        join hosting_accounts h on h.id = m.hosting_account_id
        join plans p on p.id = h.plan_id
      union all
      select h.username, 'main.popbot.invalid', h.username, h.password_hash, '_main/' || h.username,
             p.disk_quota_mb::bigint * 1048576, p.disk_quota_mb::bigint * 1048576, h.id, false, false
        from hosting_accounts h
        join plans p on p.id = h.plan_id
  `.execute(db);
  await sql`
    create view mail_users as
      select a.name, a.domain, a.login, a.name || '@' || a.domain as address, a.password, a.maildir,
             greatest(1, least(a.own_quota_bytes, a.disk_quota_bytes
               - coalesce((select t.bytes from hosting_usage t where t.hosting_account_id = a.hosting_account_id), 0)
               + coalesce((select u.bytes from mailbox_usage u where u.username = a.login), 0)))::bigint as quota_bytes,
             a.own_quota_bytes,
             a.hosting_account_id,
             a.suspended,
             a.refuses_mail
        from mail_accounts a
  `.execute(db);

  await sql`
    create view mail_domains as
      select name as domain from domains
      union all
      select 'main.popbot.invalid'
  `.execute(db);

  await sql`
    create view mail_aliases as
      select m.name, d.name as domain, m.name || '@' || d.name as destination
        from mailboxes m join domains d on d.id = m.domain_id
      union all
      select f.source_name, d.name, f.destination
        from forwarders f join domains d on d.id = f.domain_id
  `.execute(db);

  // A catch-all pointing at an account that refuses its mail refuses too (550), like `fail`.
  await sql`
    create view mail_catchalls as
      select domain, destination_name || '@' || destination_domain as destination, destination_name, destination_domain
        from (
          select d.name as domain, h.username as destination_name, 'main.popbot.invalid' as destination_domain
            from domains d join hosting_accounts h on h.id = d.hosting_account_id
           where d.catchall_mode = 'main'
          union all
          select d.name, c.name, d.name
            from domains d join mailboxes c on c.id = d.catchall_mailbox_id
           where d.catchall_mode = 'account' and not (c.suspended_at is not null and c.suspended_incoming)
          union all
          select d.name, 'discard', 'blackhole.popbot.invalid'
            from domains d
           where d.catchall_mode = 'blackhole'
        ) routes
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const view of ['mail_catchalls', 'mail_aliases', 'mail_domains', 'mail_users', 'mail_accounts'])
    await sql`drop view ${sql.table(view)}`.execute(db);
  await sql`drop trigger mailbox_usage_moves_hosting_usage on mailbox_usage`.execute(db);
  await sql`drop function popbot_hosting_usage_moved()`.execute(db);
  await sql`drop function popbot_hosting_of(text)`.execute(db);
  for (const table of ['forwarders', 'last_logins', 'hosting_usage'])
    await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`alter table plans drop column max_forwarders`.execute(db);
  await sql`alter table mailboxes drop column mail_folder, drop column suspended_at, drop column suspended_incoming`.execute(
    db,
  );
}
