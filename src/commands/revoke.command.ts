import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { subjectArg, whoParam } from './subject-arg.ts';

export const revokeCommand = defineCommand({
  name: 'revoke',
  summary: 'take away the role of a person or role here',
  example: 'revoke @alice',
  minRole: 'admin',
  params: [whoParam],
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
