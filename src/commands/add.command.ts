import { z } from 'zod';
import { formatQuota } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { loginOf } from './reply.ts';
import { defineCommand } from './command.ts';
import { offerOwnPassword, offerRequestMore } from './actions.ts';
import { accountArg, accountParam, booleanFlag, flagParam, quotaArg, quotaParam } from './args.ts';

export const addCommand = defineCommand({
  name: 'add',
  summary: 'create a POP account; its password comes to you privately (--link: its owner chooses it)',
  example: 'add scott 10MB',
  minRole: 'operator',
  params: [
    accountParam(true, 'name of the new account (a–z, 0–9), or name@domain'),
    quotaParam(false),
    flagParam('link', 'no password for you: the owner chooses one through a one-time link'),
  ],
  joinTail: true,
  args: z.object({ account: accountArg, quota: quotaArg.optional(), link: booleanFlag }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.add(ctx.access, {
      ...args.account,
      quotaMb: args.quota?.mb,
      quotaInput: args.quota?.input,
      link: args.link,
    });
    if (!result.ok) {
      const reply = errorReply(result.error);
      if (result.error.code !== 'PLAN_LIMIT_REACHED') return reply;
      return { ...reply, actions: await offerRequestMore(ctx, result.error.domain, 'primary') };
    }
    const created = result.value;
    const quota = `Quota ${formatQuota(created.quotaMb)}.`;
    return {
      tone: 'success',
      title: `Created ${created.address}`,
      lines: [
        created.password
          ? `${quota} Only you can see these login details; they are not stored and cannot be shown again.`
          : `${quota} It has no password yet: its owner chooses one through the link below, which only you can see.`,
      ],
      secret: loginOf(created),
      actions: created.password ? await offerOwnPassword(ctx, created.address) : undefined,
      announce: {
        channel: 'audit',
        text: `${ctx.access.actor.userName} created ${created.address} (${formatQuota(created.quotaMb)})`,
      },
    };
  },
});
