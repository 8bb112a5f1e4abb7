import { z } from 'zod';
import { isGrantableRole } from '../service/roles.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { subjectArg, whoParam } from './subject-arg.ts';

export const grantCommand = defineCommand({
  name: 'grant',
  summary: 'give a person or role viewer, operator or admin here',
  example: 'grant @alice operator',
  minRole: 'admin',
  params: [
    whoParam,
    {
      key: 'role',
      form: 'word',
      required: true,
      description: 'what they may do',
      placeholder: '<viewer|operator|admin>',
      choices: [
        { name: 'viewer: list, info, plan', value: 'viewer' },
        { name: 'operator: also add, passwd, quota, suspend, forward', value: 'operator' },
        { name: 'admin: also delete, catchall, audit, grant', value: 'admin' },
      ],
    },
  ],
  args: z.object({
    who: subjectArg,
    role: z.string().transform((value, ctx) => {
      const role = value.toLowerCase();
      if (isGrantableRole(role)) return role;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'INVALID_ROLE',
        params: { domainError: { code: 'INVALID_ROLE', value } },
      });
      return z.NEVER;
    }),
  }),
  async run(ctx, args) {
    const result = await ctx.service.admin.grant(ctx.access, args.who, args.role);
    if (!result.ok) return errorReply(result.error);
    return {
      tone: 'success',
      title: `${result.value.subject} is now ${result.value.role}`,
      announce: {
        channel: 'audit',
        text: `${ctx.access.actor.userName} granted ${result.value.role} to ${result.value.subject}`,
      },
    };
  },
});
