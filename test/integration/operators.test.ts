import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOneShot } from '../../src/adapters/console/console.adapter.ts';
import { runProvisioning, type ProvisioningNotifier } from '../../src/adapters/console/provisioning.cli.ts';
import { discordNotifier } from '../../src/adapters/discord/notify.ts';
import { slackNotifier } from '../../src/adapters/slack/notify.ts';
import { Secret } from '../../src/service/secret.ts';
import { fastHasher, makeCore } from '../helpers/core.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';
import { startFakeDiscord } from '../helpers/fake-discord.ts';
import { startFakeSlack } from '../helpers/fake-slack.ts';
import { scriptedIO } from '../helpers/io.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
let slack: Awaited<ReturnType<typeof startFakeSlack>>;
let discord: Awaited<ReturnType<typeof startFakeDiscord>>;
let notify: ProvisioningNotifier;
const dir = mkdtempSync(join(tmpdir(), 'popbot-operators-'));

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { settings: { rateLimitPerMinute: 1000, publicUrl: 'https://pop.bulk.example' } });
  slack = await startFakeSlack();
  discord = await startFakeDiscord();
  const toSlack = slackNotifier({ botToken: 'xoxb-ops', apiUrl: `${slack.url}/api` });
  const toDiscord = discordNotifier({ token: 'ops-token', apiUrl: discord.url });
  notify = async (platform, userId, reply) => (platform === 'slack' ? toSlack : toDiscord)(userId, reply);
});
afterAll(async () => {
  await slack?.close();
  await discord?.close();
  await database?.close();
});

/** `popbot <argv…>` as the console runs it: exit code and output. */
async function popbot(...argv: string[]) {
  const io = scriptedIO();
  const code = await runProvisioning(core.service, io.io, argv, notify);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** `popbot pop <words…>`. */
async function pop(...words: string[]) {
  const io = scriptedIO();
  const code = await runOneShot(core.dispatcher, io.io, words);
  return { code, out: io.stdout(), err: io.stderr() };
}

function csv(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `address,quota\n${rows.join('\n')}\n`);
  return path;
}

describe('bulk import (SPEC §7)', () => {
  beforeAll(async () => {
    await popbot('plan', 'create', 'Bulk', '--accounts', '1000', '--disk', '100GB', '--default-quota', '20MB');
    await popbot('account', 'create', 'bulkco', '--plan', 'Bulk', '--domain', 'bulk.example');
    await popbot('plan', 'create', 'Nine', '--accounts', '900', '--disk', '100GB');
    await popbot('account', 'create', 'nineco', '--plan', 'Nine', '--domain', 'nine.example');
  });

  it('a 1,000-row file with 5 bad rows: the dry run names exactly those lines; fixed, 1,000 accounts', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `u${i}@bulk.example,${i % 3 === 0 ? '50MB' : ''}`);
    const bad = [...rows];
    bad[10] = 'bad.name@bulk.example,';
    bad[200] = 'u5@bulk.example,';
    bad[300] = 'ok300@elsewhere.example,';
    bad[400] = 'u400@bulk.example,5XB';
    bad[500] = 'bulkco@bulk.example,';
    const before = await dumpTables(database.db);
    const dry = await popbot('import', csv('bad.csv', bad), '--dry-run');
    expect(dry.code).toBe(1);
    const lines = dry.err.split('\n').filter((l) => l.startsWith('  line '));
    expect(lines.map((l) => Number(/line (\d+)/.exec(l)?.[1]))).toEqual([12, 202, 302, 402, 502]);
    expect(lines[0]).toContain('Invalid account name `bad.name`');
    expect(lines[1]).toContain('already on line 7');
    expect(lines[2]).toContain('the domain elsewhere.example belongs to no hosting account');
    expect(lines[3]).toContain('unknown unit');
    expect(lines[4]).toContain("Main Account's login");
    expect(await dumpTables(database.db)).toBe(before);
    // Without --dry-run, the same file changes nothing either.
    expect((await popbot('import', csv('bad2.csv', bad), '--out', join(dir, 'never.csv'))).code).toBe(1);
    expect(await dumpTables(database.db)).toBe(before);

    const out = join(dir, 'passwords.csv');
    const done = await popbot('import', csv('good.csv', rows), '--out', out);
    expect(done.err).toBe('');
    expect(done.out).toContain('1000 POP accounts created');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const written = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    expect(written).toHaveLength(1000);
    const hashes = new Map(
      (
        await database.db
          .selectFrom('mailboxes')
          .innerJoin('domains', 'domains.id', 'mailboxes.domain_id')
          .select(['mailboxes.name', 'mailboxes.password_hash', 'mailboxes.quota_mb'])
          .where('domains.name', '=', 'bulk.example')
          .execute()
      ).map((r) => [r.name, r]),
    );
    expect(hashes.size).toBe(1000);
    for (const line of written) {
      const [address, password] = line.split(',');
      const row = hashes.get(address!.split('@')[0]!)!;
      expect(await fastHasher.verify(row.password_hash, new Secret(password!))).toBe(true);
    }
    expect(hashes.get('u3')?.quota_mb).toBe(50);
    expect(hashes.get('u1')?.quota_mb).toBe(20);
    const audited = await database.db
      .selectFrom('audit_entries')
      .where('command', '=', 'import')
      .select('id')
      .execute();
    expect(audited).toHaveLength(1000);
    expect((await popbot('import', csv('again.csv', rows.slice(0, 1)), '--out', out)).err).toContain('exists already');
  }, 300_000);

  it('against a plan limit of 900: refused as a whole, the limit named; nothing created', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `n${i}@nine.example,`);
    const result = await popbot('import', csv('nine.csv', rows), '--out', join(dir, 'nine-out.csv'));
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'line 902: nineco: plan "Nine" of nineco allows 900 POP accounts; 0 exist and the file adds 1000',
    );
    const created = await database.db
      .selectFrom('mailboxes')
      .innerJoin('domains', 'domains.id', 'mailboxes.domain_id')
      .where('domains.name', '=', 'nine.example')
      .select('mailboxes.id')
      .execute();
    expect(created).toEqual([]);
  });

  it('--links: set-your-own-password links instead of passwords, in the owner-only file', async () => {
    const out = join(dir, 'links-out.csv');
    const result = await popbot(
      'import',
      csv('links.csv', ['l1@nine.example,', 'l2@nine.example,']),
      '--links',
      '--out',
      out,
    );
    expect(result.code).toBe(0);
    const written = readFileSync(out, 'utf8').trim().split('\n');
    expect(written[0]).toBe('address,link,expires');
    expect(written[1]).toMatch(/^l1@nine\.example,https:\/\/pop\.bulk\.example\/s\/[A-Za-z0-9_-]{43},\d{4}-/);
    const pending = await database.db
      .selectFrom('mailboxes')
      .select('password_pending')
      .where('name', '=', 'l1')
      .execute();
    expect(pending).toEqual([{ password_pending: true }]);
  });
});

