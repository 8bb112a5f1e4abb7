import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam, flagParam } from './args.ts';

export const suspendCommand = defineCommand({
  name: 'suspend',
  summary: 'refuse the logins of a POP account at once (--incoming: its new mail too)',
  example: 'suspend scott',
  minRole: 'operator',
  params: [accountParam(), flagParam('incoming', 'refuse its new mail too (550)')],
  args: z.object({ account: accountArg, incoming: z.literal(true).optional() }),
  async run(ctx, args) {
    const incoming = args.incoming === true;
    const result = await ctx.service.mailboxes.suspend(ctx.access, { ...args.account, incoming });
    if (!result.ok) return errorReply(result.error);
    const { address } = result.value;
    return {
      tone: 'success',
      title: `Suspended ${address}`,
      lines: [
        incoming
          ? 'Its logins are refused and new mail to it is refused (550); its open sessions were ended.'
          : 'Its logins are refused and its open sessions were ended; mail still arrives.',
        `\`resume ${address}\` undoes it.`,
      ],
      announce: {
        channel: 'audit',
        text: `${ctx.access.actor.userName} suspended ${address}${incoming ? ' (incoming mail too)' : ''}`,
      },
    };
  },
});
