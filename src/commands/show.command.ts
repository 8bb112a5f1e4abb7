import { z } from 'zod';
import { errorReply } from './replies.ts';
import { defineCommand } from './command.ts';
import { accountArg, accountParam } from './args.ts';

/** People ask to see a password; the answer is why that cannot be, and what to do instead. */
export const showCommand = defineCommand({
  name: 'show',
  aliases: ['password', 'reveal', 'getpass'],
  summary: 'passwords cannot be shown',
  example: 'passwd scott',
  hidden: true,
  minRole: 'viewer',
  // `show password scott`: the word people add is fine.
  params: [
    {
      key: 'what',
      form: 'word',
      description: 'password',
      placeholder: '[password]',
      accepts: (word) => ['password', 'pass', 'pw', 'passwd'].includes(word.toLowerCase()),
    },
    accountParam(),
  ],
  args: z.object({ account: accountArg }),
  async run(_ctx, args) {
    const address = args.account.domain ? `${args.account.name}@${args.account.domain}` : args.account.name;
    return errorReply({ code: 'PASSWORD_NOT_RETRIEVABLE', address });
  },
});
