import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';
import type { Actor } from '../../src/service/context.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { settings: { rateLimitPerMinute: 3 } });
  await makeHostingAccount(core.service, { username: 'acme', domains: ['acme.example'] });
  await makeHostingAccount(core.service, { username: 'other', domains: ['other.example'] });
});
afterAll(async () => database?.close());

const audits = (actor: Actor) =>
  database.db
    .selectFrom('audit_entries')
    .selectAll()
    .where('platform', '=', actor.platform)
    .where('workspace_id', '=', actor.workspaceId)
    .where('actor_id', '=', actor.userId)
    .orderBy('id')
    .execute();

describe('deny by default (SPEC §6)', () => {
  it('an unbound workspace is refused with the message, an audit entry, and nothing else', async () => {
    const stranger = slackActor({ workspaceId: 'T_UNBOUND', userId: 'U_X', userName: 'mallory' });
    const before = await database.db.selectFrom('mailboxes').select('id').execute();
    const reply = await core.dispatcher.run(stranger, 'add scott');
    expect(reply.errorCode).toBe('NOT_BOUND');
    expect(reply.lines?.[0]).toContain('Not allowed: this workspace (T_UNBOUND) is not linked to any hosting account');
    expect(await database.db.selectFrom('mailboxes').select('id').execute()).toEqual(before);
    const entries = await audits(stranger);
    expect(entries).toEqual([
      expect.objectContaining({
        command: 'add',
        outcome: 'denied',
        detail: 'workspace not bound',
        actor_name: 'mallory',
      }),
    ]);
  });

  it('a bound workspace refuses an actor with no role, pointing at /pop grant, and audits it', async () => {
    const bound = slackActor({ workspaceId: 'T_ACME', userId: 'U_ADMIN', userName: 'ada' });
    await grantActor(core.service, bound, 'acme', 'admin');
    const nobody = slackActor({ workspaceId: 'T_ACME', userId: 'U_NOBODY', userName: 'nobody' });
    for (const text of ['help', 'list', 'add scott']) {
      const reply = await core.dispatcher.run(nobody, text);
      expect(reply.errorCode).toBe('NOT_ALLOWED');
      expect(reply.lines?.[0]).toContain('Ask an admin to run `/pop grant @you viewer`');
    }
    expect((await audits(nobody)).map((e) => [e.command, e.outcome])).toEqual([
      ['help', 'denied'],
      ['list', 'denied'],
      ['add', 'denied'],
    ]);
  });

  it('a viewer cannot add; an operator cannot delete; both are audited', async () => {
    const viewer = slackActor({ workspaceId: 'T_ACME', userId: 'U_VIEW', userName: 'vic' });
    const operator = slackActor({ workspaceId: 'T_ACME', userId: 'U_OP', userName: 'otto' });
    await grantActor(core.service, viewer, 'acme', 'viewer');
    await grantActor(core.service, operator, 'acme', 'operator');

    expect((await core.dispatcher.run(viewer, 'list')).errorCode).toBeUndefined();
    const add = await core.dispatcher.run(viewer, 'add scott');
    expect(add.errorCode).toBe('NOT_ALLOWED');
    expect(add.lines?.[0]).toContain('`add` needs the operator role; you are a viewer');

    expect((await core.dispatcher.run(operator, 'add scott')).errorCode).toBeUndefined();
    const before = await dumpTables(database.db);
    const del = await core.dispatcher.run(operator, 'delete scott --yes');
    expect(del.errorCode).toBe('NOT_ALLOWED');
    expect(del.lines?.[0]).toContain('`delete` needs the admin role; you are an operator');
    const after = await dumpTables(database.db);
    expect(after.replace(/\n\{"id":\d+,"at".*"denied".*\}/g, '')).toBe(
      before.replace(/\n\{"id":\d+,"at".*"denied".*\}/g, ''),
    );
    expect((await audits(viewer)).at(-1)).toMatchObject({ command: 'add', outcome: 'denied' });
    expect((await audits(operator)).at(-1)).toMatchObject({ command: 'delete', outcome: 'denied' });
  });

  it('a viewer may see the catch-all but not set it', async () => {
    const viewer = slackActor({ workspaceId: 'T_ACME', userId: 'U_VIEW', userName: 'vic' });
    expect((await core.dispatcher.run(viewer, 'catchall')).errorCode).toBeUndefined();
    expect((await core.dispatcher.run(viewer, 'catchall fail')).errorCode).toBe('NOT_ALLOWED');
  });

  it('help lists only what the actor may run', async () => {
    const viewer = slackActor({ workspaceId: 'T_ACME', userId: 'U_VIEW', userName: 'vic' });
    // Slack's usage lines: `/pop <command> …`.
    const names = (await core.dispatcher.run(viewer, 'help')).rows!.map((r) => r.title.split(' ')[1]);
    expect(names).toEqual(['help', 'list', 'info', 'forward', 'plan', 'catchall']);
    const operator = slackActor({ workspaceId: 'T_ACME', userId: 'U_OP', userName: 'otto' });
    expect((await core.dispatcher.run(operator, 'help')).rows!.map((r) => r.title.split(' ')[1])).toEqual([
      'help',
      'list',
      'info',
      'add',
      'passwd',
      'quota',
      'suspend',
      'resume',
      'forward',
      'plan',
      'catchall',
    ]);
  });

  it('a workspace sees only its bound hosting accounts', async () => {
    const admin = slackActor({ workspaceId: 'T_ACME', userId: 'U_ADMIN', userName: 'ada' });
    const reply = await core.dispatcher.run(admin, 'add bob@other.example');
    expect(reply.errorCode).toBe('UNKNOWN_DOMAIN');
    expect(reply.lines?.[0]).toContain('Your domains: acme.example.');
    expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'bob').execute()).toEqual([]);
  });

  it('a role grant lets every member holding that role act', async () => {
    const admin = slackActor({
      platform: 'discord',
      workspaceId: '900000000000000001',
      userId: '100000000000000001',
      userName: 'gina',
    });
    await grantActor(core.service, admin, 'acme', 'admin');
    const grant = await core.dispatcher.run(admin, 'grant <@&300000000000000001> operator');
    expect(grant.title).toBe('<@&300000000000000001> is now operator');
    const member = {
      platform: 'discord' as const,
      workspaceId: '900000000000000001',
      userId: '100000000000000009',
      userName: 'hal',
      roleIds: ['300000000000000001'],
    };
    expect((await core.dispatcher.run(member, 'add fromrole')).errorCode).toBeUndefined();
    const outsider = { ...member, userId: '100000000000000010', roleIds: ['399999999999999999'] };
    expect((await core.dispatcher.run(outsider, 'add fromrole2')).errorCode).toBe('NOT_ALLOWED');
  });

  it('an admin cannot grant in another workspace', async () => {
    const admin = slackActor({ workspaceId: 'T_ACME', userId: 'U_ADMIN', userName: 'ada' });
    const reply = await core.dispatcher.run(admin, 'grant slack:T_OTHER/U1 admin');
    expect(reply.errorCode).toBe('INVALID_SUBJECT');
  });
});

