import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'discord.js';
import { Secret } from '../../src/service/secret.ts';
import { createDiscordAdapter } from '../../src/adapters/discord/discord.adapter.ts';
import { registerCommands } from '../../src/adapters/discord/register.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { grantActor, makeHostingAccount } from '../helpers/factories.ts';
import { nextId, startFakeDiscord, user, message } from '../helpers/fake-discord.ts';

const APP = '1100000000000000001';
const GUILD = '1000000000000000001';
const OTHER_GUILD = '1000000000000000002';
const UNBOUND_GUILD = '1000000000000000099';
const CHANNEL = '1200000000000000001';
const OPS_ROLE = '1300000000000000001';

type Member = { id: string; name: string; roles: string[]; guild?: string };
const ADMIN: Member = { id: '1400000000000000001', name: 'gina', roles: [] };
const OPERATOR: Member = { id: '1400000000000000002', name: 'olaf', roles: [] };
const VIEWER: Member = { id: '1400000000000000003', name: 'vera', roles: [] };
const NOBODY: Member = { id: '1400000000000000004', name: 'nemo', roles: [] };
const ROLE_MEMBER: Member = { id: '1400000000000000005', name: 'rita', roles: [OPS_ROLE] };

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
let fake: Awaited<ReturnType<typeof startFakeDiscord>>;
let client: Client;
let adapter: ReturnType<typeof createDiscordAdapter>;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { settings: { rateLimitPerMinute: 1000, publicUrl: 'https://pop.guild.example' } });
  await makeHostingAccount(core.service, { username: 'guildco', domains: ['guild.example'], maxPopAccounts: 100 });
  await makeHostingAccount(core.service, { username: 'otherco', domains: ['other.example'], maxPopAccounts: 100 });
  const asActor = (m: Member) => ({
    platform: 'discord' as const,
    workspaceId: m.guild ?? GUILD,
    userId: m.id,
    userName: m.name,
    roleIds: m.roles,
  });
  await grantActor(core.service, asActor(ADMIN), 'guildco', 'admin');
  await grantActor(core.service, asActor(OPERATOR), 'guildco', 'operator');
  await grantActor(core.service, asActor(VIEWER), 'guildco', 'viewer');
  fake = await startFakeDiscord();
  adapter = createDiscordAdapter({
    dispatcher: core.dispatcher,
    logger: core.logger,
    settings: {
      token: 'test-bot-token',
      applicationId: APP,
      apiUrl: fake.url,
      auditChannel: '1500000000000000001',
      salesChannel: '1500000000000000002',
    },
  });
  client = adapter.client;
});
afterAll(async () => {
  await client?.destroy();
  await fake?.close();
  await database?.close();
});

function envelope(type: number, member: Member, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const id = nextId();
  const token = `tok${id}`;
  const guild = member.guild ?? GUILD;
  return {
    token,
    payload: {
      id,
      application_id: APP,
      type,
      token,
      version: 1,
      guild_id: guild,
      channel_id: CHANNEL,
      channel: { id: CHANNEL, type: 0, guild_id: guild, name: 'general' },
      member: {
        user: user(member.id, member.name),
        roles: member.roles,
        permissions: '32',
        joined_at: '2024-01-01T00:00:00.000Z',
        deaf: false,
        mute: false,
        flags: 0,
      },
      data,
      locale: 'en-US',
      guild_locale: 'en-US',
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: { '0': guild },
      context: 0,
      ...extra,
    },
  };
}

const STRING = 3,
  INTEGER = 4,
  BOOLEAN = 5,
  MENTIONABLE = 9;
type Opt = { type: number; name: string; value: string | number | boolean; focused?: boolean };

/** `/pop list` sent in a direct message (no guild) by a member; returns the interaction id. */
function sendDm(member: Member): string {
  const id = nextId();
  feed({
    id,
    application_id: APP,
    type: 2,
    token: `tok${id}`,
    version: 1,
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 1, recipients: [user(member.id)] },
    user: user(member.id),
    data: { id: '1', name: 'pop', type: 1, options: [{ type: 1, name: 'list', options: [] }] },
    locale: 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 1,
  });
  return id;
}

function feed(payload: unknown) {
  (
    client as unknown as { actions: { InteractionCreate: { handle(p: unknown): void } } }
  ).actions.InteractionCreate.handle(payload);
}

/** Runs `/pop <sub> …options` as a member: returns the deferred callback and the edited reply. */
async function slash(member: Member, sub: string, options: Opt[] = [], resolved?: Record<string, unknown>) {
  const { token, payload } = envelope(2, member, {
    id: '1600000000000000001',
    name: 'pop',
    type: 1,
    options: [{ type: 1, name: sub, options }],
    ...(resolved ? { resolved } : {}),
  });
  feed(payload);
  const [callback, edit] = await fake.waitFor(token, 2);
  return { callback: callback!, edit: edit!, text: JSON.stringify(edit!.json), token };
}

