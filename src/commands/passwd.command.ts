import { z } from 'zod';
import { errorReply, usageReply } from './replies.ts';
import { loginOf, type Reply } from './reply.ts';
import type { CommandContext } from './command.ts';
import type { AccountSpec } from '../service/targets.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam, booleanFlag, flagParam } from './args.ts';
import { offerOwnPassword } from './actions.ts';

export const passwdCommand = defineCommand({
  name: 'passwd',
  summary: 'set a new password (generated; your own with --own; the owner chooses it with --link)',
  example: 'passwd scott',
  minRole: 'operator',
  params: [
    accountParam(),
    flagParam('own', 'choose the password yourself instead of a generated one'),
    flagParam('link', 'the owner chooses it through a one-time link; nothing changes until then'),
    // The console reads the chosen password from a pipe.
    flagParam('password-stdin', 'read the chosen password from standard input', { consoleOnly: true }),
  ],
  args: z.object({ account: accountArg, own: booleanFlag, 'password-stdin': booleanFlag, link: booleanFlag }),
  async run(ctx, args): Promise<Reply> {
    const own = args.own || args['password-stdin'];
    if (own && args.link) {
      return usageReply(
        ctx,
        passwdCommand,
        '--own (you choose it) and --link (the owner chooses it) do not go together.',
      );
    }
    if (args.link) return linkReply(ctx, args.account);
    if (own && !ctx.chosenPassword) {
      // The adapter collects the password (modal, hidden prompt) and uses the button's pending action with it.
      const checked = await ctx.service.mailboxes.checkChangeable(ctx.access, args.account, 'passwd');
      if (!checked.ok) return errorReply(checked.error);
      const address = checked.value.address;
      return {
        tone: 'confirm',
        title: `Choose a password for ${address}`,
        lines: ['At least 10 characters, hard to guess, without the account name or the domain.'],
        actions: await offerOwnPassword(ctx, address, args['password-stdin']),
      };
    }
    if (own && ctx.action?.kind !== 'own-password') {
      return usageReply(ctx, passwdCommand, 'A chosen password comes through the "Set my own password" form.');
    }
    const result = await ctx.service.mailboxes.setPassword(ctx.access, {
      ...args.account,
      chosen: own ? ctx.chosenPassword : undefined,
    });
    if (!result.ok) return errorReply(result.error);
    const changed = result.value;
    const reply = {
      tone: 'success' as const,
      title: `New password for ${changed.address}`,
      lines: [
        changed.chosen
          ? 'Your password is set. It works at once; the old one no longer does.'
          : 'It works at once; the old one no longer does. Only you can see it; it is not stored and cannot be shown ' +
            'again.',
      ],
      announce: {
        channel: 'audit' as const,
        text: `${ctx.access.actor.userName} changed the password of ${changed.address}`,
      },
    };
    if (changed.chosen) return reply;
    return { ...reply, secret: loginOf(changed), actions: await offerOwnPassword(ctx, changed.address) };
  },
});

/** `passwd --link`: nothing changes yet; the requester gets a link for the owner to choose a password. */
async function linkReply(ctx: CommandContext, account: AccountSpec): Promise<Reply> {
  const result = await ctx.service.mailboxes.setPassword(ctx.access, { ...account, link: true });
  if (!result.ok) return errorReply(result.error);
  const made = result.value;
  return {
    tone: 'success',
    title: `Set-your-own-password link for ${made.address}`,
    lines: ['Nothing changed yet: the current password keeps working until the owner sets a new one.'],
    secret: loginOf(made),
    announce: {
      channel: 'audit',
      text: `${ctx.access.actor.userName} sent ${made.address} a set-your-own-password link`,
    },
  };
}
