import {
  findDomain,
  getHostingAccount,
  listDomains,
  type DomainRow,
  type HostingAccountRow,
} from '../db/hosting.repository.ts';
import { fail } from './errors.ts';
import { ELIDED, normalizeDomain } from './names.ts';
import { writeAudit, type Access, type ServiceDeps } from './context.ts';

type Deps = Pick<ServiceDeps, 'db' | 'clock'>;

/** An account named by a user: `name` alone, or `name@domain`. The name is already valid. */
export type AccountSpec = { name: string; domain?: string };

/** A domain of the actor's, with the hosting account it belongs to. */
export type ResolvedDomain = DomainRow & { hostingAccount: HostingAccountRow };

/**
 * Picks the domain meant: the one named (case-insensitive, among the actor's), one whose end is
 * named after `…` (a shortened address from a picker), or the only one the actor has; otherwise
 * fails listing the choices. A domain of another hosting account is refused exactly like one that
 * does not exist, and the attempt is audited as denied (SPEC §6).
 */
export async function resolveDomain(deps: Deps, access: Access, domain: string | undefined): Promise<ResolvedDomain> {
  const { db } = deps;
  const domains = await listDomains(db, access.scope);
  const names = domains.map((d) => d.domain);
  let row: DomainRow | undefined;
  if (domain !== undefined) {
    const wanted = normalizeDomain(domain);
    const matches = wanted.startsWith(ELIDED)
      ? domains.filter((d) => d.domain.endsWith(wanted.slice(ELIDED.length)))
      : domains.filter((d) => d.domain === wanted);
    if (matches.length > 1) fail({ code: 'DOMAIN_REQUIRED', domains: matches.map((d) => d.domain) });
    row = matches[0];
    if (!row) {
      if (!access.scope.all && (await findDomain(db, wanted))) {
        await writeAudit(db, deps, access.actor, access.requestId, {
          command: 'domain',
          target: null,
          outcome: 'denied',
          detail: 'domain of another hosting account',
          collapse: 'actor',
        });
      }
      fail({ code: 'UNKNOWN_DOMAIN', value: domain, domains: names });
    }
  } else if (domains.length === 1) {
    row = domains[0];
  } else {
    fail({ code: 'DOMAIN_REQUIRED', domains: names });
  }
  const hostingAccount = await getHostingAccount(db, row!.hostingAccountId);
  if (!hostingAccount) throw new Error(`hosting account ${row!.hostingAccountId} of domain ${row!.domain} vanished`);
  return { ...row!, hostingAccount };
}

/**
 * The hosting account meant by an optional domain: the domain's, or the only one the actor
 * reaches (even with several domains); otherwise fails listing the domains.
 */
export async function resolveHostingAccount(
  deps: Deps,
  access: Access,
  domain: string | undefined,
): Promise<{ hostingAccount: HostingAccountRow; domain?: ResolvedDomain }> {
  const { db } = deps;
  if (domain !== undefined) {
    const resolved = await resolveDomain(deps, access, domain);
    return { hostingAccount: resolved.hostingAccount, domain: resolved };
  }
  const domains = await listDomains(db, access.scope);
  const accountIds = [...new Set(domains.map((d) => d.hostingAccountId))];
  if (accountIds.length !== 1) fail({ code: 'DOMAIN_REQUIRED', domains: domains.map((d) => d.domain) });
  const hostingAccount = await getHostingAccount(db, accountIds[0]!);
  if (!hostingAccount) throw new Error(`hosting account ${accountIds[0]} vanished`);
  return { hostingAccount };
}
