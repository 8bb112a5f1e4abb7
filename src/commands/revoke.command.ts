import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { subjectArg } from './subject-arg.ts';

export const revokeCommand = defineCommand({
  name: 'revoke',
  summary: 'take away the role of a person or role here',
  usage: 'revoke <who>',
  example: 'revoke @alice',
  minRole: 'admin',
  positional: ['who'],
  args: z.object({ who: subjectArg }),
  async run(ctx, args) {
    const result = await ctx.service.admin.revoke(ctx.access, args.who);
    if (!result.ok) return errorReply(result.error);
    return {
      tone: 'success',
      title: `${result.value.subject} has no role here any more`,
      announce: { channel: 'audit', text: `${ctx.access.actor.userName} revoked the role of ${result.value.subject}` },
    };
  },
});