/** `/pop <group> <sub>`: a subcommand group (forward). */
async function slashGroup(member: Member, group: string, sub: string, options: Opt[] = []) {
  const { token, payload } = envelope(2, member, {
    id: '1600000000000000001',
    name: 'pop',
    type: 1,
    options: [{ type: 2, name: group, options: [{ type: 1, name: sub, options }] }],
  });
  feed(payload);
  const [, edit] = await fake.waitFor(token, 2);
  return JSON.stringify(edit!.json);
}

async function click(member: Member, customId: string) {
  const { token, payload } = envelope(
    3,
    member,
    { custom_id: customId, component_type: 2 },
    {
      message: message({
        channel_id: CHANNEL,
        interaction_metadata: { id: nextId(), type: 2, user: user(member.id), authorizing_integration_owners: {} },
      }),
    },
  );
  feed(payload);
  return { token, requests: () => fake.forToken(token) };
}

async function submitModal(member: Member, customId: string, password: string) {
  const { token, payload } = envelope(5, member, {
    custom_id: customId,
    components: [{ type: 1, components: [{ type: 4, custom_id: 'password', value: password }] }],
  });
  feed(payload);
  const [callback, edit] = await fake.waitFor(token, 2);
  return { callback: callback!, edit: edit!, text: JSON.stringify(edit!.json) };
}

const str = (name: string, value: string): Opt => ({ type: STRING, name, value });
const customIds = (json: unknown) => [...JSON.stringify(json).matchAll(/"custom_id":"([^"]+)"/g)].map((m) => m[1]!);
const passwordOf = (text: string) => /"name":"Password","value":"`([^`]+)`"/.exec(text)?.[1];

