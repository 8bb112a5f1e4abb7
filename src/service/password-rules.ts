/**
 * The rules a chosen password must meet (SPEC §2), as pure functions: the service applies them, and the
 * owner's page (bundled for the browser) applies the same ones while the owner types.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
export const MIN_PASSWORD_SCORE = 3;

export type PasswordContext = { name: string; domain: string };

/** The account's own words, which the strength estimate treats as a dictionary. */
export function strengthInputs(context: PasswordContext): string[] {
  const domain = context.domain.toLowerCase();
  return [context.name, domain, domain.split('.')[0] ?? domain];
}

/** The cheap rules a password breaks, as sentences that never repeat it. */
export function cheapProblems(value: string, context: PasswordContext): string[] {
  const lower = value.toLowerCase();
  const reasons: string[] = [];
  if (value.length < MIN_PASSWORD_LENGTH)
    reasons.push(`it must have at least ${MIN_PASSWORD_LENGTH} characters (it has ${value.length})`);
  if (value.length > MAX_PASSWORD_LENGTH)
    reasons.push(`it must have at most ${MAX_PASSWORD_LENGTH} characters (it has ${value.length})`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(value)) reasons.push('it must not contain control characters');
  if (lower.includes(context.name.toLowerCase())) reasons.push('it must not contain the account name');
  const domain = context.domain.toLowerCase();
  const domainLabel = domain.split('.')[0] ?? domain;
  if (lower.includes(domain) || (domainLabel.length >= 4 && lower.includes(domainLabel)))
    reasons.push('it must not contain the domain');
  return reasons;
}

/** The sentence for a score below the minimum. */
export const weakScoreProblem = (score: number) =>
  `it is too easy to guess (strength ${score} of 4; at least ${MIN_PASSWORD_SCORE} needed): use more unrelated ` +
  'words or characters';
