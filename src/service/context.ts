import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DB, Platform } from '../db/schema.ts';
import type { ScopeFilter } from '../db/hosting.repository.ts';
import { insertAuditEntries, insertAuditEntry } from '../db/audit.repository.ts';
import type { Hasher, Random } from './passwords.ts';
import type { Role } from './roles.ts';
import type { MailSessions } from './mail-sessions.ts';
import type { StrengthJudge } from './strength.ts';

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
  /** Judges chosen passwords off the event loop. */
  strength: StrengthJudge;
  /** Ends open mail sessions after suspend, delete and passwd (Dovecot's doveadm API), when configured. */
  mailSessions?: MailSessions;
};

export type ServiceSettings = {
  /** add/passwd per actor per minute, shared by every process. */
  rateLimitPerMinute: number;
  /** What a mail client needs besides login and password. */
  pop3: { host: string; port: number };
  /** The outgoing server (submission) for the same logins. */
  smtp: { host: string; port: number };
  /** Days the mail host keeps a deleted account's mail before deploy/mail-cleanup.sh erases it. */
  mailRetentionDays: number;
  /** Where people reach popbot's pages (one-time links); without it, no links are made. */
  publicUrl?: string;
  /** How long a one-time link works. */
  linkTtlSeconds: number;
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

export const CONSOLE_ACTOR: Actor = {
  platform: 'console',
  workspaceId: 'local',
  userId: 'console',
  userName: 'console',
  roleIds: [],
};

/** An actor whose binding and role have been checked, for one request. */
export type Access = {
  actor: Actor;
  role: Role;
  scope: ScopeFilter;
  requestId: string;
  /** The button or modal this request comes from: the change consumes it in its own transaction (SPEC §12). */
  pending?: { id: string; outcome: string };
};

/** An audit entry in the making: who and which request come from the access. */
export type AuditFacts = {
  command: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'rejected';
  detail?: string | null;
  hostingAccountId?: number | null;
  /**
   * Denials and refusals that a flood could repeat: one row per key and minute, with a count
   * (`actor`: per person; `workspace`: per workspace, for workspaces nobody may use).
   */
  collapse?: 'actor' | 'workspace';
};

/** Writes one entry per target, in one statement (a bulk import): no collapsing. */
export async function writeAudits(
  db: Kysely<DB> | Transaction<DB>,
  deps: Pick<ServiceDeps, 'clock'>,
  actor: Actor,
  requestId: string,
  entries: Omit<AuditFacts, 'collapse'>[],
): Promise<void> {
  const at = deps.clock.now();
  await insertAuditEntries(
    db,
    entries.map((facts) => auditRow(at, actor, requestId, facts, null)),
  );
}

/** Writes an audit entry; returns how many times its collapse key has been seen this minute (1 for a new row). */
export async function writeAudit(
  db: Kysely<DB> | Transaction<DB>,
  deps: Pick<ServiceDeps, 'clock'>,
  actor: Actor,
  requestId: string,
  facts: AuditFacts,
): Promise<number> {
  const at = deps.clock.now();
  const who = facts.collapse === 'workspace' ? '*' : actor.userId;
  const minute = at.toISOString().slice(0, 16);
  const collapseKey = facts.collapse
    ? [actor.platform, actor.workspaceId, who, facts.command, facts.outcome, facts.detail ?? '', minute].join('|')
    : null;
  return insertAuditEntry(db, auditRow(at, actor, requestId, facts, collapseKey));
}

/** An audit entry as its row. */
const auditRow = (at: Date, actor: Actor, requestId: string, facts: AuditFacts, collapseKey: string | null) => ({
  at,
  collapse_key: collapseKey,
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