describe('Discord: /pop through discord.js with raw interactions (SPEC §7)', () => {
  it.each([
    ['help', [], 'popbot commands'],
    ['add', [str('name', 'scott'), str('quota', '10MB')], 'Created scott@guild.example'],
    ['list', [], 'Mailboxes of guildco'],
    ['list', [{ type: INTEGER, name: 'page', value: 1 }], 'Mailboxes of guildco'],
    ['info', [str('name', 'scott')], 'scott+guild.example'],
    ['passwd', [str('name', 'scott')], 'New password for scott@guild.example'],
    ['quota', [str('name', 'scott'), str('quota', '20 MB')], 'Quota of scott@guild.example: 20 MB'],
    [
      'suspend',
      [str('name', 'scott'), { type: BOOLEAN, name: 'incoming', value: true }],
      'Suspended scott@guild.example',
    ],
    ['suspend', [str('name', 'scott'), { type: BOOLEAN, name: 'incoming', value: true }], 'is already suspended'],
    ['resume', [str('name', 'scott')], 'Resumed scott@guild.example'],
    ['suspend', [str('name', 'guildco')], 'cannot be suspended from chat'],
    ['plan', [], 'Plan \\"plan-guildco\\" of guildco'],
    ['catchall', [], 'Catch-all of guild.example'],
    ['catchall', [str('setting', 'fail')], 'Catch-all of guild.example changed'],
    ['catchall', [str('domain', 'guild.example'), str('setting', 'main')], 'Catch-all of guild.example changed'],
    ['audit', [], 'Audit'],
    ['audit', [str('name', 'scott')], 'Audit of scott@guild.example'],
    ['delete', [str('name', 'scott')], 'Delete scott@guild.example?'],
    ['add', [str('name', 'scott.smith')], 'Invalid account name `scott.smith`'],
    ['add', [str('name', 'scott --yes')], 'Invalid account name `scott --yes`'],
    ['add', [str('name', 'bob'), str('quota', '-5MB')], 'Invalid quota `-5MB`: a quota cannot be negative'],
    ['add', [str('name', 'bob@other.example')], 'Domain `other.example` is not one of yours'],
    ['quota', [str('name', 'scott'), str('quota', '1.3MB')], 'whole number of MB'],
    ['info', [str('name', 'ghost')], 'No POP account `ghost@guild.example`'],
    ['delete', [str('name', 'guildco')], 'cannot be deleted'],
    ['catchall', [str('setting', 'sc-ott')], 'Invalid catch-all `sc-ott`'],
  ] as [string, Opt[], string][])(
    '/pop %s %j → deferred ephemeral, then the answer',
    async (sub, options, expected) => {
      const { callback, edit, text, token } = await slash(ADMIN, sub, options);
      expect(callback.method).toBe('POST');
      expect(callback.json).toEqual({ type: 5, data: { flags: 64 } });
      expect(edit.method).toBe('PATCH');
      expect(decodeURIComponent(edit.path)).toBe(`/v10/webhooks/${APP}/${token}/messages/@original`);
      expect(text).toContain(expected);
      expect(text).not.toMatch(/undefined|\[object Object\]/);
    },
  );

  it('forward is a subcommand group: add, list and delete, with clear refusals that change nothing', async () => {
    const added = await slashGroup(ADMIN, 'forward', 'add', [
      str('name', 'fwd'),
      str('destination', 'Out@Remote.example'),
    ]);
    expect(added).toContain('fwd@guild.example now forwards to out@remote.example');
    expect(await slashGroup(ADMIN, 'forward', 'list')).toContain('fwd@guild.example');
    const before = await dumpTables(database.db);
    expect(
      await slashGroup(ADMIN, 'forward', 'add', [str('name', 'fwd'), str('destination', 'not an address')]),
    ).toContain('Invalid address `not an address`');
    expect(
      await slashGroup(ADMIN, 'forward', 'add', [str('name', 'fwd'), str('destination', 'fwd@guild.example')]),
    ).toContain('loop');
    expect(await dumpTables(database.db)).toBe(before);
    expect(
      await slashGroup(ADMIN, 'forward', 'delete', [str('name', 'fwd'), str('destination', 'out@remote.example')]),
    ).toContain('fwd@guild.example no longer forwards to out@remote.example');
  });

  it('grant and revoke take a mentionable: a role grant lets every member holding it act', async () => {
    const before = await slash(ROLE_MEMBER, 'add', [str('name', 'byrole')]);
    expect(before.text).toContain('Not allowed: you have no popbot role here');
    const granted = await slash(
      ADMIN,
      'grant',
      [{ type: MENTIONABLE, name: 'target', value: OPS_ROLE }, str('role', 'operator')],
      {
        roles: {
          [OPS_ROLE]: {
            id: OPS_ROLE,
            name: 'ops',
            color: 0,
            hoist: false,
            position: 1,
            permissions: '0',
            managed: false,
            mentionable: true,
            flags: 0,
          },
        },
      },
    );
    expect(granted.text).toContain(`<@&${OPS_ROLE}> is now operator`);
    expect((await slash(ROLE_MEMBER, 'add', [str('name', 'byrole')])).text).toContain('Created byrole@guild.example');
    const grantedUser = await slash(
      ADMIN,
      'grant',
      [{ type: MENTIONABLE, name: 'target', value: NOBODY.id }, str('role', 'viewer')],
      { users: { [NOBODY.id]: user(NOBODY.id, NOBODY.name) } },
    );
    expect(grantedUser.text).toContain(`<@${NOBODY.id}> is now viewer`);
    expect((await slash(NOBODY, 'list')).text).toContain('Mailboxes of guildco');
    expect(
      (
        await slash(ADMIN, 'revoke', [{ type: MENTIONABLE, name: 'target', value: NOBODY.id }], {
          users: { [NOBODY.id]: user(NOBODY.id, NOBODY.name) },
        })
      ).text,
    ).toContain('has no role here any more');
  });

  it('a member with no role and a guild with no binding are refused and audited', async () => {
    const stranger: Member = { id: '1400000000000000077', name: 'stray', roles: [] };
    expect((await slash(stranger, 'list')).text).toContain(
      'ask an admin to run `/pop grant @you viewer`'.replace('ask', 'Ask'),
    );
    const unbound: Member = { id: '1400000000000000078', name: 'lost', roles: [], guild: UNBOUND_GUILD };
    expect((await slash(unbound, 'add', [str('name', 'x')])).text).toContain(
      `this server (${UNBOUND_GUILD}) is not linked to any hosting account`,
    );
    const audit = await database.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('outcome', '=', 'denied')
      .where('platform', '=', 'discord')
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual(expect.arrayContaining([stranger.id, unbound.id]));
    expect((await slash(VIEWER, 'add', [str('name', 'x')])).text).toContain(
      '`add` needs the operator role; you are a viewer',
    );
  });

  it('autocomplete offers only the member’s accounts matching what is typed, 25 at most', async () => {
    for (let i = 0; i < 30; i++)
      await core.dispatcher.run(
        { platform: 'console', workspaceId: 'local', userId: 'console', userName: 'console', roleIds: [] },
        `add auto${i}@guild.example`,
      );
    await core.dispatcher.run(
      { platform: 'console', workspaceId: 'local', userId: 'console', userName: 'console', roleIds: [] },
      'add autox@other.example',
    );
    const ask = async (typed: string) => {
      const { token, payload } = envelope(4, OPERATOR, {
        id: '1600000000000000001',
        name: 'pop',
        type: 1,
        options: [{ type: 1, name: 'info', options: [{ type: STRING, name: 'name', value: typed, focused: true }] }],
      });
      feed(payload);
      const [callback] = await fake.waitFor(token, 1);
      expect(callback!.json!.type).toBe(8);
      return (callback!.json!.data as { choices: { name: string; value: string }[] }).choices.map((c) => c.value);
    };
    const auto = await ask('auto');
    expect(auto).toHaveLength(25);
    expect(auto.every((a) => a.startsWith('auto') && a.endsWith('@guild.example'))).toBe(true);
    expect(await ask('auto1')).toEqual([
      'auto1@guild.example',
      ...Array.from({ length: 10 }, (_, i) => `auto1${i}@guild.example`),
    ]);
    expect(await ask('zzz')).toEqual([]);
  });

  it('delete: the requester confirms; another member is refused; a forged or expired button does nothing', async () => {
    await slash(ADMIN, 'add', [str('name', 'doomed')]);
    const asked = await slash(ADMIN, 'delete', [str('name', 'doomed')]);
    const [danger, cancel] = customIds(asked.edit.json);
    expect(danger).toMatch(/^pop:d:[A-Za-z0-9_-]{16}$/);
    expect(cancel).toBe(danger!.replace('pop:d:', 'pop:c:'));
    expect(asked.text).toContain('"style":4');
    expect(asked.text).toContain('expires in 5 minutes');

    const other = await click(OPERATOR, danger!);
    const [refusal] = await fake.waitFor(other.token, 2);
    expect(JSON.stringify(fake.forToken(other.token))).toContain('Only the person who asked can use this button');
    expect(refusal!.json).toMatchObject({ type: 6 });

    // A crafted id naming a command, and a well-formed id nobody issued: nothing happens.
    for (const forged of ['pop|run|delete doomed --yes', 'pop:d:AAAAAAAAAAAAAAAA']) {
      const attempt = await click(ADMIN, forged);
      await fake.waitFor(attempt.token, forged.startsWith('pop:') ? 2 : 1);
      expect(JSON.stringify(fake.forToken(attempt.token))).toContain('out of date');
    }
    await database.db
      .updateTable('pending_actions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', danger!.slice(6))
      .execute();
    const expired = await click(ADMIN, danger!);
    await fake.waitFor(expired.token, 2);
    expect(JSON.stringify(fake.forToken(expired.token))).toContain('This button has expired; nothing was changed');
    expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'doomed').execute()).toHaveLength(
      1,
    );

    const again = await slash(ADMIN, 'delete', [str('name', 'doomed')]);
    const [fresh] = customIds(again.edit.json);
    const confirmed = await click(ADMIN, fresh!);
    const [, done] = await fake.waitFor(confirmed.token, 2);
    expect(JSON.stringify(done!.json)).toContain('Deleted doomed@guild.example');
    expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'doomed').execute()).toEqual([]);
  });

  it('the click re-checks the role: a demoted requester cannot delete', async () => {
    await slash(ADMIN, 'add', [str('name', 'kept')]);
    const asked = await slash(ADMIN, 'delete', [str('name', 'kept')]);
    const [danger] = customIds(asked.edit.json);
    await core.service.admin.grant(
      {
        actor: { platform: 'console', workspaceId: 'local', userId: 'console', userName: 'console', roleIds: [] },
        role: 'owner',
        scope: { all: true },
        requestId: 't',
      },
      { kind: 'user', id: ADMIN.id, label: 'gina', platform: 'discord', workspaceId: GUILD },
      'operator',
    );
    const attempt = await click(ADMIN, danger!);
    await fake.waitFor(attempt.token, 2);
    expect(JSON.stringify(fake.forToken(attempt.token))).toContain('`delete` needs the admin role');
    expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'kept').execute()).toHaveLength(1);
    await grantActor(
      core.service,
      { platform: 'discord', workspaceId: GUILD, userId: ADMIN.id, userName: ADMIN.name, roleIds: [] },
      'guildco',
      'admin',
    );
  });

  it('set my own password: the button opens a modal; weak is refused and changes nothing; strong is set once', async () => {
    const created = await slash(OPERATOR, 'add', [str('name', 'ownpw')]);
    const own = customIds(created.edit.json).find((c) => c.startsWith('pop:o:'))!;
    expect(own).toMatch(/^pop:o:[A-Za-z0-9_-]{16}$/);
    const modalId = own.replace('pop:o:', 'pop:m:');
    const opened = await click(OPERATOR, own);
    const [modal] = await fake.waitFor(opened.token, 1);
    expect(modal!.json).toMatchObject({
      type: 9,
      data: { custom_id: modalId, title: 'Password for ownpw@guild.example' },
    });

    const before = await dumpTables(database.db);
    const weak = await submitModal(OPERATOR, modalId, 'password123');
    expect(weak.callback.json).toEqual({ type: 5, data: { flags: 64 } });
    expect(weak.text).toContain('too easy to guess');
    expect(weak.text).not.toContain('password123');
    const unchanged = (dump: string) => dump.replace(/## rate_limits[\s\S]*?(?=## )/, '');
    expect(unchanged(await dumpTables(database.db))).toBe(unchanged(before));

    const strong = await submitModal(OPERATOR, modalId, 'violet-kettle-marsh-harbor');
    expect(strong.text).toContain('Your password is set');
    expect(strong.text).not.toContain('violet-kettle-marsh-harbor');
    const second = await submitModal(OPERATOR, modalId, 'another-strong-one-kettle');
    expect(second.text).toContain('Already done: set a password for ownpw@guild.example by olaf');

    const direct = envelope(2, OPERATOR, {
      id: '1600000000000000001',
      name: 'pop',
      type: 1,
      options: [
        { type: 1, name: 'passwd', options: [str('name', 'ownpw'), { type: BOOLEAN, name: 'own', value: true }] },
      ],
    });
    feed(direct.payload);
    const [directModal] = await fake.waitFor(direct.token, 1);
    expect(directModal!.json).toMatchObject({ type: 9, data: { title: 'Password for ownpw@guild.example' } });
    expect((directModal!.json!.data as { custom_id: string }).custom_id).toMatch(/^pop:m:[A-Za-z0-9_-]{16}$/);
  });

  it('add link:true: a set-your-own-password link as a link button; the requester is told by DM once it is used', async () => {
    const added = await slash(OPERATOR, 'add', [str('name', 'linda'), { type: BOOLEAN, name: 'link', value: true }]);
    expect(added.text).toContain('Set-your-own-password link');
    expect(added.text).not.toContain('"name":"Password"');
    const components = JSON.stringify(added.edit.json);
    const url = /"url":"(https:\/\/pop\.guild\.example\/s\/[A-Za-z0-9_-]{43})"/.exec(components)?.[1] ?? '';
    expect(url).not.toBe('');
    expect(components).toContain('"style":5');
    const used = await core.service.links.setOwn(
      url.split('/s/')[1]!,
      '198.51.100.7',
      new Secret('copper-meadow-lantern-71'),
    );
    if (!used.ok) throw new Error(used.error.code);
    expect(used.value.requester).toMatchObject({ platform: 'discord', userId: OPERATOR.id });
    await adapter.notify(used.value.requester.userId, {
      tone: 'success',
      title: `${used.value.address}: the owner has set a password`,
    });
    const dm = fake.received.filter((r) => r.path.endsWith('/users/@me/channels')).at(-1);
    expect(JSON.parse(dm!.body).recipient_id).toBe(OPERATOR.id);
    const told = fake.received.filter((r) => r.path.endsWith('/channels/1250000000000000001/messages')).at(-1);
    expect(told!.body).toContain('linda@guild.example: the owner has set a password');
  });

  it('the plan-limit answer carries "Request more POP accounts", which records a sales request and tells sales', async () => {
    await makeHostingAccount(core.service, { username: 'tinyco', domains: ['tiny.example'], maxPopAccounts: 1 });
    const boss: Member = { id: '1400000000000000090', name: 'boss', roles: [], guild: OTHER_GUILD };
    await grantActor(
      core.service,
      { platform: 'discord', workspaceId: OTHER_GUILD, userId: boss.id, userName: boss.name, roleIds: [] },
      'tinyco',
      'admin',
    );
    await slash(boss, 'add', [str('name', 'one')]);
    const full = await slash(boss, 'add', [str('name', 'two')]);
    expect(full.text).toContain('Plan limit reached');
    const more = customIds(full.edit.json).find((c) => c.startsWith('pop:r:'))!;
    expect(more).toMatch(/^pop:r:[A-Za-z0-9_-]{16}$/);
    const clicked = await click(boss, more);
    const [deferred, edited] = await fake.waitFor(clicked.token, 2);
    expect(deferred!.json).toEqual({ type: 6 });
    expect(JSON.stringify(edited!.json)).toContain('Request sent to sales');
    expect(
      await database.db.selectFrom('sales_requests').selectAll().where('workspace_id', '=', OTHER_GUILD).execute(),
    ).toHaveLength(1);
    await expect
      .poll(
        () =>
          fake.received.some(
            (r) =>
              r.path === '/v10/channels/1500000000000000002/messages' &&
              r.body.includes('asks for more POP accounts for tinyco'),
          ),
        {
          message:
            JSON.stringify(fake.received.filter((r) => r.path.includes('channels'))) +
            core.logs.filter((l) => l.includes('discord')).join(''),
        },
      )
      .toBe(true);
  });

  it('a DM is refused: popbot works in servers only', async () => {
    const id = sendDm(ADMIN);
    const [reply] = await fake.waitFor(`tok${id}`, 1);
    expect(JSON.stringify(reply!.json)).toContain('popbot works in servers only');
  });
});

