import {
  countHostingAccounts,
  findDomain,
  findHostingAccountByUsername,
  findPlanByName,
  insertDomain,
  insertHostingAccount,
  insertPlan,
  listHostingAccounts,
  listPlans,
  setHostingAccountPassword,
} from '../db/hosting.repository.ts';
import { deleteBinding, insertBinding, listBindings } from '../db/access.repository.ts';
import type { Platform } from '../db/schema.ts';
import { fail, guard, type Result } from './errors.ts';
import { isValidDomain, isValidUsername, normalizeDomain } from './names.ts';
import { generatePassword, requireStrongPassword } from './passwords.ts';
import type { Secret } from './secret.ts';
import { CONSOLE_ACTOR, writeAudit, type ServiceDeps } from './context.ts';

export type PlanSpec = {
  name: string;
  maxPopAccounts: number;
  diskQuotaMb: number;
  defaultQuotaMb: number;
  /** 0 = unlimited (the default). */
  maxForwarders?: number;
};

const PLATFORMS: readonly Platform[] = ['slack', 'discord'];

/**
 * What only the hosting provider does, from the console: plans, hosting accounts
 * (control-panel username and password), domains, and binding chat workspaces.
 */
export function createProvisioningService(deps: ServiceDeps) {
  const { db, hasher, random, logger } = deps;

  async function hostingAccountByUsername(username: string) {
    const account = await findHostingAccountByUsername(db, username.toLowerCase());
    if (!account) fail({ code: 'NOT_FOUND', what: 'hosting account', value: username });
    return account!;
  }

  function checkDomain(name: string) {
    const domain = normalizeDomain(name);
    if (!isValidDomain(domain))
      fail({
        code: 'INVALID_VALUE',
        what: 'domain',
        value: name,
        rule: 'an ASCII domain name such as example.com (punycode for accents)',
      });
    return domain;
  }

  const service = {
    async createPlan(spec: PlanSpec, requestId: string): Promise<Result<PlanSpec>> {
      return guard(async () => {
        if (!/^[\w .-]{1,40}$/.test(spec.name))
          fail({
            code: 'INVALID_VALUE',
            what: 'plan name',
            value: spec.name,
            rule: '1–40 letters, digits, spaces, dots or dashes',
          });
        if (spec.defaultQuotaMb > spec.diskQuotaMb)
          fail({
            code: 'QUOTA_OVER_DISK',
            value: `${spec.defaultQuotaMb}MB`,
            quotaMb: spec.defaultQuotaMb,
            diskMb: spec.diskQuotaMb,
          });
        if (await findPlanByName(db, spec.name)) fail({ code: 'ALREADY_EXISTS', what: 'plan', value: spec.name });
        await db.transaction().execute(async (trx) => {
          await insertPlan(trx, spec);
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'plan create',
            target: spec.name,
            outcome: 'ok',
            detail: `${spec.maxPopAccounts} POP, ${spec.diskQuotaMb} MB disk`,
          });
        });
        return spec;
      });
    },

    async listPlans(): Promise<PlanSpec[]> {
      const plans = await listPlans(db);
      return plans.map((p) => ({
        name: p.name,
        maxPopAccounts: p.max_pop_accounts,
        diskQuotaMb: p.disk_quota_mb,
        defaultQuotaMb: p.default_quota_mb,
        maxForwarders: p.max_forwarders,
      }));
    },

    /**
     * Creates a hosting account with its Main Account (login = username) and its domains.
     * Without a password, one is generated and returned once.
     */
    async createHostingAccount(
      spec: { username: string; password?: Secret; plan: string; domains: string[]; isDemo?: boolean },
      requestId: string,
    ): Promise<Result<{ username: string; password: Secret; generated: boolean; domains: string[] }>> {
      return guard(async () => {
        const username = spec.username.toLowerCase();
        if (!isValidUsername(username))
          fail({
            code: 'INVALID_VALUE',
            what: 'username',
            value: spec.username,
            rule: 'a letter, then letters a–z and digits, at most 32',
          });
        const plan = await findPlanByName(db, spec.plan);
        if (!plan) fail({ code: 'NOT_FOUND', what: 'plan', value: spec.plan });
        if (await findHostingAccountByUsername(db, username))
          fail({ code: 'ALREADY_EXISTS', what: 'hosting account', value: username });
        const domains = spec.domains.map(checkDomain);
        for (const domain of domains)
          if (await findDomain(db, domain)) fail({ code: 'ALREADY_EXISTS', what: 'domain', value: domain });
        if (spec.password)
          await requireStrongPassword(spec.password, { name: username, domain: domains[0] ?? username }, deps.strength);
        const password = spec.password ?? generatePassword(random);
        const passwordHash = await hasher.hash(password);
        await db.transaction().execute(async (trx) => {
          const id = await insertHostingAccount(trx, {
            username,
            passwordHash,
            planId: plan!.id,
            isDemo: spec.isDemo ?? false,
          });
          for (const domain of domains) await insertDomain(trx, id, domain);
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'account create',
            target: username,
            outcome: 'ok',
            detail: `plan ${plan!.name}; ${domains.join(', ')}`,
            hostingAccountId: id,
          });
        });
        logger.info({ command: 'account create', target: username, requestId }, 'hosting account created');
        return { username, password, generated: !spec.password, domains };
      });
    },

    listHostingAccounts: () => listHostingAccounts(db, { all: true }),

    /** Sets the control-panel password, which is also the Main Account's POP password. */
    async setHostingAccountPassword(
      username: string,
      password: Secret | undefined,
      requestId: string,
    ): Promise<Result<{ username: string; password: Secret; generated: boolean }>> {
      return guard(async () => {
        const account = await hostingAccountByUsername(username);
        if (password)
          await requireStrongPassword(password, { name: account.username, domain: account.username }, deps.strength);
        const secret = password ?? generatePassword(random);
        const hash = await hasher.hash(secret);
        await db.transaction().execute(async (trx) => {
          await setHostingAccountPassword(trx, account.id, hash, deps.clock.now());
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'account passwd',
            target: account.username,
            outcome: 'ok',
            detail: null,
            hostingAccountId: account.id,
          });
        });
        return { username: account.username, password: secret, generated: !password };
      });
    },

    async addDomain(
      username: string,
      domainName: string,
      requestId: string,
    ): Promise<Result<{ username: string; domain: string }>> {
      return guard(async () => {
        const account = await hostingAccountByUsername(username);
        const domain = checkDomain(domainName);
        if (await findDomain(db, domain)) fail({ code: 'ALREADY_EXISTS', what: 'domain', value: domain });
        await db.transaction().execute(async (trx) => {
          await insertDomain(trx, account.id, domain);
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'domain add',
            target: domain,
            outcome: 'ok',
            detail: account.username,
            hostingAccountId: account.id,
          });
        });
        return { username: account.username, domain };
      });
    },

    /** Binds a Slack workspace or Discord guild to one hosting account, or to all (`*`). */
    async bind(
      platform: string,
      workspaceId: string,
      username: string,
      requestId: string,
      unbind = false,
    ): Promise<Result<{ changed: boolean }>> {
      return guard(async () => {
        if (!PLATFORMS.includes(platform as Platform))
          fail({ code: 'INVALID_VALUE', what: 'platform', value: platform, rule: 'slack or discord' });
        if (!/^[A-Za-z0-9:_-]{1,64}$/.test(workspaceId))
          fail({
            code: 'INVALID_VALUE',
            what: 'workspace id',
            value: workspaceId,
            rule: 'a Slack team id (T…) or Discord guild id',
          });
        const accountId = username === '*' ? null : (await hostingAccountByUsername(username)).id;
        const changed = await db.transaction().execute(async (trx) => {
          const done = unbind
            ? await deleteBinding(trx, platform as Platform, workspaceId, accountId)
            : await insertBinding(trx, platform as Platform, workspaceId, accountId);
          if (done)
            await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
              command: unbind ? 'unbind' : 'bind',
              target: `${platform} ${workspaceId}`,
              outcome: 'ok',
              detail: username,
              hostingAccountId: accountId,
            });
          return done;
        });
        return { changed };
      });
    },

    /** Which workspace is bound to which hosting account; `username` null means every one. */
    async listBindings(): Promise<{ platform: Platform; workspaceId: string; username: string | null }[]> {
      const bindings = await listBindings(db);
      return bindings.map((b) => ({ platform: b.platform, workspaceId: b.workspace_id, username: b.username }));
    },

    /** On an empty embedded database: a labelled demo hosting account so `pop add scott 10MB` works at once. */
    async ensureDemo(requestId: string): Promise<{ username: string; password: Secret; domain: string } | null> {
      if ((await countHostingAccounts(db)) > 0) return null;
      if (!(await findPlanByName(db, 'Demo')))
        await service.createPlan(
          { name: 'Demo', maxPopAccounts: 10, diskQuotaMb: 1024, defaultQuotaMb: 10 },
          requestId,
        );
      const created = await service.createHostingAccount(
        { username: 'demo', plan: 'Demo', domains: ['example.com'], isDemo: true },
        requestId,
      );
      if (!created.ok) throw new Error(`demo account not created: ${created.error.code}`);
      return { username: created.value.username, password: created.value.password, domain: 'example.com' };
    },
  };
  return service;
}
