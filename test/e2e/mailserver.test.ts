import { execFile, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Secret } from '../../src/service/secret.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import { createArgon2Hasher } from '../../src/service/passwords.ts';
import { renderReply } from '../../src/adapters/console/render.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { makeHostingAccount } from '../helpers/factories.ts';
import { pop3List, pop3Retrieve } from '../helpers/pop3.ts';
import { sendMail } from '../helpers/smtp.ts';
import { createDoveadmSessions } from '../../src/service/mail-sessions.ts';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../deploy/mailserver.sh');
const CLEANUP = join(import.meta.dirname, '../../deploy/mail-cleanup.sh');
const ROLE_SQL = join(import.meta.dirname, '../../deploy/postgres/mail-role.sql');
const MAIL_ROLE_PASSWORD = 'mail-role-test-password';
let mailRoleUrl: string;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const available = has('dovecot') && has('postfix') && has('curl') && process.getuid?.() === 0 && onPostgres();
const PORTS = {
  POP3_PORT: '21110',
  IMAP_PORT: '21143',
  SMTP_PORT: '21525',
  SUBMISSION_PORT: '21587',
  LMTP_PORT: '21424',
  QUOTA_PORT: '21993',
  AUTH_PORT: '21994',
  DOVEADM_PORT: '21080',
  DOVEADM_API_KEY: 'e2e-doveadm-key',
};
const POP3 = Number(PORTS.POP3_PORT);
const SMTP = Number(PORTS.SMTP_PORT);

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
let dir: string;
const MAIN = { login: 'shop', password: 'Correct-Horse-Battery-42' };

const pop = async (text: string) => {
  const reply = await core.dispatcher.run(CONSOLE_ACTOR, text);
  if (reply.errorCode) throw new Error(`${text}: ${renderReply(reply)}`);
  return reply;
};
const add = async (text: string) => (await pop(text)).secret!.password!.reveal();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a message over SMTP submission with curl: STARTTLS required, logged in. Resolves to curl's exit
 * code (0 sent, 67 login refused) and what it printed.
 */
function submitMail(port: number, m: { user: string; password: string; from: string; to: string; body: string }) {
  return new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = execFile(
      'curl',
      ['-sS', '--ssl-reqd', '-k', '--url', `smtp://127.0.0.1:${port}`, '--user', `${m.user}:${m.password}`].concat([
        '--mail-from',
        m.from,
        '--mail-rcpt',
        m.to,
        '-T',
        '-',
      ]),
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
    child.stdin?.end(`From: ${m.from}\r\nTo: ${m.to}\r\nSubject: ${m.body}\r\n\r\n${m.body}\r\n`);
  });
}

/**
 * Polls until `check` holds, for 30 s at most (a busy machine may take long, which is no failure);
 * returns the elapsed milliseconds, or null. How fast things happen is printed, and measured by the bench.
 */
async function within(check: () => Promise<boolean>): Promise<number | null> {
  const ms = 30_000;
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await check()) return performance.now() - start;
    await sleep(20);
  }
  return (await check()) ? performance.now() - start : null;
}
const delivered = (user: string, password: string, count: number) =>
  within(async () => ((await pop3List(POP3, user, password)) ?? []).length >= count);

describe('mail server tools', () => {
  it.runIf(process.env.CI === 'true')('are installed in CI', () => {
    expect(available, 'CI must run the mail server suite on real Dovecot, Postfix and PostgreSQL').toBe(true);
  });
});

