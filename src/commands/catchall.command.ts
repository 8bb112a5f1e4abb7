import { z } from 'zod';
import type { CatchallSetting, CatchallView } from '../service/plan.service.ts';
import { normalizeAccountName } from '../service/names.ts';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import type { Reply } from './reply.ts';

/** `[domain] [setting]`: a word with a dot is the domain (names never have dots). */
const catchallArgs = z
  .object({ first: z.string().optional(), second: z.string().optional() })
  .transform((value, ctx) => {
    const words = [value.first, value.second].filter((w): w is string => w !== undefined);
    const domain = words[0]?.includes('.') ? words.shift() : undefined;
    if (words.length > 1 || words.some((w) => w.includes('.'))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give the domain first, then the setting' });
      return z.NEVER;
    }
    const word = words[0]?.toLowerCase();
    let setting: CatchallSetting | undefined;
    if (word === 'main' || word === 'fail' || word === 'blackhole') setting = { mode: word };
    else if (word !== undefined) {
      if (normalizeAccountName(word) === null) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: 'CATCHALL_TARGET_INVALID',
          params: { domainError: { code: 'CATCHALL_TARGET_INVALID', value: words[0] } },
        });
        return z.NEVER;
      }
      setting = { mode: 'account', name: word };
    }
    return { domain, setting };
  });

function describe(view: CatchallView): string {
  switch (view.mode) {
    case 'main':
      return `to the Main Account (${view.mainLogin})`;
    case 'account':
      return `to ${view.account}`;
    case 'fail':
      return 'refused: senders get a bounce (550)';
    case 'blackhole':
      return 'accepted and discarded';
  }
}

export const catchallCommand = defineCommand({
  name: 'catchall',
  summary: 'where mail to unknown names goes: main, an account, fail or blackhole (setting needs admin)',
  usage: 'catchall [domain] [main|<name>|fail|blackhole]',
  example: 'catchall example.com fail',
  minRole: 'viewer',
  roleFor: (args) => (args.setting ? 'admin' : 'viewer'),
  positional: ['first', 'second'],
  args: catchallArgs,
  async run(ctx, args): Promise<Reply> {
    if (!args.setting) {
      const result = await ctx.service.plans.catchall(ctx.access, args.domain);
      if (!result.ok) return errorReply(result.error);
      return {
        tone: 'info',
        title: `Catch-all of ${result.value.domain}`,
        lines: [
          `Mail to unknown names goes ${describe(result.value)}. Mail for existing accounts always reaches them.`,
        ],
      };
    }
    const result = await ctx.service.plans.setCatchall(ctx.access, args.domain, args.setting);
    if (!result.ok) return errorReply(result.error);
    return {
      tone: 'success',
      title: `Catch-all of ${result.value.domain} changed`,
      lines: [`Mail to unknown names now goes ${describe(result.value)}.`],
      announce: {
        channel: 'audit',
        text:
          `${ctx.access.actor.userName} set the catch-all of ${result.value.domain} to ` +
          `${result.value.account ?? result.value.mode}`,
      },
    };
  },
});
