import { sql, type Insertable, type Kysely } from 'kysely';
import type { AuditEntriesTable, DB } from './schema.ts';

export type AuditInsert = Insertable<AuditEntriesTable>;

/** Inserts an entry, or counts one more on the row with the same collapse key; returns that row's count. */
export async function insertAuditEntry(db: Kysely<DB>, entry: AuditInsert): Promise<number> {
  const row = await db
    .insertInto('audit_entries')
    .values(entry)
    .onConflict((oc) => oc.column('collapse_key').doUpdateSet((eb) => ({ count: eb('audit_entries.count', '+', 1) })))
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Inserts many entries (no collapse keys) in one statement. */
export async function insertAuditEntries(db: Kysely<DB>, entries: AuditInsert[]): Promise<void> {
  if (entries.length > 0) await db.insertInto('audit_entries').values(entries).execute();
}

/**
 * Marks the entries of one request's change as not delivered (SPEC §4): the change was undone,
 * or could not be, as `detail` says.
 */
export async function markUndelivered(
  db: Kysely<DB>,
  requestId: string,
  command: string,
  detail: string,
): Promise<void> {
  await db
    .updateTable('audit_entries')
    .set((eb) => ({
      outcome: 'delivery failed',
      detail: sql<string>`coalesce(${eb.ref('detail')} || '; ', '') || ${detail}`,
    }))
    .where('request_id', '=', requestId)
    .where('command', '=', command)
    .where('outcome', '=', 'ok')
    .execute();
}

/**
 * Newest first: entries about the hosting accounts given, plus the workspace's own entries
 * (denied attempts name no hosting account); optionally only those about one target.
 */
type AuditFilter = {
  hostingAccountIds: number[] | 'all';
  workspace: { platform: AuditInsert['platform']; workspaceId: string };
  target?: string;
};

/** Entries about the hosting accounts given, plus the workspace's own (denied attempts name no hosting account). */
function selectAudit(db: Kysely<DB>, filter: AuditFilter) {
  let query = db.selectFrom('audit_entries');
  const ids = filter.hostingAccountIds;
  if (ids !== 'all') {
    query = query.where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('hosting_account_id', 'in', ids)] : []),
        eb.and([eb('platform', '=', filter.workspace.platform), eb('workspace_id', '=', filter.workspace.workspaceId)]),
      ]),
    );
  }
  return filter.target === undefined ? query : query.where('target', '=', filter.target);
}

/** Newest first; optionally only those about one target. */
export async function listAuditEntries(db: Kysely<DB>, filter: AuditFilter, page: { limit: number; offset: number }) {
  return selectAudit(db, filter)
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countAuditEntries(db: Kysely<DB>, filter: AuditFilter): Promise<number> {
  const row = await selectAudit(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSalesRequest(
  db: Kysely<DB>,
  request: Omit<SalesRequestRow, 'id' | 'hostingAccount' | 'status' | 'doneAt' | 'doneNote'> & {
    hostingAccountId: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('sales_requests')
    .values({
      at: request.at,
      hosting_account_id: request.hostingAccountId,
      platform: request.platform,
      workspace_id: request.workspaceId,
      actor_id: request.actorId,
      actor_name: request.actorName,
      plan_name: request.planName,
      pop_used: request.popUsed,
      pop_allowed: request.popAllowed,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type SalesRequestRow = {
  id: number;
  at: Date;
  hostingAccount: string;
  platform: AuditInsert['platform'];
  workspaceId: string;
  actorId: string;
  actorName: string;
  planName: string;
  popUsed: number;
  popAllowed: number;
  status: string;
  doneAt: Date | null;
  doneNote: string | null;
};

function selectSales(db: Kysely<DB>) {
  return db
    .selectFrom('sales_requests as s')
    .innerJoin('hosting_accounts as h', 'h.id', 's.hosting_account_id')
    .select([
      's.id as id',
      's.at as at',
      'h.username as hostingAccount',
      's.platform as platform',
      's.workspace_id as workspaceId',
      's.actor_id as actorId',
      's.actor_name as actorName',
      's.plan_name as planName',
      's.pop_used as popUsed',
      's.pop_allowed as popAllowed',
      's.status as status',
      's.done_at as doneAt',
      's.done_note as doneNote',
    ]);
}

const asSalesRow = (r: Omit<SalesRequestRow, 'at'> & { at: Date | string }): SalesRequestRow => ({
  ...r,
  at: new Date(r.at),
});

/** Sales requests, newest first; only the open ones with `open`. */
export async function listSalesRequests(db: Kysely<DB>, options: { open: boolean }): Promise<SalesRequestRow[]> {
  let query = selectSales(db).orderBy('s.at', 'desc').orderBy('s.id', 'desc');
  if (options.open) query = query.where('s.status', '=', 'open');
  return (await query.execute()).map(asSalesRow);
}

/** Marks an open request done and returns it; undefined when there is no such open request. */
export async function closeSalesRequest(
  db: Kysely<DB>,
  id: number,
  done: { at: Date; note: string | null },
): Promise<SalesRequestRow | undefined> {
  const closed = await db
    .updateTable('sales_requests')
    .set({ status: 'done', done_at: done.at, done_note: done.note })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  if (!closed) return undefined;
  const row = await selectSales(db).where('s.id', '=', id).executeTakeFirst();
  return row && asSalesRow(row);
}

export async function findSalesRequest(db: Kysely<DB>, id: number): Promise<SalesRequestRow | undefined> {
  const row = await selectSales(db).where('s.id', '=', id).executeTakeFirst();
  return row && asSalesRow(row);
}
