import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runInteractive, runOneShot, runConsoleCommand } from '../../src/adapters/console/console.adapter.ts';
import { renderReply } from '../../src/adapters/console/render.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { makeHostingAccount } from '../helpers/factories.ts';
import { scriptedIO } from '../helpers/io.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db);
  await makeHostingAccount(core.service, {
    username: 'acme',
    domains: ['acme.example'],
    maxPopAccounts: 10,
    diskQuotaMb: 2048,
  });
});
afterAll(async () => database?.close());

/** `popbot pop <text>` through the console adapter: exit code, stdout, stderr. */
async function pop(text: string, input: string[] = [], interactive = false) {
  const s = scriptedIO(input, { interactive });
  const code = await runOneShot(core.dispatcher, s.io, text.split(' '));
  return { code, out: s.stdout(), err: s.stderr() };
}

/** Runs a command that must fail: non-zero exit, the message on stderr, and not one row changed. */
async function rejected(text: string, input: string[] = []) {
  const before = await dumpTables(database.db);
  const result = await pop(text, input);
  expect(result.code, `${text} should fail`).not.toBe(0);
  expect(result.out).toBe('');
  expect(await dumpTables(database.db)).toBe(before);
  expect(result.err).not.toMatch(/undefined|Error:|\bat .*\.ts:\d+/);
  return result.err;
}

const passwordIn = (text: string) => /Password:\s+(\S+)/.exec(text)?.[1];

