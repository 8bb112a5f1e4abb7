import { z } from 'zod';
import { formatBytes, formatQuota } from '../service/units.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam } from './args.ts';
import { formatDate, formatLastLogin } from './format.ts';

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'logins, quota, usage and dates of one account',
  example: 'info scott',
  minRole: 'viewer',
  params: [accountParam()],
  args: z.object({ account: accountArg }),
  async run(ctx, args) {
    const result = await ctx.service.mailboxes.info(ctx.access, args.account);
    if (!result.ok) return errorReply(result.error);
    const view = result.value;
    return {
      tone: 'info',
      title: view.isMain ? `${view.address} (Main Account)` : view.address,
      fields: [
        { label: view.logins.length > 1 ? 'Logins' : 'Login', value: view.logins.join('  or  ') },
        {
          label: 'Quota',
          value: view.isMain ? `${formatQuota(view.quotaMb)} (the hosting account's disk)` : formatQuota(view.quotaMb),
        },
        {
          label: 'Used',
          value: `${formatBytes(view.usedBytes)} in ${view.messages} message${view.messages === 1 ? '' : 's'}`,
        },
        { label: 'Last login', value: formatLastLogin(view.lastLogin, new Date()) },
        ...(view.suspended
          ? [
              {
                label: 'Suspended',
                value:
                  `since ${formatDate(view.suspended.since)}: logins refused` +
                  (view.suspended.incoming ? ', incoming mail refused' : ''),
              },
            ]
          : []),
        { label: 'Created', value: formatDate(view.createdAt) },
        view.passwordPending
          ? { label: 'Password', value: 'none yet: waiting for its owner to choose one through a one-time link' }
          : { label: 'Password changed', value: formatDate(view.passwordChangedAt) },
      ],
      lines: view.isMain
        ? [
            'The Main Account logs in with the control-panel username and password; change that password in the ' +
              'control panel.',
          ]
        : undefined,
    };
  },
});
