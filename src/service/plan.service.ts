import { diskUsedBytes, listDomains, setCatchall, type HostingAccountRow } from '../db/hosting.repository.ts';
import { countMailboxes, findMailbox, getMailbox } from '../db/mailbox.repository.ts';
import {
  closeSalesRequest,
  findSalesRequest,
  insertSalesRequest,
  listSalesRequests,
  type SalesRequestRow,
} from '../db/audit.repository.ts';
import { listForwarders } from '../db/forwarder.repository.ts';
import type { CatchallMode } from '../db/schema.ts';
import { fail, guard, type Result } from './errors.ts';
import { normalizeAccountName } from './names.ts';
import { resolveDomain, resolveHostingAccount } from './targets.ts';
import { consumeIn } from './pending.service.ts';
import { CONSOLE_ACTOR, writeAudit, type Access, type ServiceDeps } from './context.ts';

export type PlanView = {
  hostingAccount: string;
  plan: string;
  popUsed: number;
  popAllowed: number;
  diskUsedBytes: number;
  diskQuotaMb: number;
  defaultQuotaMb: number;
  domains: string[];
  forwardersUsed: number;
  /** 0 = unlimited. */
  forwardersAllowed: number;
};

export type CatchallView = { domain: string; mode: CatchallMode; account: string | null; mainLogin: string };

/** A catch-all setting as typed: a mode, or the name of a POP account. */
export type CatchallSetting = { mode: 'main' | 'fail' | 'blackhole' } | { mode: 'account'; name: string };

/** Plans, sales requests and catch-all settings. */
export function createPlanService(deps: ServiceDeps) {
  const { db, clock, logger } = deps;

  async function planView(hosting: HostingAccountRow): Promise<PlanView> {
    const [popUsed, diskUsed, domains, forwarders] = await Promise.all([
      countMailboxes(db, { hostingAccountId: hosting.id }),
      diskUsedBytes(db, hosting.id),
      listDomains(db, { all: false, hostingAccountIds: [hosting.id] }),
      listForwarders(db, { hostingAccountId: hosting.id }),
    ]);
    return {
      hostingAccount: hosting.username,
      plan: hosting.planName,
      popUsed,
      popAllowed: hosting.maxPopAccounts,
      diskUsedBytes: diskUsed,
      diskQuotaMb: hosting.diskQuotaMb,
      defaultQuotaMb: hosting.defaultQuotaMb,
      domains: domains.map((d) => d.domain),
      forwardersUsed: forwarders.length,
      forwardersAllowed: hosting.maxForwarders,
    };
  }

  return {
    async plan(access: Access, domain: string | undefined): Promise<Result<PlanView>> {
      return guard(async () => planView((await resolveHostingAccount(deps, access, domain)).hostingAccount));
    },

    /** Records a request for more POP accounts, for sales to act on. */
    async requestMore(access: Access, domain: string | undefined): Promise<Result<PlanView & { requestId: number }>> {
      return guard(async () => {
        const { hostingAccount } = await resolveHostingAccount(deps, access, domain);
        const view = await planView(hostingAccount);
        const id = await db.transaction().execute(async (trx) => {
          await consumeIn(trx, deps, access.actor, access.pending);
          const requestId = await insertSalesRequest(trx, {
            at: clock.now(),
            hostingAccountId: hostingAccount.id,
            platform: access.actor.platform,
            workspaceId: access.actor.workspaceId,
            actorId: access.actor.userId,
            actorName: access.actor.userName,
            planName: view.plan,
            popUsed: view.popUsed,
            popAllowed: view.popAllowed,
          });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'plan',
            target: hostingAccount.username,
            outcome: 'ok',
            detail: `requested more POP accounts (${view.popUsed} of ${view.popAllowed} used)`,
            hostingAccountId: hostingAccount.id,
          });
          return requestId;
        });
        logger.info(
          { command: 'plan', actor: access.actor.userId, target: hostingAccount.username, requestId: access.requestId },
          'sales request recorded',
        );
        return { ...view, requestId: id };
      });
    },

    /** Sales requests for the console, newest first (only the open ones with `open`). */
    listSales: (options: { open: boolean }): Promise<SalesRequestRow[]> => listSalesRequests(db, options),

    /**
     * Marks a sales request done (after the plan change), audited; returns it, so its requester can be
     * told where they asked. A request already done is refused with when it was done.
     */
    async closeSales(id: number, note: string | undefined, requestId: string): Promise<Result<SalesRequestRow>> {
      return guard(async () => {
        const closed = await db.transaction().execute(async (trx) => {
          const row = await closeSalesRequest(trx, id, { at: clock.now(), note: note ?? null });
          if (!row) {
            const existing = await findSalesRequest(trx, id);
            if (!existing) fail({ code: 'NOT_FOUND', what: 'sales request', value: String(id) });
            fail({
              code: 'INVALID_VALUE',
              what: 'sales request',
              value: String(id),
              rule: `it was already done${existing.doneAt ? ` on ${existing.doneAt.toISOString().slice(0, 16)} UTC` : ''}`,
            });
          }
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'sales done',
            target: row.hostingAccount,
            outcome: 'ok',
            detail: `request ${id} of ${row.actorName} (${row.platform})${note ? `: ${note}` : ''}`,
          });
          return row;
        });
        logger.info({ command: 'sales done', target: closed.hostingAccount, salesRequest: id }, 'sales request done');
        return closed;
      });
    },

    async catchall(access: Access, domainName: string | undefined): Promise<Result<CatchallView>> {
      return guard(async () => {
        const domain = await resolveDomain(deps, access, domainName);
        let account: string | null = null;
        if (domain.catchallMailboxId !== null) {
          const mailbox = await getMailbox(db, domain.catchallMailboxId);
          account = mailbox ? `${mailbox.name}@${mailbox.domain}` : null;
        }
        return { domain: domain.domain, mode: domain.catchallMode, account, mainLogin: domain.hostingAccount.username };
      });
    },

    /** Sets where mail for unknown names of a domain goes; never affects existing accounts. */
    async setCatchall(
      access: Access,
      domainName: string | undefined,
      setting: CatchallSetting,
    ): Promise<Result<CatchallView>> {
      return guard(async () => {
        const domain = await resolveDomain(deps, access, domainName);
        let mailboxId: number | null = null;
        let account: string | null = null;
        if (setting.mode === 'account') {
          const name = normalizeAccountName(setting.name);
          if (name === null) fail({ code: 'CATCHALL_TARGET_INVALID', value: setting.name });
          const mailbox = await findMailbox(db, domain.domainId, name!);
          if (!mailbox) fail({ code: 'ACCOUNT_NOT_FOUND', address: `${name}@${domain.domain}` });
          mailboxId = mailbox!.id;
          account = `${mailbox!.name}@${domain.domain}`;
        }
        await db.transaction().execute(async (trx) => {
          await setCatchall(trx, domain.domainId, setting.mode, mailboxId);
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'catchall',
            target: domain.domain,
            outcome: 'ok',
            detail: `${domain.catchallMode} → ${account ?? setting.mode}`,
            hostingAccountId: domain.hostingAccountId,
          });
        });
        logger.info(
          { command: 'catchall', actor: access.actor.userId, target: domain.domain, requestId: access.requestId },
          'catch-all changed',
        );
        return { domain: domain.domain, mode: setting.mode, account, mainLogin: domain.hostingAccount.username };
      });
    },
  };
}
