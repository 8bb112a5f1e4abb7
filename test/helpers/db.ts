import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { withDatabase } from '../global-setup.ts';

export type TestDatabase = Database & { url?: string };

export const onPostgres = () => inject('database').kind === 'postgres';

/**
 * A migrated database of the test's own: a clone of the template on real PostgreSQL,
 * or a PGlite loaded from the migrated snapshot. `close()` also drops a PostgreSQL clone.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const provided = inject('database');
  if (provided.kind === 'embedded') {
    return openDatabase({ snapshot: new Blob([readFileSync(provided.snapshot)]) });
  }
  const name = `popbot_t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(provided.adminUrl, `create database ${name} template ${provided.template}`);
  const url = withDatabase(provided.adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await admin(provided.adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function admin(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const TABLES = [
  'plans',
  'hosting_accounts',
  'domains',
  'mailboxes',
  'bindings',
  'grants',
  'audit_entries',
  'sales_requests',
  'rate_limits',
  'mailbox_usage',
  'hosting_usage',
  'forwarders',
  'one_time_links',
] as const;
/** Questions asked and deliveries claimed: bookkeeping, not state a user depends on (but searched for leaks). */
const BOOKKEEPING = ['pending_actions', 'delivery_claims'] as const;

/**
 * Every row of every table as text: to compare before/after, and (with `bookkeeping`, every table)
 * to search for leaked secrets.
 */
export async function dumpTables(db: Kysely<DB>, options: { bookkeeping?: boolean } = {}): Promise<string> {
  const parts: string[] = [];
  for (const table of [...TABLES, ...(options.bookkeeping ? BOOKKEEPING : [])]) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1, 2`.execute(db);
    parts.push(`## ${table}\n${rows.rows.map((r) => JSON.stringify(r)).join('\n')}`);
  }
  return parts.join('\n');
}
