import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { createArgon2Hasher } from '../src/service/passwords.ts';
import { Secret } from '../src/service/secret.ts';
import { pop3List } from '../test/helpers/pop3.ts';
import { ARGON2 } from './core.ts';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { mailQueries } from '../test/helpers/mail-queries.ts';

const PER_HOSTING_ACCOUNT = 100;

/** A database with `accounts` POP accounts, in hosting accounts of 100 (a plan's worth), with usage. */
async function seeded(adminUrl: string, name: string, accounts: number) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
  await migrateToLatest(database.db);
  const hosting = Math.max(1, Math.ceil(accounts / PER_HOSTING_ACCOUNT));
  const hash = '{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
  await sql`insert into plans (name, max_pop_accounts, disk_quota_mb) values ('Bench', ${PER_HOSTING_ACCOUNT}, 10240)`.execute(
    database.db,
  );
  await sql`insert into hosting_accounts (username, password_hash, plan_id)
    select 'host' || g, ${hash}, (select id from plans) from generate_series(1, ${hosting}) g`.execute(database.db);
  await sql`insert into domains (hosting_account_id, name) select id, username || '.example' from hosting_accounts`.execute(
    database.db,
  );
  await sql`insert into mailboxes (hosting_account_id, domain_id, name, password_hash, quota_mb)
    select d.hosting_account_id, d.id, 'user' || g, ${hash}, 10
      from domains d, generate_series(1, ${Math.min(accounts, PER_HOSTING_ACCOUNT)}) g`.execute(database.db);
  await sql`insert into mailbox_usage (username, bytes, messages)
    select m.name || '@' || d.name, 1000, 1 from mailboxes m join domains d on d.id = m.domain_id`.execute(database.db);
  await sql`analyze`.execute(database.db);
  return {
    database,
    hosting,
    drop: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Each query Dovecot and Postfix run (as shipped in deploy/), timed at 100 and at 100,000 accounts in
 * the same run: the cost per lookup must not grow with the number of accounts.
 */
export async function benchMailLookups(adminUrl: string, report: (what: string, figure: string) => void) {
  const small = await seeded(adminUrl, 'popbot_bench_small', 100);
  const large = await seeded(adminUrl, 'popbot_bench_large', 100_000);
  const timings = async (target: typeof small, name: string) => {
    const times: number[] = [];
    // The same 400 lookups twice; only the second pass is timed: a mail server's working set is cached.
    for (let i = 0; i < 800; i++) {
      const key = i % 400;
      const host = 1 + ((key * 7919) % target.hosting);
      const local = key % 4 === 3 ? `nobody${key}` : `user${1 + ((key * 31) % PER_HOSTING_ACCOUNT)}`;
      const query = mailQueries(local, `host${host}.example`).find((q) => q.name === name)!;
      const started = performance.now();
      await sql.raw(query.sql).execute(target.database.db);
      if (i >= 400) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  };
  for (const { name } of mailQueries('x', 'y')) {
    const at100 = await timings(small, name);
    const at100k = await timings(large, name);
    report(
      `${name}: p50 at 100 / 100,000 accounts (goal ratio ≤ 1.5)`,
      `${at100.toFixed(3)} ms / ${at100k.toFixed(3)} ms = ${(at100k / at100).toFixed(2)}×`,
    );
  }
  await small.drop();
  await large.drop();
}

const run = promisify(execFile);
const DEPLOY = join(import.meta.dirname, '../deploy');

/**
 * POP3 logins per second through the real Dovecot (deploy/mailserver.sh, as the mail role), with the
 * shipped argon2id cost, 1 and 8 clients at a time. Needs root, Dovecot and Postfix; skipped otherwise.
 */
export async function benchPop3Logins(adminUrl: string, report: (what: string, figure: string) => void) {
  const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (process.getuid?.() !== 0 || !has('dovecot') || !has('postfix') || !has('curl')) {
    report('POP3 logins/s', 'skipped (needs root, Dovecot, Postfix and curl)');
    return;
  }
  const target = await seeded(adminUrl, 'popbot_bench_logins', 8);
  const dir = mkdtempSync(join(tmpdir(), 'popbot-bench-mail-'));
  const ports = { POP3_PORT: '31110', IMAP_PORT: '31143', SMTP_PORT: '31525', SUBMISSION_PORT: '31587' };
  try {
    const password = 'bench-login-password-42';
    const hash = await createArgon2Hasher(ARGON2).hash(new Secret(password));
    await sql`update mailboxes set password_hash = ${hash}`.execute(target.database.db);
    const url = new URL(adminUrl);
    url.pathname = '/popbot_bench_logins';
    await run('psql', [
      url.toString(),
      '-q',
      '-v',
      'mail_password=bench-mail-role',
      '-f',
      join(DEPLOY, 'postgres/mail-role.sql'),
    ]);
    url.username = 'popbot_mail';
    url.password = 'bench-mail-role';
    await run('bash', [join(DEPLOY, 'mailserver.sh'), 'start', dir, url.toString()], {
      env: { ...process.env, ...ports, LMTP_PORT: '31424', QUOTA_PORT: '31993', AUTH_PORT: '31994' },
    });
    const login = async (i: number) => {
      if ((await pop3List(Number(ports.POP3_PORT), `user${1 + (i % 8)}@host1.example`, password)) === null)
        throw new Error('POP3 login refused');
    };
    const rate = async (clients: number, total: number) => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next < total) await login(next++);
        }),
      );
      return total / ((performance.now() - started) / 1000);
    };
    await rate(2, 4); // warm-up
    const one = await rate(1, 16);
    const eight = await rate(8, 64);
    const cores = availableParallelism();
    report('POP3 logins/s, shipped argon2id (m=19 MiB, t=2), 1 client at a time', one.toFixed(1));
    report(
      `POP3 logins/s, 8 clients at a time (${cores} cores)`,
      `${eight.toFixed(1)} = ${(eight / one).toFixed(2)}× one client, ${(eight / cores).toFixed(1)} per core`,
    );
  } finally {
    await run('bash', [join(DEPLOY, 'mailserver.sh'), 'stop', dir]).catch(() => undefined);
    await target.drop();
  }
}