describe('console: the commands of SPEC §2', () => {
  it('add creates an account and delivers both logins, the password and the POP3 server', async () => {
    const result = await pop('add scott 10MB');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Created scott@acme.example');
    expect(result.out).toContain('scott@acme.example  or  scott+acme.example');
    expect(result.out).toContain('pop.example.net, port 995 (SSL/TLS)');
    expect(result.out).toContain('SMTP:      smtp.example.net, port 587 (STARTTLS, same login)');
    expect(passwordIn(result.out)).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
  });

  it('add without quota takes the plan default; names are stored lower-case', async () => {
    expect((await pop('add Mary')).out).toContain('Created mary@acme.example');
    expect((await pop('info mary')).out).toMatch(/Quota:\s+10 MB/);
  });

  it.each([
    ['add q1 10', '10 MB'],
    ['add q2 10MB', '10 MB'],
    ['add q3 10 mb', '10 MB'],
    ['add q4 10M', '10 MB'],
    ['add q5 1.5GB', '1.5 GB'],
    ['add q6 2G', '2 GB'],
    ['add q7 0', 'unlimited'],
    ['add q8 0MB', 'unlimited'],
    ['add q9 unlimited', 'unlimited'],
  ])('%s gives a quota of %s', async (text, shown) => {
    const name = text.split(' ')[1]!;
    const result = await pop(text);
    expect(result.code).toBe(0);
    expect((await pop(`info ${name}`)).out).toContain(`Quota:             ${shown}`);
    await pop(`delete ${name} --yes`);
  });

  // Issue 14: each of these read badly before (an empty list, an empty code span, a forgotten name
  // called a missing quota, "control character" for an invisible one, no "did you mean").
  it.each([
    ['add scott@', 'Invalid address `scott@`: give a domain after the @ (scott@example.com), or leave the @ out.'],
    [
      'quota @acme.example 10MB',
      'The account name is missing before @acme.example: give one such as scott@acme.example.',
    ],
    ['add ```', 'Invalid account name “```”'],
    ['quota  10MB', 'Missing name: account name, or name@domain.'],
    ['list extra words here', 'Too many words: `list` takes [domain] [name-start]; `words here` is left over.'],
    ['add sc\u200bott', 'invisible character (U+200B zero-width space)'],
    ['remove scott', 'Unknown command `remove`. Did you mean `delete`?'],
    ['rm scott', 'Did you mean `delete`?'],
    ['reset scott', 'Did you mean `passwd`?'],
    ['ls', 'Did you mean `list`?'],
    ['lsit', 'Did you mean `list`?'],
    ['show password scott', 'Passwords are never stored'],
    ['forward frobnicate', 'Unknown action `frobnicate`: use list, add or delete.'],
  ])('wording: %s → %s', async (text, message) => {
    const err = await rejected(text);
    expect(err).toContain(message);
    expect(err).not.toMatch(/(^|[^`])``([^`]|$)|: \.|undefined/);
  });

  it('wording: catchall says what happens in a sentence; delete says when its question expires', async () => {
    expect((await pop('catchall acme.example fail')).out).toContain(
      'Mail to unknown names is now refused: senders get a bounce (550).',
    );
    expect((await pop('catchall acme.example')).out).toContain('Mail to unknown names is refused');
    await pop('catchall acme.example main');
    const asked = await core.dispatcher.run(CONSOLE_ACTOR, 'delete scott');
    expect(asked.lines?.join(' ')).toContain('This question expires in 5 minutes.');
  });

  it.each([
    ['add scott.smith', 'Invalid account name `scott.smith`'],
    ['add jöe', 'Invalid account name `jöe`'],
    ['add ѕcott', 'Invalid account name `ѕcott`'],
    ['add @acme.example', 'The account name is missing before @acme.example: give one such as scott@acme.example.'],
    ['add', 'Missing name: name of the new account (a–z, 0–9), or name@domain.'],
    ['add bob@other.example', 'Domain `other.example` is not one of yours. Your domains: acme.example'],
    ['add bob -5MB', 'Invalid quota `-5MB`: a quota cannot be negative'],
    ['add bob ten', 'Invalid quota `ten`'],
    ['add bob 10XB', 'Invalid quota `10XB`: unknown unit'],
    ['add bob 1.3MB', 'Invalid quota `1.3MB`: it must come to a whole number of MB'],
    ['add bob 3GB', "Quota `3GB` (3072 MB) is larger than the hosting account's disk quota of 2 GB"],
    ['add scott', 'POP account `scott@acme.example` already exists'],
    ['frobnicate scott', 'Unknown command `frobnicate`'],
    ['info scott extra', 'Too many words: `info` takes <name>[@domain]; `extra` is left over.'],
    ['list --force', 'Unknown option --force'],
    ['quota scott', 'Missing quota: 10MB, 1.5GB, or 0 / unlimited.'],
    ['quota scott -1', 'Invalid quota `-1`'],
    ['quota nobody 5MB', 'No POP account `nobody@acme.example`'],
    ['passwd nobody', 'No POP account `nobody@acme.example`'],
    ['delete nobody --yes', 'No POP account `nobody@acme.example`'],
    ['catchall example.com fail', 'Domain `example.com` is not one of yours'],
    ['catchall acme.example sc-ott', 'Invalid catch-all `sc-ott`'],
    ['catchall nobody', 'No POP account `nobody@acme.example`'],
    ['grant bob admin', 'Invalid person or role `bob`'],
    ['grant slack:T1/U1 owner', 'Invalid role `owner`'],
    ['revoke slack:T1/U404', 'has no role here'],
    ['list --page zero', 'Invalid page `zero`'],
    ['show scott', 'cannot be shown. `passwd` sets a new one'],
    [`add ${'x'.repeat(500)}`, 'Command too long: 504 characters; the limit is 500'],
  ])('%s is refused: %s', async (text, message) => {
    const err = await rejected(text);
    expect(err).toContain(message);
  });

  it('control characters are refused', async () => {
    expect(await rejected('add sc\u001bott')).toContain('control characters');
  });

  it('a command with missing arguments answers with its usage line and one example', async () => {
    const err = await rejected('quota');
    expect(err).toContain('Usage: quota <name>[@domain] <quota>');
    expect(err).toContain('Example: quota scott 25MB');
  });

  it('passwd sets a new generated password that verifies, and the old one no longer does', async () => {
    const first = passwordIn((await pop('add pw1')).out)!;
    const result = await pop('passwd pw1');
    expect(result.code).toBe(0);
    const second = passwordIn(result.out)!;
    expect(second).not.toBe(first);
    const row = await database.db
      .selectFrom('mailboxes')
      .select('password_hash')
      .where('name', '=', 'pw1')
      .executeTakeFirstOrThrow();
    const { fastHasher } = await import('../helpers/core.ts');
    const { Secret } = await import('../../src/service/secret.ts');
    expect(await fastHasher.verify(row.password_hash, new Secret(second))).toBe(true);
    expect(await fastHasher.verify(row.password_hash, new Secret(first))).toBe(false);
  });

  it('passwd --password-stdin takes a password from a pipe; a weak one is refused and never echoed', async () => {
    await pop('add own1');
    const weak = 'password123';
    const err = await rejected('passwd own1 --password-stdin', [weak]);
    expect(err).toContain('too easy to guess');
    expect(err).not.toContain(weak);

    const strong = 'violet-kettle-marsh-harbor';
    const ok = await pop('passwd own1 --password-stdin', [strong]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Your password is set');
    expect(ok.out).not.toContain(strong);
    const row = await database.db
      .selectFrom('mailboxes')
      .select('password_hash')
      .where('name', '=', 'own1')
      .executeTakeFirstOrThrow();
    const { fastHasher } = await import('../helpers/core.ts');
    const { Secret } = await import('../../src/service/secret.ts');
    expect(await fastHasher.verify(row.password_hash, new Secret(strong))).toBe(true);
  });

  it('passwd --own refuses a password containing the account name or domain', async () => {
    expect(await rejected('passwd own1 --password-stdin', ['own1-violet-kettle-marsh'])).toContain(
      'must not contain the account name',
    );
    expect(await rejected('passwd own1 --password-stdin', ['acme.example-violet-kettle'])).toContain(
      'must not contain the domain',
    );
  });

  it('passwd --own without a terminal never takes the next line of a script as the password', async () => {
    const before = await dumpTables(database.db);
    const s = scriptedIO(['quota own1 20MB']);
    const reply = await runConsoleCommand(core.dispatcher, s.io, 'passwd own1 --own');
    expect(reply.errorCode).toBe('SECRET_NEEDS_TERMINAL');
    expect(reply.lines?.join(' ')).toContain('--password-stdin');
    expect(await s.io.readLine('')).toBe('quota own1 20MB');
    expect(await dumpTables(database.db)).toBe(before);
  });

  it('a piped console that runs a failing command says so on stderr and counts it', async () => {
    const s = scriptedIO(['list', 'add bad.name', 'list']);
    expect(await runInteractive(core.dispatcher, s.io, [])).toBe(1);
    expect(s.stderr()).toContain('Invalid account name');
  });

  it('quota changes the quota and says what it was', async () => {
    await pop('add qq 10MB');
    const result = await pop('quota qq 25MB');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Quota of qq@acme.example: 25 MB');
    expect(result.out).toContain('Was 10 MB');
    expect((await pop('quota qq unlimited')).out).toContain('unlimited');
  });

  it('delete asks for --yes from a script, a typed confirmation at a terminal, and then deletes', async () => {
    await pop('add gone');
    const err = await rejected('delete gone');
    expect(err).toContain('confirm with --yes');

    const s = scriptedIO(['wrong@acme.example'], { interactive: true });
    const kept = await runConsoleCommand(core.dispatcher, s.io, 'delete gone');
    expect(kept.title).toBe('Not deleted');
    expect(s.stdout()).toContain('Delete gone@acme.example?');

    const t = scriptedIO(['gone@acme.example'], { interactive: true });
    const deleted = await runConsoleCommand(core.dispatcher, t.io, 'delete gone');
    expect(deleted.title).toBe('Deleted gone@acme.example');
    expect((await pop('info gone')).code).toBe(1);
  });

  it('list shows the Main Account first, then accounts with quota and usage, and the plan footer', async () => {
    await database.db
      .insertInto('mailbox_usage')
      .values({ username: 'scott@acme.example', bytes: 3 * 1_048_576, messages: 2 })
      .execute();
    const { out, code } = await pop('list');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[1]).toMatch(/^\s+acme \(Main Account\)\s+2 GB · 0 MB used$/);
    // One domain: in the title, and each row shows the name alone.
    expect(lines[0]).toBe('• Mailboxes of acme · acme.example');
    expect(out).toMatch(/\n\s+scott\s+10 MB · 3\.0 MB used/);
    expect(out).toMatch(/\d+ of 10 POP accounts used · 3\.0 MB of 2 GB disk/);
  });

  it('info shows both logins, quota, usage, created and password change', async () => {
    const { out } = await pop('info scott');
    expect(out).toContain('scott@acme.example  or  scott+acme.example');
    expect(out).toMatch(/Used:\s+3\.0 MB in 2 messages/);
    expect(out).toMatch(/Created:\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(out).toMatch(/Password changed:\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('plan shows usage and allowance; --request records a sales request', async () => {
    const { out } = await pop('plan acme.example');
    expect(out).toContain('Plan "plan-acme" of acme');
    expect(out).toMatch(/POP accounts:\s+\d+ of 10 used/);
    expect(out).toMatch(/Disk:\s+3\.0 MB of 2 GB used/);
    const request = await pop('plan acme.example --request');
    expect(request.code).toBe(0);
    expect(request.out).toContain('Request sent to sales');
    const rows = await database.db.selectFrom('sales_requests').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ plan_name: 'plan-acme', pop_allowed: 10, platform: 'console' });
  });

  it('catchall shows main by default and sets fail, blackhole, an account and main', async () => {
    expect((await pop('catchall acme.example')).out).toContain('to the Main Account (acme)');
    expect((await pop('catchall acme.example fail')).out).toContain('refused');
    expect((await pop('catchall acme.example blackhole')).out).toContain('discarded');
    expect((await pop('catchall acme.example scott')).out).toContain('to scott@acme.example');
    const domain = await database.db
      .selectFrom('domains')
      .selectAll()
      .where('name', '=', 'acme.example')
      .executeTakeFirstOrThrow();
    expect(domain.catchall_mode).toBe('account');
    expect((await pop('catchall acme.example main')).out).toContain('Main Account');
  });

  it('deleting the catch-all account sends unknown names back to the Main Account', async () => {
    await pop('add sink');
    await pop('catchall acme.example sink');
    const { out } = await pop('delete sink --yes');
    expect(out).toContain('It was the catch-all of acme.example');
    expect((await pop('catchall acme.example')).out).toContain('Main Account');
  });

  it('audit lists the latest changes newest first, with who and outcome', async () => {
    const { out, code } = await pop('audit');
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => / · (ok|denied|rejected) /.test(l));
    expect(lines[0]).toContain('delete sink@acme.example · ok');
    expect(out).toContain('by console (console)');
    const scoped = await pop('audit scott');
    expect(scoped.out).toContain('Audit of scott@acme.example');
    expect(scoped.out).toContain('add scott@acme.example · ok');
    // Times relative and short, no full timestamps repeated on every line; words, not codes.
    expect(out).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(out).toMatch(/(just now|\d+ min ago) by console/);
    expect(out).not.toMatch(/[A-Z]+_[A-Z_]+/);
    expect(out).toMatch(/Newest first · page 1 of \d+/);
  });

  it('grant and revoke manage who may act in a workspace', async () => {
    expect((await pop('grant slack:T9/U9 operator')).out).toContain('slack:T9/U9 is now operator');
    const grants = await database.db.selectFrom('grants').selectAll().execute();
    expect(grants).toEqual([
      expect.objectContaining({
        platform: 'slack',
        workspace_id: 'T9',
        subject_kind: 'user',
        subject_id: 'U9',
        role: 'operator',
      }),
    ]);
    expect((await pop('revoke slack:T9/U9')).out).toContain('has no role here any more');
    expect(await database.db.selectFrom('grants').selectAll().execute()).toEqual([]);
  });

  it('help lists the commands', async () => {
    const { out } = await pop('help');
    for (const name of [
      'list',
      'info',
      'add',
      'passwd',
      'quota',
      'delete',
      'plan',
      'catchall',
      'audit',
      'grant',
      'revoke',
    ])
      expect(out).toContain(`\n  ${name}`);
  });
});

describe('console: the Main Account', () => {
  it('is listed first, with the control-panel username as its login', async () => {
    const { out } = await pop('info acme@acme.example');
    expect(out).toContain('acme (Main Account)');
    expect(out).toMatch(/Login:\s+acme\n/);
  });

  it.each([
    ['delete acme@acme.example --yes', 'cannot be deleted'],
    ['delete acme@acme.example', 'cannot be deleted'],
    ['passwd acme@acme.example', 'its password is the control-panel password. Change it in the control panel'],
    ['quota acme@acme.example 5MB', 'cannot be given another quota'],
    ['add acme@acme.example', "is the Main Account's login"],
  ])('%s is refused with the reason', async (text, reason) => {
    expect(await rejected(text)).toContain(reason);
  });
});

describe('atomicity', () => {
  it('a failure between the account insert and its audit entry leaves no account behind', async () => {
    await sql`create function popbot_test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected audit failure'; end $$`.execute(
      database.db,
    );
    await sql`create trigger popbot_test_fail before insert on audit_entries for each row execute function popbot_test_fail()`.execute(
      database.db,
    );
    try {
      const s = scriptedIO();
      const code = await runOneShot(core.dispatcher, s.io, ['add', 'atomic']);
      expect(code).toBe(1);
      expect(s.stderr()).toMatch(/Something went wrong \(ref [0-9a-f]{8}\)/);
      expect(s.stderr()).not.toContain('injected');
      expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'atomic').execute()).toEqual([]);
      expect(core.logs.join('')).toContain('injected audit failure');
    } finally {
      await sql`drop trigger popbot_test_fail on audit_entries`.execute(database.db);
      await sql`drop function popbot_test_fail()`.execute(database.db);
    }
    expect((await pop('add atomic')).code).toBe(0);
  });
});

