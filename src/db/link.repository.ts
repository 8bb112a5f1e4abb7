import type { Kysely } from 'kysely';
import type { DB, LinkRequester, OneTimeLinksTable } from './schema.ts';

export type LinkRow = {
  kind: OneTimeLinksTable['kind'];
  address: string;
  hostingAccountId: number;
  mailboxId: number;
  sealed: Buffer;
  requester: LinkRequester;
  expiresAt: Date;
};

const COLUMNS = [
  'kind',
  'address',
  'hosting_account_id as hostingAccountId',
  'mailbox_id as mailboxId',
  'sealed',
  'requester',
  'expires_at as expiresAt',
] as const;

export async function insertLink(
  db: Kysely<DB>,
  link: Omit<LinkRow, 'requester'> & { tokenHash: Buffer; requester: LinkRequester },
): Promise<void> {
  await db
    .insertInto('one_time_links')
    .values({
      token_hash: link.tokenHash,
      kind: link.kind,
      hosting_account_id: link.hostingAccountId,
      mailbox_id: link.mailboxId,
      address: link.address,
      sealed: link.sealed,
      requester: JSON.stringify(link.requester),
      expires_at: link.expiresAt,
    })
    .execute();
}

/** The link a token hash names, if it has not expired; reading it changes nothing. */
export async function findLink(db: Kysely<DB>, tokenHash: Buffer, now: Date): Promise<LinkRow | undefined> {
  return db
    .selectFrom('one_time_links')
    .select(COLUMNS)
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
    .returning(COLUMNS)
    .executeTakeFirst();
}

/** Removes a mailbox's links (a new password or link replaces them); returns how many. */
export async function deleteLinksOf(db: Kysely<DB>, mailboxId: number): Promise<number> {
  const result = await db.deleteFrom('one_time_links').where('mailbox_id', '=', mailboxId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes one link by its token hash (its reply was not delivered); returns whether it was there. */
export async function deleteLink(db: Kysely<DB>, tokenHash: Buffer): Promise<boolean> {
  const result = await db.deleteFrom('one_time_links').where('token_hash', '=', tokenHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Removes expired links and returns them (for the audit). */
export async function takeExpiredLinks(db: Kysely<DB>, now: Date, limit: number): Promise<LinkRow[]> {
  return db
    .deleteFrom('one_time_links')
    .where('id', 'in', (eb) =>
      eb.selectFrom('one_time_links').select('id').where('expires_at', '<=', now).limit(limit).forUpdate().skipLocked(),
    )
    .returning(COLUMNS)
    .execute();
}
