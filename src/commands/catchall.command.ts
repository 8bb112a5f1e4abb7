import { z } from 'zod';
import type { CatchallSetting, CatchallView } from '../service/plan.service.ts';
import { normalizeAccountName } from '../service/names.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { domainArg, domainParam } from './args.ts';
import type { Reply } from './reply.ts';

/** main, fail, blackhole, or the name of a POP account. */
const settingArg = z.string().transform((value, ctx): CatchallSetting => {
  const word = value.toLowerCase();
  if (word === 'main' || word === 'fail' || word === 'blackhole') return { mode: word };
  if (normalizeAccountName(word) !== null) return { mode: 'account', name: word };
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: 'CATCHALL_TARGET_INVALID',
    params: { domainError: { code: 'CATCHALL_TARGET_INVALID', value } },
  });
  return z.NEVER;
});

/** Where mail to unknown names goes, as a sentence; `now` for a change just made. */
function describe(view: CatchallView, now = ''): string {
  const is = now ? `${now} ` : '';
  switch (view.mode) {
    case 'main':
      return `Mail to unknown names ${now ? 'now goes' : 'goes'} to the Main Account (${view.mainLogin}).`;
    case 'account':
      return `Mail to unknown names ${now ? 'now goes' : 'goes'} to ${view.account}.`;
    case 'fail':
      return `Mail to unknown names is ${is}refused: senders get a bounce (550).`;
    case 'blackhole':
      return `Mail to unknown names is ${is}accepted and discarded.`;
  }
}

export const catchallCommand = defineCommand({
  name: 'catchall',
  summary: 'where mail to unknown names goes: main, an account, fail or blackhole (setting needs admin)',
  example: 'catchall example.com fail',
  minRole: 'viewer',
  roleFor: (args) => (args.setting ? 'admin' : 'viewer'),
  params: [
    domainParam,
    {
      key: 'setting',
      form: 'word',
      description: 'main, fail, blackhole, or an account name (admins)',
      placeholder: '[main|<name>|fail|blackhole]',
      maxLength: 64,
    },
  ],
  args: z.object({ domain: domainArg.optional(), setting: settingArg.optional() }),
  async run(ctx, args): Promise<Reply> {
    if (!args.setting) {
      const result = await ctx.service.plans.catchall(ctx.access, args.domain);
      if (!result.ok) return errorReply(result.error);
      return {
        tone: 'info',
        title: `Catch-all of ${result.value.domain}`,
        lines: [`${describe(result.value)} Mail for existing accounts always reaches them.`],
      };
    }
    const result = await ctx.service.plans.setCatchall(ctx.access, args.domain, args.setting);
    if (!result.ok) return errorReply(result.error);
    return {
      tone: 'success',
      title: `Catch-all of ${result.value.domain} changed`,
      lines: [describe(result.value, 'now')],
      announce: {
        channel: 'audit',
        text:
          `${ctx.access.actor.userName} set the catch-all of ${result.value.domain} to ` +
          `${result.value.account ?? result.value.mode}`,
      },
    };
  },
});
