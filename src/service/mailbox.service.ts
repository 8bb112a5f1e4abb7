import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { diskUsedBytes, listDomains, lockHostingAccount, resetCatchallsTo, type HostingAccountRow } from '../db/hosting.repository.ts';
import {
  countMailboxes,
  deleteMailbox,
  deleteUsage,
  findMailbox,
  findMailboxAddresses,
  insertMailbox,
  listMailboxes,
  type MailboxRow,
  setMailboxPassword,
  setMailboxQuota,
  usageOf,
} from '../db/mailbox.repository.ts';
import { countRateLimitHit } from '../db/access.repository.ts';
import { fail, guard, type Result } from './errors.ts';
import { loginsOf } from './names.ts';
import { generatePassword, requireStrongPassword } from './passwords.ts';
import type { Secret } from './secret.ts';
import { resolveDomain, resolveHostingAccount, type AccountSpec, type ResolvedDomain } from './targets.ts';
import { writeAudit, type Access, type ServiceDeps } from './context.ts';

export const LIST_PAGE_SIZE = 10;

/** Everything a mail client needs; the password travels only inside the Secret. */
export type LoginDetails = {
  address: string;
  logins: string[];
  password: Secret;
  pop3: { host: string; port: number };
};

export type MailboxView = {
  address: string;
  logins: string[];
  quotaMb: number;
  usedBytes: number;
  messages: number;
  createdAt: Date;
  passwordChangedAt: Date;
  isMain: boolean;
};

export type ListView = {
  hostingAccount: string;
  plan: string;
  domain?: string;
  main: MailboxView;
  accounts: MailboxView[];
  page: number;
  pages: number;
  popUsed: number;
  popAllowed: number;
  diskUsedBytes: number;
  diskQuotaMb: number;
};

