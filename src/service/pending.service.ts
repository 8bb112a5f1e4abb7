import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB, Platform } from '../db/schema.ts';
import {
  claimDelivery,
  consumePendingAction,
  findPendingAction,
  insertPendingAction,
  prunePending,
  type PendingRow,
} from '../db/pending.repository.ts';
import { pruneRateLimits } from '../db/access.repository.ts';
import { fail, guard, type Result } from './errors.ts';
import type { Access, Actor, ServiceDeps } from './context.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Pending actions (SPEC §12): every button and modal names a row by a short random id. Running one
 * consumes it in the same transaction as its change, so a double click, a replayed payload or two
 * replicas run it once; the loser learns what the winner did.
 */
export function createPendingService(deps: ServiceDeps) {
  const { db, clock } = deps;
  let lastPrune = 0;

  return {
    /** Stores an action for the requester; the id goes into the button. 96 random bits: not guessable. */
    async create(access: Access, kind: string, payload: unknown, ttlSeconds: number): Promise<string> {
      const id = randomBytes(12).toString('base64url');
      const { actor } = access;
      const expiresAt = new Date(clock.now().getTime() + ttlSeconds * 1000);
      await insertPendingAction(db, {
        id,
        kind,
        platform: actor.platform,
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        payload,
        expiresAt,
      });
      return id;
    },

    /**
     * The action behind a click, if it is this workspace's and still open. Refuses a forged id, another
     * person's button, an expired one, and one already used (saying by whom and what it did).
     */
    async open(actor: Actor, id: string, describe: (payload: unknown) => string): Promise<Result<unknown>> {
      return guard(async () => {
        const row = /^[A-Za-z0-9_-]{16}$/.test(id)
          ? await findPendingAction(db, id, actor.platform, actor.workspaceId)
          : undefined;
        if (!row) fail({ code: 'ACTION_UNKNOWN' });
        if (row.actorId !== actor.userId) fail({ code: 'ACTION_NOT_YOURS' });
        if (row.usedAt) failUsed(row, row.usedAt);
        if (new Date(row.expiresAt).getTime() <= clock.now().getTime())
          fail({ code: 'ACTION_EXPIRED', what: describe(row.payload) });
        return row.payload;
      });
    },

    /** Consumes the action on its own (Cancel): one winner. */
    async consume(actor: Actor, id: string, outcome: string): Promise<Result<void>> {
      return guard(() => db.transaction().execute((trx) => consumeIn(trx, deps, actor, { id, outcome })));
    },

    /** Claims a platform delivery id for this process; false when it was claimed before (SPEC §12). */
    async claim(platform: Platform, deliveryId: string): Promise<boolean> {
      return claimDelivery(db, platform, deliveryId.slice(0, 200));
    },

    /** At most once a minute per process: forgets expired actions, old claims and rate-limit windows. */
    async housekeep(): Promise<void> {
      const now = clock.now().getTime();
      if (now - lastPrune < 60_000) return;
      lastPrune = now;
      await prunePending(db, new Date(now - DAY_MS), new Date(now - DAY_MS));
      await pruneRateLimits(db, new Date(now - 60 * 60 * 1000));
    },
  };
}

/**
 * Consumes a request's pending action (`Access.pending`) inside a change's transaction: the change and
 * the click's use commit together or not at all. A lost race fails with what the winner did.
 */
export async function consumeIn(
  trx: Transaction<DB> | Kysely<DB>,
  deps: Pick<ServiceDeps, 'clock'>,
  actor: Actor,
  pending: Access['pending'],
): Promise<void> {
  if (!pending) return;
  if (await consumePendingAction(trx, pending.id, actor.userName, pending.outcome, deps.clock.now())) return;
  const row = await findPendingAction(trx, pending.id, actor.platform, actor.workspaceId);
  if (row?.usedAt) failUsed(row, row.usedAt);
  fail({ code: 'ACTION_EXPIRED', what: 'do this' });
}

/** "Already done: … by … at …", from the used row. */
function failUsed(row: PendingRow, usedAt: Date): never {
  return fail({
    code: 'ACTION_USED',
    outcome: row.outcome ?? 'used',
    by: row.usedBy ?? 'someone',
    at: new Date(usedAt),
  });
}