describe('rendering of every reply stays free of "undefined"', () => {
  it('for a sample of commands', async () => {
    for (const text of ['help', 'list', 'info scott', 'plan acme.example', 'catchall acme.example', 'audit']) {
      const reply = await core.dispatcher.run(
        { platform: 'console', workspaceId: 'local', userId: 'console', userName: 'console', roleIds: [] },
        text,
      );
      expect(renderReply(reply)).not.toMatch(/undefined|null|NaN|\[object/);
    }
  });
});

describe('several hosting accounts', () => {
  it('list paginates past ten accounts with Previous and Next, and says page N of M', async () => {
    const extra = await makeHostingAccount(core.service, {
      username: 'big',
      domains: ['big.example'],
      maxPopAccounts: 30,
    });
    for (let i = 0; i < 12; i++) await pop(`add u${i}@big.example`);
    const first = await pop('list big.example');
    expect(first.out).toContain('page 1 of 2');
    expect(first.out).toContain('Next: pop list big.example --page 2');
    expect(first.out).not.toContain('Previous');
    const second = await pop('list big.example --page 2');
    expect(second.out).toContain('page 2 of 2');
    expect(second.out).toContain('Previous: pop list big.example --page 1');
    expect(second.out).not.toContain('Next:');
    expect(second.out).not.toContain('Main Account');
    expect(second.out.match(/\n\s+u\d+\s/g)).toHaveLength(2);
    expect(await rejected('list big.example --page 3')).toContain('Invalid page `3`: there are 2 pages.');
    const filtered = await pop('list big.example u1');
    expect(filtered.out.match(/\n\s+u1\d?\s/g)).toHaveLength(3);
    expect(filtered.out).toContain('3 starting with “u1” · page 1 of 1');
    expect(extra.username).toBe('big');
  });

  it('with two hosting accounts, a bare name asks which domain and lists them', async () => {
    const err = await rejected('add nodomain');
    expect(err).toContain('Which domain?');
    expect(err).toContain('acme.example, big.example');
  });
});
