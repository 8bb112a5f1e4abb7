import type { Kysely } from 'kysely';
import type { DB, OneTimeLinksTable } from './schema.ts';

export type LinkRow = { kind: OneTimeLinksTable['kind']; address: string; hostingAccountId: number; sealed: Buffer };

export async function insertLink(
  db: Kysely<DB>,
  link: LinkRow & { tokenHash: Buffer; createdBy: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('one_time_links')
    .values({
      token_hash: link.tokenHash,
      kind: link.kind,
      hosting_account_id: link.hostingAccountId,
      address: link.address,
      sealed: link.sealed,
      created_by: link.createdBy,
      expires_at: link.expiresAt,
    })
    .execute();
}

/** The link a token hash names, if it has not expired; reading it changes nothing. */
export async function findLink(db: Kysely<DB>, tokenHash: Buffer, now: Date): Promise<LinkRow | undefined> {
  return db
    .selectFrom('one_time_links')
    .select(['kind', 'address', 'hosting_account_id as hostingAccountId', 'sealed'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Takes a link of this kind out (burns it) and returns it, once: a second call, or an expired link, gets nothing. */
export async function takeLink(
  db: Kysely<DB>,
  tokenHash: Buffer,
  kind: LinkRow['kind'],
  now: Date,
): Promise<LinkRow | undefined> {
  return db
    .deleteFrom('one_time_links')
    .where('token_hash', '=', tokenHash)
    .where('kind', '=', kind)
    .where('expires_at', '>', now)
    .returning(['kind', 'address', 'hosting_account_id as hostingAccountId', 'sealed'])
    .executeTakeFirst();
}

/** Removes expired links; returns how many. */
export async function deleteExpiredLinks(db: Kysely<DB>, now: Date): Promise<number> {
  const result = await db.deleteFrom('one_time_links').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
