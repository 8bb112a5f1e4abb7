import { sql, type Kysely } from 'kysely';

/**
 * One-time links (SPEC §10): only the SHA-256 of the token is stored, and the secret the link carries is
 * AES-256-GCM ciphertext under a key derived from the token (HKDF), so the database alone reveals
 * nothing. A link is deleted when it is used (which burns it) or once it has expired.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table one_time_links (
      id serial primary key,
      token_hash bytea not null unique,
      kind text not null check (kind in ('reveal', 'set-own')),
      hosting_account_id integer not null references hosting_accounts (id) on delete cascade,
      address text not null,
      sealed bytea not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index one_time_links_expires on one_time_links (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table one_time_links`.execute(db);
}
