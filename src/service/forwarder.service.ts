import { lockHostingAccount } from '../db/hosting.repository.ts';
import { findMailbox } from '../db/mailbox.repository.ts';
import {
  deleteForwarder,
  destinationsOf,
  insertForwarder,
  listForwarders,
  type ForwarderRow,
} from '../db/forwarder.repository.ts';
import { fail, guard, type Result } from './errors.ts';
import { resolveDomain, resolveHostingAccount, type AccountSpec } from './targets.ts';
import { consumeIn } from './pending.service.ts';
import { writeAudit, type Access, type ServiceDeps } from './context.ts';

/** Destinations per source (SPEC §3). */
const MAX_DESTINATIONS = 20;

/** One source and where its mail goes. */
export type ForwarderView = { source: string; destinations: string[] };

/** A deliverable address: a plain local part (no quotes, no spaces) at a domain with a dot; ≤ 254. */
const ADDRESS =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/;

/** `destination` as stored (lower-case), or null when it is no address mail can be sent to. */
function normalizeDestination(value: string): string | null {
  const lower = value.trim().toLowerCase();
  const [local = ''] = lower.split('@');
  return lower.length <= 254 && local.length <= 64 && ADDRESS.test(lower) ? lower : null;
}

/** The sources grouped, in order. */
function group(rows: ForwarderRow[]): ForwarderView[] {
  const views: ForwarderView[] = [];
  for (const row of rows) {
    const source = `${row.sourceName}@${row.domain}`;
    const last = views.at(-1);
    if (last?.source === source) last.destinations.push(row.destination);
    else views.push({ source, destinations: [row.destination] });
  }
  return views;
}

/**
 * Forwarders: mail to an address of the hosting account's domains also (a POP account keeps its copy)
 * or only (a name without an account) goes to other addresses. Postfix reads them (mail_aliases).
 */
export function createForwarderService(deps: ServiceDeps) {
  const { db, logger } = deps;

  return {
    async list(access: Access, domain: string | undefined): Promise<Result<{ forwarders: ForwarderView[] }>> {
      return guard(async () => {
        const { hostingAccount, domain: only } = await resolveHostingAccount(deps, access, domain);
        const rows = await listForwarders(db, { hostingAccountId: hostingAccount.id, domainId: only?.domainId });
        return { forwarders: group(rows) };
      });
    },

    /**
     * Adds one destination to a source, checked under the hosting account's lock: the plan's cap, 20
     * destinations per source, and no loop (the destination leading back to the source through the
     * hosting account's own forwarders).
     */
    async add(
      access: Access,
      spec: AccountSpec & { destination: string },
    ): Promise<Result<{ source: string; destination: string; keepsCopy: boolean; count: number }>> {
      return guard(async () => {
        const domain = await resolveDomain(deps, access, spec.domain);
        const hosting = domain.hostingAccount;
        const source = `${spec.name}@${domain.domain}`;
        if (spec.name === hosting.username) fail({ code: 'FORWARD_SOURCE_MAIN', login: spec.name });
        const destination = normalizeDestination(spec.destination);
        if (!destination) fail({ code: 'INVALID_ADDRESS', value: spec.destination });
        if (destination === source) fail({ code: 'FORWARD_LOOP', source, path: [source, source] });
        const keepsCopy = await db.transaction().execute(async (trx) => {
          await consumeIn(trx, deps, access.actor, access.pending);
          await lockHostingAccount(trx, hosting.id);
          const all = await listForwarders(trx, { hostingAccountId: hosting.id });
          if (hosting.maxForwarders > 0 && all.length >= hosting.maxForwarders)
            fail({ code: 'FORWARD_PLAN_LIMIT', plan: hosting.planName, limit: hosting.maxForwarders });
          const mine = all.filter((f) => f.domainId === domain.domainId && f.sourceName === spec.name);
          if (mine.some((f) => f.destination === destination)) fail({ code: 'FORWARD_EXISTS', source, destination });
          if (mine.length >= MAX_DESTINATIONS) fail({ code: 'FORWARD_LIMIT', source, limit: MAX_DESTINATIONS });
          const path = pathBack(all, destination, source);
          if (path) fail({ code: 'FORWARD_LOOP', source, path: [source, ...path] });
          await insertForwarder(trx, {
            hostingAccountId: hosting.id,
            domainId: domain.domainId,
            sourceName: spec.name,
            destination,
          });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'forward',
            target: source,
            outcome: 'ok',
            detail: `added → ${destination}`,
            hostingAccountId: hosting.id,
          });
          return (await findMailbox(trx, domain.domainId, spec.name)) !== undefined;
        });
        logger.info({ command: 'forward', actor: access.actor.userId, target: source }, 'forwarder added');
        const count = (await destinationsOf(db, domain.domainId, spec.name)).length;
        return { source, destination, keepsCopy, count };
      });
    },

    async remove(
      access: Access,
      spec: AccountSpec & { destination: string },
    ): Promise<Result<{ source: string; destination: string; remaining: string[] }>> {
      return guard(async () => {
        const domain = await resolveDomain(deps, access, spec.domain);
        const source = `${spec.name}@${domain.domain}`;
        const destination = normalizeDestination(spec.destination) ?? spec.destination.trim().toLowerCase();
        await db.transaction().execute(async (trx) => {
          await consumeIn(trx, deps, access.actor, access.pending);
          const removed = await deleteForwarder(trx, { domainId: domain.domainId, sourceName: spec.name, destination });
          if (!removed) fail({ code: 'FORWARD_NOT_FOUND', source, destination });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'forward',
            target: source,
            outcome: 'ok',
            detail: `removed → ${destination}`,
            hostingAccountId: domain.hostingAccount.id,
          });
        });
        logger.info({ command: 'forward', actor: access.actor.userId, target: source }, 'forwarder removed');
        return { source, destination, remaining: await destinationsOf(db, domain.domainId, spec.name) };
      });
    },
  };
}

/**
 * The addresses mail to `start` passes through before it reaches `target` by the hosting account's
 * forwarders, or null when it never does: adding target → start would then loop.
 */
function pathBack(all: ForwarderRow[], start: string, target: string): string[] | null {
  const next = new Map<string, string[]>();
  for (const f of all) {
    const from = `${f.sourceName}@${f.domain}`;
    next.set(from, [...(next.get(from) ?? []), f.destination]);
  }
  const seen = new Set<string>([start]);
  const queue: string[][] = [[start]];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const at = path.at(-1)!;
    if (at === target) return path;
    for (const to of next.get(at) ?? [])
      if (!seen.has(to)) {
        seen.add(to);
        queue.push([...path, to]);
      }
  }
  return null;
}