describe.skipIf(!available)('Dovecot and Postfix read popbot records (SPEC §9)', () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    core = makeCore(database.db, {
      hasher: createArgon2Hasher({ memoryKiB: 19456, time: 2 }),
      settings: { publicUrl: 'https://pop.shop.example' },
    });
    await makeHostingAccount(core.service, {
      username: MAIN.login,
      password: MAIN.password,
      domains: ['shop.example'],
      maxPopAccounts: 20,
      diskQuotaMb: 4,
      defaultQuotaMb: 1,
    });
    dir = mkdtempSync(join(tmpdir(), 'popbot-mail-'));
    // Dovecot and Postfix log in as the role the README tells operators to create, from its SQL file.
    await run('psql', [database.url!, '-q', '-v', `mail_password=${MAIL_ROLE_PASSWORD}`, '-f', ROLE_SQL]);
    const asMailRole = new URL(database.url!);
    asMailRole.username = 'popbot_mail';
    asMailRole.password = MAIL_ROLE_PASSWORD;
    mailRoleUrl = asMailRole.toString();
    await run('bash', [SCRIPT, 'start', dir, mailRoleUrl], { env: { ...process.env, ...PORTS } });
  }, 120_000);

  afterAll(async () => {
    if (dir) await run('bash', [SCRIPT, 'stop', dir]).catch(() => undefined);
    await database?.close();
  });

  it('add: both login forms work at once (the time to the first login is printed); a wrong password fails', async () => {
    const password = await add('add scott');
    const elapsed = await within(async () => (await pop3List(POP3, 'scott@shop.example', password)) !== null);
    expect(elapsed, 'first successful POP3 login after add').not.toBeNull();
    console.log(`add → first successful POP3 login: ${elapsed!.toFixed(0)} ms`);
    expect(await pop3List(POP3, 'scott+shop.example', password)).toEqual([]);
    expect(await pop3List(POP3, 'Scott@Shop.Example', password)).toEqual([]);
    expect(await pop3List(POP3, 'scott@shop.example', `${password}x`)).toBeNull();
  });

  it('set-your-own-password links: nobody logs in before the owner chooses; then that password works', async () => {
    const tokenOf = (reply: Awaited<ReturnType<typeof pop>>) => reply.secret?.link?.url.reveal().split('/s/')[1] ?? '';
    const owner = 'lantern orbit quietly 58 ferns';
    const fresh = await pop('add lena --link');
    expect(fresh.secret?.password).toBeUndefined();
    expect(await pop3List(POP3, 'lena@shop.example', owner)).toBeNull();
    expect((await core.service.links.setOwn(tokenOf(fresh), '203.0.113.1', new Secret(owner))).ok).toBe(true);
    expect(await pop3List(POP3, 'lena@shop.example', owner)).toEqual([]);

    // passwd --link: the old password keeps working until the owner has chosen a new one.
    const old = await add('add mika');
    const linked = await pop('passwd mika --link');
    expect(await pop3List(POP3, 'mika@shop.example', old)).toEqual([]);
    expect((await core.service.links.setOwn(tokenOf(linked), '203.0.113.1', new Secret(owner))).ok).toBe(true);
    expect(await pop3List(POP3, 'mika@shop.example', owner)).toEqual([]);
    expect(await pop3List(POP3, 'mika@shop.example', old)).toBeNull();
  });

  it('passwd: the old password fails and the new one works at once; delete: login fails', async () => {
    const first = await add('add pat');
    expect(await pop3List(POP3, 'pat@shop.example', first)).toEqual([]);
    const second = (await pop('passwd pat')).secret!.password!.reveal();
    expect(await pop3List(POP3, 'pat@shop.example', second)).toEqual([]);
    expect(await pop3List(POP3, 'pat@shop.example', first)).toBeNull();
    await pop('delete pat --yes');
    expect(await pop3List(POP3, 'pat@shop.example', second)).toBeNull();
    expect(await pop3List(POP3, 'pat+shop.example', second)).toBeNull();
  });

  it('the Main Account logs in with the control-panel username and password', async () => {
    expect(await pop3List(POP3, MAIN.login, MAIN.password)).not.toBeNull();
    expect(await pop3List(POP3, MAIN.login, 'wrong-password')).toBeNull();
  });

  it('routes mail: to the account, unknown names per catch-all, existing accounts never diverted', async () => {
    const ann = await add('add ann 1MB');
    const bob = await add('add bob 1MB');
    const count = async (user: string, password: string) => ((await pop3List(POP3, user, password)) ?? []).length;
    const mainBefore = await count(MAIN.login, MAIN.password);

    // To an existing account: delivered there, retrievable over POP3.
    expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'ann@shop.example', body: 'for ann' })).data).toBe(250);
    expect(await delivered('ann@shop.example', ann, 1)).not.toBeNull();
    expect(await pop3Retrieve(POP3, 'ann@shop.example', ann, 1)).toContain('for ann');

    // catchall main (the default): unknown names reach the Main Account.
    expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'nobody@shop.example', body: 'for main' })).data).toBe(
      250,
    );
    expect(await delivered(MAIN.login, MAIN.password, mainBefore + 1)).not.toBeNull();
    expect(await pop3Retrieve(POP3, MAIN.login, MAIN.password, mainBefore + 1)).toContain('for main');

    // catchall fail: 550 at RCPT; ann still receives.
    await pop('catchall fail');
    const refused = await sendMail(SMTP, { from: 'x@sender.test', to: 'nobody@shop.example', body: 'bounce me' });
    expect(refused.rcpt).toBe(550);
    expect(
      (await sendMail(SMTP, { from: 'x@sender.test', to: 'ann@shop.example', body: 'ann in fail mode' })).data,
    ).toBe(250);
    expect(await delivered('ann@shop.example', ann, 2)).not.toBeNull();

    // catchall bob: unknown names go to bob; ann still gets her own.
    await pop('catchall bob');
    expect(
      (await sendMail(SMTP, { from: 'x@sender.test', to: 'stranger@shop.example', body: 'for bob via catch-all' }))
        .data,
    ).toBe(250);
    expect(await delivered('bob@shop.example', bob, 1)).not.toBeNull();
    expect(await pop3Retrieve(POP3, 'bob@shop.example', bob, 1)).toContain('for bob via catch-all');
    expect(
      (await sendMail(SMTP, { from: 'x@sender.test', to: 'ann@shop.example', body: 'ann in account mode' })).data,
    ).toBe(250);
    expect(await delivered('ann@shop.example', ann, 3)).not.toBeNull();

    // catchall blackhole: accepted, then nowhere; ann still gets her own.
    await pop('catchall blackhole');
    expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'void@shop.example', body: 'into the void' })).data).toBe(
      250,
    );
    expect(
      (await sendMail(SMTP, { from: 'x@sender.test', to: 'ann@shop.example', body: 'ann in blackhole mode' })).data,
    ).toBe(250);
    expect(await delivered('ann@shop.example', ann, 4)).not.toBeNull();
    expect(
      await within(async () => readFileSync(join(dir, 'postfix.log'), 'utf8').includes('orig_to=<void@shop.example>')),
    ).not.toBeNull();
    expect(readFileSync(join(dir, 'postfix.log'), 'utf8')).toMatch(
      /to=<discard@blackhole\.popbot\.invalid>, orig_to=<void@shop\.example>.*status=sent/,
    );
    expect(await count('bob@shop.example', bob)).toBe(1);
    expect(await count(MAIN.login, MAIN.password)).toBe(mainBefore + 1);

    await pop('catchall main');
  });

  it('refuses a message over the quota with 552 at RCPT; list and info show the usage Dovecot recorded', async () => {
    const password = await add('add tiny 1MB');
    const small = 'x'.repeat(200_000);
    expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'tiny@shop.example', body: small })).data).toBe(250);
    expect(await delivered('tiny@shop.example', password, 1)).not.toBeNull();
    const over = await sendMail(SMTP, { from: 'x@sender.test', to: 'tiny@shop.example', body: 'y'.repeat(900_000) });
    expect(over.rcpt).toBe(552);
    expect(over.replies.join('\n')).toContain('5.2.2');
    expect(await pop3List(POP3, 'tiny@shop.example', password)).toHaveLength(1);

    const usage = await within(
      async () =>
        ((
          await database.db
            .selectFrom('mailbox_usage')
            .select('bytes')
            .where('username', '=', 'tiny@shop.example')
            .executeTakeFirst()
        )?.bytes ?? 0) > 200_000,
    );
    expect(usage).not.toBeNull();
    const info = renderReply(await pop('info tiny'));
    expect(info).toMatch(/Used:\s+0\.2 MB in 1 message\b/);
    const list = renderReply(await pop('list'));
    expect(list).toMatch(/\n\s+tiny\s+1 MB · 0\.2 MB used/);
  });

  it('an unlimited account takes mail up to the hosting account disk quota and no further', async () => {
    const password = await add('add vast unlimited');
    const used = async () => {
      const rows = await database.db.selectFrom('mailbox_usage').select('bytes').execute();
      return rows.reduce((n, r) => n + Number(r.bytes), 0);
    };
    const disk = 4 * 1_048_576;
    let sent = 0;
    for (let i = 0; i < 10; i++) {
      const result = await sendMail(SMTP, {
        from: 'x@sender.test',
        to: 'vast@shop.example',
        body: `${i}`.repeat(700_000),
      });
      if (result.rcpt !== 250) {
        expect(result.rcpt).toBe(552);
        break;
      }
      expect(result.data).toBe(250);
      sent++;
      await delivered('vast@shop.example', password, sent);
      await within(async () => (await used()) > 0);
    }
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(10);
    const total = await used();
    expect(total).toBeLessThanOrEqual(disk);
    expect(total + 700_000).toBeGreaterThan(disk);
    console.log(
      `unlimited account: ${sent} messages of 0.7 MB accepted, hosting account at ${(total / 1_048_576).toFixed(2)} ` +
        `MB of 4 MB`,
    );
  });

  describe('production (issue 9)', () => {
    const CORP = { login: 'corp', password: 'Violet-Kettle-Marsh-77' };
    const SUBMISSION = Number(PORTS.SUBMISSION_PORT);
    beforeAll(async () => {
      await makeHostingAccount(core.service, {
        username: CORP.login,
        password: CORP.password,
        domains: ['corp.example'],
        maxPopAccounts: 20,
        diskQuotaMb: 50,
        defaultQuotaMb: 1,
      });
    });

    it("a deleted account's mail is never seen by a new account of the same name; the clean-up removes it", async () => {
      const first = await add('add keep@corp.example');
      expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'keep@corp.example', body: 'private' })).data).toBe(
        250,
      );
      expect(await delivered('keep@corp.example', first, 1)).not.toBeNull();
      const deleted = await pop('delete keep@corp.example --yes');
      expect(renderReply(deleted)).toMatch(/removed from the mail server after 7 days/);
      const second = await add('add keep@corp.example');
      expect(await pop3List(POP3, 'keep@corp.example', second)).toEqual([]);

      const vmail = join(dir, 'vmail');
      const folders = () => readdirSync(join(vmail, 'corp.example')).sort();
      expect(folders().filter((f) => f.startsWith('keep.'))).toHaveLength(2);
      // The older account has the smaller id (keep.9 comes before keep.10).
      const idOf = (folder: string) => Number(folder.split('.').pop());
      const oldFolder = folders()
        .filter((f) => f.startsWith('keep.'))
        .sort((a, b) => idOf(a) - idOf(b))[0]!;
      const waiting = await run('bash', [CLEANUP, vmail, mailRoleUrl]);
      expect(waiting.stdout).toMatch(/ 0 removed, [1-9]\d* waiting out the 7-day retention/);
      expect(existsSync(join(vmail, 'corp.example', oldFolder, '.popbot-unused-since'))).toBe(true);
      const cleaned = await run('bash', [CLEANUP, vmail, mailRoleUrl, '--retention-days', '0']);
      expect(cleaned.stdout).toContain(`removed corp.example/${oldFolder} `);
      expect(folders().filter((f) => f.startsWith('keep.'))).toHaveLength(1);
      const live = await database.db
        .selectFrom('mail_users' as never)
        .select('maildir' as never)
        .execute();
      const liveFolders = new Set((live as { maildir: string }[]).map((r) => r.maildir));
      for (const folder of ['corp.example', 'shop.example', '_main'].flatMap((d) =>
        existsSync(join(vmail, d)) ? readdirSync(join(vmail, d)).map((f) => `${d}/${f}`) : [],
      ))
        expect(liveFolders.has(folder), folder).toBe(true);
      expect(await pop3List(POP3, 'keep@corp.example', second)).toEqual([]);
      expect(await pop3List(POP3, 'scott@shop.example', 'wrong')).toBeNull();
    });

    it('the mail role reads the mail views and no table', async () => {
      const asRole = (query: string) => run('psql', [mailRoleUrl, '-X', '-A', '-t', '-c', query]);
      expect(Number((await asRole('select count(*) from mail_users')).stdout.trim())).toBeGreaterThan(0);
      for (const table of ['mailboxes', 'hosting_accounts', 'audit_entries', 'pending_actions'])
        await expect(asRole(`select count(*) from ${table}`)).rejects.toThrow(`permission denied for table ${table}`);
      await expect(asRole('insert into sales_requests default values')).rejects.toThrow(/permission denied/);
      await expect(asRole("update mail_users set password = 'x'")).rejects.toThrow(/permission denied|cannot update/);
    });

    it('internal addresses get 550 at RCPT whether the name exists or not; catchall fail cannot be bypassed', async () => {
      await pop('catchall corp.example fail');
      const rcpt = async (to: string) => {
        const result = await sendMail(SMTP, { from: 'x@sender.test', to, body: 'probe' });
        expect(result.data, to).toBeUndefined();
        return [result.rcpt, result.replies.at(-2)?.replace(to, '<to>')];
      };
      const existing = await rcpt(`${CORP.login}@main.popbot.invalid`);
      expect(existing[0]).toBe(550);
      expect(await rcpt('nosuchuser@main.popbot.invalid')).toEqual(existing);
      expect(await rcpt(`${MAIN.login}@main.popbot.invalid`)).toEqual(existing);
      expect((await rcpt('discard@blackhole.popbot.invalid'))[0]).toBe(550);
      expect((await rcpt('stranger@corp.example'))[0]).toBe(550);
    });

    it('over quota through the catch-all: 552 at RCPT when the sender gives SIZE=, nothing accepted to bounce', async () => {
      const small = await add('add small@corp.example 1MB');
      await pop('catchall corp.example small');
      expect(
        (await sendMail(SMTP, { from: 'x@sender.test', to: 'small@corp.example', body: 'a'.repeat(900_000) })).data,
      ).toBe(250);
      expect(await delivered('small@corp.example', small, 1)).not.toBeNull();
      const viaCatchall = await sendMail(SMTP, {
        from: 'x@sender.test',
        to: 'anyone@corp.example',
        body: 'b'.repeat(400_000),
      });
      expect(viaCatchall.rcpt).toBe(552);
      expect(viaCatchall.replies.join('\n')).toContain('5.2.2');
      expect(viaCatchall.data).toBeUndefined();
      // Room left for a small message, through the catch-all too.
      expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'anyone@corp.example', body: 'tiny' })).data).toBe(250);
      expect(await delivered('small@corp.example', small, 2)).not.toBeNull();
    });

    it('submission on 587: STARTTLS and a login (either form) send mail that arrives; wrong or deleted logins are refused', async () => {
      const sender = await add('add sender@corp.example');
      const inbox = await add('add inbox@corp.example');
      const submit = (user: string, password: string, body: string) =>
        submitMail(SUBMISSION, { user, password, from: 'sender@corp.example', to: 'inbox@corp.example', body });
      expect(await submit('sender@corp.example', sender, 'first')).toMatchObject({ code: 0 });
      expect(await submit('sender+corp.example', sender, 'second')).toMatchObject({ code: 0 });
      expect(await delivered('inbox@corp.example', inbox, 2)).not.toBeNull();
      expect(await pop3Retrieve(POP3, 'inbox@corp.example', inbox, 2)).toContain('second');
      // curl: 67 = the login was refused.
      expect((await submit('sender@corp.example', `${sender}x`, 'wrong')).code).toBe(67);
      await pop('delete sender@corp.example --yes');
      expect((await submit('sender@corp.example', sender, 'deleted')).code).toBe(67);
      expect((await pop3List(POP3, 'inbox@corp.example', inbox)) ?? []).toHaveLength(2);
    });
  });

  describe('suspend, resume and last login (issue 12)', () => {
    const IMAP = Number(PORTS.IMAP_PORT);
    const SUBMISSION = Number(PORTS.SUBMISSION_PORT);
    let kicking: ReturnType<typeof makeCore>;
    beforeAll(async () => {
      // popbot as configured in production: ends sessions through Dovecot's doveadm HTTP API.
      kicking = makeCore(database.db, {
        mailSessions: createDoveadmSessions(`http://127.0.0.1:${PORTS.DOVEADM_PORT}/doveadm/v1`, PORTS.DOVEADM_API_KEY),
      });
      await makeHostingAccount(core.service, { username: 'halt', domains: ['halt.example'], maxPopAccounts: 5 });
    });
    const act = async (line: string) => {
      const reply = await kicking.dispatcher.run(CONSOLE_ACTOR, line);
      if (reply.errorCode) throw new Error(`${line}: ${renderReply(reply)}`);
      return reply;
    };
    const submit = async (user: string, password: string) =>
      (await submitMail(SUBMISSION, { user, password, from: user, to: user, body: 'self' })).code;

    it('suspend: POP3, submission and IMAP refused at once and an open IMAP session ended; --incoming: 550 5.2.1; resume undoes both', async () => {
      const password = (await act('add stop@halt.example')).secret!.password!.reveal();
      expect(await pop3List(POP3, 'stop@halt.example', password)).toEqual([]);

      // An IMAP session that stays open, logged in.
      const imap = connect(IMAP, '127.0.0.1');
      let said = '';
      imap.setEncoding('utf8');
      imap.on('data', (d: string) => (said += d));
      const closed = new Promise<void>((resolve) => imap.on('close', () => resolve()));
      await expect.poll(() => said).toContain('* OK');
      imap.write(`a1 LOGIN stop@halt.example ${password}\r\n`);
      await expect.poll(() => said).toContain('a1 OK');

      await act('suspend stop@halt.example');
      await closed;
      expect(await pop3List(POP3, 'stop@halt.example', password)).toBeNull();
      expect(await submit('stop@halt.example', password)).toBe(67);
      // Mail still arrives while only logins are refused.
      expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'stop@halt.example', body: 'kept' })).data).toBe(250);

      await act('suspend stop@halt.example --incoming');
      const refused = await sendMail(SMTP, { from: 'x@sender.test', to: 'stop@halt.example', body: 'refused' });
      expect(refused.rcpt).toBe(550);
      expect(refused.replies.join('\n')).toContain('5.2.1');

      await act('resume stop@halt.example');
      expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'stop@halt.example', body: 'back' })).data).toBe(250);
      expect(await delivered('stop@halt.example', password, 2)).not.toBeNull();
      expect(await submit('stop@halt.example', password)).toBe(0);
    });

    it('last login: info shows it with the protocol after a POP3 login; a fresh account says never', async () => {
      const password = (await act('add seen@halt.example')).secret!.password!.reveal();
      const info = async () => renderReply(await act('info seen@halt.example'));
      expect(await info()).toMatch(/Last login:\s+never$/m);
      expect(await pop3List(POP3, 'seen+halt.example', password)).toEqual([]);
      await expect.poll(info).toMatch(/Last login:\s+(just now|\d+ min ago) over POP3/);
      expect(renderReply(await act('list halt.example'))).toMatch(/^\s+seen\s+10 MB · 0 MB used$/m);
    });

    it('forwarders: a POP account keeps its copy; a name without an account goes out, not to the catch-all; removed, normal routing again', async () => {
      const from = (await act('add fa@halt.example')).secret!.password!.reveal();
      const to = (await act('add fb@halt.example')).secret!.password!.reveal();
      await act('forward add fa@halt.example fb@halt.example');
      expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'fa@halt.example', body: 'both of you' })).data).toBe(
        250,
      );
      expect(await delivered('fa@halt.example', from, 1)).not.toBeNull();
      expect(await delivered('fb@halt.example', to, 1)).not.toBeNull();

      // A name without an account, forwarded outside: Postfix hands it to its SMTP client for the remote
      // domain (which this closed network cannot find: the log says so); the Main Account, the catch-all,
      // does not get it.
      const mainBefore = ((await pop3List(POP3, 'halt', 'Correct-Horse-Battery-42')) ?? []).length;
      await act('forward add sales@halt.example boss@remote.example');
      expect(
        (await sendMail(SMTP, { from: 'x@sender.test', to: 'sales@halt.example', body: 'to the boss' })).data,
      ).toBe(250);
      const postfixLog = () => readFileSync(join(dir, 'postfix.log'), 'utf8');
      await expect
        .poll(postfixLog)
        .toMatch(/postfix\/smtp\[\d+\]: \w+: to=<boss@remote\.example>, orig_to=<sales@halt\.example>/);
      expect(((await pop3List(POP3, 'halt', 'Correct-Horse-Battery-42')) ?? []).length).toBe(mainBefore);

      await act('forward delete sales@halt.example boss@remote.example');
      expect((await sendMail(SMTP, { from: 'x@sender.test', to: 'sales@halt.example', body: 'to main' })).data).toBe(
        250,
      );
      expect(await delivered('halt', 'Correct-Horse-Battery-42', mainBefore + 1)).not.toBeNull();
      const loop = await kicking.dispatcher.run(CONSOLE_ACTOR, 'forward add fb@halt.example fa@halt.example');
      expect(loop.errorCode).toBe('FORWARD_LOOP');
    });
  });
});
