import type { Role } from './roles.ts';
import { formatMb } from './units.ts';

/** Every outcome a user can cause that is not a success. Closed: adapters switch over `code`. */
export type DomainError =
  | { code: 'USAGE'; command: string; problem: string; usage: string; example: string }
  | { code: 'UNKNOWN_COMMAND'; value: string; commands: string[]; suggestion?: string }
  | { code: 'INPUT_TOO_LONG'; length: number; max: number }
  | { code: 'CONTROL_CHARACTERS' }
  | { code: 'INVISIBLE_CHARACTERS'; codePoint: string }
  | { code: 'INVALID_NAME'; value: string; before?: string }
  | { code: 'INVALID_QUOTA'; value: string; reason: string }
  | { code: 'QUOTA_OVER_DISK'; value: string; quotaMb: number; diskMb: number }
  | { code: 'WEAK_PASSWORD'; reasons: string[] }
  | { code: 'DOMAIN_REQUIRED'; domains: string[] }
  | { code: 'UNKNOWN_DOMAIN'; value: string; domains: string[] }
  | { code: 'ACCOUNT_NOT_FOUND'; address: string }
  | { code: 'ACCOUNT_EXISTS'; address: string }
  | { code: 'MAIN_ACCOUNT_PROTECTED'; action: 'delete' | 'passwd' | 'quota' | 'add' | 'suspend'; login: string }
  | { code: 'ALREADY_SUSPENDED'; address: string; incoming: boolean }
  | { code: 'FORWARD_SOURCE_MAIN'; login: string }
  | { code: 'INVALID_ADDRESS'; value: string }
  | { code: 'FORWARD_LOOP'; source: string; path: string[] }
  | { code: 'FORWARD_PLAN_LIMIT'; plan: string; limit: number }
  | { code: 'FORWARD_EXISTS'; source: string; destination: string }
  | { code: 'FORWARD_LIMIT'; source: string; limit: number }
  | { code: 'FORWARD_NOT_FOUND'; source: string; destination: string }
  | { code: 'NOT_SUSPENDED'; address: string }
  | { code: 'PLAN_LIMIT_REACHED'; plan: string; limit: number; account: string; domain: string }
  | { code: 'RATE_LIMITED'; action: string; limit: number; retryAfterSeconds: number }
  | { code: 'PASSWORD_NOT_RETRIEVABLE'; address: string }
  | { code: 'NOT_BOUND'; platform: string; workspace: string }
  | { code: 'NOT_ALLOWED'; command: string; needed: Role; has: Role | 'none' }
  | { code: 'INVALID_ROLE'; value: string }
  | { code: 'INVALID_SUBJECT'; value: string; example: string }
  | { code: 'GRANT_NOT_FOUND'; subject: string }
  | { code: 'CATCHALL_TARGET_INVALID'; value: string }
  | { code: 'NOT_FOUND'; what: string; value: string }
  | { code: 'ALREADY_EXISTS'; what: string; value: string }
  | { code: 'INVALID_VALUE'; what: string; value: string; rule: string }
  | { code: 'PASSWORD_TOO_LONG'; length: number; max: number }
  | { code: 'STRENGTH_UNAVAILABLE' }
  | { code: 'EVERYONE_ROLE' }
  | { code: 'ACTION_UNKNOWN' }
  | { code: 'ACTION_NOT_YOURS' }
  | { code: 'ACTION_EXPIRED'; what: string }
  | { code: 'ACTION_USED'; outcome: string; by: string; at: Date }
  | { code: 'CONFIRMATION_REQUIRED'; command: string }
  | { code: 'SECRET_NEEDS_TERMINAL' }
  | { code: 'LINKS_NOT_CONFIGURED' }
  | { code: 'PLAN_CHANGE_REFUSED'; plan: string; problems: string[] }
  | { code: 'IMPORT_REFUSED'; problems: { line: number; value: string; rule: string }[] }
  | { code: 'LINK_GONE' }
  | { code: 'LINK_TRIES'; limit: number; retryAfterSeconds: number };

export type DomainErrorCode = DomainError['code'];

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(error: DomainError): Result<T> => ({ ok: false, error });

/** Thrown inside a service transaction to roll it back; caught at the service boundary and returned. */
export class DomainFailure extends Error {
  constructor(readonly error: DomainError) {
    super(error.code);
    this.name = 'DomainFailure';
  }
}

export function fail(error: DomainError): never {
  throw new DomainFailure(error);
}

/** A page number past the last page: said, never quietly shown as another page. */
export function failPastEnd(page: number, pages: number): never {
  fail({
    code: 'INVALID_VALUE',
    what: 'page',
    value: String(page),
    rule: pages === 1 ? 'there is only page 1' : `there are ${pages} pages`,
  });
}

/** Runs `work`, turning a DomainFailure into an error result; anything else is rethrown. */
export async function guard<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (e) {
    if (e instanceof DomainFailure) return err(e.error);
    throw e;
  }
}

