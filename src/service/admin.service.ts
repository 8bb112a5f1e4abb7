import { deleteGrant, upsertGrant, type GrantSubject } from '../db/access.repository.ts';
import { countAuditEntries, listAuditEntries } from '../db/audit.repository.ts';
import { fail, failPastEnd, guard, type Result } from './errors.ts';
import type { GrantableRole } from './roles.ts';
import { resolveDomain, type AccountSpec } from './targets.ts';
import { writeAudit, type Access, type ServiceDeps } from './context.ts';

const AUDIT_PAGE_SIZE = 10;

export type AuditView = {
  pages: number;
  entries: {
    at: Date;
    platform: string;
    actor: string;
    command: string;
    target: string | null;
    outcome: string;
    detail: string | null;
    requestId: string;
    count: number;
  }[];
  page: number;
  target?: string;
};

/** A person or role to grant to: in the actor's own workspace, or (console only) any workspace. */
export type SubjectSpec = {
  kind: 'user' | 'role';
  id: string;
  label: string;
  platform?: GrantSubject['platform'];
  workspaceId?: string;
};

/** The audit trail and who may administer a workspace. */
export function createAdminService(deps: ServiceDeps) {
  const { db, logger } = deps;

  function subjectOf(access: Access, spec: SubjectSpec): GrantSubject {
    const crossWorkspace =
      spec.platform !== undefined &&
      (spec.platform !== access.actor.platform || spec.workspaceId !== access.actor.workspaceId);
    if (crossWorkspace && access.role !== 'owner')
      fail({ code: 'INVALID_SUBJECT', value: spec.label, example: '@someone' });
    const platform = spec.platform ?? access.actor.platform;
    const workspaceId = spec.workspaceId ?? access.actor.workspaceId;
    // Discord's @everyone is the role whose id is the guild's: granting it would grant every member.
    if (platform === 'discord' && spec.kind === 'role' && spec.id === workspaceId) fail({ code: 'EVERYONE_ROLE' });
    return { platform, workspaceId, kind: spec.kind, id: spec.id };
  }

  const describe = (s: GrantSubject, label: string) => `${label} (${s.platform} ${s.workspaceId} ${s.kind} ${s.id})`;

  return {
    async audit(access: Access, options: { account?: AccountSpec; page: number }): Promise<Result<AuditView>> {
      return guard(async () => {
        let target: string | undefined;
        if (options.account) {
          const domain = await resolveDomain(deps, access, options.account.domain);
          target =
            options.account.name === domain.hostingAccount.username
              ? domain.hostingAccount.username
              : `${options.account.name}@${domain.domain}`;
        }
        const filter = {
          hostingAccountIds: access.scope.all ? ('all' as const) : access.scope.hostingAccountIds,
          workspace: { platform: access.actor.platform, workspaceId: access.actor.workspaceId },
          target,
        };
        const pages = Math.max(1, Math.ceil((await countAuditEntries(db, filter)) / AUDIT_PAGE_SIZE));
        if (options.page > pages) failPastEnd(options.page, pages);
        const rows = await listAuditEntries(db, filter, {
          limit: AUDIT_PAGE_SIZE,
          offset: (Math.max(1, options.page) - 1) * AUDIT_PAGE_SIZE,
        });
        return {
          page: Math.max(1, options.page),
          pages,
          target,
          entries: rows.map((r) => ({
            at: new Date(r.at),
            platform: r.platform,
            actor: r.actor_name,
            command: r.command,
            target: r.target,
            outcome: r.outcome,
            detail: r.detail,
            requestId: r.request_id,
            count: r.count,
          })),
        };
      });
    },

    async grant(
      access: Access,
      spec: SubjectSpec,
      role: GrantableRole,
    ): Promise<Result<{ subject: string; role: GrantableRole }>> {
      return guard(async () => {
        const subject = subjectOf(access, spec);
        await db.transaction().execute(async (trx) => {
          await upsertGrant(trx, subject, role, `${access.actor.platform}:${access.actor.userId}`);
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'grant',
            target: describe(subject, spec.label),
            outcome: 'ok',
            detail: role,
          });
        });
        logger.info(
          { command: 'grant', actor: access.actor.userId, target: subject, role, requestId: access.requestId },
          'role granted',
        );
        return { subject: spec.label, role };
      });
    },

    async revoke(access: Access, spec: SubjectSpec): Promise<Result<{ subject: string }>> {
      return guard(async () => {
        const subject = subjectOf(access, spec);
        await db.transaction().execute(async (trx) => {
          if (!(await deleteGrant(trx, subject))) fail({ code: 'GRANT_NOT_FOUND', subject: spec.label });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'revoke',
            target: describe(subject, spec.label),
            outcome: 'ok',
          });
        });
        logger.info(
          { command: 'revoke', actor: access.actor.userId, target: subject, requestId: access.requestId },
          'role revoked',
        );
        return { subject: spec.label };
      });
    },
  };
}
