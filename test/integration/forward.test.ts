import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import { makeCore } from '../helpers/core.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
const OPERATOR = slackActor({ workspaceId: 'T_FWD', userId: 'U_OP', userName: 'opal' });
const VIEWER = slackActor({ workspaceId: 'T_FWD', userId: 'U_VIEW', userName: 'vic' });

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { settings: { rateLimitPerMinute: 1000 } });
  await makeHostingAccount(core.service, { username: 'fwd', domains: ['fwd.example', 'fwd2.example'] });
  await makeHostingAccount(core.service, { username: 'other', domains: ['other.example'] });
  await grantActor(core.service, OPERATOR, 'fwd', 'operator');
  await grantActor(core.service, VIEWER, 'fwd', 'viewer');
  await core.dispatcher.run(OPERATOR, 'add scott@fwd.example');
  await core.dispatcher.run(OPERATOR, 'add ann@fwd.example');
});
afterAll(async () => database?.close());

const text = async (actor: typeof OPERATOR, line: string) => renderReply(await core.dispatcher.run(actor, line));
const aliases = async (domain: string) =>
  (
    await sql<{ name: string; destination: string }>`select name, destination from mail_aliases
      where domain = ${domain} order by name, destination`.execute(database.db)
  ).rows;

describe('forwarders (SPEC §2, §3)', () => {
  it('from a POP account it keeps a copy; from a name without an account it only forwards; the mail server reads both', async () => {
    expect(await text(OPERATOR, 'forward add scott@fwd.example ann@fwd.example')).toContain(
      'scott@fwd.example now forwards to ann@fwd.example\n  Its POP account keeps a copy',
    );
    expect(await text(OPERATOR, 'forward add sales@fwd.example Boss@Elsewhere.example')).toContain(
      'It has no POP account: its mail goes only to its destinations.',
    );
    expect(await aliases('fwd.example')).toEqual([
      { name: 'ann', destination: 'ann@fwd.example' },
      { name: 'sales', destination: 'boss@elsewhere.example' },
      { name: 'scott', destination: 'ann@fwd.example' },
      { name: 'scott', destination: 'scott@fwd.example' },
    ]);
    const list = await text(VIEWER, 'forward');
    expect(list).toMatch(/sales@fwd\.example\s+→ boss@elsewhere\.example/);
    expect(list).toMatch(/scott@fwd\.example\s+→ ann@fwd\.example/);
    expect(await text(VIEWER, 'forward list fwd2.example')).toContain('No forwarders yet');
    expect(await text(VIEWER, 'plan')).toMatch(/Forwarders:\s+2 of unlimited used/);
    const audit = await database.db
      .selectFrom('audit_entries')
      .select(['target', 'detail'])
      .where('command', '=', 'forward')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { target: 'scott@fwd.example', detail: 'added → ann@fwd.example' },
      { target: 'sales@fwd.example', detail: 'added → boss@elsewhere.example' },
    ]);
  });

  it('refuses bad input, loops, the limits and duplicates with the rule and the value, and changes nothing', async () => {
    await text(OPERATOR, 'forward add ann@fwd.example team@fwd.example');
    const before = await dumpTables(database.db);
    const cases: [string, RegExp][] = [
      [
        'forward add team@fwd.example scott@fwd.example',
        /loop \(team@fwd\.example → scott@fwd\.example → ann@fwd\.example → team@fwd\.example\)/,
      ],
      ['forward add ann@fwd.example ann@fwd.example', /loop \(ann@fwd\.example → ann@fwd\.example\)/],
      [
        'forward add scott@fwd.example not-an-address',
        /Invalid address `not-an-address`: give one such as name@example\.com/,
      ],
      ['forward add scott@fwd.example a@b', /Invalid address `a@b`/],
      [
        'forward add scott@fwd.example ann@fwd.example',
        /`scott@fwd\.example` already forwards to `ann@fwd\.example`; nothing changed/,
      ],
      ['forward add fwd@fwd.example x@y.example', /`fwd` is the Main Account's login/],
      ['forward add sc.ott@fwd.example x@y.example', /Invalid account name `sc\.ott`/],
      ['forward add scott@fwd.example', /Missing destination/],
      ['forward frobnicate', /Unknown action `frobnicate`: use list, add or delete/],
      [
        'forward delete scott@fwd.example nobody@x.example',
        /`scott@fwd\.example` does not forward to `nobody@x\.example`/,
      ],
    ];
    for (const [line, expected] of cases) expect(await text(OPERATOR, line), line).toMatch(expected);
    expect(await dumpTables(database.db)).toBe(before);
    // Refusals by role and by another tenant's domain change nothing either; they are audited as denied.
    expect(await text(VIEWER, 'forward add scott@fwd.example x@y.example')).toMatch(/needs the operator role/);
    expect(await text(OPERATOR, 'forward add scott@other.example x@y.example')).toMatch(
      /Domain `other\.example` is not one of yours/,
    );
    expect(await aliases('other.example')).toEqual([]);
  });

  it('holds 20 destinations per source and the plan cap', async () => {
    for (let i = 1; i <= 20; i++) await core.dispatcher.run(OPERATOR, `forward add list@fwd2.example m${i}@x.example`);
    expect(await text(OPERATOR, 'forward add list@fwd2.example m21@x.example')).toMatch(
      /`list@fwd2\.example` already forwards to 20 addresses, the most one address may have/,
    );
    // The plan allows exactly as many as there are now (23: 2 + 1 + 20).
    await sql`update plans set max_forwarders = (select count(*) from forwarders) where name = 'plan-fwd'`.execute(
      database.db,
    );
    expect(await text(OPERATOR, 'forward add x@fwd2.example y@x.example')).toMatch(
      /Plan limit reached: plan "plan-fwd" allows 23 forwarders, and all are in use/,
    );
    expect(await text(VIEWER, 'plan')).toMatch(/Forwarders:\s+23 of 23 used/);
  });

  it('delete removes one; deleting the account says which forwarders remain', async () => {
    expect(await text(OPERATOR, 'forward delete sales@fwd.example boss@elsewhere.example')).toContain(
      'It has no forwarders left: its mail goes where it did before.',
    );
    const deleted = await text(CONSOLE_ACTOR, 'delete scott@fwd.example --yes');
    expect(deleted).toContain(
      'Mail to it is still forwarded to ann@fwd.example; `forward delete scott@fwd.example <address>` removes each.',
    );
    expect(await aliases('fwd.example')).toContainEqual({ name: 'scott', destination: 'ann@fwd.example' });
    expect(await aliases('fwd.example')).not.toContainEqual({ name: 'scott', destination: 'scott@fwd.example' });
  });
});
