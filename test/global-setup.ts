import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';

// One per run, so runs sharing a server (a developer's and CI's) never drop each other's template.
export const TEMPLATE_DB = `popbot_tpl_${process.pid}`;

declare module 'vitest' {
  export interface ProvidedContext {
    database: { kind: 'postgres'; adminUrl: string; template: string } | { kind: 'embedded'; snapshot: string };
  }
}

/**
 * Builds, then migrates once for the whole run: a template database on real PostgreSQL when
 * TEST_DATABASE_URL is set (each test file clones it), otherwise a PGlite snapshot.
 */
export default async function setup(project: TestProject) {
  // End-to-end tests run the real executable, which runs the build: make it from these sources.
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
    await admin.end();
    const database = await openDatabase({ databaseUrl: withDatabase(adminUrl, TEMPLATE_DB), poolSize: 1 });
    await migrateToLatest(database.db);
    await database.close();
    project.provide('database', { kind: 'postgres', adminUrl, template: TEMPLATE_DB });
    return async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
      await cleanup.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'popbot-snapshot-'));
  const database = await openDatabase({ dataDir: join(dir, 'data') });
  await migrateToLatest(database.db);
  await database.close();
  const reopened = new PGlite(join(dir, 'data'));
  const blob = await reopened.dumpDataDir('none');
  await reopened.close();
  const snapshot = join(dir, 'snapshot.tar');
  writeFileSync(snapshot, Buffer.from(await blob.arrayBuffer()));
  project.provide('database', { kind: 'embedded', snapshot });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
