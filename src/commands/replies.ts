import { describeError, type DomainError } from '../service/errors.ts';
import { commandLine } from './tokens.ts';
import type { Reply } from './reply.ts';

const TITLES: Partial<Record<DomainError['code'], string>> = {
  NOT_BOUND: 'Not allowed',
  NOT_ALLOWED: 'Not allowed',
  PLAN_LIMIT_REACHED: 'Plan limit reached',
  RATE_LIMITED: 'Slow down',
  MAIN_ACCOUNT_PROTECTED: 'Main Account',
  ACCOUNT_EXISTS: 'Already exists',
  ALREADY_EXISTS: 'Already exists',
  ACCOUNT_NOT_FOUND: 'Not found',
  NOT_FOUND: 'Not found',
  GRANT_NOT_FOUND: 'Not found',
  PASSWORD_NOT_RETRIEVABLE: 'Passwords cannot be shown',
  WEAK_PASSWORD: 'Password not accepted',
  DOMAIN_REQUIRED: 'Which domain?',
  UNKNOWN_COMMAND: 'Unknown command',
  USAGE: 'Usage',
};

/**
 * A domain error as a private reply: the rule and the bad value, plus the one useful next step.
 * For a bad argument, the command's usage line and example follow.
 */
export function errorReply(error: DomainError, command?: { usage: string; example: string }): Reply {
  const lines = [describeError(error)];
  if (command && error.code !== 'USAGE') lines.push(`Usage: ${command.usage}\nExample: ${command.example}`);
  const reply: Reply = { tone: 'error', title: TITLES[error.code] ?? 'Invalid input', lines, errorCode: error.code };
  if (error.code === 'PLAN_LIMIT_REACHED') {
    reply.actions = [{ id: 'request-more', label: 'Request more POP accounts', command: commandLine('plan', error.domain, '--request'), style: 'primary' }];
  }
  return reply;
}

/** An unexpected failure: the user gets a reference, the log gets the details. */
export const internalErrorReply = (ref: string): Reply => ({
  tone: 'error',
  title: 'Something went wrong',
  lines: [`Something went wrong (ref ${ref}). Nothing more is shown here; an operator can find the details in the log by that ref.`],
  errorCode: 'INTERNAL',
});
