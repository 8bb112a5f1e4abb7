import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { popCommandData, toCommandInput } from '../../src/adapters/discord/commands.ts';
import { renderBlocks } from '../../src/adapters/slack/render.ts';
import { renderMessage } from '../../src/adapters/discord/render.ts';
import { accountArg, accountParam, booleanFlag, flagParam } from '../../src/commands/args.ts';
import { defineCommand } from '../../src/commands/command.ts';
import { usageLines } from '../../src/commands/grammar.ts';
import { COMMANDS } from '../../src/commands/registry.ts';
import { CONSOLE_ACTOR, type Actor } from '../../src/service/context.ts';
import { makeCore } from '../helpers/core.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';

/** A command no other file knows: declared here once, it must appear everywhere a command does. */
const pingCommand = defineCommand({
  name: 'ping',
  summary: 'answers pong for an account',
  example: 'ping scott --loud',
  minRole: 'viewer',
  params: [accountParam(), flagParam('loud', 'answer in capitals')],
  args: z.object({ account: accountArg, loud: booleanFlag }),
  async run(_ctx, args) {
    const word = args.loud ? 'PONG' : 'pong';
    return { tone: 'info', title: `${word} ${args.account.name}` };
  },
});
const commands = [...COMMANDS, pingCommand];

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
const SLACK = slackActor({ workspaceId: 'T_GRAMMAR', userId: 'U_G', userName: 'gina' });
const DISCORD: Actor = {
  platform: 'discord',
  workspaceId: '1900000000000000001',
  userId: '42',
  userName: 'dan',
  roleIds: [],
};

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { commands });
  await makeHostingAccount(core.service, { username: 'gram', domains: ['gram.example'], maxPopAccounts: 40 });
  await grantActor(core.service, SLACK, 'gram', 'admin');
  await grantActor(core.service, DISCORD, 'gram', 'admin');
});
afterAll(async () => database?.close());

const helpOf = async (actor: Actor) => {
  const reply = await core.dispatcher.run(actor, 'help');
  return (reply.rows ?? []).map((r) => r.title).join('\n') + (reply.footer ?? '');
};

describe('a command declares its grammar once (STYLE 16)', () => {
  it('a new command in a test file: text grammar, Discord registration and mapping, help on every platform', async () => {
    expect((await core.dispatcher.run(CONSOLE_ACTOR, 'ping scott --loud')).title).toBe('PONG scott');
    expect((await core.dispatcher.run(CONSOLE_ACTOR, 'ping')).lines?.join(' ')).toContain(
      'Missing name: account name, or name@domain.',
    );

    const registered = popCommandData(commands).options?.find((o) => o.name === 'ping') as {
      options: { name: string; type: number; required?: boolean; autocomplete?: boolean }[];
    };
    expect(registered.options).toEqual([
      expect.objectContaining({ name: 'name', type: 3, required: true, autocomplete: true }),
      expect.objectContaining({ name: 'loud', type: 5, required: false }),
    ]);
    const input = toCommandInput(pingCommand, { name: 'scott', loud: true });
    expect(input).toEqual({ words: ['ping', 'scott'], flags: { loud: true } });
    expect((await core.dispatcher.run(DISCORD, input)).title).toBe('PONG scott');

    expect(await helpOf(CONSOLE_ACTOR)).toContain('ping <name>[@domain] [--loud]');
    expect(await helpOf(SLACK)).toContain('/pop ping <name>[@domain] [--loud]');
    expect(await helpOf(DISCORD)).toContain('/pop ping name [loud]');
  });

  it('help speaks each platform: Slack shows /pop, Discord has no --flags, the console neither', async () => {
    const slack = await helpOf(SLACK);
    expect(slack).toContain('/pop add <name>[@domain] [quota] [--link]');
    expect(slack).toContain('Example: /pop add scott 10MB');
    const discord = await helpOf(DISCORD);
    expect(discord).not.toContain('--');
    expect(discord).toContain('/pop list [domain] [prefix] [page]');
    expect(discord).toContain('Example: /pop add name:scott quota:10MB');
    const console = await helpOf(CONSOLE_ACTOR);
    expect(console).not.toContain('/pop');
    expect(console).toContain('passwd <name>[@domain] [--own] [--link] [--password-stdin]');
    // Typed-only and console-only flags stay where they can be typed.
    expect(usageLines(COMMANDS.find((c) => c.name === 'delete')!, 'discord')).toEqual(['/pop delete name']);
    expect(usageLines(COMMANDS.find((c) => c.name === 'passwd')!, 'slack')).toEqual([
      '/pop passwd <name>[@domain] [--own] [--link]',
    ]);
  });

  it('a usage error answers in the platform grammar', async () => {
    const slack = await core.dispatcher.run(SLACK, 'quota scott');
    expect(slack.lines?.join('\n')).toContain('Usage: /pop quota <name>[@domain] <quota>');
    const discord = await core.dispatcher.run(DISCORD, { words: ['quota', 'scott'] });
    expect(discord.lines?.join('\n')).toContain('Usage: /pop quota name quota');
    expect(discord.lines?.join('\n')).toContain('Example: /pop quota name:scott quota:25MB');
  });
});

