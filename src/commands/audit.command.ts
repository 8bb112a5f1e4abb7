import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, pageFlag } from './args.ts';
import { offerNextPage } from './actions.ts';
import { formatDate } from './format.ts';
import { AUDIT_PAGE_SIZE } from '../service/admin.service.ts';

export const auditCommand = defineCommand({
  name: 'audit',
  summary: 'the latest changes and refusals, newest first',
  usage: 'audit [name[@domain]] [--page N]',
  example: 'audit scott',
  minRole: 'admin',
  positional: ['account'],
  valueFlags: ['page'],
  args: z.object({ account: accountArg.optional(), page: pageFlag }),
  async run(ctx, args) {
    const result = await ctx.service.admin.audit(ctx.access, { account: args.account, page: args.page });
    if (!result.ok) return errorReply(result.error);
    const view = result.value;
    const rows = view.entries.map((e) => ({
      title: [
        formatDate(e.at),
        `${e.command}${e.target ? ` ${e.target}` : ''}`,
        e.outcome + (e.count > 1 ? ` ×${e.count}` : ''),
      ].join(' · '),
      detail: `by ${e.actor} (${e.platform})${e.detail ? ` · ${e.detail}` : ''} · ref ${e.requestId}`,
    }));
    return {
      tone: 'info',
      title: `Audit${view.target ? ` of ${view.target}` : ''}${view.page > 1 ? ` · page ${view.page}` : ''}`,
      rows: rows.length > 0 ? rows : [{ title: 'Nothing recorded yet', detail: '' }],
      actions:
        view.entries.length === AUDIT_PAGE_SIZE
          ? await offerNextPage(ctx, 'audit', view.target, view.page + 1)
          : undefined,
    };
  },
});
