import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam, domainArg, domainParam } from './args.ts';
import type { Param } from './command.ts';

const source = (description: string): Param => ({
  ...accountParam(true, description),
  placeholder: '<source>[@domain]',
});
const destination: Param = {
  key: 'destination',
  form: 'word',
  required: true,
  description: 'an address such as name@example.com',
  placeholder: '<destination>',
  maxLength: 254,
};
const change = (verb: 'add' | 'delete') =>
  z.object({ verb: z.literal(verb), account: accountArg, destination: z.string() });

export const forwardCommand = defineCommand({
  name: 'forward',
  summary: 'forwarders: mail to an address also (or only) goes to others',
  example: 'forward add scott scott@gmail.example',
  minRole: 'viewer',
  roleFor: (args) => (args.verb === 'list' ? 'viewer' : 'operator'),
  verbs: {
    list: { description: 'the forwarders: each address and where its mail goes', params: [domainParam] },
    add: {
      description: 'mail to an address also (or, without an account, only) goes to another',
      params: [source('address to forward: name or name@domain'), destination],
    },
    delete: {
      description: 'stop forwarding an address to another',
      params: [source('address that forwards: name or name@domain'), destination],
    },
  },
  defaultVerb: 'list',
  args: z.discriminatedUnion('verb', [
    z.object({ verb: z.literal('list'), domain: domainArg.optional() }),
    change('add'),
    change('delete'),
  ]),
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
      const result = await forwarders.add(ctx.access, { ...args.account, destination: args.destination });
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
    const result = await forwarders.remove(ctx.access, { ...args.account, destination: args.destination });
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
