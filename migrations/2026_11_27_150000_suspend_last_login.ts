import { sql, type Kysely } from 'kysely';

/**
 * Suspend and last login (SPEC §3, §9):
 *
 * - mailboxes.suspended_at: logins refused from then on (mail_users.suspended, which Dovecot's
 *   password query excludes); suspended_incoming: mail refused at RCPT too (mail_users.refuses_mail,
 *   which Postfix turns into 550 5.2.1).
 * - A catch-all whose account refuses its mail refuses too (no mail_catchalls row: 550).
 * - last_logins: written by Dovecot's last_login plugin through its dict, one row per login and
 *   protocol (pop3, imap), the time in seconds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table mailboxes add column suspended_at timestamptz,
    add column suspended_incoming boolean not null default false`.execute(db);
  await sql`
    create table last_logins (
      username text not null,
      protocol text not null,
      last_login bigint not null,
      primary key (username, protocol)
    )`.execute(db);

  // mail_users gains two columns; mail_accounts gains them first (views select by position).
  await sql`drop view mail_users`.execute(db);
  await sql`drop view mail_accounts`.execute(db);
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

  // A catch-all pointing at an account that refuses its mail refuses too (550), like `fail`.
  await sql`drop view mail_catchalls`.execute(db);
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
  await sql`drop view mail_users`.execute(db);
  await sql`drop view mail_accounts`.execute(db);
  await sql`drop table last_logins`.execute(db);
  await sql`alter table mailboxes drop column suspended_at, drop column suspended_incoming`.execute(db);
}
