import { z } from 'zod';
import { formatQuota } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { mailServer } from './reply.ts';
import { defineCommand } from './command.ts';
import { offerOwnPassword, offerRequestMore } from './actions.ts';
import { accountArg, quotaArg } from './args.ts';

export const addCommand = defineCommand({
  name: 'add',
  summary: 'create a POP account; its password comes to you privately',
  usage: 'add <name>[@domain] [quota]',
  example: 'add scott 10MB',
  minRole: 'operator',
  positional: ['account', 'quota'],
  joinTail: true,
  args: z.object({ account: accountArg, quota: quotaArg.optional() }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.add(ctx.access, {
      ...args.account,
      quotaMb: args.quota?.mb,
      quotaInput: args.quota?.input,
    });
    if (!result.ok) {
      const reply = errorReply(result.error);
      if (result.error.code !== 'PLAN_LIMIT_REACHED') return reply;
      return { ...reply, actions: await offerRequestMore(ctx, result.error.domain, 'primary') };
    }
    const created = result.value;
    return {
      tone: 'success',
      title: `Created ${created.address}`,
      lines: [
        `Quota ${formatQuota(created.quotaMb)}. Only you can see these login details; they are not stored and cannot ` +
          `be shown again.`,
      ],
      secret: {
        address: created.address,
        logins: created.logins,
        password: created.password,
        server: mailServer(created.pop3),
        outgoing: mailServer(created.smtp),
        issued: created.issued,
      },
      actions: await offerOwnPassword(ctx, created.address),
      announce: {
        channel: 'audit',
        text: `${ctx.access.actor.userName} created ${created.address} (${formatQuota(created.quotaMb)})`,
      },
    };
  },
});
