import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { getHostingAccount, listDomains, type DomainRow, type HostingAccountRow } from '../db/hosting.repository.ts';
import { fail } from './errors.ts';
import { normalizeDomain } from './names.ts';
import type { Access } from './context.ts';

/** An account named by a user: `name` alone, or `name@domain`. The name is already valid. */
export type AccountSpec = { name: string; domain?: string };

/** A domain of the actor's, with the hosting account it belongs to. */
export type ResolvedDomain = DomainRow & { hostingAccount: HostingAccountRow };

/**
 * Picks the domain meant: the one named (case-insensitive, among the actor's),
 * or the only one the actor has; otherwise fails listing the choices.
 */
export async function resolveDomain(db: Kysely<DB>, access: Access, domain: string | undefined): Promise<ResolvedDomain> {
  const domains = await listDomains(db, access.scope);
  const names = domains.map((d) => d.domain);
  let row: DomainRow | undefined;
  if (domain !== undefined) {
    const wanted = normalizeDomain(domain);
    row = domains.find((d) => d.domain === wanted);
    if (!row) fail({ code: 'UNKNOWN_DOMAIN', value: domain, domains: names });
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
  db: Kysely<DB>,
  access: Access,
  domain: string | undefined,
): Promise<{ hostingAccount: HostingAccountRow; domain?: ResolvedDomain }> {
  if (domain !== undefined) {
    const resolved = await resolveDomain(db, access, domain);
    return { hostingAccount: resolved.hostingAccount, domain: resolved };
  }
  const domains = await listDomains(db, access.scope);
  const accountIds = [...new Set(domains.map((d) => d.hostingAccountId))];
  if (accountIds.length !== 1) fail({ code: 'DOMAIN_REQUIRED', domains: domains.map((d) => d.domain) });
  const hostingAccount = await getHostingAccount(db, accountIds[0]!);
  if (!hostingAccount) throw new Error(`hosting account ${accountIds[0]} vanished`);
  return { hostingAccount };
}
