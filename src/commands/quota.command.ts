import { z } from 'zod';
import { formatQuota } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam, quotaArg, quotaParam } from './args.ts';

export const quotaCommand = defineCommand({
  name: 'quota',
  summary: 'change the quota of a POP account (0 or unlimited: up to the disk quota)',
  example: 'quota scott 25MB',
  minRole: 'operator',
  params: [accountParam(), quotaParam(true)],
  joinTail: true,
  args: z.object({ account: accountArg, quota: quotaArg }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.setQuota(ctx.access, {
      ...args.account,
      quotaMb: args.quota.mb,
      quotaInput: args.quota.input,
    });
    if (!result.ok) return errorReply(result.error);
    const { address, fromMb, toMb } = result.value;
    return {
      tone: 'success',
      title: `Quota of ${address}: ${formatQuota(toMb)}`,
      lines: [`Was ${formatQuota(fromMb)}.`],
      announce: {
        channel: 'audit',
        text: `${ctx.access.actor.userName} set the quota of ${address} to ${formatQuota(toMb)}`,
      },
    };
  },
});
