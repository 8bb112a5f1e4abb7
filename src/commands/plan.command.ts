import { z } from 'zod';
import { formatBytes, formatMb } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { booleanFlag, domainArg, domainParam, flagParam } from './args.ts';
import { offerRequestMore } from './actions.ts';

export const planCommand = defineCommand({
  name: 'plan',
  summary: 'the hosting plan: POP accounts and disk used and allowed; --request asks sales for more',
  example: 'plan',
  minRole: 'viewer',
  params: [domainParam, flagParam('request', 'ask sales for more POP accounts')],
  args: z.object({ domain: domainArg.optional(), request: booleanFlag }),
  async run(ctx, args) {
    if (args.request) {
      const result = await ctx.service.plans.requestMore(ctx.access, args.domain);
      if (!result.ok) return errorReply(result.error);
      const view = result.value;
      return {
        tone: 'success',
        title: 'Request sent to sales',
        lines: [
          `Request #${view.requestId} for more POP accounts on plan "${view.plan}" (${view.popUsed} of ` +
            `${view.popAllowed} used) is recorded; sales will get back to you.`,
        ],
        announce: {
          channel: 'sales',
          text:
            `${ctx.access.actor.userName} (${ctx.access.actor.platform}) asks for more POP accounts for ` +
            `${view.hostingAccount}: plan "${view.plan}", ${view.popUsed} of ${view.popAllowed} used ` +
            `(request #${view.requestId})`,
        },
      };
    }
    const result = await ctx.service.plans.plan(ctx.access, args.domain);
    if (!result.ok) return errorReply(result.error);
    const view = result.value;
    return {
      tone: 'info',
      title: `Plan "${view.plan}" of ${view.hostingAccount}`,
      fields: [
        { label: 'POP accounts', value: `${view.popUsed} of ${view.popAllowed} used` },
        { label: 'Disk', value: `${formatBytes(view.diskUsedBytes)} of ${formatMb(view.diskQuotaMb)} used` },
        { label: 'Default mailbox quota', value: formatMb(view.defaultQuotaMb) },
        {
          label: 'Forwarders',
          value: `${view.forwardersUsed} of ${view.forwardersAllowed === 0 ? 'unlimited' : view.forwardersAllowed} used`,
        },
        { label: 'Domains', value: view.domains.join(', ') },
      ],
      actions: await offerRequestMore(ctx, view.domains[0]),
    };
  },
});
