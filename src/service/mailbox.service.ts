import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { destinationsOf } from '../db/forwarder.repository.ts';
import {
  diskUsedBytes,
  listDomains,
  lockHostingAccount,
  resetCatchallsTo,
  type HostingAccountRow,
} from '../db/hosting.repository.ts';
import {
  countMailboxes,
  deleteMailbox,
  deleteUsage,
  findMailbox,
  findMailboxAddresses,
  insertMailbox,
  listMailboxes,
  lockMailbox,
  lockMailboxHolding,
  type MailboxRow,
  restoreMailboxPassword,
  setMailboxPassword,
  setMailboxQuota,
  setMailboxSuspended,
  getMailbox,
  lastLoginOf,
  usageOf,
} from '../db/mailbox.repository.ts';
import { countRateLimitHit } from '../db/access.repository.ts';
import { markUndelivered } from '../db/audit.repository.ts';
import { fail, failPastEnd, guard, type Result } from './errors.ts';
import { loginsOf } from './names.ts';
import { generatePassword, requireBoundedPassword, requireStrongPassword } from './passwords.ts';
import type { Secret } from './secret.ts';
import { consumeIn } from './pending.service.ts';
import { issueLinkIn, type IssuedLink } from './link.service.ts';
import { deleteLink, deleteLinksOf } from '../db/link.repository.ts';
import { resolveDomain, resolveHostingAccount, type AccountSpec, type ResolvedDomain } from './targets.ts';
import { writeAudit, type Access, type ServiceDeps } from './context.ts';

export const LIST_PAGE_SIZE = 10;

/**
 * A password just put in force, or a link just made, with what undoes it if nobody receives it
 * (SPEC §4): the new hash (null when the password did not change: `passwd --link`), the previous one
 * (none for a new account), and the link made with it.
 */
export type IssuedPassword = {
  command: 'add' | 'passwd';
  requestId: string;
  address: string;
  mailboxId: number;
  hash: string | null;
  previous: { hash: string; changedAt: Date } | null;
  linkHash?: Buffer;
};

/**
 * Everything a mail client needs; the password travels only inside the Secret. With a link, the
 * owner gets the password through it (reveal), or chooses it there (set-own: no password here).
 */
export type LoginDetails = {
  address: string;
  logins: string[];
  password?: Secret;
  link?: IssuedLink;
  pop3: { host: string; port: number };
  smtp: { host: string; port: number };
  issued: IssuedPassword;
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
  /** Made with `add --link`, and its owner has not chosen a password yet. */
  passwordPending: boolean;
  /** Since when logins (and with `incoming`, mail) are refused; null when not suspended. */
  suspended: { since: Date; incoming: boolean } | null;
  lastLogin: { at: Date; protocol: string } | null;
};

export type ListView = {
  hostingAccount: string;
  plan: string;
  /** The one domain every account shown is in (filtered by it, or the only one): shown once, not per row. */
  domain?: string;
  /** Only names starting with this. */
  prefix?: string;
  /** Accounts matching the filter, over all pages. */
  matching: number;
  main: MailboxView;
  accounts: MailboxView[];
  page: number;
  pages: number;
  popUsed: number;
  popAllowed: number;
  diskUsedBytes: number;
  diskQuotaMb: number;
};

/**
 * POP accounts: list, info, add, passwd, quota, delete. Every change reads, checks and writes in one
 * transaction with its rows locked, together with its audit entry and the click it came from (§12).
 * Checks made before the transaction are early, cheap refusals only; they are made again under the lock.
 */
