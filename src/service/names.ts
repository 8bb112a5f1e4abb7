/** Account names: letters a–z and digits only, 1–64, stored lower-case (so `Scott` is `scott`). */
export function normalizeAccountName(input: string): string | null {
  const lower = input.toLowerCase();
  return /^[a-z0-9]{1,64}$/.test(lower) ? lower : null;
}

/** Domains are compared case-insensitively and stored lower-case. */
export const normalizeDomain = (input: string): string => input.trim().toLowerCase().replace(/\.$/, '');

/** A syntactically valid ASCII domain name (internationalized names go in as punycode). */
export const isValidDomain = (domain: string): boolean =>
  domain.length <= 253 &&
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(domain);

/** Control-panel usernames: a letter, then letters and digits, 32 at most (so never `@` or `+`: they log in bare). */
export const isValidUsername = (username: string): boolean => /^[a-z][a-z0-9]{0,31}$/.test(username);

/** The two logins a mail client may use for a POP account. */
export const loginsOf = (name: string, domain: string): [string, string] => [`${name}@${domain}`, `${name}+${domain}`];

/** Marks the elided start of a domain in a shortened address (`scott@…long-domain.example`). */
export const ELIDED = '…';

/**
 * An address that fits `max` characters (Discord's 100 for choices, Slack's 75 for option text):
 * the name stays whole, the domain keeps its end. `resolveDomain` reads the short form back.
 */
export function compactAddress(address: string, max: number): string {
  if (address.length <= max) return address;
  const at = address.lastIndexOf('@');
  const name = address.slice(0, at);
  const keep = Math.max(1, max - name.length - 1 - ELIDED.length);
  return `${name}@${ELIDED}${address.slice(address.length - keep)}`;
}