describe('rate limit on add and passwd (SPEC §6)', () => {
  it('stops an actor past the limit, says when to retry, and is shared by every service instance', async () => {
    const actor = slackActor({ workspaceId: 'T_ACME', userId: 'U_RATE', userName: 'rita' });
    await grantActor(core.service, actor, 'acme', 'operator');
    const second = makeCore(database.db, { settings: { rateLimitPerMinute: 3 } }); // another process, same database
    const replies = [];
    replies.push(await core.dispatcher.run(actor, 'add r1'));
    replies.push(await second.dispatcher.run(actor, 'add r2'));
    replies.push(await core.dispatcher.run(actor, 'passwd r1'));
    expect(replies.map((r) => r.errorCode)).toEqual([undefined, undefined, undefined]);
    const limited = await second.dispatcher.run(actor, 'add r3');
    // passwd has its own count, so r3 is the third add: allowed; the fourth is not.
    expect(limited.errorCode).toBeUndefined();
    const over = await core.dispatcher.run(actor, 'add r4');
    expect(over.errorCode).toBe('RATE_LIMITED');
    expect(over.lines?.[0]).toMatch(/Too many `add` commands: at most 3 a minute each\. Try again in \d+ s\./);
    expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'r4').execute()).toEqual([]);
    const entry = (await audits(actor)).at(-1);
    expect(entry).toMatchObject({ command: 'add', outcome: 'rejected', detail: 'RATE_LIMITED' });
  });
});
