import { writeFileSync } from 'node:fs';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { isNewDataDir, lockDataDir, readSnapshot } from './embedded.ts';
import type { DB } from './schema.ts';

export type Database = {
  db: Kysely<DB>;
  kind: 'postgres' | 'embedded';
  /** Where the data lives: a connection string without its password, or the embedded data folder. */
  location: string;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { databaseUrl: string; poolSize?: number; onConnectionError?: (error: Error) => void }
  /** `snapshotPath`: a migrated, empty database (made at build time) that a new data folder starts from. */
  | { dataDir: string; snapshotPath?: string }
  | { snapshot: Blob };

/**
 * Opens PostgreSQL through `pg` when a URL is given, otherwise embedded PGlite in a data folder (taken
 * for this process, owner only; a new one starts from the build's snapshot). Each driver loads only
 * when it is used.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if ('databaseUrl' in options) {
    const { default: pg } = await import('pg');
    // int8 (counts, byte totals) as JavaScript numbers: byte counts stay far below 2^53.
    pg.types.setTypeParser(20, (value) => Number(value));
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
    });
    // A connection the server closes (restart, failover) must not crash the process, idle or in use:
    // its query fails (the command answers "database unavailable"), the pool drops it and reconnects.
    const onError = (error: Error) => options.onConnectionError?.(error);
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', location: redactUrl(options.databaseUrl), close: () => db.destroy() };
  }
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  if ('snapshot' in options) {
    const client = new PGlite({ loadDataDir: options.snapshot });
    await client.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
    return { db, kind: 'embedded', location: 'memory', close: () => db.destroy() };
  }
  const release = lockDataDir(options.dataDir);
  try {
    const snapshot = isNewDataDir(options.dataDir) ? readSnapshot(options.snapshotPath) : undefined;
    const client = new PGlite(options.dataDir, snapshot ? { loadDataDir: snapshot } : {});
    await client.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
    return {
      db,
      kind: 'embedded',
      location: options.dataDir,
      close: async () => {
        await db.destroy();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Build step: an empty, migrated embedded database. A new data folder starts from it instead of running
 * initdb and every migration (about 0.6 s instead of 3–15 s).
 */
export async function writeEmbeddedSnapshot(path: string): Promise<void> {
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  const client = new PGlite();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  await migrateToLatest(db);
  const blob = await client.dumpDataDir('gzip');
  await db.destroy();
  writeFileSync(path, Buffer.from(await blob.arrayBuffer()));
}

/** Runs every pending migration; throws with the failing migration's name and its reason. */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  // The usual start: nothing to do, learnt in one query (the migrator's own checks cost a one-shot command
  // a tenth of its start-up).
  if (await isUpToDate(db)) return { results: [] };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    // No migration ran: the database could not be read at all (unreachable, refused); say that instead.
    if (!failed) throw result.error;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`, { cause: result.error });
  }
  return result;
}

/** True when every known migration is recorded as applied; false on any doubt (no table, no answer). */
async function isUpToDate(db: Kysely<DB>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((row) => row.name));
    return Object.keys(migrations).every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/**
 * Why the database could not be opened at start, in words an operator can act on; never the password.
 * `location` is the redacted connection string or the data folder.
 */
export function explainOpenFailure(error: unknown, location: string): string {
  const e = error as { code?: string; message?: string; address?: string; port?: number; hostname?: string };
  const message = String(e?.message ?? error);
  const where = hostOf(location);
  if (e?.code === 'ECONNREFUSED')
    return `database unreachable at ${where}: connection refused (is PostgreSQL running and listening there?)`;
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return `database host not found: ${where}`;
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(message))
    return `database unreachable at ${where}: no answer within 5 s`;
  if (e?.code === '28P01' || e?.code === '28000') return `database authentication failed at ${where}: ${message}`;
  if (e?.code === '3D000') return `${message} at ${where} (create it first: createdb, or CREATE DATABASE)`;
  if (isDatabaseUnavailable(error)) return `database unreachable at ${where}: ${message}`;
  return message;
}

function hostOf(location: string): string {
  try {
    const url = new URL(location);
    return `${url.hostname || 'localhost'}:${url.port || 5432}`;
  } catch {
    return location;
  }
}

/** True when the database answers a trivial query. */
export async function isReachable(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** Errors of PostgreSQL connection classes 08 (connection), 57P (shutdown, cannot connect now) and 53300. */
const UNAVAILABLE_STATES = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when an error means the database cannot be reached right now (refused, restarting, cut off),
 * as opposed to a bug: the command then answers "try again in a minute".
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_CODES.has(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (/Connection terminated|connection timeout|not queryable|terminating connection/i.test(message)) return true;
    if (Array.isArray((e as { errors?: unknown }).errors))
      return (e as { errors: unknown[] }).errors.some(isDatabaseUnavailable);
  }
  return false;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}
