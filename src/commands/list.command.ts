import { z } from 'zod';
import { formatBytes, formatMb, formatQuota } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { domainArg, domainParam, pageFlag, pageParam, prefixArg } from './args.ts';
import { offerPages } from './actions.ts';

export const listCommand = defineCommand({
  name: 'list',
  summary: 'the Main Account and every POP account, with quota and usage',
  example: 'list example.com',
  minRole: 'viewer',
  params: [
    domainParam,
    {
      key: 'prefix',
      form: 'word',
      description: 'only accounts whose name starts with this',
      placeholder: '[name-start]',
      maxLength: 64,
    },
    pageParam,
  ],
  args: z.object({ domain: domainArg.optional(), prefix: prefixArg.optional(), page: pageFlag }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.list(ctx.access, {
      domain: args.domain,
      prefix: args.prefix,
      page: args.page,
    });
    if (!result.ok) return errorReply(result.error);
    const view = result.value;
    // With one domain in view, it is in the title and each row shows the name alone.
    const shown = (address: string) => (view.domain ? address.slice(0, address.lastIndexOf('@')) : address);
    const usage = (quotaMb: number, usedBytes: number) => `${formatQuota(quotaMb)} · ${formatBytes(usedBytes)} used`;
    const rows =
      view.page === 1 && !view.prefix
        ? [{ title: `${view.main.address} (Main Account)`, detail: usage(view.main.quotaMb, view.main.usedBytes) }]
        : [];
    for (const account of view.accounts) {
      // Marks support staff look for: suspended, and never logged in (a mailbox nobody reads).
      const marks = [account.suspended ? 'suspended' : '', account.lastLogin ? '' : 'never used'].filter(Boolean);
      const detail = usage(account.quotaMb, account.usedBytes);
      rows.push({ title: shown(account.address), detail: marks.length ? `${detail} · ${marks.join(' · ')}` : detail });
    }
    if (view.accounts.length === 0)
      rows.push(
        view.prefix
          ? { title: `No POP account starts with “${view.prefix}”`, detail: '`list` shows them all' }
          : { title: 'No POP accounts yet', detail: 'add one with `add <name> [quota]`' },
      );
    const footer =
      `${view.popUsed} of ${view.popAllowed} POP accounts used · ` +
      `${formatBytes(view.diskUsedBytes)} of ${formatMb(view.diskQuotaMb)} disk`;
    const matching = view.prefix ? ` · ${view.matching} starting with “${view.prefix}”` : '';
    return {
      tone: 'info',
      title: `Mailboxes of ${view.hostingAccount}${view.domain ? ` · ${view.domain}` : ''}`,
      rows,
      footer: `${footer}${matching} · page ${view.page} of ${view.pages}`,
      actions: await offerPages(ctx, {
        command: 'list',
        target: args.domain,
        prefix: view.prefix,
        page: view.page,
        pages: view.pages,
      }),
    };
  },
});
