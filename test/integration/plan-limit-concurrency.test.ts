import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { makeHostingAccount } from '../helpers/factories.ts';

const run = promisify(execFile);
let database: TestDatabase;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db);
  await makeHostingAccount(core.service, { username: 'race', domains: ['race.example'], maxPopAccounts: 10 });
});
afterAll(async () => database?.close());

const count = async () => (await database.db.selectFrom('mailboxes').select('id').execute()).length;

describe('the plan limit holds under concurrency (SPEC §3)', () => {
  it.runIf(process.env.CI === 'true')('runs on real PostgreSQL in CI', () => {
    expect(onPostgres(), 'CI must set TEST_DATABASE_URL').toBe(true);
  });

  it('concurrent adds in one process never pass the limit', async () => {
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => core.dispatcher.run(CONSOLE_ACTOR, `add solo${i}`)),
    );
    expect(replies.filter((r) => !r.errorCode)).toHaveLength(10);
    expect(replies.filter((r) => r.errorCode === 'PLAN_LIMIT_REACHED')).toHaveLength(20);
    expect(await count()).toBe(10);
    await database.db.deleteFrom('mailboxes').execute();
  });

  it.skipIf(!onPostgres())('100 adds from two popbot processes on one PostgreSQL create exactly 10', async () => {
    const startAt = String(Date.now() + 4000);
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME: '1',
      LOG_LEVEL: 'error',
    };
    const names = (from: number) => Array.from({ length: 50 }, (_, i) => `p${from + i}`);
    const burst = (from: number) =>
      run(process.execPath, ['--import', 'tsx', 'test/helpers/add-burst.ts', startAt, 'race.example', ...names(from)], {
        env,
      });
    const [a, b] = await Promise.all([burst(0), burst(50)]);
    const results = [a, b].map(
      (r) => JSON.parse(r.stdout) as { pid: number; outcomes: Record<string, number>; planLimitMessage?: string },
    );
    expect(results[0]!.pid).not.toBe(results[1]!.pid);
    const ok = results.reduce((n, r) => n + (r.outcomes.ok ?? 0), 0);
    const limited = results.reduce((n, r) => n + (r.outcomes.PLAN_LIMIT_REACHED ?? 0), 0);
    console.log(`two processes: ${JSON.stringify(results.map((r) => r.outcomes))} → ${ok} created, ${limited} refused`);
    expect(ok).toBe(10);
    expect(limited).toBe(90);
    expect(results.find((r) => r.planLimitMessage)?.planLimitMessage).toContain(
      'plan "plan-race" of race allows 10 POP accounts',
    );
    expect(await count()).toBe(10);
  });
});