describe('Discord: secrets and registration', () => {
  it('each issued password appears only in the one ephemeral reply to its requester', async () => {
    const issued: { password: string; token: string }[] = [];
    for (const [sub, name] of [
      ['add', 'leaky'],
      ['passwd', 'leaky'],
      ['add', 'leaky2'],
    ] as const) {
      const { text, token } = await slash(OPERATOR, sub, [str('name', name)]);
      issued.push({ password: passwordOf(text)!, token });
    }
    const logs = core.logs.join('');
    const tables = await dumpTables(database.db, { bookkeeping: true });
    for (const { password, token } of issued) {
      expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
      const carriers = fake.received.filter((r) => r.body.includes(password));
      expect(carriers).toHaveLength(1);
      expect(decodeURIComponent(carriers[0]!.path)).toContain(`/${token}/messages/@original`);
      expect(logs).not.toContain(password);
      expect(tables).not.toContain(password);
    }
    expect(
      fake.received
        .filter((r) => r.path.includes('/channels/'))
        .every((r) => !issued.some((i) => r.body.includes(i.password))),
    ).toBe(true);
    expect(fake.received.some((r) => r.body.includes('violet-kettle-marsh-harbor'))).toBe(false);
    expect(logs).not.toContain('violet-kettle-marsh-harbor');
  });

  it('a failed delivery is logged without the request body, so the password does not reach the log', async () => {
    fake.failing.webhooks = true;
    try {
      const { token, payload } = envelope(2, OPERATOR, {
        id: '1600000000000000001',
        name: 'pop',
        type: 1,
        options: [{ type: 1, name: 'add', options: [str('name', 'lostreply')] }],
      });
      feed(payload);
      const requests = await fake.waitFor(token, 2);
      const password = passwordOf(requests[1]!.body);
      expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
      await expect.poll(() => core.logs.some((l) => l.includes('reply not delivered'))).toBe(true);
      expect(core.logs.join('')).not.toContain(password!);
    } finally {
      fake.failing.webhooks = false;
    }
  });

  it('npm run discord:register -- --guild ID registers through the CLI and prints what it did', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { join } = await import('node:path');
    const run = promisify(execFile);
    const bin = join(import.meta.dirname, '../../bin/popbot.js');
    const { stdout } = await run(process.execPath, [bin, 'discord', 'register', '--guild', GUILD], {
      env: {
        PATH: process.env.PATH,
        DISCORD_TOKEN: 'cli-token',
        DISCORD_APPLICATION_ID: APP,
        DISCORD_API_URL: fake.url,
      },
    });
    expect(stdout).toContain(
      `Registered /pop (guild ${GUILD}) with 15 subcommands: help, list, info, add, passwd, quota, delete, suspend, ` +
        `resume, forward, plan, catchall, audit, grant, revoke`,
    );
    expect(fake.received.filter((r) => r.method === 'PUT').at(-1)!.path).toBe(
      `/v10/applications/${APP}/guilds/${GUILD}/commands`,
    );
  });

  it('the registration request carries every subcommand, its typed options and Manage Server', async () => {
    const result = await registerCommands({ token: 'test-bot-token', applicationId: APP, apiUrl: fake.url }, GUILD);
    expect(result.scope).toBe(`guild ${GUILD}`);
    const request = fake.received.filter((r) => r.method === 'PUT').at(-1)!;
    expect(request.path).toBe(`/v10/applications/${APP}/guilds/${GUILD}/commands`);
    const [pop] = JSON.parse(request.body) as {
      name: string;
      default_member_permissions: string;
      contexts: number[];
      options: {
        name: string;
        type: number;
        options: { name: string; type: number; required?: boolean; autocomplete?: boolean }[];
      }[];
    }[];
    expect(pop!.name).toBe('pop');
    expect(pop!.default_member_permissions).toBe('32');
    expect(pop!.contexts).toEqual([0]);
    const subs = Object.fromEntries(pop!.options.map((o) => [o.name, o]));
    expect(Object.keys(subs)).toEqual([
      'help',
      'list',
      'info',
      'add',
      'passwd',
      'quota',
      'delete',
      'suspend',
      'resume',
      'forward',
      'plan',
      'catchall',
      'audit',
      'grant',
      'revoke',
    ]);
    // Commands are subcommands; forward, with actions of its own, is a group of them.
    expect(pop!.options.filter((o) => o.type !== 1).map((o) => [o.name, o.type])).toEqual([['forward', 2]]);
    expect((subs.forward!.options as { name: string }[]).map((o) => o.name)).toEqual(['list', 'add', 'delete']);
    expect(subs.add!.options).toEqual([
      expect.objectContaining({ name: 'name', type: 3, required: true, autocomplete: true }),
      expect.objectContaining({ name: 'quota', type: 3, required: false }),
      expect.objectContaining({ name: 'link', type: 5, required: false }),
    ]);
    expect(subs.list!.options.map((o) => [o.name, o.type])).toEqual([
      ['domain', 3],
      ['prefix', 3],
      ['page', 4],
    ]);
    expect(subs.passwd!.options.map((o) => [o.name, o.type])).toEqual([
      ['name', 3],
      ['own', 5],
      ['link', 5],
    ]);
    expect(subs.grant!.options.map((o) => [o.name, o.type])).toEqual([
      ['target', 9],
      ['role', 3],
    ]);
    expect(subs.revoke!.options.map((o) => [o.name, o.type])).toEqual([['target', 9]]);
    const global = await registerCommands({ token: 'test-bot-token', applicationId: APP, apiUrl: fake.url });
    expect(global.scope).toBe('global');
    expect(fake.received.filter((r) => r.method === 'PUT').at(-1)!.path).toBe(`/v10/applications/${APP}/commands`);
  });
});

