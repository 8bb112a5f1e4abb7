import {
  countHostingAccounts,
  findDomain,
  hostingLoads,
  lockPlan,
  setHostingAccountPlan,
  updatePlan,
  type HostingLoad,
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
import { formatBytes, formatMb, MB } from './units.ts';

/** What would be over a plan's limits in one hosting account, as sentences; none when it fits. */
function overLimits(load: HostingLoad, plan: Required<PlanSpec>): string[] {
  const problems: string[] = [];
  const who = load.username;
  if (load.popAccounts > plan.maxPopAccounts)
    problems.push(`${who} has ${load.popAccounts} POP accounts (limit ${plan.maxPopAccounts})`);
  if (load.usedBytes > plan.diskQuotaMb * MB)
    problems.push(`${who} stores ${formatBytes(load.usedBytes)} (disk ${formatMb(plan.diskQuotaMb)})`);
  if (load.largestQuotaMb > plan.diskQuotaMb)
    problems.push(
      `${who} has a POP account with a ${formatMb(load.largestQuotaMb)} quota (disk ${formatMb(plan.diskQuotaMb)})`,
    );
  if (plan.maxForwarders > 0 && load.forwarders > plan.maxForwarders)
    problems.push(`${who} has ${load.forwarders} forwarders (limit ${plan.maxForwarders})`);
  return problems;
}

/** A plan row as a spec. */
const specOf = (p: {
  name: string;
  max_pop_accounts: number;
  disk_quota_mb: number;
  default_quota_mb: number;
  max_forwarders: number;
}): Required<PlanSpec> => ({
  name: p.name,
  maxPopAccounts: p.max_pop_accounts,
  diskQuotaMb: p.disk_quota_mb,
  defaultQuotaMb: p.default_quota_mb,
  maxForwarders: p.max_forwarders,
});

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
      return (await listPlans(db)).map(specOf);
    },

    /**
     * Changes a plan's limits. Refused, naming each one, when a hosting account on it would be over the
     * new limits; decided with the plan and its hosting accounts locked, so no `add` slips past.
     */
    async editPlan(
      name: string,
      changes: Partial<Omit<PlanSpec, 'name'>>,
      requestId: string,
    ): Promise<Result<{ before: Required<PlanSpec>; after: Required<PlanSpec>; hostingAccounts: number }>> {
      return guard(async () => {
        const row = await findPlanByName(db, name);
        if (!row) fail({ code: 'NOT_FOUND', what: 'plan', value: name });
        return db.transaction().execute(async (trx) => {
          await lockPlan(trx, row.id);
          const before = specOf((await findPlanByName(trx, name))!);
          const after = {
            ...before,
            ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
          };
          if (after.defaultQuotaMb > after.diskQuotaMb)
            fail({
              code: 'QUOTA_OVER_DISK',
              value: formatMb(after.defaultQuotaMb),
              quotaMb: after.defaultQuotaMb,
              diskMb: after.diskQuotaMb,
            });
          const loads = await hostingLoads(trx, { planId: row.id }, true);
          const problems = loads.flatMap((load) => overLimits(load, after));
          if (problems.length > 0) fail({ code: 'PLAN_CHANGE_REFUSED', plan: name, problems });
          await updatePlan(trx, row.id, after);
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'plan edit',
            target: name,
            outcome: 'ok',
            detail: planChanges(before, after),
          });
          return { before, after, hostingAccounts: loads.length };
        });
      });
    },

    /** Moves a hosting account to another plan; refused, naming why, when it would be over the new limits. */
    async movePlan(
      username: string,
      planName: string,
      requestId: string,
    ): Promise<Result<{ username: string; from: string; to: Required<PlanSpec> }>> {
      return guard(async () => {
        const account = await hostingAccountByUsername(username);
        const row = await findPlanByName(db, planName);
        if (!row) fail({ code: 'NOT_FOUND', what: 'plan', value: planName });
        const to = specOf(row);
        return db.transaction().execute(async (trx) => {
          await lockPlan(trx, row.id);
          const [load] = await hostingLoads(trx, { hostingAccountId: account.id }, true);
          const problems = load ? overLimits(load, to) : [];
          if (problems.length > 0) fail({ code: 'PLAN_CHANGE_REFUSED', plan: planName, problems });
          await setHostingAccountPlan(trx, account.id, row.id);
          await writeAudit(trx, deps, CONSOLE_ACTOR, requestId, {
            command: 'account plan',
            target: account.username,
            outcome: 'ok',
            detail: `${load?.planName ?? account.planName} → ${planName}`,
            hostingAccountId: account.id,
          });
          return { username: account.username, from: load?.planName ?? account.planName, to };
        });
      });
    },

    /** Every plan with its limits and what each hosting account on it uses. */
    async plansUsage(): Promise<(Required<PlanSpec> & { hostingAccounts: HostingLoad[] })[]> {
      const plans = await listPlans(db);
      return Promise.all(
        plans.map(async (p) => ({ ...specOf(p), hostingAccounts: await hostingLoads(db, { planId: p.id }) })),
      );
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

/** `accounts 5 → 10, disk 1 GB → 2 GB`: what a plan edit changed, for the audit. */
function planChanges(before: Required<PlanSpec>, after: Required<PlanSpec>): string {
  const parts = [
    before.maxPopAccounts !== after.maxPopAccounts && `accounts ${before.maxPopAccounts} → ${after.maxPopAccounts}`,
    before.diskQuotaMb !== after.diskQuotaMb && `disk ${formatMb(before.diskQuotaMb)} → ${formatMb(after.diskQuotaMb)}`,
    before.defaultQuotaMb !== after.defaultQuotaMb &&
      `default quota ${formatMb(before.defaultQuotaMb)} → ${formatMb(after.defaultQuotaMb)}`,
    before.maxForwarders !== after.maxForwarders && `forwarders ${before.maxForwarders} → ${after.maxForwarders}`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.join(', ') || 'no change';
}
