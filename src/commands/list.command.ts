import { z } from 'zod';
import { formatBytes, formatMb, formatQuota } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { domainArg, pageFlag } from './args.ts';
import { offerNextPage } from './actions.ts';

export const listCommand = defineCommand({
  name: 'list',
  summary: 'the Main Account and every POP account, with quota and usage',
  usage: 'list [domain] [--page N]',
  example: 'list example.com',
  minRole: 'viewer',
  positional: ['domain'],
  valueFlags: ['page'],
  args: z.object({ domain: domainArg.optional(), page: pageFlag }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.list(ctx.access, { domain: args.domain, page: args.page });
    if (!result.ok) return errorReply(result.error);
    const view = result.value;
    const usage = (quotaMb: number, usedBytes: number) => `${formatQuota(quotaMb)} · ${formatBytes(usedBytes)} used`;
    const rows =
      view.page === 1
        ? [{ title: `${view.main.address} (Main Account)`, detail: usage(view.main.quotaMb, view.main.usedBytes) }]
        : [];
    for (const account of view.accounts) {
      // Marks support staff look for: suspended, and never logged in (a mailbox nobody reads).
      const marks = [account.suspended ? 'suspended' : '', account.lastLogin ? '' : 'never used'].filter(Boolean);
      const detail = usage(account.quotaMb, account.usedBytes);
      rows.push({ title: account.address, detail: marks.length ? `${detail} · ${marks.join(' · ')}` : detail });
    }
    if (view.accounts.length === 0 && view.page === 1)
      rows.push({ title: 'No POP accounts yet', detail: 'add one with `add <name> [quota]`' });
    const footer =
      `${view.popUsed} of ${view.popAllowed} POP accounts used · ` +
      `${formatBytes(view.diskUsedBytes)} of ${formatMb(view.diskQuotaMb)} disk`;
    return {
      tone: 'info',
      title: `Mailboxes of ${view.hostingAccount}${view.domain ? ` · ${view.domain}` : ''}`,
      rows,
      footer: view.pages > 1 ? `${footer} · page ${view.page} of ${view.pages}` : footer,
      actions: view.page < view.pages ? await offerNextPage(ctx, 'list', view.domain, view.page + 1) : undefined,
    };
  },
});