describe('Discord: exactly once, and nothing stranded (SPEC §12, §4, §6)', () => {
  const console = {
    platform: 'console' as const,
    workspaceId: 'local',
    userId: 'console',
    userName: 'console',
    roleIds: [],
  };

  it('point 1: the same interaction delivered twice runs once; the duplicate stays silent', async () => {
    const { token, payload } = envelope(2, OPERATOR, {
      id: '1600000000000000001',
      name: 'pop',
      type: 1,
      options: [{ type: 1, name: 'add', options: [str('name', 'dupe')] }],
    });
    feed(payload);
    feed(payload);
    await fake.waitFor(token, 2);
    // The duplicate has been seen and dropped (not merely not yet answered), and it answered nothing.
    await expect
      .poll(() =>
        core.logs.some(
          (l) => l.includes('duplicate delivery ignored') && l.includes(payload.id) && l.includes('"level":20'),
        ),
      )
      .toBe(true);
    expect(fake.forToken(token)).toHaveLength(2);
    expect(
      await database.db
        .selectFrom('audit_entries')
        .select('outcome')
        .where('target', '=', 'dupe@guild.example')
        .where('command', '=', 'add')
        .execute(),
    ).toEqual([{ outcome: 'ok' }]);
  });

  it('point 3: an edit that fails on every retry keeps the old password, tells the requester by follow-up, announces nothing', async () => {
    const created = await slash(OPERATOR, 'add', [str('name', 'edit500')]);
    const oldPassword = passwordOf(created.text)!;
    const auditPosts = () => fake.received.filter((r) => r.path.includes('/channels/1500000000000000001/'));
    // The add's own announcement follows its reply: counted before the passwd, not after.
    await expect.poll(() => auditPosts().some((r) => r.body.includes('created edit500@'))).toBe(true);
    const posted = auditPosts().length;
    fake.failing.webhooks = true;
    try {
      const { token, payload } = envelope(2, OPERATOR, {
        id: '1600000000000000001',
        name: 'pop',
        type: 1,
        options: [{ type: 1, name: 'passwd', options: [str('name', 'edit500')] }],
      });
      feed(payload);
      await expect
        .poll(() =>
          fake.received.some((r) => r.path.endsWith(`/${token}`) && r.body.includes('the old password still works')),
        )
        .toBe(true);
    } finally {
      fake.failing.webhooks = false;
    }
    const row = await database.db
      .selectFrom('mailboxes')
      .select('password_hash')
      .where('name', '=', 'edit500')
      .executeTakeFirstOrThrow();
    const { fastHasher } = await import('../helpers/core.ts');
    expect(await fastHasher.verify(row.password_hash, new Secret(oldPassword))).toBe(true);
    expect(
      (
        await database.db
          .selectFrom('audit_entries')
          .select('outcome')
          .where('target', '=', 'edit500@guild.example')
          .where('command', '!=', 'link')
          .orderBy('id')
          .execute()
      ).map((a) => a.outcome),
    ).toEqual(['ok', 'delivery failed']);
    // The undelivered password's one-time link went with it.
    const links = database.db.selectFrom('one_time_links').where('address', '=', 'edit500@guild.example');
    expect(await links.select('id').execute()).toEqual([]);
    expect(
      fake.received
        .filter((r) => r.path.includes('/channels/1500000000000000001/'))
        .slice(posted)
        .some((r) => r.body.includes('edit500')),
    ).toBe(false);
  });

  it("point 5: a 104-character address autocompletes, confirms a delete and opens its form within Discord's limits", async () => {
    const domain = `${'g'.repeat(30)}.${'h'.repeat(29)}.example`;
    const name = 'm'.repeat(35);
    await core.service.provisioning.addDomain('guildco', domain, 'd');
    await core.dispatcher.run(console, `add ${name}@${domain}`);
    const { token, payload } = envelope(4, ADMIN, {
      id: '1600000000000000001',
      name: 'pop',
      type: 1,
      options: [{ type: 1, name: 'info', options: [{ type: STRING, name: 'name', value: 'mmm', focused: true }] }],
    });
    feed(payload);
    const [callback] = await fake.waitFor(token, 1);
    const [choice] = (callback!.json!.data as { choices: { name: string; value: string }[] }).choices;
    expect(choice!.name.length).toBeLessThanOrEqual(100);
    expect(choice!.value.length).toBeLessThanOrEqual(100);
    expect((await slash(ADMIN, 'info', [str('name', choice!.value)])).text).toContain(`${name}+${domain}`);

    const form = await slash(ADMIN, 'passwd', [str('name', choice!.value)]);
    const own = customIds(form.edit.json).find((c) => c.startsWith('pop:o:'))!;
    const opened = await click(ADMIN, own);
    const [modal] = await fake.waitFor(opened.token, 1);
    const data = modal!.json!.data as {
      custom_id: string;
      title: string;
      components: { components: { label: string; placeholder: string }[] }[];
    };
    expect(data.custom_id.length).toBeLessThanOrEqual(100);
    expect(data.title.length).toBeLessThanOrEqual(45);
    expect(data.components[0]!.components[0]!.label.length).toBeLessThanOrEqual(45);
    // The title cannot hold this address; the placeholder names the account, its name whole.
    expect(data.components[0]!.components[0]!.placeholder).toContain(`for ${name}@`);

    const asked = await slash(ADMIN, 'delete', [str('name', choice!.value)]);
    const [danger] = customIds(asked.edit.json);
    expect(danger!.length).toBeLessThanOrEqual(100);
    const done = await click(ADMIN, danger!);
    const [, edited] = await fake.waitFor(done.token, 2);
    expect(JSON.stringify(edited!.json)).toContain(`Deleted ${name}@${domain}`);
  });

  it('point 6: @everyone cannot be granted a role', async () => {
    const refused = await slash(
      ADMIN,
      'grant',
      [{ type: MENTIONABLE, name: 'target', value: GUILD }, str('role', 'viewer')],
      {
        roles: {
          [GUILD]: {
            id: GUILD,
            name: '@everyone',
            color: 0,
            hoist: false,
            position: 0,
            permissions: '0',
            managed: false,
            mentionable: false,
            flags: 0,
          },
        },
      },
    );
    expect(refused.text).toContain('@everyone cannot be given a popbot role');
    expect(await database.db.selectFrom('grants').select('id').where('subject_id', '=', GUILD).execute()).toEqual([]);
  });

  it('point 6: a flood of 100 commands from an unbound server writes a handful of audit rows; DMs are audited too', async () => {
    const flood: Member = { id: '1400000000000000070', name: 'flood', roles: [], guild: '1000000000000000077' };
    for (let i = 0; i < 100; i++) {
      const { payload } = envelope(
        2,
        { ...flood, id: String(1400000000000000100n + BigInt(i)) },
        { id: '1600000000000000001', name: 'pop', type: 1, options: [{ type: 1, name: 'list', options: [] }] },
      );
      feed(payload);
    }
    await expect
      .poll(async () =>
        Number(
          (
            await database.db
              .selectFrom('audit_entries')
              .select((eb) => eb.fn.sum<number>('count').as('n'))
              .where('workspace_id', '=', flood.guild!)
              .executeTakeFirstOrThrow()
          ).n,
        ),
      )
      .toBe(100);
    const rows = await database.db
      .selectFrom('audit_entries')
      .select(['count', 'outcome'])
      .where('workspace_id', '=', flood.guild!)
      .execute();
    expect(rows.length).toBeLessThanOrEqual(3);
    expect(rows.every((r) => r.outcome === 'denied')).toBe(true);

    const id = sendDm(NOBODY);
    await fake.waitFor(`tok${id}`, 1);
    expect(
      await database.db
        .selectFrom('audit_entries')
        .select(['detail', 'outcome'])
        .where('actor_id', '=', NOBODY.id)
        .where('workspace_id', '=', 'dm')
        .execute(),
    ).toEqual([{ detail: 'direct message', outcome: 'denied' }]);
  });
});