/** A value in a message: a code span, or quotes when it holds a backtick (which would end the span). */
const show = (value: string) => {
  const text = value.length > 80 ? `${value.slice(0, 77)}…` : value;
  return text.includes('`') ? `“${text}”` : `\`${text}\``;
};
const listOf = (items: string[]) =>
  items.length > 10 ? `${items.slice(0, 10).join(', ')} … (${items.length} in all)` : items.join(', ');

/** The user-facing sentence for an error: names the rule and the bad value, never a secret. */
export function describeError(e: DomainError): string {
  switch (e.code) {
    case 'USAGE':
      return `${e.problem}\nUsage: ${e.usage}\nExample: ${e.example}`;
    case 'UNKNOWN_COMMAND':
      return (
        `Unknown command ${show(e.value)}.${e.suggestion ? ` Did you mean \`${e.suggestion}\`?` : ''} ` +
        `Commands: ${e.commands.join(', ')}. Try \`help\`.`
      );
    case 'INPUT_TOO_LONG':
      return `Command too long: ${e.length} characters; the limit is ${e.max}.`;
    case 'CONTROL_CHARACTERS':
      return 'Command contains control characters (a tab, a line break); type it on one line of plain text.';
    case 'INVISIBLE_CHARACTERS':
      return (
        `Command contains an invisible character (${e.codePoint}), often pasted along with text; type the ` +
        'command again instead of pasting it.'
      );
    case 'INVALID_NAME':
      if (e.value === '')
        return `The account name is missing${e.before ? ` before @${e.before}` : ''}: give one such as scott${e.before ? `@${e.before}` : ''}.`;
      return (
        `Invalid account name ${show(e.value)}: use 1–64 letters a–z and digits 0–9 only (no dots, accents or ` +
        `look-alike letters).`
      );
    case 'INVALID_QUOTA':
      return `Invalid quota ${show(e.value)}: ${e.reason}. Examples: 10MB, 1.5GB, 0 or unlimited.`;
    case 'QUOTA_OVER_DISK':
      return (
        `Quota ${show(e.value)} (${e.quotaMb} MB) is larger than the hosting account's disk quota of ` +
        `${formatMb(e.diskMb)}.`
      );
    case 'WEAK_PASSWORD':
      return `Password not accepted: ${e.reasons.join('; ')}.`;
    case 'DOMAIN_REQUIRED':
      return `Which domain? Add @domain to the name, or give the domain. Your domains: ${listOf(e.domains)}.`;
    case 'UNKNOWN_DOMAIN':
      return e.domains.length === 0
        ? `Domain ${show(e.value)} is not one of yours; no domain is linked here yet.`
        : `Domain ${show(e.value)} is not one of yours. Your domains: ${listOf(e.domains)}.`;
    case 'ACCOUNT_NOT_FOUND':
      return `No POP account ${show(e.address)}. \`list\` shows the accounts.`;
    case 'ACCOUNT_EXISTS':
      return `POP account ${show(e.address)} already exists; nothing was changed.`;
    case 'MAIN_ACCOUNT_PROTECTED':
      return `${show(e.login)} ${MAIN_ACCOUNT_REASONS[e.action]}`;
    case 'ALREADY_SUSPENDED':
      return (
        `${show(e.address)} is already suspended (logins refused${e.incoming ? ' and incoming mail refused' : ''}); ` +
        'nothing changed.'
      );
    case 'NOT_SUSPENDED':
      return `${show(e.address)} is not suspended; nothing changed.`;
    case 'FORWARD_SOURCE_MAIN':
      return `${show(e.login)} is the Main Account's login, not an address of a domain: it cannot be a forwarder's source.`;
    case 'INVALID_ADDRESS':
      return `Invalid address ${show(e.value)}: give one such as name@example.com.`;
    case 'FORWARD_LOOP':
      return `Not added: mail would go round in a loop (${e.path.join(' → ')}).`;
    case 'FORWARD_PLAN_LIMIT':
      return `Plan limit reached: plan "${e.plan}" allows ${e.limit} forwarder${e.limit === 1 ? '' : 's'}, and all are in use.`;
    case 'FORWARD_EXISTS':
      return `${show(e.source)} already forwards to ${show(e.destination)}; nothing changed.`;
    case 'FORWARD_LIMIT':
      return `${show(e.source)} already forwards to ${e.limit} addresses, the most one address may have.`;
    case 'FORWARD_NOT_FOUND':
      return `${show(e.source)} does not forward to ${show(e.destination)}; nothing changed.`;
    case 'PLAN_LIMIT_REACHED':
      return (
        `Plan limit reached: plan "${e.plan}" of ${e.account} allows ${e.limit} POP ` +
        `account${e.limit === 1 ? '' : 's'}, and all are in use. Delete one, or request more POP accounts.`
      );
    case 'RATE_LIMITED':
      return (
        `Too many \`${e.action}\` commands: at most ${e.limit} a minute each. Try again in ` +
        `${e.retryAfterSeconds} s.`
      );
    case 'PASSWORD_NOT_RETRIEVABLE':
      return (
        `Passwords are never stored, only a one-way hash, so the password of ${show(e.address)} cannot be ` +
        `shown. \`passwd\` sets a new one.`
      );
    case 'NOT_BOUND':
      return (
        `Not allowed: this ${e.platform === 'discord' ? 'server' : 'workspace'} (${e.workspace}) is not linked ` +
        `to any hosting account. Ask your hosting provider to bind it.`
      );
    case 'NOT_ALLOWED':
      return e.has === 'none'
        ? `Not allowed: you have no popbot role here. Ask an admin to run \`/pop grant @you viewer\` (or ` +
            `operator/admin).`
        : `Not allowed: \`${e.command}\` needs the ${e.needed} role; you are ${article(e.has)} ${e.has}. Ask an ` +
            `admin to run \`/pop grant @you ${e.needed}\`.`;
    case 'INVALID_ROLE':
      return `Invalid role ${show(e.value)}: use viewer, operator or admin.`;
    case 'INVALID_SUBJECT':
      return `Invalid person or role ${show(e.value)}: mention them, e.g. ${e.example}.`;
    case 'GRANT_NOT_FOUND':
      return `${show(e.subject)} has no role here; nothing was changed.`;
    case 'CATCHALL_TARGET_INVALID':
      return `Invalid catch-all ${show(e.value)}: use main, fail, blackhole or the name of a POP account.`;
    case 'NOT_FOUND':
      return `No ${e.what} ${show(e.value)}.`;
    case 'ALREADY_EXISTS':
      return `${capitalize(e.what)} ${show(e.value)} already exists; nothing was changed.`;
    case 'INVALID_VALUE':
      return `Invalid ${e.what} ${show(e.value)}: ${e.rule}.`;
    case 'PASSWORD_TOO_LONG':
      return `Password not accepted: it must have at most ${e.max} characters (it has ${e.length}).`;
    case 'STRENGTH_UNAVAILABLE':
      return 'Password not accepted: its strength could not be judged in time. Choose a shorter or different password.';
    case 'EVERYONE_ROLE':
      return (
        'Not allowed: @everyone cannot be given a popbot role, since that would give it to every member. Grant ' +
        'a role that only the right people hold.'
      );
    case 'ACTION_UNKNOWN':
      return 'This button is out of date or not from this workspace; nothing was changed.';
    case 'ACTION_NOT_YOURS':
      return 'Only the person who asked can use this button; nothing was changed.';
    case 'ACTION_EXPIRED':
      return `This button has expired; nothing was changed. Run the command again to ${e.what}.`;
    case 'ACTION_USED':
      return (
        `Already done: ${e.outcome} by ${e.by} at ${e.at.toISOString().slice(11, 16)} UTC. Nothing more was ` +
        `changed.`
      );
    case 'CONFIRMATION_REQUIRED':
      return `Not done: confirm with --yes (${e.command} --yes).`;
    case 'SECRET_NEEDS_TERMINAL':
      return (
        'Password not changed: without a terminal, give it on standard input with --password-stdin (one line), ' +
        'or run passwd without --own for a generated one.'
      );
    case 'IMPORT_REFUSED':
      return (
        `Nothing imported: ${e.problems.length} row${e.problems.length === 1 ? ' has a problem' : 's have problems'} ` +
        `(--dry-run lists them all). First: line ${e.problems[0]?.line}: ${e.problems[0]?.rule}.`
      );
    case 'PLAN_CHANGE_REFUSED':
      return (
        `Not changed: plan "${e.plan}" would put ${e.problems.length === 1 ? 'a hosting account' : 'hosting accounts'} ` +
        `over its limits: ${e.problems.join('; ')}. Make room first, or choose larger limits.`
      );
    case 'LINKS_NOT_CONFIGURED':
      return (
        'One-time links are not set up here: popbot needs PUBLIC_URL, the address where people reach its pages ' +
        '(e.g. https://pop.example.com). Ask whoever runs popbot to set it; nothing was changed.'
      );
    case 'LINK_GONE':
      return (
        'This link is no longer available: it was used, it expired, or it was never valid. Ask the person who sent ' +
        'it for a new one.'
      );
    case 'LINK_TRIES':
      return `Too many tries from your address: at most ${e.limit} in 10 minutes. Try again in ${e.retryAfterSeconds} s.`;
  }
}

const MAIN_ACCOUNT_REASONS: Record<Extract<DomainError, { code: 'MAIN_ACCOUNT_PROTECTED' }>['action'], string> = {
  add: "is the Main Account's login; choose another name.",
  passwd: 'is the Main Account: its password is the control-panel password. Change it in the control panel.',
  delete:
    "is the Main Account: it cannot be deleted from chat; it always exists and uses the hosting account's disk quota.",
  suspend: 'is the Main Account: it cannot be suspended from chat; its login is the control-panel login.',
  quota:
    'is the Main Account: it cannot be given another quota from chat; it always exists and uses the hosting ' +
    "account's disk quota.",
};

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
