/**
 * npm run bench — speed figures from one run on this machine, printed as a table.
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * a database popbot_bench is created and dropped). Not part of the tests.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import argon2 from 'argon2';
import { sql } from 'kysely';
import pg from 'pg';
import { CONSOLE_ACTOR, Secret } from '../src/service/index.ts';
import type { createDispatcher } from '../src/commands/dispatch.ts';
import { ARGON2, benchCore } from './core.ts';
import { benchSlack } from './slack.bench.ts';
import { benchStartup } from './startup.bench.ts';
import { benchMailLookups, benchPop3Logins } from './mail.bench.ts';
import { benchImport } from './import.bench.ts';

const ACCOUNTS = 10_000;
const rows: [string, string][] = [];
const report = (what: string, figure: string) => {
  rows.push([what, figure]);
  process.stderr.write(`  ${what}: ${figure}\n`);
};

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

async function withBenchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('drop database if exists popbot_bench with (force)');
  await admin.query('create database popbot_bench');
  const url = new URL(adminUrl);
  url.pathname = '/popbot_bench';
  try {
    return await work(url.toString());
  } finally {
    await admin.query('drop database if exists popbot_bench with (force)');
    await admin.end();
  }
}

async function benchService(url: string) {
  const { database, hasher, service, dispatcher } = await benchCore(url);

  await service.provisioning.createPlan(
    { name: 'Bench', maxPopAccounts: ACCOUNTS + 100, diskQuotaMb: 1024 * 1024, defaultQuotaMb: 10 },
    'bench',
  );
  const created = await service.provisioning.createHostingAccount(
    {
      username: 'bench',
      plan: 'Bench',
      domains: ['bench.example'],
      password: new Secret('violet-kettle-marsh-harbor'),
    },
    'bench',
  );
  if (!created.ok) throw new Error('bench account');
  const hash = await hasher.hash(new Secret('seeded-password'));
  // Seeding is setup, not measured: one statement for 10,000 rows.
  await sql`insert into mailboxes (hosting_account_id, domain_id, name, password_hash, quota_mb)
    select h.id, d.id, 'user' || g, ${hash}, 10
    from hosting_accounts h join domains d on d.hosting_account_id = h.id, generate_series(1, ${ACCOUNTS}) g`.execute(
    database.db,
  );
  await sql`insert into mailbox_usage (username, bytes, messages)
    select 'user' || g || '@bench.example', g * 1000, g % 50 from generate_series(1, ${ACCOUNTS}) g`.execute(
    database.db,
  );
  await sql`analyze`.execute(database.db);

  const timeCommand = async (text: (i: number) => string, n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const reply = await dispatcher.run(CONSOLE_ACTOR, text(i));
      times.push(performance.now() - t);
      if (reply.errorCode) throw new Error(`${text(i)}: ${reply.errorCode}`);
    }
    return times;
  };
  const rnd = (i: number) => 1 + ((i * 7919) % ACCOUNTS);
  await timeCommand((i) => `info user${rnd(i)}`, 50); // warm-up
  const info = await timeCommand((i) => `info user${rnd(i)}`, 500);
  report(`info on ${ACCOUNTS.toLocaleString('en')} accounts, p50 / p99`, `${ms(pct(info, 50))} / ${ms(pct(info, 99))}`);
  const quota = await timeCommand((i) => `quota user${rnd(i)} ${10 + (i % 5)}MB`, 500);
  report(
    `quota on ${ACCOUNTS.toLocaleString('en')} accounts, p50 / p99`,
    `${ms(pct(quota, 50))} / ${ms(pct(quota, 99))}`,
  );
  const list = await timeCommand(() => `list --page 500`, 100);
  report(`list (page 500 of 1,000), p50 / p99`, `${ms(pct(list, 50))} / ${ms(pct(list, 99))}`);

  // passwd under 32 concurrent requests vs raw argon2 with the same parameters, same run.
  const N = 128;
  const rawStart = performance.now();
  await runConcurrently(N, 32, () =>
    argon2.hash('kx7p-m3qa-b2c4-d5e6-f7g8', {
      type: argon2.argon2id,
      memoryCost: ARGON2.memoryKiB,
      timeCost: ARGON2.time,
      parallelism: 1,
    }),
  );
  const rawPerSecond = N / ((performance.now() - rawStart) / 1000);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const passwdStart = performance.now();
  await runConcurrently(N, 32, async (i) => {
    const reply = await dispatcher.run(CONSOLE_ACTOR, `passwd user${rnd(i)}`);
    if (reply.errorCode) throw new Error(reply.errorCode);
  });
  const passwdPerSecond = N / ((performance.now() - passwdStart) / 1000);
  loop.disable();
  report('raw argon2id hashes/s (m=19 MiB, t=2, p=1; 32 concurrent)', rawPerSecond.toFixed(1));
  report(
    'passwd/s through the service (32 concurrent)',
    `${passwdPerSecond.toFixed(1)} = ${(passwdPerSecond / rawPerSecond).toFixed(2)} × raw argon2`,
  );
  report(
    'event-loop delay during the passwd burst, p50 / p99 / max',
    `${ms(loop.percentile(50) / 1e6)} / ${ms(loop.percentile(99) / 1e6)} / ${ms(loop.max / 1e6)}`,
  );
  await benchWorstPasswords(dispatcher);
  await database.close();
}

/**
 * Chosen passwords built to make zxcvbn slow (128 characters, the cap): the event loop's delay while
 * popbot judges them, beside what the same estimate costs when run on the event loop itself.
 */