export function createMailboxService(deps: ServiceDeps) {
  const { db, hasher, clock, random, logger, settings, strength } = deps;

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
      passwordPending: false,
      suspended: null,
      lastLogin: await lastLoginOf(db, hosting.username),
    };
  }

  const isMainName = (domain: ResolvedDomain, name: string) => name === domain.hostingAccount.username;

  function checkQuota(hosting: HostingAccountRow, quotaMb: number, input: string) {
    if (quotaMb > hosting.diskQuotaMb)
      fail({ code: 'QUOTA_OVER_DISK', value: input, quotaMb, diskMb: hosting.diskQuotaMb });
  }

  /**
   * Counts an add/passwd against the per-actor limit, in its own statement and before any hashing or
   * strength estimate: every attempt costs, accepted or refused, and a refused one costs nothing more.
   */
  async function takeRateLimit(access: Access, action: string) {
    if (access.role === 'owner') return;
    const now = clock.now().getTime();
    const windowStart = new Date(now - (now % 60_000));
    const { actor } = access;
    const count = await countRateLimitHit(
      db,
      `${actor.platform}:${actor.workspaceId}:${actor.userId}`,
      action,
      windowStart,
    );
    if (count > settings.rateLimitPerMinute) {
      fail({
        code: 'RATE_LIMITED',
        action,
        limit: settings.rateLimitPerMinute,
        retryAfterSeconds: Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now) / 1000)),
      });
    }
  }

  /** Records refusals that are not the user's typing (plan limit, rate limit), collapsed per actor and minute. */
  async function auditRejection<T>(
    access: Access,
    command: string,
    target: string,
    hostingAccountId: number | null,
    result: Result<T>,
  ) {
    if (!result.ok && (result.error.code === 'PLAN_LIMIT_REACHED' || result.error.code === 'RATE_LIMITED')) {
      await writeAudit(db, deps, access.actor, access.requestId, {
        command,
        target,
        outcome: 'rejected',
        detail: result.error.code,
        hostingAccountId,
        collapse: 'actor',
      });
    }
    return result;
  }

  async function findExisting(domain: ResolvedDomain, name: string) {
    const mailbox = await findMailbox(db, domain.domainId, name);
    if (!mailbox) fail({ code: 'ACCOUNT_NOT_FOUND', address: `${name}@${domain.domain}` });
    return mailbox;
  }

  /** The POP account a change is about; the Main Account is refused with the reason. */
  async function findChangeable(access: Access, spec: AccountSpec, action: 'passwd' | 'quota' | 'delete' | 'suspend') {
    const domain = await resolveDomain(deps, access, spec.domain);
    if (isMainName(domain, spec.name)) fail({ code: 'MAIN_ACCOUNT_PROTECTED', action, login: spec.name });
    const mailbox = await findExisting(domain, spec.name);
    return { domain, mailbox, address: addressOf(mailbox) };
  }

  /**
   * Inside a change's transaction: consumes the click it came from, then locks the mailbox it read
   * earlier. Gone meanwhile (deleted, or deleted and made again: another id) → not found, nothing done.
   */
  async function lockChangeable(trx: Transaction<DB>, access: Access, mailbox: MailboxRow) {
    await consumeIn(trx, deps, access.actor, access.pending);
    const locked = await lockMailbox(trx, mailbox.domainId, mailbox.name);
    if (!locked || locked.id !== mailbox.id) fail({ code: 'ACCOUNT_NOT_FOUND', address: addressOf(mailbox) });
    return locked;
  }

  const logChange = (access: Access, command: string, target: string, message: string) =>
    logger.info({ command, actor: access.actor.userId, target, requestId: access.requestId }, message);

  const addressOf = (m: { name: string; domain: string }) => `${m.name}@${m.domain}`;

  const toView = (m: MailboxRow): MailboxView => ({
    address: addressOf(m),
    logins: loginsOf(m.name, m.domain),
    quotaMb: m.quotaMb,
    usedBytes: m.usedBytes,
    messages: m.messages,
    createdAt: m.createdAt,
    passwordChangedAt: m.passwordChangedAt,
    isMain: false,
    passwordPending: m.passwordPending,
    suspended: m.suspendedAt ? { since: m.suspendedAt, incoming: m.suspendedIncoming } : null,
    lastLogin: m.lastLogin,
  });

  /** Ends the account's open mail sessions, when the mail server is configured for it; never fails the change. */
  async function endSessions(login: string) {
    if (!deps.mailSessions) return;
    try {
      await deps.mailSessions.end(login);
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message }, login }, 'open mail sessions not ended');
    }
  }

  return {
    /** Main Account first, then one page of POP accounts, with the plan's usage footer. */
    async list(access: Access, options: { domain?: string; page: number; prefix?: string }): Promise<Result<ListView>> {
      return guard(async () => {
        const { hostingAccount: hosting, domain } = await resolveHostingAccount(deps, access, options.domain);
        const filter = { hostingAccountId: hosting.id, domainId: domain?.domainId, prefix: options.prefix };
        const [total, popUsed, diskUsed, main, domains] = await Promise.all([
          countMailboxes(db, filter),
          countMailboxes(db, { hostingAccountId: hosting.id }),
          diskUsedBytes(db, hosting.id),
          mainView(hosting),
          listDomains(db, { all: false, hostingAccountIds: [hosting.id] }),
        ]);
        const pages = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
        if (options.page > pages) failPastEnd(options.page, pages);
        const page = Math.max(1, options.page);
        const rows = await listMailboxes(db, filter, { limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE });
        return {
          hostingAccount: hosting.username,
          plan: hosting.planName,
          domain: domain?.domain ?? (domains.length === 1 ? domains[0]?.domain : undefined),
          prefix: options.prefix,
          matching: total,
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
        const domain = await resolveDomain(deps, access, spec.domain);
        if (isMainName(domain, spec.name)) return mainView(domain.hostingAccount);
        return toView(await findExisting(domain, spec.name));
      });
    },

    /** Creates a POP account with a generated password; the plan limit holds under any concurrency. */
    async add(
      access: Access,
      spec: AccountSpec & { quotaMb?: number; quotaInput?: string; link?: boolean },
    ): Promise<Result<LoginDetails & { quotaMb: number }>> {
      let hostingAccountId: number | null = null;
      let address = spec.name;
      const result = await guard(async () => {
        if (spec.link && !settings.publicUrl) fail({ code: 'LINKS_NOT_CONFIGURED' });
        const domain = await resolveDomain(deps, access, spec.domain);
        const hosting = domain.hostingAccount;
        hostingAccountId = hosting.id;
        address = `${spec.name}@${domain.domain}`;
        if (isMainName(domain, spec.name)) fail({ code: 'MAIN_ACCOUNT_PROTECTED', action: 'add', login: spec.name });
        const quotaMb = spec.quotaMb ?? hosting.defaultQuotaMb;
        checkQuota(hosting, quotaMb, spec.quotaInput ?? String(quotaMb));
        if (await findMailbox(db, domain.domainId, spec.name)) fail({ code: 'ACCOUNT_EXISTS', address });
        const planLimit = {
          code: 'PLAN_LIMIT_REACHED',
          plan: hosting.planName,
          limit: hosting.maxPopAccounts,
          account: hosting.username,
          domain: domain.domain,
        } as const;
        if ((await countMailboxes(db, { hostingAccountId: hosting.id })) >= hosting.maxPopAccounts) fail(planLimit);
        await takeRateLimit(access, 'add');

        // With --link, a password nobody ever sees: the account has no usable one until its owner sets it.
        const password = generatePassword(random);
        const passwordHash = await hasher.hash(password);
        const { mailboxId, link } = await db.transaction().execute(async (trx) => {
          await consumeIn(trx, deps, access.actor, access.pending);
          await lockHostingAccount(trx, hosting.id);
          if ((await countMailboxes(trx, { hostingAccountId: hosting.id })) >= hosting.maxPopAccounts) fail(planLimit);
          // A usage row the mail server wrote after an earlier account of this name was deleted: not ours.
          await deleteUsage(trx, `${spec.name}@${domain.domain}`);
          const id = await insertMailbox(trx, {
            hostingAccountId: hosting.id,
            domainId: domain.domainId,
            name: spec.name,
            passwordHash,
            quotaMb,
            at: clock.now(),
            passwordPending: spec.link,
          });
          if (id === 0) fail({ code: 'ACCOUNT_EXISTS', address });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'add',
            target: address,
            outcome: 'ok',
            detail: `quota ${quotaMb} MB${spec.link ? '; password to be set by the owner' : ''}`,
            hostingAccountId: hosting.id,
          });
          const target = { mailboxId: id, hostingAccountId: hosting.id, address };
          const made = spec.link
            ? await issueLinkIn(trx, deps, access, { kind: 'set-own', ...target })
            : settings.publicUrl
              ? await issueLinkIn(trx, deps, access, { kind: 'reveal', ...target, password })
              : undefined;
          return { mailboxId: id, link: made };
        });
        logChange(access, 'add', address, 'mailbox created');
        const issued: IssuedPassword = {
          command: 'add',
          requestId: access.requestId,
          address,
          mailboxId,
          hash: passwordHash,
          previous: null,
          linkHash: link?.tokenHash,
        };
        const logins = loginsOf(spec.name, domain.domain);
        return {
          address,
          logins,
          password: spec.link ? undefined : password,
          link,
          pop3: settings.pop3,
          smtp: settings.smtp,
          quotaMb,
          issued,
        };
      });
      return auditRejection(access, 'add', address, hostingAccountId, result);
    },

    /**
     * Sets a new password: generated (with a one-time link to reveal it, when links are set up), or
     * chosen by the requester (checked, never echoed). With `link`, changes no password: the owner
     * chooses one through a set-your-own-password link, and the current one works until then.
     */
    async setPassword(
      access: Access,
      spec: AccountSpec & { chosen?: Secret; link?: boolean },
    ): Promise<Result<LoginDetails & { chosen: boolean }>> {
      let hostingAccountId: number | null = null;
      let address = spec.name;
      const result = await guard(async () => {
        if (spec.link && !settings.publicUrl) fail({ code: 'LINKS_NOT_CONFIGURED' });
        const changeable = await findChangeable(access, spec, 'passwd');
        const { mailbox } = changeable;
        hostingAccountId = mailbox.hostingAccountId;
        address = changeable.address;
        const target = { mailboxId: mailbox.id, hostingAccountId: mailbox.hostingAccountId, address };
        const details = {
          address,
          logins: loginsOf(mailbox.name, mailbox.domain),
          pop3: settings.pop3,
          smtp: settings.smtp,
        };
        await takeRateLimit(access, 'passwd');
        if (spec.link) {
          const link = await db.transaction().execute(async (trx) => {
            await lockChangeable(trx, access, mailbox);
            return issueLinkIn(trx, deps, access, { kind: 'set-own', ...target });
          });
          logChange(access, 'passwd', address, 'set-your-own-password link created');
          const issued: IssuedPassword = {
            command: 'passwd',
            requestId: access.requestId,
            address,
            mailboxId: mailbox.id,
            hash: null,
            previous: null,
            linkHash: link.tokenHash,
          };
          return { ...details, link, chosen: false, issued };
        }
        if (spec.chosen) {
          requireBoundedPassword(spec.chosen);
          await requireStrongPassword(spec.chosen, { name: mailbox.name, domain: mailbox.domain }, strength);
        }
        const password = spec.chosen ?? generatePassword(random);
        const passwordHash = await hasher.hash(password);
        const { previous, link } = await db.transaction().execute(async (trx) => {
          const locked = await lockChangeable(trx, access, mailbox);
          if (!(await setMailboxPassword(trx, locked.id, passwordHash, clock.now())))
            fail({ code: 'ACCOUNT_NOT_FOUND', address });
          // Earlier links gave or asked for a password that is no longer the one.
          await deleteLinksOf(trx, locked.id);
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'passwd',
            target: address,
            outcome: 'ok',
            detail: spec.chosen ? 'password chosen by requester' : 'password generated',
            hostingAccountId: mailbox.hostingAccountId,
          });
          const made =
            !spec.chosen && settings.publicUrl
              ? await issueLinkIn(trx, deps, access, { kind: 'reveal', ...target, password })
              : undefined;
          return { previous: { hash: locked.passwordHash, changedAt: locked.passwordChangedAt }, link: made };
        });
        logChange(access, 'passwd', address, 'password changed');
        await endSessions(address);
        const issued: IssuedPassword = {
          command: 'passwd',
          requestId: access.requestId,
          address,
          mailboxId: mailbox.id,
          hash: passwordHash,
          previous,
          linkHash: link?.tokenHash,
        };
        return { ...details, password, link, chosen: spec.chosen !== undefined, issued };
      });
      return auditRejection(access, 'passwd', address, hostingAccountId, result);
    },

    async setQuota(
      access: Access,
      spec: AccountSpec & { quotaMb: number; quotaInput: string },
    ): Promise<Result<{ address: string; fromMb: number; toMb: number }>> {
      return guard(async () => {
        const { domain, mailbox, address } = await findChangeable(access, spec, 'quota');
        checkQuota(domain.hostingAccount, spec.quotaMb, spec.quotaInput);
        const fromMb = await db.transaction().execute(async (trx) => {
          const locked = await lockChangeable(trx, access, mailbox);
          if (!(await setMailboxQuota(trx, locked.id, spec.quotaMb))) fail({ code: 'ACCOUNT_NOT_FOUND', address });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'quota',
            target: address,
            outcome: 'ok',
            detail: `${locked.quotaMb} MB → ${spec.quotaMb} MB`,
            hostingAccountId: mailbox.hostingAccountId,
          });
          return locked.quotaMb;
        });
        logChange(access, 'quota', address, 'quota changed');
        return { address, fromMb, toMb: spec.quotaMb };
      });
    },

    /**
     * Suspends an account: logins refused from now on (and open sessions ended), with `incoming` mail
     * refused too. Asked again with the other `incoming`, it changes that; the same again changes nothing.
     */
    async suspend(
      access: Access,
      spec: AccountSpec & { incoming: boolean },
    ): Promise<Result<{ address: string; incoming: boolean }>> {
      return guard(async () => {
        const { mailbox, address } = await findChangeable(access, spec, 'suspend');
        await db.transaction().execute(async (trx) => {
          const locked = await lockChangeable(trx, access, mailbox);
          const current = await getMailbox(trx, locked.id);
          if (current?.suspendedAt && current.suspendedIncoming === spec.incoming)
            fail({ code: 'ALREADY_SUSPENDED', address, incoming: spec.incoming });
          const since = current?.suspendedAt ?? clock.now();
          if (!(await setMailboxSuspended(trx, locked.id, since, spec.incoming)))
            fail({ code: 'ACCOUNT_NOT_FOUND', address });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'suspend',
            target: address,
            outcome: 'ok',
            detail: spec.incoming ? 'logins and incoming mail refused' : 'logins refused',
            hostingAccountId: mailbox.hostingAccountId,
          });
        });
        logChange(access, 'suspend', address, 'mailbox suspended');
        await endSessions(address);
        return { address, incoming: spec.incoming };
      });
    },

    /** Lifts a suspension: logins and incoming mail work again. */
    async resume(access: Access, spec: AccountSpec): Promise<Result<{ address: string }>> {
      return guard(async () => {
        const { mailbox, address } = await findChangeable(access, spec, 'suspend');
        await db.transaction().execute(async (trx) => {
          const locked = await lockChangeable(trx, access, mailbox);
          if (!(await getMailbox(trx, locked.id))?.suspendedAt) fail({ code: 'NOT_SUSPENDED', address });
          if (!(await setMailboxSuspended(trx, locked.id, null, false))) fail({ code: 'ACCOUNT_NOT_FOUND', address });
          await writeAudit(trx, deps, access.actor, access.requestId, {
            command: 'resume',
            target: address,
            outcome: 'ok',
            detail: null,
            hostingAccountId: mailbox.hostingAccountId,
          });
        });
        logChange(access, 'resume', address, 'mailbox resumed');
        return { address };
      });
    },

    /** Checks that an account can be changed, without changing it: the question before a confirmation or form. */
    async checkChangeable(
      access: Access,
      spec: AccountSpec,
      action: 'passwd' | 'delete',
    ): Promise<Result<MailboxView & { id: number }>> {
      return guard(async () => {
        const { mailbox } = await findChangeable(access, spec, action);
        return { ...toView(mailbox), id: mailbox.id };
      });
    },

    /**
     * Deletes a POP account; catch-alls that pointed at it fall back to the Main Account. With
     * `mailboxId` (a confirmation button), only that very account: one made again since is kept.
     */
    async remove(
      access: Access,
      spec: AccountSpec & { mailboxId?: number },
    ): Promise<Result<{ address: string; catchallsReset: string[]; mailRetentionDays: number; forwardsTo: string[] }>> {
      return guard(async () => {
        const { mailbox, address } = await findChangeable(access, spec, 'delete');
        if (spec.mailboxId !== undefined && spec.mailboxId !== mailbox.id) fail({ code: 'ACCOUNT_NOT_FOUND', address });
        const catchallsReset = await db.transaction().execute(async (trx) => {
          const locked = await lockChangeable(trx, access, mailbox);
          const reset = await resetCatchallsTo(trx, locked.id);
          // Usage first: its hosting account's total is moved while the login still maps to it.
          await deleteUsage(trx, address);
          if (!(await deleteMailbox(trx, locked.id))) fail({ code: 'ACCOUNT_NOT_FOUND', address });
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
        await endSessions(address);
        // Forwarders from the address stay (a name without an account may forward); say so.
        const forwardsTo = await destinationsOf(db, mailbox.domainId, mailbox.name);
        return { address, catchallsReset, mailRetentionDays: settings.mailRetentionDays, forwardsTo };
      });
    },

    /**
     * Takes back a password nobody received (SPEC §4): the previous hash goes back, or a new account
     * goes away, unless the row was changed again meanwhile (compare-and-set on the hash). The change's
     * audit entry then says "delivery failed" and what was done. Returns whether it was undone.
     */
    async withdraw(issued: IssuedPassword): Promise<boolean> {
      const undone = await db.transaction().execute(async (trx) => {
        let done = false;
        const linkGone = issued.linkHash ? await deleteLink(trx, issued.linkHash) : false;
        if (issued.hash === null) {
          done = linkGone;
        } else if (issued.previous) {
          done = await restoreMailboxPassword(trx, issued.mailboxId, issued.hash, issued.previous);
        } else if (await lockMailboxHolding(trx, issued.mailboxId, issued.hash)) {
          await resetCatchallsTo(trx, issued.mailboxId);
          done = await deleteMailbox(trx, issued.mailboxId);
        }
        const what =
          issued.hash === null
            ? 'link withdrawn'
            : issued.previous
              ? 'previous password put back'
              : 'account removed again';
        for (const command of [issued.command, 'link'])
          await markUndelivered(trx, issued.requestId, command, done ? what : 'changed again meanwhile, left as it is');
        return done;
      });
      logger.warn(
        { command: issued.command, target: issued.address, requestId: issued.requestId, undone },
        'password not delivered; change withdrawn',
      );
      return undone;
    },

    /** Addresses the actor may manage that start with `prefix` (autocomplete, pickers). */
    async suggestAddresses(access: Access, prefix: string, limit: number): Promise<string[]> {
      const domains = await listDomains(db, access.scope);
      const [name, domainPart] = prefix.toLowerCase().split('@');
      const ids = domains
        .filter((d) => domainPart === undefined || d.domain.startsWith(domainPart))
        .map((d) => d.domainId);
      return findMailboxAddresses(db, ids, name ?? '', limit);
    },
  };
}
