import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

export type MailboxRow = {
  id: number;
  name: string;
  domain: string;
  domainId: number;
  hostingAccountId: number;
  quotaMb: number;
  usedBytes: number;
  messages: number;
  createdAt: Date;
  passwordChangedAt: Date;
  suspendedAt: Date | null;
  suspendedIncoming: boolean;
  /** Made with `add --link` and not yet given a password by its owner. */
  passwordPending: boolean;
  /** The latest login the mail server recorded, and over which protocol (pop3, imap). */
  lastLogin: { at: Date; protocol: string } | null;
};

type SelectedMailbox = Omit<MailboxRow, 'lastLogin'> & { lastLoginAt: number | null; lastLoginProtocol: string | null };

const withLastLogin = ({ lastLoginAt, lastLoginProtocol, ...row }: SelectedMailbox): MailboxRow => ({
  ...row,
  lastLogin: lastLoginAt === null ? null : { at: new Date(lastLoginAt * 1000), protocol: lastLoginProtocol ?? '' },
});

function selectMailboxes(db: Kysely<DB>) {
  return db
    .selectFrom('mailboxes')
    .innerJoin('domains', 'domains.id', 'mailboxes.domain_id')
    .leftJoin('mailbox_usage', (join) =>
      join.on('mailbox_usage.username', '=', sql<string>`mailboxes.name || '@' || domains.name`),
    )
    .select([
      'mailboxes.id as id',
      'mailboxes.name as name',
      'domains.name as domain',
      'domains.id as domainId',
      'mailboxes.hosting_account_id as hostingAccountId',
      'mailboxes.quota_mb as quotaMb',
      sql<number>`coalesce(mailbox_usage.bytes, 0)::float8`.as('usedBytes'),
      sql<number>`coalesce(mailbox_usage.messages, 0)::float8`.as('messages'),
      'mailboxes.created_at as createdAt',
      'mailboxes.password_changed_at as passwordChangedAt',
      'mailboxes.suspended_at as suspendedAt',
      'mailboxes.suspended_incoming as suspendedIncoming',
      'mailboxes.password_pending as passwordPending',
      sql<number | null>`(select l.last_login::float8 from last_logins l
        where l.username = mailboxes.name || '@' || domains.name order by l.last_login desc limit 1)`.as('lastLoginAt'),
      sql<string | null>`(select l.protocol from last_logins l
        where l.username = mailboxes.name || '@' || domains.name order by l.last_login desc limit 1)`.as(
        'lastLoginProtocol',
      ),
    ]);
}

export async function findMailbox(db: Kysely<DB>, domainId: number, name: string): Promise<MailboxRow | undefined> {
  const row = await selectMailboxes(db)
    .where('mailboxes.domain_id', '=', domainId)
    .where('mailboxes.name', '=', name)
    .executeTakeFirst();
  return row && withLastLogin(row);
}

export async function getMailbox(db: Kysely<DB>, id: number): Promise<MailboxRow | undefined> {
  const row = await selectMailboxes(db).where('mailboxes.id', '=', id).executeTakeFirst();
  return row && withLastLogin(row);
}

/** A hosting account's POP accounts, optionally of one domain and whose names start with a prefix. */
type MailboxFilter = { hostingAccountId: number; domainId?: number; prefix?: string };

/** A LIKE pattern for names starting with `prefix`, its own % and _ taken literally. */
const likePrefix = (prefix: string) => `${prefix.replace(/[%_\\]/g, '\\$&')}%`;

/** One page of a hosting account's POP accounts (optionally one domain's), by address. */
export async function listMailboxes(
  db: Kysely<DB>,
  filter: MailboxFilter,
  page: { limit: number; offset: number },
): Promise<MailboxRow[]> {
  let query = selectMailboxes(db).where('mailboxes.hosting_account_id', '=', filter.hostingAccountId);
  if (filter.domainId !== undefined) query = query.where('mailboxes.domain_id', '=', filter.domainId);
  if (filter.prefix) query = query.where('mailboxes.name', 'like', likePrefix(filter.prefix));
  const rows = await query
    .orderBy('domains.name')
    .orderBy('mailboxes.name')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(withLastLogin);
}

