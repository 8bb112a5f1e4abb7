import type { Kysely } from 'kysely';
import type { DB, Platform } from './schema.ts';

export type PendingRow = {
  id: string;
  kind: string;
  platform: Platform;
  workspaceId: string;
  actorId: string;
  payload: unknown;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: string | null;
  outcome: string | null;
};

const columns = [
  'id',
  'kind',
  'platform',
  'workspace_id as workspaceId',
  'actor_id as actorId',
  'payload',
  'expires_at as expiresAt',
  'used_at as usedAt',
  'used_by as usedBy',
  'outcome',
] as const;

export async function insertPendingAction(
  db: Kysely<DB>,
  action: Omit<PendingRow, 'usedAt' | 'usedBy' | 'outcome'>,
): Promise<void> {
  await db
    .insertInto('pending_actions')
    .values({
      id: action.id,
      kind: action.kind,
      platform: action.platform,
      workspace_id: action.workspaceId,
      actor_id: action.actorId,
      payload: JSON.stringify(action.payload),
      expires_at: action.expiresAt,
    })
    .execute();
}

/** The action as it stands, used or not; only within the workspace it was made in. */
export async function findPendingAction(
  db: Kysely<DB>,
  id: string,
  platform: Platform,
  workspaceId: string,
): Promise<PendingRow | undefined> {
  return db
    .selectFrom('pending_actions')
    .select(columns)
    .where('id', '=', id)
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst() as Promise<PendingRow | undefined>;
}

/**
 * Marks the action used, if nobody has and it has not expired; returns it when this call won.
 * A concurrent consumer waits on the row lock and then finds it used: one winner, however many clicks.
 */
export async function consumePendingAction(
  db: Kysely<DB>,
  id: string,
  usedBy: string,
  outcome: string,
  now: Date,
): Promise<PendingRow | undefined> {
  return db
    .updateTable('pending_actions')
    .set({ used_at: now, used_by: usedBy, outcome })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(columns)
    .executeTakeFirst() as Promise<PendingRow | undefined>;
}

/**
 * Claims one platform delivery (a Discord interaction id, a Slack trigger id) for this process.
 * False when another process, or an earlier delivery, already has it.
 */
export async function claimDelivery(db: Kysely<DB>, platform: Platform, deliveryId: string): Promise<boolean> {
  const row = await db
    .insertInto('delivery_claims')
    .values({ platform, delivery_id: deliveryId })
    .onConflict((oc) => oc.columns(['platform', 'delivery_id']).doNothing())
    .returning('delivery_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets what can no longer matter: actions expired before `actionsBefore`, claims older than `claimsBefore`. */
export async function prunePending(db: Kysely<DB>, actionsBefore: Date, claimsBefore: Date): Promise<void> {
  await db.deleteFrom('pending_actions').where('expires_at', '<', actionsBefore).execute();
  await db.deleteFrom('delivery_claims').where('claimed_at', '<', claimsBefore).execute();
}
