import { sql, type Kysely } from 'kysely';
import type { CatchallMode, DB } from './schema.ts';

/** Which hosting accounts an actor reaches: every one, or a list. */
export type ScopeFilter = { all: true } | { all: false; hostingAccountIds: number[] };

export type DomainRow = {
  domainId: number;
  domain: string;
  hostingAccountId: number;
  username: string;
  catchallMode: CatchallMode;
  catchallMailboxId: number | null;
};

const domainColumns = [
  'domains.id as domainId',
  'domains.name as domain',
  'domains.hosting_account_id as hostingAccountId',
  'hosting_accounts.username as username',
  'domains.catchall_mode as catchallMode',
  'domains.catchall_mailbox_id as catchallMailboxId',
] as const;

export async function listDomains(db: Kysely<DB>, scope: ScopeFilter): Promise<DomainRow[]> {
  let query = db
    .selectFrom('domains')
    .innerJoin('hosting_accounts', 'hosting_accounts.id', 'domains.hosting_account_id')
    .select(domainColumns)
    .orderBy('domains.name');
  if (!scope.all) {
    if (scope.hostingAccountIds.length === 0) return [];
    query = query.where('domains.hosting_account_id', 'in', scope.hostingAccountIds);
  }
  return query.execute();
}

export async function findDomain(db: Kysely<DB>, name: string): Promise<DomainRow | undefined> {
  return db
    .selectFrom('domains')
    .innerJoin('hosting_accounts', 'hosting_accounts.id', 'domains.hosting_account_id')
    .select(domainColumns)
    .where('domains.name', '=', name)
    .executeTakeFirst();
}

export type HostingAccountRow = {
  id: number;
  username: string;
  passwordChangedAt: Date;
  createdAt: Date;
  planId: number;
  planName: string;
  maxPopAccounts: number;
  diskQuotaMb: number;
  defaultQuotaMb: number;
  /** 0 = unlimited. */
  maxForwarders: number;
};

function selectHostingAccount(db: Kysely<DB>) {
  return db
    .selectFrom('hosting_accounts')
    .innerJoin('plans', 'plans.id', 'hosting_accounts.plan_id')
    .select([
      'hosting_accounts.id as id',
      'hosting_accounts.username as username',
      'hosting_accounts.password_changed_at as passwordChangedAt',
      'hosting_accounts.created_at as createdAt',
      'plans.id as planId',
      'plans.name as planName',
      'plans.max_pop_accounts as maxPopAccounts',
      'plans.disk_quota_mb as diskQuotaMb',
      'plans.default_quota_mb as defaultQuotaMb',
      'plans.max_forwarders as maxForwarders',
    ]);
}

export async function getHostingAccount(db: Kysely<DB>, id: number): Promise<HostingAccountRow | undefined> {
  return selectHostingAccount(db).where('hosting_accounts.id', '=', id).executeTakeFirst();
}

export async function findHostingAccountByUsername(
  db: Kysely<DB>,
  username: string,
): Promise<HostingAccountRow | undefined> {
  return selectHostingAccount(db).where('hosting_accounts.username', '=', username).executeTakeFirst();
}

export async function listHostingAccounts(db: Kysely<DB>, scope: ScopeFilter): Promise<HostingAccountRow[]> {
  let query = selectHostingAccount(db).orderBy('hosting_accounts.username');
  if (!scope.all) {
    if (scope.hostingAccountIds.length === 0) return [];
    query = query.where('hosting_accounts.id', 'in', scope.hostingAccountIds);
  }
  return query.execute();
}

/**
 * Locks the hosting account row until the transaction ends: every add for that account
 * queues here, so counting and inserting cannot race, whatever the number of processes.
 */
