import { z } from 'zod';
import { errorReply } from './replies.ts';
import { commandLine } from './tokens.ts';
import { defineCommand } from './command.ts';
import { accountArg, booleanFlag } from './args.ts';

export const passwdCommand = defineCommand({
  name: 'passwd',
  summary: 'set a new password (generated, or your own with --own)',
  usage: 'passwd <name>[@domain] [--own]',
  example: 'passwd scott',
  minRole: 'operator',
  positional: ['account'],
  booleanFlags: ['own'],
  args: z.object({ account: accountArg, own: booleanFlag }),
  async run(ctx, args) {
    const target = commandLine(args.account.domain ? `${args.account.name}@${args.account.domain}` : args.account.name);
    if (args.own && !ctx.chosenPassword) {
      // The adapter collects the password (modal, hidden prompt) and runs the command again with it.
      return {
        tone: 'confirm',
        title: `Choose a password for ${target}`,
        lines: ['At least 10 characters, hard to guess, without the account name or the domain.'],
        actions: [{ id: 'own-password', label: 'Set my own password', command: commandLine('passwd', target, '--own') }],
      };
    }
    const result = await ctx.service.mailboxes.setPassword(ctx.access, { ...args.account, chosen: args.own ? ctx.chosenPassword : undefined });
    if (!result.ok) return errorReply(result.error);
    const changed = result.value;
    const reply = {
      tone: 'success' as const,
      title: `New password for ${changed.address}`,
      lines: [
        changed.chosen
          ? 'Your password is set. It works at once; the old one no longer does.'
          : 'It works at once; the old one no longer does. Only you can see it; it is not stored and cannot be shown again.',
      ],
      announce: { channel: 'audit' as const, text: `${ctx.access.actor.userName} changed the password of ${changed.address}` },
    };
    if (changed.chosen) return reply;
    return {
      ...reply,
      secret: { address: changed.address, logins: changed.logins, password: changed.password, server: changed.pop3 },
      actions: [{ id: 'own-password', label: 'Set my own password', command: commandLine('passwd', changed.address, '--own') }],
    };
  },
});
