import { availableParallelism } from 'node:os';
import {
  getHostingAccount,
  listDomains,
  lockHostingAccount,
  type HostingAccountRow,
} from '../db/hosting.repository.ts';
import { countMailboxes, deleteUsage, existingNames, insertMailboxes } from '../db/mailbox.repository.ts';
import { CONSOLE_ACTOR, writeAudits, type Access, type ServiceDeps } from './context.ts';
import { describeError, fail, guard, type Result } from './errors.ts';
import { issueLinkIn, type IssuedLink } from './link.service.ts';
import { loginsOf, normalizeAccountName, normalizeDomain } from './names.ts';
import { generatePassword } from './passwords.ts';
import type { Secret } from './secret.ts';
import { formatMb, parseQuota } from './units.ts';

/** One row of an import file as read: its line number (for messages), its address and quota as typed. */
export type ImportRow = { line: number; address: string; quota?: string };

/** A row that cannot be imported, and the rule it breaks. */
export type ImportProblem = { line: number; value: string; rule: string };

/** A new account as created, with its password or its set-your-own-password link. */
export type Imported = { address: string; logins: string[]; password?: Secret; link?: IssuedLink };

type Planned = { line: number; name: string; domain: string; domainId: number; quotaMb: number };

/**
 * Bulk import (SPEC §7): many POP accounts from one file. Every row is checked against the rules of
 * §2–§3 first (the dry run stops there); then each hosting account's rows are created together or
 * not at all, the plan limit and duplicates decided under its lock. Hashing runs on every core.
 */
