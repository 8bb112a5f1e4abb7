import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeHostingAccount } from '../helpers/factories.ts';
import { mailQueries } from '../helpers/mail-queries.ts';

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
};
/** Each read of a table in a plan: how, and whether an index condition bounds it. */
const scans = (node: PlanNode): string[] => [
  ...(node['Relation Name']
    ? [
        `${node['Node Type']} on ${node['Relation Name']}` +
          (node['Index Cond'] || node['Recheck Cond'] ? ' by index condition' : ''),
      ]
    : []),
  ...(node.Plans ?? []).flatMap(scans),
];
/** Tables that grow with the number of accounts; plans do not. */
const GROWING = ['mailboxes', 'domains', 'hosting_accounts', 'mailbox_usage', 'hosting_usage', 'forwarders'];

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  const { service, dispatcher } = makeCore(database.db);
  await makeHostingAccount(service, { username: 'lookup', domains: ['lookup.example'], maxPopAccounts: 10 });
  const { CONSOLE_ACTOR } = await import('../../src/service/context.ts');
  await dispatcher.run(CONSOLE_ACTOR, 'add ann@lookup.example');
});
afterAll(async () => database?.close());

// PGlite plans alike, but the mail server reads real PostgreSQL: that is what is proven.
describe.runIf(onPostgres())('every mail-server lookup can use an index (SPEC §9, scale)', () => {
  const cases = [
    ['a POP account', 'ann', 'lookup.example'],
    ['an unknown name of a domain with a catch-all', 'nobody', 'lookup.example'],
    ["the Main Account's login", 'lookup', ''],
    ["the Main Account's delivery address", 'lookup', 'main.popbot.invalid'],
  ] as const;
  for (const [what, local, domain] of cases) {
    it(`${what}: no table is read from end to end`, async () => {
      for (const query of mailQueries(local, domain || 'lookup.example')) {
        const text = domain ? query.sql : query.sql.replaceAll("'lookup.example'", "''");
        const plan = await database.db.transaction().execute(async (trx) => {
          // On a small table a sequential scan is cheapest; off, only a lookup without a usable index keeps one.
          await sql`set local enable_seqscan = off`.execute(trx);
          const { rows } = await sql<{
            'QUERY PLAN': [{ Plan: PlanNode }];
          }>`explain (format json) ${sql.raw(text)}`.execute(trx);
          return rows[0]!['QUERY PLAN'][0].Plan;
        });
        const used = scans(plan);
        expect(used.length, `${query.name}: ${text}`).toBeGreaterThan(0);
        // A full index scan reads every row too: each read of a growing table must be bounded.
        const unbounded = used.filter((s) => GROWING.some((t) => s.includes(` on ${t}`)) && !s.endsWith('condition'));
        expect(unbounded, `${query.name}: ${text}`).toEqual([]);
      }
    });
  }

  it('answers what the mail server expects', async () => {
    const run = async (local: string, domain: string, name: string) => {
      const query = mailQueries(local, domain).find((q) => q.name === name)!;
      return (await sql.raw<Record<string, unknown>>(query.sql).execute(database.db)).rows;
    };
    expect(await run('ann', 'lookup.example', 'Dovecot password_query')).toEqual([
      { user: 'ann@lookup.example', password: expect.stringMatching(/^\{ARGON2ID\}\$argon2id\$/) },
    ]);
    expect((await run('nobody', 'lookup.example', 'Dovecot user_query')).map((r) => r.user)).toEqual(['lookup']);
    expect((await run('ann', 'lookup.example', 'Dovecot user_query')).map((r) => r.user)).toEqual([
      'ann@lookup.example',
    ]);
    expect(await run('ann', 'lookup.example', 'Postfix aliases')).toEqual([{ destination: 'ann@lookup.example' }]);
    expect(await run('nobody', 'lookup.example', 'Postfix catch-all')).toEqual([
      { destination: 'lookup@main.popbot.invalid' },
    ]);
    expect(await run('lookup', 'main.popbot.invalid', 'Postfix virtual_mailbox_maps')).toEqual([{ '?column?': 'OK' }]);
  });
});

describe('the hosting account total the quota lookup reads (hosting_usage)', () => {
  it("moves with every usage the mail server writes, and drops a deleted account's share", async () => {
    const { CONSOLE_ACTOR } = await import('../../src/service/context.ts');
    const { dispatcher } = makeCore(database.db);
    await dispatcher.run(CONSOLE_ACTOR, 'add bea@lookup.example');
    const total = async () =>
      Number(
        (
          await sql<{
            bytes: string;
          }>`select h.bytes from hosting_usage h join hosting_accounts a on a.id = h.hosting_account_id
            where a.username = 'lookup'`.execute(database.db)
        ).rows[0]?.bytes ?? 0,
      );
    const write = (username: string, bytes: number) =>
      sql`insert into mailbox_usage (username, bytes, messages) values (${username}, ${bytes}, 1)
          on conflict (username) do update set bytes = excluded.bytes`.execute(database.db);
    const before = await total();
    await write('ann@lookup.example', 1000);
    await write('bea@lookup.example', 500);
    await write('lookup', 200);
    await write('stranger@elsewhere.example', 9999);
    expect(await total()).toBe(before + 1700);
    await write('ann@lookup.example', 300);
    expect(await total()).toBe(before + 1000);
    await dispatcher.run(CONSOLE_ACTOR, 'delete bea@lookup.example --yes');
    expect(await total()).toBe(before + 500);
    const { rows } = await sql<{
      quota_bytes: string;
    }>`select quota_bytes from mail_users where login = 'lookup'`.execute(database.db);
    const disk = 1024 * 1_048_576; // makeHostingAccount's default disk
    expect(Number(rows[0]?.quota_bytes)).toBe(disk - 300);
  });
});
