import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DB, Platform } from '../db/schema.ts';
import type { ScopeFilter } from '../db/hosting.repository.ts';
import { insertAuditEntry } from '../db/audit.repository.ts';
import type { Hasher, Random } from './passwords.ts';
import type { Role } from './roles.ts';

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/** What the service needs from the outside world, handed in explicitly. */
export type ServiceDeps = {
  db: Kysely<DB>;
  hasher: Hasher;
  clock: Clock;
  random: Random;
  logger: Logger;
  settings: ServiceSettings;
};

export type ServiceSettings = {
  /** add/passwd per actor per minute, shared by every process. */
  rateLimitPerMinute: number;
  /** What a mail client needs besides login and password. */
  pop3: { host: string; port: number };
};

/** Who is asking: one person on one platform, in one workspace (Slack team, Discord guild, or the local console). */
export type Actor = {
  platform: Platform;
  workspaceId: string;
  userId: string;
  userName: string;
  /** Discord role ids the member holds; grants to a role apply to all its members. */
  roleIds: readonly string[];
};

export const CONSOLE_ACTOR: Actor = { platform: 'console', workspaceId: 'local', userId: 'console', userName: 'console', roleIds: [] };

/** An actor whose binding and role have been checked, for one request. */
export type Access = {
  actor: Actor;
  role: Role;
  scope: ScopeFilter;
  requestId: string;
};

/** An audit entry in the making: who and which request come from the access. */
export type AuditFacts = {
  command: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'rejected';
  detail?: string | null;
  hostingAccountId?: number | null;
};

export async function writeAudit(db: Kysely<DB> | Transaction<DB>, deps: Pick<ServiceDeps, 'clock'>, actor: Actor, requestId: string, facts: AuditFacts) {
  await insertAuditEntry(db, {
    at: deps.clock.now(),
    platform: actor.platform,
    workspace_id: actor.workspaceId,
    actor_id: actor.userId,
    actor_name: actor.userName,
    hosting_account_id: facts.hostingAccountId ?? null,
    command: facts.command,
    target: facts.target ?? null,
    outcome: facts.outcome,
    detail: facts.detail ?? null,
    request_id: requestId,
  });
}
