import { z } from 'zod';
import { atLeast } from '../service/roles.ts';
import { defineCommand } from './command.ts';
import type { Reply } from './reply.ts';
import { exampleOf, usageLines } from './grammar.ts';

export const helpCommand = defineCommand({
  name: 'help',
  summary: 'what you can do here',
  example: 'help',
  minRole: 'viewer',
  args: z.object({}),
  async run(ctx): Promise<Reply> {
    const mine = ctx.commands.filter((c) => !c.hidden && atLeast(ctx.access.role, c.minRole));
    const { role } = ctx.access;
    const { platform } = ctx.access.actor;
    const you = role === 'owner' ? 'the owner (console)' : `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
    return {
      tone: 'info',
      title: 'popbot commands',
      rows: mine.map((c) => ({ title: usageLines(c, platform).join('\n'), detail: c.summary })),
      footer: `You are ${you}. Example: ${mine.some((c) => c.name === 'add') ? exampleOf(mine.find((c) => c.name === 'add')!, platform) : 'list'}`,
    };
  },
});
