-- The database role Dovecot and Postfix log in as: it reads the mail views and records mail usage,
-- and nothing else (no table with a password hash, no popbot table it could change).
-- Run it as the database's owner, connected to popbot's database, after `popbot migrate`:
--
--   psql -d popbot -v mail_password='…' -f deploy/postgres/mail-role.sql
--
-- Optional: -v mail_role=name (default popbot_mail). Running it again sets the password and grants
-- again; after a popbot upgrade that adds a view, run it again.
\set ON_ERROR_STOP on
\if :{?mail_role}
\else
  \set mail_role popbot_mail
\endif
\if :{?mail_password}
\else
  \warn 'mail-role.sql: set the password with -v mail_password=...'
  select 1 / 0 as mail_password_missing;
\endif

select format('create role %I login', :'mail_role')
 where not exists (select 1 from pg_roles where rolname = :'mail_role') \gexec
select format('alter role %I login password %L', :'mail_role', :'mail_password') \gexec
select format('grant connect on database %I to %I', current_database(), :'mail_role') \gexec
select format('grant usage on schema public to %I', :'mail_role') \gexec
-- Logins, quotas and mail folders (Dovecot); domains, mailboxes, aliases, catch-alls (Postfix).
select format('grant select on mail_users, mail_domains, mail_aliases, mail_catchalls to %I', :'mail_role') \gexec
-- Dovecot's quota_clone writes each login's usage, its last_login plugin each login's time
-- (insert, or update on conflict).
select format('grant select, insert, update on mailbox_usage, last_logins to %I', :'mail_role') \gexec