export function createImportService(deps: ServiceDeps) {
  const { db, hasher, random, clock, settings, logger } = deps;

  /** Every problem of every row, and the accounts the rows make, grouped by hosting account. */
  async function check(rows: readonly ImportRow[]) {
    const problems: ImportProblem[] = [];
    const domains = new Map((await listDomains(db, { all: true })).map((d) => [d.domain, d]));
    const hostings = new Map<number, HostingAccountRow>();
    const planned = new Map<number, Planned[]>();
    const seen = new Map<string, number>();
    for (const row of rows) {
      const problem = (rule: string, value = row.address) => problems.push({ line: row.line, value, rule });
      const at = row.address.lastIndexOf('@');
      if (at < 0) {
        problem('give the whole address, name@domain');
        continue;
      }
      const name = normalizeAccountName(row.address.slice(0, at));
      const domain = domains.get(normalizeDomain(row.address.slice(at + 1)));
      if (name === null) {
        problem(describeError({ code: 'INVALID_NAME', value: row.address.slice(0, at) }));
        continue;
      }
      if (!domain) {
        problem(`the domain ${row.address.slice(at + 1)} belongs to no hosting account`);
        continue;
      }
      const hosting = hostings.get(domain.hostingAccountId) ?? (await getHostingAccount(db, domain.hostingAccountId))!;
      hostings.set(hosting.id, hosting);
      if (name === hosting.username) {
        problem(describeError({ code: 'MAIN_ACCOUNT_PROTECTED', action: 'add', login: name }));
        continue;
      }
      const address = `${name}@${domain.domain}`;
      const earlier = seen.get(address);
      if (earlier !== undefined) {
        problem(`${address} is already on line ${earlier}`);
        continue;
      }
      seen.set(address, row.line);
      let quotaMb = hosting.defaultQuotaMb;
      if (row.quota) {
        const quota = parseQuota(row.quota);
        if (!quota.ok) {
          problem(describeError(quota.error), row.quota);
          continue;
        }
        if (quota.mb > hosting.diskQuotaMb) {
          problem(
            `quota ${row.quota} is larger than the disk of ${hosting.username} (${formatMb(hosting.diskQuotaMb)})`,
            row.quota,
          );
          continue;
        }
        quotaMb = quota.mb;
      }
      const list = planned.get(hosting.id) ?? [];
      list.push({ line: row.line, name, domain: domain.domain, domainId: domain.domainId, quotaMb });
      planned.set(hosting.id, list);
    }
    for (const [hostingId, list] of planned) {
      const hosting = hostings.get(hostingId)!;
      for (const taken of await existingNames(db, list))
        problems.push({
          line: taken.line,
          value: `${taken.name}@${taken.domain}`,
          rule: 'this POP account already exists',
        });
      const existing = await countMailboxes(db, { hostingAccountId: hostingId });
      if (existing + list.length > hosting.maxPopAccounts) {
        const first = list[Math.max(0, hosting.maxPopAccounts - existing)]!;
        problems.push({
          line: first.line,
          value: hosting.username,
          rule:
            `plan "${hosting.planName}" of ${hosting.username} allows ${hosting.maxPopAccounts} POP accounts; ` +
            `${existing} exist and the file adds ${list.length}`,
        });
      }
    }
    problems.sort((a, b) => a.line - b.line);
    return { problems, planned, hostings };
  }

  /**
   * Hashes many passwords at once, off the event loop: as many at a time as the machine has cores, and at
   * least as many as libuv's thread pool runs (4), so that no hashing thread waits.
   */
  async function hashAll(passwords: Secret[], progress?: (done: number) => void): Promise<string[]> {
    const hashes: string[] = new Array(passwords.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < passwords.length) {
        const i = next++;
        hashes[i] = await hasher.hash(passwords[i]!);
        progress?.(++done);
      }
    };
    const threads = Math.max(availableParallelism(), Number(process.env.UV_THREADPOOL_SIZE) || 4);
    await Promise.all(Array.from({ length: Math.min(passwords.length, threads) }, worker));
    return hashes;
  }

  return {
    /** The dry run: every problem with its line, nothing changed. */
    async check(rows: readonly ImportRow[]): Promise<{ problems: ImportProblem[]; accounts: number }> {
      const { problems, planned } = await check(rows);
      return { problems, accounts: [...planned.values()].reduce((n, l) => n + l.length, 0) };
    },

    /**
     * Imports the rows: refused as a whole when any row has a problem. Each hosting account's accounts
     * are then created in one transaction (all or none); `created` gets them before it commits, and if
     * it throws, they are not created. A hosting account that fails (a race with `add`) is reported and
     * the others go on.
     */
    async run(
      rows: readonly ImportRow[],
      options: {
        links: boolean;
        requestId: string;
        progress?: (done: number, total: number) => void;
        created: (accounts: Imported[]) => Promise<void>;
      },
    ): Promise<Result<{ created: number; failed: { hostingAccount: string; reason: string }[] }>> {
      return guard(async () => {
        if (options.links && !settings.publicUrl) fail({ code: 'LINKS_NOT_CONFIGURED' });
        const { problems, planned, hostings } = await check(rows);
        if (problems.length > 0) fail({ code: 'IMPORT_REFUSED', problems });
        const total = rows.length;
        let created = 0;
        let hashed = 0;
        const failed: { hostingAccount: string; reason: string }[] = [];
        const access: Access = {
          actor: CONSOLE_ACTOR,
          role: 'owner',
          scope: { all: true },
          requestId: options.requestId,
        };
        for (const [hostingId, list] of planned) {
          const hosting = hostings.get(hostingId)!;
          const passwords = list.map(() => generatePassword(random));
          const hashes = await hashAll(passwords, () => options.progress?.(++hashed, total));
          const result = await guard(() =>
            db.transaction().execute(async (trx) => {
              await lockHostingAccount(trx, hostingId);
              const existing = await countMailboxes(trx, { hostingAccountId: hostingId });
              if (existing + list.length > hosting.maxPopAccounts)
                fail({
                  code: 'PLAN_LIMIT_REACHED',
                  plan: hosting.planName,
                  limit: hosting.maxPopAccounts,
                  account: hosting.username,
                  domain: list[0]!.domain,
                });
              // Usage rows the mail server wrote for earlier accounts of these names: not theirs.
              await deleteUsage(trx, ...list.map((p) => `${p.name}@${p.domain}`));
              const ids = await insertMailboxes(
                trx,
                list.map((p, i) => ({
                  hostingAccountId: hostingId,
                  domainId: p.domainId,
                  name: p.name,
                  passwordHash: hashes[i]!,
                  quotaMb: p.quotaMb,
                  at: clock.now(),
                  passwordPending: options.links,
                })),
              );
              if (ids.length !== list.length)
                fail({ code: 'ACCOUNT_EXISTS', address: `one of the ${list.length} accounts of ${hosting.username}` });
              await writeAudits(
                trx,
                deps,
                CONSOLE_ACTOR,
                options.requestId,
                list.map((p) => ({
                  command: 'import',
                  target: `${p.name}@${p.domain}`,
                  outcome: 'ok' as const,
                  detail: `quota ${p.quotaMb} MB${options.links ? '; password to be set by the owner' : ''}`,
                  hostingAccountId: hostingId,
                })),
              );
              const accounts: Imported[] = [];
              for (const [i, p] of list.entries()) {
                const address = `${p.name}@${p.domain}`;
                const link = options.links
                  ? await issueLinkIn(trx, deps, access, {
                      kind: 'set-own',
                      mailboxId: ids[i]!,
                      hostingAccountId: hostingId,
                      address,
                    })
                  : undefined;
                accounts.push({
                  address,
                  logins: loginsOf(p.name, p.domain),
                  password: options.links ? undefined : passwords[i],
                  link,
                });
              }
              // Written (the --out file) before the commit: a password is never in force unless it was kept.
              await options.created(accounts);
              return accounts;
            }),
          );
          if (!result.ok) {
            failed.push({ hostingAccount: hosting.username, reason: describeError(result.error) });
            continue;
          }
          created += result.value.length;
          logger.info(
            { command: 'import', target: hosting.username, accounts: result.value.length },
            'accounts imported',
          );
        }
        return { created, failed };
      });
    },
  };
}
