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
  request: {
    at: Date;
    hostingAccountId: number;
    platform: AuditInsert['platform'];
    workspaceId: string;
    actorId: string;
    actorName: string;
    planName: string;
    popUsed: number;
    popAllowed: number;
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
