import type { Kysely } from 'kysely';
import type { DB, GrantRole, Platform } from './schema.ts';

/** The hosting accounts a workspace is bound to; `null` in the list means every hosting account. */
export async function findBindings(
  db: Kysely<DB>,
  platform: Platform,
  workspaceId: string,
): Promise<(number | null)[]> {
  const rows = await db
    .selectFrom('bindings')
    .select('hosting_account_id')
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((r) => r.hosting_account_id);
}

export async function insertBinding(
  db: Kysely<DB>,
  platform: Platform,
  workspaceId: string,
  hostingAccountId: number | null,
): Promise<boolean> {
  const existing = await db
    .selectFrom('bindings')
    .select('id')
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .where('hosting_account_id', hostingAccountId === null ? 'is' : '=', hostingAccountId)
    .executeTakeFirst();
  if (existing) return false;
  await db
    .insertInto('bindings')
    .values({ platform, workspace_id: workspaceId, hosting_account_id: hostingAccountId })
    .execute();
  return true;
}

export async function deleteBinding(
  db: Kysely<DB>,
  platform: Platform,
  workspaceId: string,
  hostingAccountId: number | null,
): Promise<boolean> {
  const result = await db
    .deleteFrom('bindings')
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .where('hosting_account_id', hostingAccountId === null ? 'is' : '=', hostingAccountId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listBindings(db: Kysely<DB>) {
  return db
    .selectFrom('bindings')
    .leftJoin('hosting_accounts', 'hosting_accounts.id', 'bindings.hosting_account_id')
    .select(['bindings.platform', 'bindings.workspace_id', 'hosting_accounts.username'])
    .orderBy('bindings.platform')
    .orderBy('bindings.workspace_id')
    .execute();
}

/** The roles granted to a user id or to any of the role ids, in one workspace. */
export async function findGrantedRoles(
  db: Kysely<DB>,
  platform: Platform,
  workspaceId: string,
  userId: string,
  roleIds: readonly string[],
): Promise<GrantRole[]> {
  const rows = await db
    .selectFrom('grants')
    .select('role')
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'user'), eb('subject_id', '=', userId)]),
        ...(roleIds.length > 0
          ? [eb.and([eb('subject_kind', '=', 'role'), eb('subject_id', 'in', [...roleIds])])]
          : []),
      ]),
    )
    .execute();
  return rows.map((r) => r.role);
}

export type GrantSubject = { platform: Platform; workspaceId: string; kind: 'user' | 'role'; id: string };

export async function upsertGrant(
  db: Kysely<DB>,
  subject: GrantSubject,
  role: GrantRole,
  grantedBy: string,
): Promise<void> {
  await db
    .insertInto('grants')
    .values({
      platform: subject.platform,
      workspace_id: subject.workspaceId,
      subject_kind: subject.kind,
      subject_id: subject.id,
      role,
      granted_by: grantedBy,
    })
    .onConflict((oc) => oc.constraint('grants_subject').doUpdateSet({ role, granted_by: grantedBy }))
    .execute();
}

export async function deleteGrant(db: Kysely<DB>, subject: GrantSubject): Promise<boolean> {
  const result = await db
    .deleteFrom('grants')
    .where('platform', '=', subject.platform)
    .where('workspace_id', '=', subject.workspaceId)
    .where('subject_kind', '=', subject.kind)
    .where('subject_id', '=', subject.id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Counts this actor's use of an action in the current window and returns the new count.
 * One upsert, so concurrent processes share the count without a race.
 */
export async function countRateLimitHit(
  db: Kysely<DB>,
  actorKey: string,
  action: string,
  windowStart: Date,
): Promise<number> {
  const row = await db
    .insertInto('rate_limits')
    .values({ actor_key: actorKey, action, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['actor_key', 'action', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb('rate_limits.count', '+', 1) })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

/** How many hits a key has had in a window so far, without counting one more. */
export async function rateLimitCount(
  db: Kysely<DB>,
  actorKey: string,
  action: string,
  windowStart: Date,
): Promise<number> {
  const row = await db
    .selectFrom('rate_limits')
    .select('count')
    .where('actor_key', '=', actorKey)
    .where('action', '=', action)
    .where('window_start', '=', windowStart)
    .executeTakeFirst();
  return row?.count ?? 0;
}

/** Drops windows that ended long ago. */
export async function pruneRateLimits(db: Kysely<DB>, before: Date): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', before).execute();
}
