import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam, pageFlag, pageParam } from './args.ts';
import { offerPages } from './actions.ts';
import { codeAsWords, formatAgo } from './format.ts';

export const auditCommand = defineCommand({
  name: 'audit',
  summary: 'the latest changes and refusals, newest first',
  example: 'audit scott',
  minRole: 'admin',
  params: [accountParam(false, 'only changes of this account'), pageParam],
  args: z.object({ account: accountArg.optional(), page: pageFlag }),
  async run(ctx, args) {
    const result = await ctx.service.admin.audit(ctx.access, { account: args.account, page: args.page });
    if (!result.ok) return errorReply(result.error);
    const view = result.value;
    const now = new Date();
    const rows = view.entries.map((e) => ({
      title: `${e.command}${e.target ? ` ${e.target}` : ''} · ${e.outcome}${e.count > 1 ? ` ×${e.count}` : ''}`,
      detail:
        `${formatAgo(e.at, now)} by ${e.actor} (${e.platform})` +
        `${e.detail ? ` · ${codeAsWords(e.detail)}` : ''} · ref ${e.requestId}`,
    }));
    return {
      tone: 'info',
      title: `Audit${view.target ? ` of ${view.target}` : ''}`,
      rows: rows.length > 0 ? rows : [{ title: 'Nothing recorded yet', detail: '' }],
      footer: `Newest first · page ${view.page} of ${view.pages}`,
      actions: await offerPages(ctx, { command: 'audit', target: view.target, page: view.page, pages: view.pages }),
    };
  },
});