describe('list on a phone: Previous and Next, page N of M (issue 14)', () => {
  it('page 2 of 3 has both buttons, each its own pending action; Slack gives them distinct action ids', async () => {
    for (let i = 0; i < 25; i++) await core.dispatcher.run(CONSOLE_ACTOR, `add p${String(i).padStart(2, '0')}`);
    const page = await core.dispatcher.run(SLACK, 'list --page 2');
    expect(page.footer).toContain('page 2 of 3');
    expect(page.actions?.map((a) => a.label)).toEqual(['Previous', 'Next']);
    expect(new Set(page.actions?.map((a) => a.pendingId)).size).toBe(2);
    const slack = renderBlocks(page).blocks.find((b) => b.type === 'actions') as { elements: { action_id: string }[] };
    expect(slack.elements.map((e) => e.action_id)).toEqual(['popbot:page', 'popbot:page:2']);
    const back = await core.dispatcher.runAction(SLACK, page.actions![0]!.pendingId);
    expect(back.footer).toContain('page 1 of 3');
    // One domain in view: named once in the title, rows show names.
    expect(page.title).toBe('Mailboxes of gram · gram.example');
    expect(page.rows?.[0]?.title).toBe('p10');
    expect((await core.dispatcher.run(SLACK, 'list --page 4')).lines?.join(' ')).toContain(
      'Invalid page `4`: there are 3 pages.',
    );
  });
});

describe('long addresses fit every platform limit (64-character name, 253-character domain)', () => {
  const name = 'n'.repeat(64);
  const domain = `${'d'.repeat(61)}.${'e'.repeat(61)}.${'f'.repeat(61)}.${'g'.repeat(61)}.example`.slice(0, 253);
  const address = `${name}@${domain}`;

  it('Slack and Discord keep the whole address in the login details and stay within their limits', async () => {
    const { Secret } = await import('../../src/service/secret.ts');
    const reply = {
      tone: 'success' as const,
      title: `Created ${address}`,
      secret: {
        address,
        logins: [address, `${name}+${domain}`],
        password: new Secret('abcd-efgh-jkmn-pqrs-tuvw'),
        server: { host: 'pop.example.net', port: 995, security: 'SSL/TLS' as const },
        outgoing: { host: 'smtp.example.net', port: 587, security: 'STARTTLS' as const },
        issued: { command: 'add' as const, requestId: 'r', address, mailboxId: 1, hash: 'h', previous: null },
      },
    };
    const slack = renderBlocks(reply);
    for (const block of slack.blocks) {
      const text = (block.text as { text?: string } | undefined)?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(block.fields).toBeUndefined();
    }
    expect(JSON.stringify(slack.blocks)).toContain(address);
    const password = slack.blocks.find((b) => JSON.stringify(b).includes('*Password*'));
    expect((password?.text as { text: string } | undefined)?.text).toBe('*Password*\n```abcd-efgh-jkmn-pqrs-tuvw```');

    const discord = renderMessage(reply);
    const embed = discord.embeds[0]!;
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
    expect(JSON.stringify(embed.fields)).toContain(address);
  });
});
