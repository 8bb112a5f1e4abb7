import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { ACTION_TTL_SECONDS, offer } from './actions.ts';
import { commandLine } from './tokens.ts';
import { accountArg, accountParam, booleanFlag, flagParam } from './args.ts';

export const deleteCommand = defineCommand({
  name: 'delete',
  summary: 'delete a POP account and its mail (asks first)',
  example: 'delete scott',
  minRole: 'admin',
  params: [accountParam(), flagParam('yes', 'delete without asking', { textOnly: true })],
  args: z.object({ account: accountArg, yes: booleanFlag }),
  async run(ctx, args) {
    if (!args.yes) {
      const checked = await ctx.service.mailboxes.checkChangeable(ctx.access, args.account, 'delete');
      if (!checked.ok) return errorReply(checked.error);
      const { address, id } = checked.value;
      const actions = await offer(ctx, { kind: 'delete', address, mailboxId: id }, [
        {
          kind: 'confirm-delete',
          label: 'Delete',
          style: 'danger',
          confirm: {
            title: `Delete ${address}?`,
            text: 'This cannot be undone.',
            confirm: 'Delete',
            deny: 'Keep it',
            typed: address,
          },
          hint: commandLine('delete', address, '--yes'),
        },
        { kind: 'cancel', label: 'Cancel' },
      ]);
      return {
        tone: 'confirm',
        title: `Delete ${address}?`,
        lines: [
          `${address} and all its mail will be gone; mail clients using it will stop working. This question expires ` +
            `in ${ACTION_TTL_SECONDS.delete / 60} minutes.`,
        ],
        actions,
      };
    }
    const mailboxId = ctx.action?.kind === 'delete' ? ctx.action.mailboxId : undefined;
    const result = await ctx.service.mailboxes.remove(ctx.access, { ...args.account, mailboxId });
    if (!result.ok) return errorReply(result.error);
    const { address, catchallsReset, mailRetentionDays, forwardsTo } = result.value;
    const kept = mailRetentionDays === 1 ? '1 day' : `${mailRetentionDays} days`;
    return {
      tone: 'success',
      title: `Deleted ${address}`,
      lines: [
        `Its mail can no longer be read by anyone, not even by a new account of the same name, and is removed from ` +
          `the mail server after ${kept}.`,
        ...(forwardsTo.length > 0
          ? [
              `Mail to it is still forwarded to ${forwardsTo.join(', ')}; ` +
                `\`forward delete ${address} <address>\` removes each.`,
            ]
          : []),
        ...(catchallsReset.length > 0
          ? [`It was the catch-all of ${catchallsReset.join(', ')}; unknown names there now go to the Main Account.`]
          : []),
      ],
      announce: { channel: 'audit', text: `${ctx.access.actor.userName} deleted ${address}` },
    };
  },
});
