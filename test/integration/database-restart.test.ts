import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  isDatabaseUnavailable,
  isReachable,
  migrateToLatest,
  openDatabase,
  type Database,
} from '../../src/db/database.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import type { Reply } from '../../src/commands/reply.ts';
import { fastHasher, makeCore } from '../helpers/core.ts';
import { makeHostingAccount } from '../helpers/factories.ts';

/**
 * PostgreSQL stopped under load and started again (SPEC §12, issue 8 point 7), on a server of the
 * test's own: stopping the shared one would stop every other test. Needs the server binaries and
 * root (to run them as the postgres user), as on CI.
 */
const BIN = existsSync('/usr/lib/postgresql')
  ? readdirSync('/usr/lib/postgresql')
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((d) => existsSync(`${d}/pg_ctl`))
  : undefined;
const canRun = BIN !== undefined && process.getuid?.() === 0;
const PORT = 5400 + (process.pid % 500);

let dir: string;
let database: Database;
const asPostgres = (args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' });
const pgCtl = (action: 'start' | 'stop') =>
  asPostgres([
    `${BIN}/pg_ctl`,
    '-D',
    join(dir, 'data'),
    '-l',
    join(dir, 'log'),
    '-w',
    ...(action === 'stop' ? ['-m', 'fast'] : ['-o', `-p ${PORT} -k ${dir} -c listen_addresses=127.0.0.1`]),
    action,
  ]);

beforeAll(async () => {
  if (!canRun) return;
  dir = mkdtempSync(join(tmpdir(), 'popbot-pg-'));
  chmodSync(dir, 0o777);
  asPostgres([`${BIN}/initdb`, '-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  pgCtl('start');
  database = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${PORT}/postgres`, poolSize: 10 });
  await migrateToLatest(database.db);
});
afterAll(async () => {
  if (!canRun) return;
  await database?.close();
  try {
    pgCtl('stop');
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('a database restart under load (SPEC §12)', () => {
  it.runIf(process.env.CI === 'true')('runs in CI', () => {
    expect(canRun, 'CI runs as root with the PostgreSQL server binaries').toBe(true);
  });

  it.runIf(canRun)(
    'point 7: every command caught by the outage answers, nothing is half written, and popbot recovers',
    async () => {
      let held: (() => void) | undefined;
      const hold = new Promise<void>((r) => (held = r));
      let hashing = 0;
      const core = makeCore(database.db, {
        hasher: {
          ...fastHasher,
          hash: async (p) => {
            hashing++;
            await hold;
            return fastHasher.hash(p);
          },
        },
      });
      await makeHostingAccount(makeCore(database.db).service, {
        username: 'outage',
        domains: ['outage.example'],
        maxPopAccounts: 50,
      });

      // Ten adds in flight, each waiting in its hash, when the server stops.
      const burst: Promise<Reply>[] = Array.from({ length: 10 }, (_, i) =>
        core.dispatcher.run(CONSOLE_ACTOR, `add burst${i}`),
      );
      await expect.poll(() => hashing).toBe(10);
      // And one connection checked out, between two statements of a transaction, when the server goes:
      // its error arrives with no query to take it, and must not crash the process.
      let inTransaction!: () => void;
      const opened = new Promise<void>((r) => (inTransaction = r));
      const busy = database.db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          inTransaction();
          await hold;
          await sql`select 1`.execute(trx);
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      await opened;
      pgCtl('stop');
      held!();
      expect(isDatabaseUnavailable(await busy)).toBe(true);
      const replies = await Promise.all(burst);
      for (const reply of replies) {
        expect(reply.errorCode).toBe('DATABASE_UNAVAILABLE');
        expect(reply.lines!.join(' ')).toContain(
          'The database is unavailable, so nothing was done. Try again in a minute',
        );
      }
      expect(await isReachable(database.db)).toBe(false);
      expect((await core.dispatcher.run(CONSOLE_ACTOR, 'list')).errorCode).toBe('DATABASE_UNAVAILABLE');

      pgCtl('start');
      await expect.poll(() => isReachable(database.db)).toBe(true);
      const after = await core.dispatcher.run(CONSOLE_ACTOR, 'add afterwards');
      expect(after.title).toBe('Created afterwards@outage.example');
      const names = (await database.db.selectFrom('mailboxes').select('name').execute()).map((m) => m.name);
      expect(names).toEqual(['afterwards']);
      expect(core.logs.some((l) => l.includes('"level":50'))).toBe(false);
    },
  );
});
