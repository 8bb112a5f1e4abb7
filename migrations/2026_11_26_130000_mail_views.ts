import { sql, type Kysely } from 'kysely';

/**
 * The stable interface the mail server reads (Dovecot and Postfix), so tables can change behind it.
 *
 * - mail_users: one row per login. POP accounts log in as name@domain (Dovecot turns name+domain
 *   into that); the Main Account logs in with the bare control-panel username and receives mail at
 *   `username@main.popbot.invalid`, a delivery address of its own. quota_bytes is the account's
 *   quota (unlimited = the hosting account's disk quota), lowered to what the other logins of the
 *   hosting account leave free, so the whole hosting account never exceeds its disk quota.
 * - mail_domains: domains Postfix accepts mail for.
 * - mail_routes: Postfix virtual aliases: an identity row per account (so a catch-all never
 *   swallows an existing account) and `@domain` for the catch-all (none for `fail`: 550 at RCPT).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create view mail_accounts as
      select m.name || '@' || d.name as login,
             m.name || '@' || d.name as address,
             m.password_hash as password,
             d.name || '/' || m.name as maildir,
             (case when m.quota_mb = 0 then p.disk_quota_mb else least(m.quota_mb, p.disk_quota_mb) end)::bigint * 1048576 as own_quota_bytes,
             p.disk_quota_mb::bigint * 1048576 as disk_quota_bytes,
             h.id as hosting_account_id
        from mailboxes m
        join domains d on d.id = m.domain_id
        join hosting_accounts h on h.id = m.hosting_account_id
        join plans p on p.id = h.plan_id
      union all
      select h.username, h.username || '@main.popbot.invalid', h.password_hash, '_main/' || h.username,
             p.disk_quota_mb::bigint * 1048576, p.disk_quota_mb::bigint * 1048576, h.id
        from hosting_accounts h
        join plans p on p.id = h.plan_id
  `.execute(db);

  await sql`
    create view mail_users as
      select a.login, a.address, a.password, a.maildir,
             greatest(1, least(a.own_quota_bytes, a.disk_quota_bytes - coalesce((
               select sum(u.bytes) from mailbox_usage u
                where u.username <> a.login
                  and u.username in (select o.login from mail_accounts o where o.hosting_account_id = a.hosting_account_id)
             ), 0)))::bigint as quota_bytes,
             a.own_quota_bytes,
             a.hosting_account_id
        from mail_accounts a
  `.execute(db);

  await sql`
    create view mail_domains as
      select name as domain from domains
      union all
      select 'main.popbot.invalid'
  `.execute(db);

  await sql`
    create view mail_routes as
      select m.name || '@' || d.name as address, m.name || '@' || d.name as destination
        from mailboxes m join domains d on d.id = m.domain_id
      union all
      select '@' || d.name,
             case d.catchall_mode
               when 'main' then h.username || '@main.popbot.invalid'
               when 'account' then (select c.name || '@' || d.name from mailboxes c where c.id = d.catchall_mailbox_id)
               else 'discard@blackhole.popbot.invalid'
             end
        from domains d join hosting_accounts h on h.id = d.hosting_account_id
       where d.catchall_mode <> 'fail'
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const view of ['mail_routes', 'mail_domains', 'mail_users', 'mail_accounts'])
    await sql`drop view ${sql.table(view)}`.execute(db);
}