export async function lockHostingAccount(db: Kysely<DB>, id: number): Promise<void> {
  await db.selectFrom('hosting_accounts').select('id').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

export async function countHostingAccounts(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('hosting_accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertPlan(
  db: Kysely<DB>,
  plan: { name: string; maxPopAccounts: number; diskQuotaMb: number; defaultQuotaMb: number; maxForwarders?: number },
): Promise<number> {
  const row = await db
    .insertInto('plans')
    .values({
      name: plan.name,
      max_pop_accounts: plan.maxPopAccounts,
      disk_quota_mb: plan.diskQuotaMb,
      default_quota_mb: plan.defaultQuotaMb,
      max_forwarders: plan.maxForwarders ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findPlanByName(db: Kysely<DB>, name: string) {
  return db.selectFrom('plans').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listPlans(db: Kysely<DB>) {
  return db.selectFrom('plans').selectAll().orderBy('name').execute();
}

export async function insertHostingAccount(
  db: Kysely<DB>,
  account: { username: string; passwordHash: string; planId: number; isDemo: boolean },
): Promise<number> {
  const row = await db
    .insertInto('hosting_accounts')
    .values({
      username: account.username,
      password_hash: account.passwordHash,
      plan_id: account.planId,
      is_demo: account.isDemo,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setHostingAccountPassword(
  db: Kysely<DB>,
  id: number,
  passwordHash: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('hosting_accounts')
    .set({ password_hash: passwordHash, password_changed_at: at })
    .where('id', '=', id)
    .execute();
}

export async function insertDomain(db: Kysely<DB>, hostingAccountId: number, name: string): Promise<number> {
  const row = await db
    .insertInto('domains')
    .values({ hosting_account_id: hostingAccountId, name })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setCatchall(
  db: Kysely<DB>,
  domainId: number,
  mode: CatchallMode,
  mailboxId: number | null,
): Promise<void> {
  await db
    .updateTable('domains')
    .set({ catchall_mode: mode, catchall_mailbox_id: mailboxId })
    .where('id', '=', domainId)
    .execute();
}

/** Catch-alls that point at a mailbox fall back to the Main Account when it goes; returns the domains changed. */
export async function resetCatchallsTo(db: Kysely<DB>, mailboxId: number): Promise<string[]> {
  const rows = await db
    .updateTable('domains')
    .set({ catchall_mode: 'main', catchall_mailbox_id: null })
    .where('catchall_mailbox_id', '=', mailboxId)
    .returning('name')
    .execute();
  return rows.map((r) => r.name);
}

/** Bytes stored by every login of a hosting account, as the mail server last reported them. */
export async function diskUsedBytes(db: Kysely<DB>, hostingAccountId: number): Promise<number> {
  const row = await sql<{ bytes: number | string | null }>`
    select coalesce(sum(u.bytes), 0)::float8 as bytes
    from mailbox_usage u
    where u.username in (
      select m.name || '@' || d.name from mailboxes m join domains d on d.id = m.domain_id
      where m.hosting_account_id = ${hostingAccountId}
      union all
      select h.username from hosting_accounts h where h.id = ${hostingAccountId}
    )`.execute(db);
  return Number(row.rows[0]?.bytes ?? 0);
}

/** What a hosting account holds, against which a plan's limits are checked. */
export type HostingLoad = {
  id: number;
  username: string;
  planName: string;
  popAccounts: number;
  forwarders: number;
  largestQuotaMb: number;
  usedBytes: number;
};

/** The load of the hosting accounts on a plan, or of one hosting account; locked with `forUpdate`. */
export async function hostingLoads(
  db: Kysely<DB>,
  filter: { planId: number } | { hostingAccountId: number },
  forUpdate = false,
): Promise<HostingLoad[]> {
  let query = db
    .selectFrom('hosting_accounts as h')
    .innerJoin('plans as p', 'p.id', 'h.plan_id')
    .select((eb) => [
      'h.id as id',
      'h.username as username',
      'p.name as planName',
      eb
        .selectFrom('mailboxes as m')
        .whereRef('m.hosting_account_id', '=', 'h.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('popAccounts'),
      eb
        .selectFrom('forwarders as f')
        .whereRef('f.hosting_account_id', '=', 'h.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('forwarders'),
      eb
        .selectFrom('mailboxes as m')
        .whereRef('m.hosting_account_id', '=', 'h.id')
        .select(sql<number>`coalesce(max(m.quota_mb), 0)::int`.as('n'))
        .as('largestQuotaMb'),
      // Kept by the trigger on mailbox_usage (mail production migration); not in the DB type.
      sql<number>`coalesce((select u.bytes from hosting_usage u where u.hosting_account_id = h.id), 0)::float8`.as(
        'usedBytes',
      ),
    ])
    .orderBy('h.username');
  query =
    'planId' in filter
      ? query.where('h.plan_id', '=', filter.planId)
      : query.where('h.id', '=', filter.hostingAccountId);
  const rows = await (forUpdate ? query.forUpdate('h') : query).execute();
  return rows.map((r) => ({
    ...r,
    popAccounts: Number(r.popAccounts ?? 0),
    forwarders: Number(r.forwarders ?? 0),
    largestQuotaMb: Number(r.largestQuotaMb ?? 0),
    usedBytes: Number(r.usedBytes ?? 0),
  }));
}

export async function updatePlan(
  db: Kysely<DB>,
  id: number,
  plan: { maxPopAccounts: number; diskQuotaMb: number; defaultQuotaMb: number; maxForwarders: number },
): Promise<void> {
  await db
    .updateTable('plans')
    .set({
      max_pop_accounts: plan.maxPopAccounts,
      disk_quota_mb: plan.diskQuotaMb,
      default_quota_mb: plan.defaultQuotaMb,
      max_forwarders: plan.maxForwarders,
    })
    .where('id', '=', id)
    .execute();
}

export async function setHostingAccountPlan(db: Kysely<DB>, hostingAccountId: number, planId: number): Promise<void> {
  await db.updateTable('hosting_accounts').set({ plan_id: planId }).where('id', '=', hostingAccountId).execute();
}

/** Locks a plan row: edits of one plan, and moves onto it, queue here. */
export async function lockPlan(db: Kysely<DB>, id: number): Promise<void> {
  await db.selectFrom('plans').select('id').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}
