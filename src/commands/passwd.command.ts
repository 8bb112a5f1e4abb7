import { z } from 'zod';
import { errorReply } from './replies.ts';
import { mailServer } from './reply.ts';
import { defineCommand } from './command.ts';
import { accountArg, booleanFlag } from './args.ts';
import { offerOwnPassword } from './actions.ts';

const USAGE = 'passwd <name>[@domain] [--own]';

export const passwdCommand = defineCommand({
  name: 'passwd',
  summary: 'set a new password (generated, or your own with --own)',
  usage: USAGE,
  example: 'passwd scott',
  minRole: 'operator',
  positional: ['account'],
  // --password-stdin: the console reads the chosen password from a pipe (console only).
  booleanFlags: ['own', 'password-stdin'],
  args: z.object({ account: accountArg, own: booleanFlag, 'password-stdin': booleanFlag }),
  async run(ctx, args) {
    const own = args.own || args['password-stdin'];
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
      return errorReply({
        code: 'USAGE',
        command: 'passwd',
        problem: 'A chosen password comes through the "Set my own password" form.',
        usage: USAGE,
        example: 'passwd scott --own',
      });
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
    return {
      ...reply,
      secret: {
        address: changed.address,
        logins: changed.logins,
        password: changed.password,
        server: mailServer(changed.pop3),
        outgoing: mailServer(changed.smtp),
        issued: changed.issued,
      },
      actions: await offerOwnPassword(ctx, changed.address),
    };
  },
});
