import { findBindings, findGrantedRoles } from '../db/access.repository.ts';
import type { ScopeFilter } from '../db/hosting.repository.ts';
import { err, ok, type Result } from './errors.ts';
import { ROLES, atLeast, type Role } from './roles.ts';
import { writeAudit, type Access, type Actor, type ServiceDeps } from './context.ts';

/** Deny by default: who may act, on which hosting accounts, with which role. */
export function createAccessService(deps: ServiceDeps) {
  const { db, logger } = deps;

  /**
   * Audits a denial. A flood collapses: one entry per actor (per workspace when it is not bound)
   * and minute, with a count, and one warning for it; repeats log at debug.
   */
  async function deny(
    actor: Actor,
    requestId: string,
    command: string,
    detail: string,
    collapse: 'actor' | 'workspace' = 'actor',
  ) {
    const seen = await writeAudit(db, deps, actor, requestId, { command, outcome: 'denied', detail, collapse });
    const facts = {
      command,
      platform: actor.platform,
      workspace: actor.workspaceId,
      actor: actor.userId,
      requestId,
      detail,
      seen,
    };
    if (seen === 1) logger.warn(facts, 'command denied');
    else logger.debug(facts, 'command denied again');
  }

  return {
    /**
     * Finds the actor's binding and highest granted role. The console is the owner of everything.
     * An unbound workspace or an actor with no role is refused and audited (unless `audit` is false:
     * autocomplete asks on every keystroke and changes nothing).
     */
    async resolveAccess(
      actor: Actor,
      command: string,
      requestId: string,
      options: { audit?: boolean } = {},
    ): Promise<Result<Access>> {
      const audit = options.audit ?? true;
      if (actor.platform === 'console') return ok({ actor, role: 'owner', scope: { all: true }, requestId });
      const bindings = await findBindings(db, actor.platform, actor.workspaceId);
      if (bindings.length === 0) {
        if (audit) await deny(actor, requestId, command, 'workspace not bound', 'workspace');
        return err({ code: 'NOT_BOUND', platform: actor.platform, workspace: actor.workspaceId });
      }
      const granted = await findGrantedRoles(db, actor.platform, actor.workspaceId, actor.userId, actor.roleIds);
      const role = granted.reduce<Role | null>(
        (best, r) => (best === null || ROLES.indexOf(r) > ROLES.indexOf(best) ? r : best),
        null,
      );
      if (role === null) {
        if (audit) await deny(actor, requestId, command, 'no role granted');
        return err({ code: 'NOT_ALLOWED', command, needed: 'viewer', has: 'none' });
      }
      const scope: ScopeFilter = bindings.includes(null)
        ? { all: true }
        : { all: false, hostingAccountIds: bindings.filter((b): b is number => b !== null) };
      return ok({ actor, role, scope, requestId });
    },

    /** Audits a refusal that happens before any workspace applies (a Discord direct message). */
    async denyOutside(actor: Actor, requestId: string, detail: string): Promise<void> {
      await deny(actor, requestId, 'pop', detail, 'actor');
    },

    /** Checks that the access carries at least `needed`; refuses and audits otherwise. */
    async authorize(access: Access, command: string, needed: Role): Promise<Result<void>> {
      if (atLeast(access.role, needed)) return ok(undefined);
      await deny(access.actor, access.requestId, command, `needs ${needed}, has ${access.role}`);
      return err({ code: 'NOT_ALLOWED', command, needed, has: access.role });
    },
  };
}