export async function countMailboxes(db: Kysely<DB>, filter: MailboxFilter): Promise<number> {
  let query = db
    .selectFrom('mailboxes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('hosting_account_id', '=', filter.hostingAccountId);
  if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
  if (filter.prefix) query = query.where('name', 'like', likePrefix(filter.prefix));
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Names in the given domains starting with a prefix, for autocomplete and pickers. */
export async function findMailboxAddresses(
  db: Kysely<DB>,
  domainIds: number[],
  prefix: string,
  limit: number,
): Promise<string[]> {
  if (domainIds.length === 0) return [];
  const rows = await db
    .selectFrom('mailboxes')
    .innerJoin('domains', 'domains.id', 'mailboxes.domain_id')
    .select(sql<string>`mailboxes.name || '@' || domains.name`.as('address'))
    .where('mailboxes.domain_id', 'in', domainIds)
    .where('mailboxes.name', 'like', likePrefix(prefix))
    .orderBy('mailboxes.name')
    .orderBy('domains.name')
    .limit(limit)
    .execute();
  return rows.map((r) => r.address);
}

/** Inserts one mailbox; returns its id, or 0 when the name exists already in its domain. */
export async function insertMailbox(
  db: Kysely<DB>,
  mailbox: Omit<NewMailbox, 'passwordPending'> & { passwordPending?: boolean },
): Promise<number> {
  const [id] = await insertMailboxes(db, [{ ...mailbox, passwordPending: mailbox.passwordPending ?? false }]);
  return id ?? 0;
}

/** A mailbox row as a change sees it, locked until the change's transaction ends. */
export type LockedMailbox = { id: number; passwordHash: string; passwordChangedAt: Date; quotaMb: number };

const selectLocked = (db: Kysely<DB>) =>
  db
    .selectFrom('mailboxes')
    .select(['id', 'password_hash as passwordHash', 'password_changed_at as passwordChangedAt', 'quota_mb as quotaMb'])
    .forUpdate();

/** Locks one mailbox by id (`FOR UPDATE`); undefined when it is gone. */
export async function lockMailboxById(db: Kysely<DB>, id: number): Promise<LockedMailbox | undefined> {
  return selectLocked(db).where('id', '=', id).executeTakeFirst();
}

/** Locks one mailbox by domain and name (`FOR UPDATE`): concurrent changes of it queue here. */
export async function lockMailbox(db: Kysely<DB>, domainId: number, name: string): Promise<LockedMailbox | undefined> {
  return selectLocked(db).where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst();
}

/** Sets a password hash; returns whether a row changed. */
export async function setMailboxPassword(db: Kysely<DB>, id: number, passwordHash: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('mailboxes')
    .set({ password_hash: passwordHash, password_changed_at: at, password_pending: false })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Puts a previous hash back, only if the row still holds `current` (compare-and-set). */
export async function restoreMailboxPassword(
  db: Kysely<DB>,
  id: number,
  current: string,
  previous: { hash: string; changedAt: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('mailboxes')
    .set({ password_hash: previous.hash, password_changed_at: previous.changedAt })
    .where('id', '=', id)
    .where('password_hash', '=', current)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setMailboxQuota(db: Kysely<DB>, id: number, quotaMb: number): Promise<boolean> {
  const result = await db.updateTable('mailboxes').set({ quota_mb: quotaMb }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Locks a mailbox by id if it still holds `passwordHash`; false when it is gone or holds another. */
export async function lockMailboxHolding(db: Kysely<DB>, id: number, passwordHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('mailboxes')
    .select('id')
    .where('id', '=', id)
    .where('password_hash', '=', passwordHash)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes a mailbox; returns whether it went. */
export async function deleteMailbox(db: Kysely<DB>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('mailboxes').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Stored usage of one login, as the mail server reported it. */
export async function usageOf(db: Kysely<DB>, username: string): Promise<{ bytes: number; messages: number }> {
  const row = await db
    .selectFrom('mailbox_usage')
    .select([sql<number>`bytes::float8`.as('bytes'), sql<number>`messages::float8`.as('messages')])
    .where('username', '=', username)
    .executeTakeFirst();
  return { bytes: Number(row?.bytes ?? 0), messages: Number(row?.messages ?? 0) };
}

/** The latest login of a login name the mail server recorded (the Main Account's, by its username). */
export async function lastLoginOf(db: Kysely<DB>, username: string): Promise<{ at: Date; protocol: string } | null> {
  const row = await db
    .selectFrom('last_logins')
    .select(['protocol', sql<number>`last_login::float8`.as('at')])
    .where('username', '=', username)
    .orderBy('last_login', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: new Date(row.at * 1000), protocol: row.protocol } : null;
}

/** Suspends (at a time) or resumes (null) an account; false when it is gone. */
export async function setMailboxSuspended(
  db: Kysely<DB>,
  id: number,
  suspendedAt: Date | null,
  incoming: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('mailboxes')
    .set({ suspended_at: suspendedAt, suspended_incoming: incoming })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Forget the usage of a deleted login, so a later account of the same name starts empty. */
export async function deleteUsage(db: Kysely<DB>, ...usernames: string[]): Promise<void> {
  if (usernames.length > 0) await db.deleteFrom('mailbox_usage').where('username', 'in', usernames).execute();
}

type NewMailbox = {
  hostingAccountId: number;
  domainId: number;
  name: string;
  passwordHash: string;
  quotaMb: number;
  at: Date;
  passwordPending: boolean;
};

/** Of the names asked about, those that already exist in their domain (with what was asked). */
export async function existingNames<T extends { name: string; domainId: number }>(
  db: Kysely<DB>,
  wanted: readonly T[],
): Promise<T[]> {
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('mailboxes')
    .select(['name', 'domain_id as domainId'])
    .where('domain_id', 'in', [...new Set(wanted.map((w) => w.domainId))])
    .where('name', 'in', [...new Set(wanted.map((w) => w.name))])
    .execute();
  const taken = new Set(rows.map((r) => `${r.domainId}/${r.name}`));
  return wanted.filter((w) => taken.has(`${w.domainId}/${w.name}`));
}

/**
 * Inserts many mailboxes in one statement; returns their ids in the order given. A name that exists
 * already is skipped, so fewer ids than rows means a duplicate.
 */
export async function insertMailboxes(db: Kysely<DB>, mailboxes: readonly NewMailbox[]): Promise<number[]> {
  const rows = await db
    .insertInto('mailboxes')
    .values(
      mailboxes.map((m) => ({
        hosting_account_id: m.hostingAccountId,
        domain_id: m.domainId,
        name: m.name,
        password_hash: m.passwordHash,
        quota_mb: m.quotaMb,
        created_at: m.at,
        password_changed_at: m.at,
        password_pending: m.passwordPending,
      })),
    )
    .onConflict((oc) => oc.constraint('mailboxes_domain_name').doNothing())
    .returning(['id', 'name', 'domain_id as domainId'])
    .execute();
  const ids = new Map(rows.map((r) => [`${r.domainId}/${r.name}`, r.id]));
  return mailboxes.flatMap((m) => ids.get(`${m.domainId}/${m.name}`) ?? []);
}
