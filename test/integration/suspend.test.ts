import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import { makeCore } from '../helpers/core.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
const ended: string[] = [];
const OPERATOR = slackActor({ workspaceId: 'T_SUSP', userId: 'U_OP', userName: 'opal' });
const VIEWER = slackActor({ workspaceId: 'T_SUSP', userId: 'U_VIEW', userName: 'vic' });

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { mailSessions: { end: async (login) => void ended.push(login) } });
  await makeHostingAccount(core.service, { username: 'susp', domains: ['susp.example'], maxPopAccounts: 10 });
  await grantActor(core.service, OPERATOR, 'susp', 'operator');
  await grantActor(core.service, VIEWER, 'susp', 'viewer');
  await core.dispatcher.run(OPERATOR, 'add scott');
  await core.dispatcher.run(OPERATOR, 'add ann');
});
afterAll(async () => database?.close());

const text = async (actor: typeof OPERATOR, line: string) => renderReply(await core.dispatcher.run(actor, line));

describe('suspend and resume (SPEC §2, §3)', () => {
  it('suspends, says so in info and list, ends open sessions, and resumes', async () => {
    ended.length = 0;
    expect(await text(OPERATOR, 'suspend scott')).toContain('Suspended scott@susp.example');
    expect(ended).toEqual(['scott@susp.example']);
    expect(await text(OPERATOR, 'info scott')).toMatch(/Suspended:\s+since .* UTC: logins refused$/m);
    expect(await text(OPERATOR, 'list')).toMatch(/\n\s+scott\s+.* · suspended · never used/);
    const users = () =>
      sql<{ login: string; suspended: boolean; refuses_mail: boolean }>`select login, suspended, refuses_mail
        from mail_users where domain = 'susp.example' order by login`.execute(database.db);
    expect((await users()).rows).toEqual([
      { login: 'ann@susp.example', suspended: false, refuses_mail: false },
      { login: 'scott@susp.example', suspended: true, refuses_mail: false },
    ]);
    expect(await text(OPERATOR, 'suspend scott --incoming')).toContain('new mail to it is refused (550)');
    expect((await users()).rows[1]).toMatchObject({ suspended: true, refuses_mail: true });
    expect(await text(OPERATOR, 'info scott')).toMatch(/logins refused, incoming mail refused/);
    // A catch-all pointing at it refuses too, while it refuses mail.
    const catchall = () =>
      sql<{ destination: string }>`select destination from mail_catchalls where domain = 'susp.example'`.execute(
        database.db,
      );
    await core.dispatcher.run(CONSOLE_ACTOR, 'catchall susp.example scott');
    expect((await catchall()).rows).toEqual([]);
    expect(await text(OPERATOR, 'resume scott')).toContain('Resumed scott@susp.example');
    expect((await users()).rows[1]).toMatchObject({ suspended: false, refuses_mail: false });
    expect((await catchall()).rows).toEqual([{ destination: 'scott@susp.example' }]);
    await core.dispatcher.run(CONSOLE_ACTOR, 'catchall susp.example main');
    const audit = await database.db
      .selectFrom('audit_entries')
      .select(['command', 'outcome', 'detail'])
      .where('target', '=', 'scott@susp.example')
      .where('command', 'in', ['suspend', 'resume'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { command: 'suspend', outcome: 'ok', detail: 'logins refused' },
      { command: 'suspend', outcome: 'ok', detail: 'logins and incoming mail refused' },
      { command: 'resume', outcome: 'ok', detail: null },
    ]);
  });

  it('refuses what makes no sense, names why, and changes nothing', async () => {
    await core.dispatcher.run(OPERATOR, 'suspend ann');
    const before = await dumpTables(database.db);
    const cases: [typeof OPERATOR, string, RegExp][] = [
      [OPERATOR, 'suspend ann', /`ann@susp\.example` is already suspended \(logins refused\); nothing changed/],
      [OPERATOR, 'resume scott', /`scott@susp\.example` is not suspended; nothing changed/],
      [OPERATOR, 'suspend susp', /`susp` is the Main Account: it cannot be suspended from chat/],
      [OPERATOR, 'suspend nobody', /nobody@susp\.example/],
      [OPERATOR, 'suspend scott.smith', /Invalid account name `scott\.smith`/],
      [OPERATOR, 'suspend scott --incomming', /Unknown option --incomming/],
    ];
    for (const [actor, line, expected] of cases) expect(await text(actor, line), line).toMatch(expected);
    expect(await dumpTables(database.db)).toBe(before);
    // A refusal by role changes nothing either; it is audited as denied.
    expect(await text(VIEWER, 'suspend scott')).toMatch(/`suspend` needs the operator role; you are a viewer/);
    expect(await text(OPERATOR, 'info scott')).not.toContain('Suspended');
    await core.dispatcher.run(OPERATOR, 'resume ann');
  });

  it('also ends open sessions on delete and passwd', async () => {
    await core.dispatcher.run(OPERATOR, 'add gone');
    ended.length = 0;
    await core.dispatcher.run(OPERATOR, 'passwd gone');
    await core.dispatcher.run(CONSOLE_ACTOR, 'delete gone@susp.example --yes');
    expect(ended).toEqual(['gone@susp.example', 'gone@susp.example']);
  });
});

describe('last login (SPEC §2, §9)', () => {
  it('info shows the latest login the mail server recorded and its protocol, or never', async () => {
    expect(await text(OPERATOR, 'info ann')).toMatch(/Last login:\s+never$/m);
    const now = Math.floor(Date.now() / 1000);
    await sql`insert into last_logins (username, protocol, last_login) values
      ('ann@susp.example', 'pop3', ${now - 3 * 3600}), ('ann@susp.example', 'imap', ${now - 5 * 86400}),
      ('susp', 'imap', ${now - 120})`.execute(database.db);
    expect(await text(OPERATOR, 'info ann')).toMatch(/Last login:\s+3 h ago over POP3 \(/);
    expect(await text(OPERATOR, 'info susp')).toMatch(/Last login:\s+\d+ min ago over IMAP/);
    const list = await text(OPERATOR, 'list');
    expect(list).toMatch(/^\s+ann\s+10 MB · 0 MB used$/m);
    expect(list).toMatch(/^\s+scott\s+.*· never used$/m);
  });
});