describe('plans and the sales loop (SPEC §7)', () => {
  const REQUESTER = slackActor({ workspaceId: 'T_SALES', userId: 'U_ASKER', userName: 'sam' });
  const DISCORD_REQUESTER = {
    platform: 'discord' as const,
    workspaceId: '1700000000000000001',
    userId: '1700000000000000042',
    userName: 'dora',
    roleIds: [],
  };

  beforeAll(async () => {
    await makeHostingAccount(core.service, { username: 'tight', domains: ['tight.example'], maxPopAccounts: 2 });
    await grantActor(core.service, REQUESTER, 'tight', 'admin');
    await grantActor(core.service, DISCORD_REQUESTER, 'tight', 'admin');
    await popbot('plan', 'create', 'Tiny', '--accounts', '1', '--disk', '1GB');
    await popbot('plan', 'create', 'Roomy', '--accounts', '5', '--disk', '2GB');
  });

  it('plan edit and account plan refuse what would put an account over its limits; a valid change unblocks add', async () => {
    await core.dispatcher.run(REQUESTER, 'add t1');
    await core.dispatcher.run(REQUESTER, 'add t2');
    const blocked = await core.dispatcher.run(REQUESTER, 'add t3');
    expect(blocked.errorCode).toBe('PLAN_LIMIT_REACHED');
    const plan = (
      await database.db
        .selectFrom('hosting_accounts')
        .innerJoin('plans', 'plans.id', 'hosting_accounts.plan_id')
        .select('plans.name')
        .where('username', '=', 'tight')
        .executeTakeFirstOrThrow()
    ).name;
    const shrink = await popbot('plan', 'edit', plan, '--accounts', '1');
    expect(shrink.code).toBe(1);
    expect(shrink.err).toContain(
      `Not changed: plan "${plan}" would put a hosting account over its limits: tight has 2 POP accounts (limit 1)`,
    );
    const move = await popbot('account', 'plan', 'tight', 'Tiny');
    expect(move.err).toContain('tight has 2 POP accounts (limit 1)');
    expect((await popbot('plan', 'edit', plan)).err).toContain('Nothing to change');

    const grow = await popbot('plan', 'edit', plan, '--accounts', '3');
    expect(grow.out).toContain('3 POP accounts');
    expect((await core.dispatcher.run(REQUESTER, 'add t3')).title).toBe('Created t3@tight.example');
    const moved = await popbot('account', 'plan', 'tight', 'Roomy');
    expect(moved.out).toContain(`tight moved from "${plan}" to "Roomy"`);
    const plans = await popbot('plans');
    expect(plans.out).toContain('Roomy: 5 POP accounts, 2 GB disk');
    expect(plans.out).toContain('  tight: 3 of 5 POP accounts');
  });

  it('sales list shows who asked, where, when and for which account; sales done tells them on Slack and on Discord', async () => {
    await core.dispatcher.run(REQUESTER, 'plan --request');
    await core.dispatcher.run(DISCORD_REQUESTER, 'plan --request');
    const open = await popbot('sales', 'list', '--open');
    const lines = open.out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^#\d+ open · tight \(plan [^,]+, \d+ of \d+ POP accounts\) · asked by sam on slack T_SALES at \d{4}-/,
    );
    const [discordId = '', slackId = ''] = lines.map((l) => /^#(\d+)/.exec(l)![1]!);

    const doneSlack = await popbot('sales', 'done', slackId, '--note', 'moved to Roomy');
    expect(doneSlack.code).toBe(0);
    expect(doneSlack.out).toContain('Told sam privately on slack.');
    const dm = slack
      .apiCalls('chat.postMessage')
      .map((c) => Object.fromEntries(new URLSearchParams(c.body)))
      .at(-1);
    expect(dm?.channel).toBe('U_ASKER');
    expect(dm?.text).toBe('Your request for more POP accounts is done');
    expect(dm?.blocks).toContain('Note from sales: moved to Roomy');

    expect((await popbot('sales', 'done', discordId)).out).toContain('Told dora privately on discord.');
    const opened = discord.received.filter((r) => r.path.endsWith('/users/@me/channels')).at(-1);
    expect(JSON.parse(opened!.body).recipient_id).toBe(DISCORD_REQUESTER.userId);
    const sent = discord.received.filter((r) => /\/channels\/\d+\/messages$/.test(r.path)).at(-1);
    expect(sent!.body).toContain('Your request for more POP accounts is done');

    expect((await popbot('sales', 'list', '--open')).out).toBe('No open sales requests.');
    const again = await popbot('sales', 'done', slackId);
    expect(again.err).toMatch(/Invalid sales request `\d+`: it was already done on \d{4}-/);
    const audit = await database.db
      .selectFrom('audit_entries')
      .select('detail')
      .where('command', '=', 'sales done')
      .execute();
    expect(audit.map((a) => a.detail)).toEqual([
      `request ${slackId} of sam (slack): moved to Roomy`,
      `request ${discordId} of dora (discord)`,
    ]);
  });
});