/** POP accounts: list, info, add, passwd, quota, delete. Every change is one transaction with its audit entry. */
export function createMailboxService(deps: ServiceDeps) {
  const { db, hasher, clock, random, logger, settings } = deps;

  /** The Main Account as a mailbox: bare login, the hosting account's disk quota. */
  async function mainView(hosting: HostingAccountRow): Promise<MailboxView> {
    const usage = await usageOf(db, hosting.username);
    return {
      address: hosting.username,
      logins: [hosting.username],
      quotaMb: hosting.diskQuotaMb,
      usedBytes: usage.bytes,
      messages: usage.messages,
      createdAt: hosting.createdAt,
      passwordChangedAt: hosting.passwordChangedAt,
      isMain: true,
    };
  }

  const isMainName = (domain: ResolvedDomain, name: string) => name === domain.hostingAccount.username;

  function checkQuota(hosting: HostingAccountRow, quotaMb: number, input: string) {
    if (quotaMb > hosting.diskQuotaMb) fail({ code: 'QUOTA_OVER_DISK', value: input, quotaMb, diskMb: hosting.diskQuotaMb });
  }

  /** Counts add/passwd against the per-actor limit inside the change's transaction: a failed change costs nothing. */
  async function takeRateLimit(trx: Transaction<DB>, access: Access, action: string) {
    if (access.role === 'owner') return;
    const now = clock.now().getTime();
    const windowStart = new Date(now - (now % 60_000));
    const { actor } = access;
    const count = await countRateLimitHit(trx, `${actor.platform}:${actor.workspaceId}:${actor.userId}`, action, windowStart);
    if (count > settings.rateLimitPerMinute) {
      fail({ code: 'RATE_LIMITED', action, limit: settings.rateLimitPerMinute, retryAfterSeconds: Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now) / 1000)) });
    }
  }

  /** Records refusals that are not the user's typing (plan limit, rate limit) in their own transaction. */
  async function auditRejection<T>(access: Access, command: string, target: string, hostingAccountId: number | null, result: Result<T>) {
    if (!result.ok && (result.error.code === 'PLAN_LIMIT_REACHED' || result.error.code === 'RATE_LIMITED')) {
      await writeAudit(db, deps, access.actor, access.requestId, { command, target, outcome: 'rejected', detail: result.error.code, hostingAccountId });
    }
    return result;
  }

  async function findExisting(domain: ResolvedDomain, name: string) {
    const mailbox = await findMailbox(db, domain.domainId, name);
    if (!mailbox) fail({ code: 'ACCOUNT_NOT_FOUND', address: `${name}@${domain.domain}` });
    return mailbox!;
  }

  /** The POP account a change is about; the Main Account is refused with the reason. */
  async function findChangeable(access: Access, spec: AccountSpec, action: 'passwd' | 'quota' | 'delete') {
    const domain = await resolveDomain(db, access, spec.domain);
    if (isMainName(domain, spec.name)) fail({ code: 'MAIN_ACCOUNT_PROTECTED', action, login: spec.name });
    const mailbox = await findExisting(domain, spec.name);
    return { domain, mailbox, address: addressOf(mailbox) };
  }

  const logChange = (access: Access, command: string, target: string, message: string) =>
    logger.info({ command, actor: access.actor.userId, target, requestId: access.requestId }, message);

  const addressOf = (m: MailboxRow) => `${m.name}@${m.domain}`;

  const toView = (m: MailboxRow): MailboxView => ({
    address: addressOf(m),
    logins: loginsOf(m.name, m.domain),
    quotaMb: m.quotaMb,
    usedBytes: m.usedBytes,
    messages: m.messages,
    createdAt: m.createdAt,
    passwordChangedAt: m.passwordChangedAt,
    isMain: false,
  });

  return {
    /** Main Account first, then one page of POP accounts, with the plan's usage footer. */
    async list(access: Access, options: { domain?: string; page: number }): Promise<Result<ListView>> {
      return guard(async () => {
        const { hostingAccount: hosting, domain } = await resolveHostingAccount(db, access, options.domain);
        const filter = { hostingAccountId: hosting.id, domainId: domain?.domainId };
        const [total, popUsed, diskUsed, main] = await Promise.all([
          countMailboxes(db, filter),
          countMailboxes(db, { hostingAccountId: hosting.id }),
          diskUsedBytes(db, hosting.id),
          mainView(hosting),
        ]);
        const pages = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
        const page = Math.min(Math.max(1, options.page), pages);
        const rows = await listMailboxes(db, filter, { limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE });
        return {
          hostingAccount: hosting.username,
          plan: hosting.planName,
          domain: domain?.domain,
          main,
          accounts: rows.map(toView),
          page,
          pages,
          popUsed,
          popAllowed: hosting.maxPopAccounts,
          diskUsedBytes: diskUsed,
          diskQuotaMb: hosting.diskQuotaMb,
        };
      });
    },

    async info(access: Access, spec: AccountSpec): Promise<Result<MailboxView>> {
      return guard(async () => {
        const domain = await resolveDomain(db, access, spec.domain);
        if (isMainName(domain, spec.name)) return mainView(domain.hostingAccount);
        return toView(await findExisting(domain, spec.name));
      });
    },

    /** Creates a POP account with a generated password; the plan limit holds under any concurrency. */
    async add(access: Access, spec: AccountSpec & { quotaMb?: number; quotaInput?: string }): Promise<Result<LoginDetails & { quotaMb: number }>> {
      let hostingAccountId: number | null = null;
      let address = spec.name;
      const result = await guard(async () => {
        const domain = await resolveDomain(db, access, spec.domain);
        const hosting = domain.hostingAccount;
        hostingAccountId = hosting.id;
        address = `${spec.name}@${domain.domain}`;
        if (isMainName(domain, spec.name)) fail({ code: 'MAIN_ACCOUNT_PROTECTED', action: 'add', login: spec.name });
        const quotaMb = spec.quotaMb ?? hosting.defaultQuotaMb;
        checkQuota(hosting, quotaMb, spec.quotaInput ?? String(quotaMb));
        // Cheap checks first, so a refused add costs no hashing; both are checked again under the lock.
        if (await findMailbox(db, domain.domainId, spec.name)) fail({ code: 'ACCOUNT_EXISTS', address });
        const planLimit = { code: 'PLAN_LIMIT_REACHED', plan: hosting.planName, limit: hosting.maxPopAccounts, account: hosting.username, domain: domain.domain } as const;
        if ((await countMailboxes(db, { hostingAccountId: hosting.id })) >= hosting.maxPopAccounts) fail(planLimit);

        const password = generatePassword(random);
        const passwordHash = await hasher.hash(password);
        await db.transaction().execute(async (trx) => {
          await lockHostingAccount(trx, hosting.id);
          if ((await countMailboxes(trx, { hostingAccountId: hosting.id })) >= hosting.maxPopAccounts) fail(planLimit);
          await takeRateLimit(trx, access, 'add');
          const id = await insertMailbox(trx, { hostingAccountId: hosting.id, domainId: domain.domainId, name: spec.name, passwordHash, quotaMb, at: clock.now() });
          if (id === 0) fail({ code: 'ACCOUNT_EXISTS', address });
          await writeAudit(trx, deps, access.actor, access.requestId, { command: 'add', target: address, outcome: 'ok', detail: `quota ${quotaMb} MB`, hostingAccountId: hosting.id });
        });
        logChange(access, 'add', address, 'mailbox created');
        return { address, logins: loginsOf(spec.name, domain.domain), password, pop3: settings.pop3, quotaMb };
      });
      return auditRejection(access, 'add', address, hostingAccountId, result);
    },

    /** Sets a new password: generated, or chosen by the requester (checked, never echoed). */
    async setPassword(access: Access, spec: AccountSpec & { chosen?: Secret }): Promise<Result<LoginDetails & { chosen: boolean }>> {
      let hostingAccountId: number | null = null;
      let address = spec.name;
      const result = await guard(async () => {
        const changeable = await findChangeable(access, spec, 'passwd');
        const { mailbox } = changeable;
        hostingAccountId = mailbox.hostingAccountId;
        address = changeable.address;
        if (spec.chosen) requireStrongPassword(spec.chosen, { name: mailbox.name, domain: mailbox.domain });
        const password = spec.chosen ?? generatePassword(random);
        const passwordHash = await hasher.hash(password);
        await db.transaction().execute(async (trx) => {
          await takeRateLimit(trx, access, 'passwd');
          await setMailboxPassword(trx, mailbox.id, passwordHash, clock.now());
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'passwd',
            target: address,
            outcome: 'ok',
            detail: spec.chosen ? 'password chosen by requester' : 'password generated',
            hostingAccountId: mailbox.hostingAccountId,
          });
        });
        logChange(access, 'passwd', address, 'password changed');
        return { address, logins: loginsOf(mailbox.name, mailbox.domain), password, pop3: settings.pop3, chosen: spec.chosen !== undefined };
      });
      return auditRejection(access, 'passwd', address, hostingAccountId, result);
    },

    async setQuota(access: Access, spec: AccountSpec & { quotaMb: number; quotaInput: string }): Promise<Result<{ address: string; fromMb: number; toMb: number }>> {
      return guard(async () => {
        const { domain, mailbox, address } = await findChangeable(access, spec, 'quota');
        checkQuota(domain.hostingAccount, spec.quotaMb, spec.quotaInput);
        await db.transaction().execute(async (trx) => {
          await setMailboxQuota(trx, mailbox.id, spec.quotaMb);
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'quota',
            target: address,
            outcome: 'ok',
            detail: `${mailbox.quotaMb} MB → ${spec.quotaMb} MB`,
            hostingAccountId: mailbox.hostingAccountId,
          });
        });
        logChange(access, 'quota', address, 'quota changed');
        return { address, fromMb: mailbox.quotaMb, toMb: spec.quotaMb };
      });
    },

    /** Checks that an account can be deleted, without deleting it: the question before the confirmation. */
    async checkDeletable(access: Access, spec: AccountSpec): Promise<Result<MailboxView>> {
      return guard(async () => {
        return toView((await findChangeable(access, spec, 'delete')).mailbox);
      });
    },

    /** Deletes a POP account; catch-alls that pointed at it fall back to the Main Account. */
    async remove(access: Access, spec: AccountSpec): Promise<Result<{ address: string; catchallsReset: string[] }>> {
      return guard(async () => {
        const { mailbox, address } = await findChangeable(access, spec, 'delete');
        const catchallsReset = await db.transaction().execute(async (trx) => {
          const reset = await resetCatchallsTo(trx, mailbox.id);
          await deleteMailbox(trx, mailbox.id);
          await deleteUsage(trx, address);
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'delete',
            target: address,
            outcome: 'ok',
            detail: reset.length > 0 ? `catch-all of ${reset.join(', ')} back to main` : null,
            hostingAccountId: mailbox.hostingAccountId,
          });
          return reset;
        });
        logChange(access, 'delete', address, 'mailbox deleted');
        return { address, catchallsReset };
      });
    },

    /** Addresses the actor may manage that start with `prefix` (autocomplete, pickers). */
    async suggestAddresses(access: Access, prefix: string, limit: number): Promise<string[]> {
      const domains = await listDomains(db, access.scope);
      const [name, domainPart] = prefix.toLowerCase().split('@');
      const ids = domains.filter((d) => domainPart === undefined || d.domain.startsWith(domainPart)).map((d) => d.domainId);
      return findMailboxAddresses(db, ids, name ?? '', limit);
    },
  };
}
