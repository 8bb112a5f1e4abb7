import { sql } from 'kysely';
import pg from 'pg';
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