async function benchWorstPasswords(dispatcher: ReturnType<typeof createDispatcher>) {
  const worst = [
    'Tr0ub4dor&3'.repeat(12).slice(0, 128),
    '1234567890'.repeat(13).slice(0, 128),
    'P@ssw0rd!'.repeat(15).slice(0, 128),
  ];
  const { zxcvbn, zxcvbnOptions } = await import('@zxcvbn-ts/core');
  const common = await import('@zxcvbn-ts/language-common');
  const en = await import('@zxcvbn-ts/language-en');
  zxcvbnOptions.setOptions({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  const inline = performance.now();
  for (const password of worst) zxcvbn(password);
  const inlineMs = performance.now() - inline;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  for (const password of worst) {
    const asked = await dispatcher.run(CONSOLE_ACTOR, 'passwd user1 --own');
    const own = asked.actions?.find((a) => a.kind === 'own-password');
    if (!own) throw new Error(`passwd --own: ${asked.errorCode}`);
    await dispatcher.runAction(CONSOLE_ACTOR, own.pendingId, { chosenPassword: new Secret(password) });
  }
  const judgedMs = performance.now() - started;
  loop.disable();
  report(
    `${worst.length} worst-case 128-character passwords: time judged through popbot (estimate on the event loop: ` +
      `baseline)`,
    `${ms(judgedMs)} (baseline ${ms(inlineMs)}, the event loop blocked all along)`,
  );
  report(
    'event-loop delay while they are judged, p50 / p99 / max (target p99 ≤ 50 ms)',
    `${ms(loop.percentile(50) / 1e6)} / ${ms(loop.percentile(99) / 1e6)} / ${ms(loop.max / 1e6)}`,
  );
}

async function runConcurrently(total: number, concurrency: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

process.stderr.write('popbot bench — measuring…\n');
await withBenchDatabase(async (url) => {
  await benchService(url);
  await benchSlack(url, report);
  await benchImport(url, report);
  benchStartup(url, report);
});
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
await benchMailLookups(adminUrl, report);
await benchPop3Logins(adminUrl, report);

const width = Math.max(...rows.map(([w]) => w.length));
process.stdout.write(`\n| ${'measure'.padEnd(width)} | figure |\n| ${'-'.repeat(width)} | ------ |\n`);
for (const [what, figure] of rows) process.stdout.write(`| ${what.padEnd(width)} | ${figure} |\n`);
