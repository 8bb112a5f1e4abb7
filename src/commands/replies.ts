import { describeError, type DomainError } from '../service/errors.ts';
import type { Reply } from './reply.ts';
import type { Actor } from '../service/context.ts';
import type { AnyCommand } from './command.ts';
import { grammarOf } from './grammar.ts';

const TITLES: Partial<Record<DomainError['code'], string>> = {
  NOT_BOUND: 'Not allowed',
  NOT_ALLOWED: 'Not allowed',
  PLAN_LIMIT_REACHED: 'Plan limit reached',
  RATE_LIMITED: 'Slow down',
  MAIN_ACCOUNT_PROTECTED: 'Main Account',
  ACCOUNT_EXISTS: 'Already exists',
  ALREADY_SUSPENDED: 'Already suspended',
  NOT_SUSPENDED: 'Not suspended',
  FORWARD_SOURCE_MAIN: 'Main Account',
  INVALID_ADDRESS: 'Invalid address',
  FORWARD_LOOP: 'Forwarding loop',
  FORWARD_PLAN_LIMIT: 'Plan limit reached',
  FORWARD_EXISTS: 'Already forwards',
  FORWARD_LIMIT: 'Too many destinations',
  FORWARD_NOT_FOUND: 'No such forwarder',
  ALREADY_EXISTS: 'Already exists',
  ACCOUNT_NOT_FOUND: 'Not found',
  NOT_FOUND: 'Not found',
  GRANT_NOT_FOUND: 'Not found',
  PASSWORD_NOT_RETRIEVABLE: 'Passwords cannot be shown',
  WEAK_PASSWORD: 'Password not accepted',
  DOMAIN_REQUIRED: 'Which domain?',
  UNKNOWN_COMMAND: 'Unknown command',
  USAGE: 'Usage',
  PASSWORD_TOO_LONG: 'Password not accepted',
  STRENGTH_UNAVAILABLE: 'Password not accepted',
  EVERYONE_ROLE: 'Not allowed',
  ACTION_UNKNOWN: 'Out of date',
  ACTION_NOT_YOURS: 'Not your button',
  ACTION_EXPIRED: 'Expired',
  ACTION_USED: 'Already done',
  CONFIRMATION_REQUIRED: 'Not confirmed',
  SECRET_NEEDS_TERMINAL: 'Password not changed',
};

/**
 * A domain error as a private reply: the rule and the bad value, plus the one useful next step.
 * For a bad argument, the command's usage line and example follow.
 */
export function errorReply(error: DomainError, command?: { usage: string; example: string }): Reply {
  const lines = [describeError(error)];
  if (command && error.code !== 'USAGE') lines.push(`Usage: ${command.usage}\nExample: ${command.example}`);
  return { tone: 'error', title: TITLES[error.code] ?? 'Invalid input', lines, errorCode: error.code };
}

/** A command used the wrong way: the problem, then its usage and example in the requester's grammar. */
export const usageReply = (
  ctx: { access: { actor: { platform: Actor['platform'] } } },
  command: AnyCommand,
  problem: string,
) => errorReply({ code: 'USAGE', command: command.name, problem, ...grammarOf(command, ctx.access.actor.platform) });

/** An unexpected failure: the user gets a reference, the log gets the details. */
export const internalErrorReply = (ref: string): Reply => ({
  tone: 'error',
  title: 'Something went wrong',
  lines: [
    `Something went wrong (ref ${ref}). Nothing more is shown here; an operator can find the details in the log by ` +
      `that ref.`,
  ],
  errorCode: 'INTERNAL',
});

/** The database could not be reached: nothing was done, and it is worth trying again soon. */
export const unavailableReply = (ref: string): Reply => ({
  tone: 'error',
  title: 'Database unavailable',
  lines: [`The database is unavailable, so nothing was done. Try again in a minute (ref ${ref}).`],
  errorCode: 'DATABASE_UNAVAILABLE',
});

/** popbot is shutting down: the command was not started. */
export const stoppingReply = (): Reply => ({
  tone: 'error',
  title: 'popbot is restarting',
  lines: ['popbot is restarting, so nothing was done. Try again in a moment.'],
  errorCode: 'STOPPING',
});

/**
 * Told by another private path when the reply carrying a password did not arrive (SPEC §4):
 * the password was taken back, so nobody holds one that works without knowing it.
 */
export function undeliveredReply(
  issued: { command: 'add' | 'passwd'; address: string; hash: string | null },
  undone: boolean,
): Reply {
  const again = issued.command === 'add' ? `add ${issued.address}` : `passwd ${issued.address}`;
  const lines = !undone
    ? [
        `The login details for ${issued.address} could not be delivered to you, and the account was changed again ` +
          `meanwhile, so it was left as it is. Check \`info ${issued.address}\` and set a new password.`,
      ]
    : issued.hash === null
      ? [
          `The set-your-own-password link for ${issued.address} could not be delivered to you, so it was withdrawn. ` +
            `Nothing changed; run \`${again} --link\` again.`,
        ]
      : issued.command === 'add'
        ? [
            `${issued.address} was not created: its login details could not be delivered to you. Nothing changed; run ` +
              `\`${again}\` again.`,
          ]
        : [
            `The new password for ${issued.address} could not be delivered to you, so it was not kept: the old ` +
              `password still works. Run \`${again}\` again.`,
          ];
  return { tone: 'error', title: 'Not delivered', lines, errorCode: 'DELIVERY_FAILED' };
}

/** More commands are waiting than this process takes on: the command was not started. */
export const busyReply = (): Reply => ({
  tone: 'error',
  title: 'popbot is busy',
  lines: ['Too many commands are waiting, so nothing was done. Try again in a minute.'],
  errorCode: 'BUSY',
});

/** Told privately to whoever made a set-your-own-password link, once its owner has used it. */
export const ownerSetPasswordReply = (address: string): Reply => ({
  tone: 'success',
  title: `${address}: the owner has set a password`,
  lines: [`The owner of ${address} chose a password through your link. The link is used up.`],
});

/** Told privately to whoever asked for more POP accounts, once sales has acted (`popbot sales done`). */
export const salesDoneReply = (request: { hostingAccount: string; planName: string }, note?: string): Reply => ({
  tone: 'success',
  title: 'Your request for more POP accounts is done',
  lines: [
    `Sales acted on your request for ${request.hostingAccount} (plan ${request.planName}); \`plan\` shows the new ` +
      'limits.',
    ...(note ? [`Note from sales: ${note}`] : []),
  ],
});
