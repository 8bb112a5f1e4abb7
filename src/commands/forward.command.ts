import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg } from './args.ts';

const VERBS = ['list', 'add', 'delete'] as const;

/** `[list] [domain]`, `add <source> <destination>`, `delete <source> <destination>`. */
const forwardArgs = z
  .object({ first: z.string().optional(), second: z.string().optional(), third: z.string().optional() })
  .transform((value, ctx) => {
    const words = [value.first, value.second, value.third].filter((w): w is string => w !== undefined);
    const verb = VERBS.find((v) => v === words[0]?.toLowerCase());
    if (verb) words.shift();
    const problem = (message: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    };
    if (verb === undefined || verb === 'list') {
      if (words.length > 1 || (words[0] !== undefined && !words[0].includes('.')))
        return problem(verb ? 'give a domain, or nothing' : `Unknown action \`${words[0]}\`: use list, add or delete`);
      return { verb: 'list' as const, domain: words[0] };
    }
    if (words[0] === undefined) return problem('Missing source (name or name@domain)');
    if (words[1] === undefined) return problem('Missing destination (an address such as name@example.com)');
    const source = accountArg.safeParse(words[0]);
    if (!source.success) {
      for (const issue of source.error.issues) ctx.addIssue(issue);
      return z.NEVER;
    }
    return { verb, source: source.data, destination: words[1] };
  });

export const forwardCommand = defineCommand({
  name: 'forward',
  summary: 'forwarders: mail to an address also (or only) goes to others',
  usage:
    'forward [list] [domain] · forward add <source>[@domain] <destination> · forward delete <source> <destination>',
  example: 'forward add scott scott@gmail.example',
  minRole: 'viewer',
  roleFor: (args) => (args.verb === 'list' ? 'viewer' : 'operator'),
  positional: ['first', 'second', 'third'],
  args: forwardArgs,
  async run(ctx, args) {
    const { forwarders } = ctx.service;
    if (args.verb === 'list') {
      const result = await forwarders.list(ctx.access, args.domain);
      if (!result.ok) return errorReply(result.error);
      const rows = result.value.forwarders.map((f) => ({ title: f.source, detail: `→ ${f.destinations.join(', ')}` }));
      return {
        tone: 'info',
        title: 'Forwarders',
        rows: rows.length
          ? rows
          : [{ title: 'No forwarders yet', detail: 'add one with `forward add <name> <address>`' }],
      };
    }
    if (args.verb === 'add') {
      const result = await forwarders.add(ctx.access, { ...args.source, destination: args.destination });
      if (!result.ok) return errorReply(result.error);
      const { source, destination, keepsCopy, count } = result.value;
      return {
        tone: 'success',
        title: `${source} now forwards to ${destination}`,
        lines: [
          keepsCopy
            ? 'Its POP account keeps a copy of each message.'
            : 'It has no POP account: its mail goes only to its destinations.',
          `${count} destination${count === 1 ? '' : 's'} in all.`,
        ],
        announce: {
          channel: 'audit',
          text: `${ctx.access.actor.userName} made ${source} forward to ${destination}`,
        },
      };
    }
    const result = await forwarders.remove(ctx.access, { ...args.source, destination: args.destination });
    if (!result.ok) return errorReply(result.error);
    const { source, destination, remaining } = result.value;
    return {
      tone: 'success',
      title: `${source} no longer forwards to ${destination}`,
      lines: [
        remaining.length
          ? `It still forwards to ${remaining.join(', ')}.`
          : 'It has no forwarders left: its mail goes where it did before.',
      ],
      announce: {
        channel: 'audit',
        text: `${ctx.access.actor.userName} stopped ${source} forwarding to ${destination}`,
      },
    };
  },
});
