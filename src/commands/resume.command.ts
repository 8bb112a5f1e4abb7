import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam } from './args.ts';

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'let a suspended POP account log in and receive mail again',
  example: 'resume scott',
  minRole: 'operator',
  params: [accountParam()],
  args: z.object({ account: accountArg }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.resume(ctx.access, args.account);
    if (!result.ok) return errorReply(result.error);
    const { address } = result.value;
    return {
      tone: 'success',
      title: `Resumed ${address}`,
      lines: ['It can log in and receive mail again.'],
      announce: { channel: 'audit', text: `${ctx.access.actor.userName} resumed ${address}` },
    };
  },
});
