import { z } from 'zod';
import { atLeast } from '../service/roles.ts';
import { defineCommand } from './command.ts';

export const helpCommand = defineCommand({
  name: 'help',
  summary: 'what you can do here',
  usage: 'help',
  example: 'help',
  minRole: 'viewer',
  positional: [],
  args: z.object({}),
  async run(ctx) {
    const mine = ctx.commands.filter((c) => !c.hidden && atLeast(ctx.access.role, c.minRole));
    const { role } = ctx.access;
    const you = role === 'owner' ? 'the owner (console)' : `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
    return {
      tone: 'info',
      title: 'popbot commands',
      rows: mine.map((c) => ({ title: c.usage, detail: c.summary })),
      footer: `You are ${you}. Example: ${mine.find((c) => c.name === 'add')?.example ?? 'list'}`,
    };
  },
});