describe('--json for scripts (SPEC §2)', () => {
  beforeAll(async () => {
    await makeHostingAccount(core.service, { username: 'jsonco', domains: ['json.example'], maxPopAccounts: 5 });
  });

  it('one JSON object in the documented shape for each command; errors as { error } with a non-zero exit', async () => {
    const added = await pop('add', 'jay@json.example', '--json');
    expect(added.code).toBe(0);
    const reply = JSON.parse(added.out);
    expect(reply).toMatchObject({
      ok: true,
      tone: 'success',
      title: 'Created jay@json.example',
      login: {
        address: 'jay@json.example',
        logins: ['jay@json.example', 'jay+json.example'],
        password: expect.stringMatching(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/),
        incoming: { host: 'pop.example.net', port: 995, security: 'SSL/TLS' },
        outgoing: { host: 'smtp.example.net', port: 587, security: 'STARTTLS' },
        link: { kind: 'reveal', url: expect.stringMatching(/^https:\/\/pop\.bulk\.example\/s\//) },
      },
    });
    for (const words of [
      ['list', 'json.example'],
      ['info', 'jay@json.example'],
      ['passwd', 'jay@json.example'],
      ['audit', 'jay@json.example'],
      ['plan', 'json.example'],
      ['forward', 'json.example'],
      ['help'],
    ]) {
      const result = await pop(...words, '--json');
      expect(result.code, words.join(' ')).toBe(0);
      const parsed = JSON.parse(result.out);
      expect(parsed.ok).toBe(true);
      expect(typeof parsed.title).toBe('string');
      for (const key of Object.keys(parsed))
        expect(['ok', 'tone', 'title', 'lines', 'fields', 'rows', 'footer', 'login', 'actions']).toContain(key);
    }
    const failed = await pop('add', 'jay@json.example', '--json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.out)).toEqual({
      error: {
        code: 'ACCOUNT_EXISTS',
        message: 'POP account `jay@json.example` already exists; nothing was changed.',
      },
    });
    for (const argv of [['plans'], ['sales', 'list'], ['bindings']]) {
      const listed = await popbot(...argv, '--json');
      expect(listed.code).toBe(0);
      expect(Object.keys(JSON.parse(listed.out))).toEqual([argv[0] === 'sales' ? 'requests' : argv[0]]);
    }
  });
});
