import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { onPostgres } from '../helpers/db.ts';
import { withDatabase } from '../global-setup.ts';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

/** Runs a command to its end, with the given standard input; never throws. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(command, args, { cwd: options.cwd, env: options.env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

// Needs the npm registry (dependencies are installed from it) and PostgreSQL, as CI has.
describe.runIf(onPostgres())('the packed package (SPEC §8)', () => {
  it('installs into an empty prefix and runs help, migrate and one-shot commands against PostgreSQL', async () => {
    const work = mkdtempSync(join(tmpdir(), 'popbot-pack-'));
    // The build is made by the test run's global setup; packing again must not rebuild it under other tests.
    const packed = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
    const tarball = join(work, packed.stdout.trim().split('\n').pop() ?? '');
    expect(existsSync(tarball)).toBe(true);
    const prefix = join(work, 'prefix');
    await exec('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: work });
    // Only what runs: no compiler at run time, no test tools.
    for (const dev of ['tsx', 'typescript', 'vitest'])
      expect(existsSync(join(prefix, 'node_modules', dev))).toBe(false);

    const bin = join(prefix, 'node_modules/.bin/popbot');
    const name = `popbot_pack_${process.pid}`;
    const provided = inject('database');
    if (provided.kind !== 'postgres') throw new Error('needs PostgreSQL');
    const admin = new pg.Client({ connectionString: provided.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const env = {
        PATH: process.env.PATH,
        DATABASE_URL: withDatabase(provided.adminUrl, name),
        ARGON2_MEMORY_KIB: '1024',
      };
      const help = await run(bin, ['help'], { cwd: work, env: { PATH: process.env.PATH } });
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toContain('popbot pop <command>');
      const migrated = await run(bin, ['migrate'], { cwd: work, env });
      expect(migrated.stderr).toBe('');
      expect(migrated.stdout).toContain(`/${name} is up to date`);
      expect(
        (await run(bin, ['plan', 'create', 'Basic', '--accounts', '5', '--disk', '1GB'], { cwd: work, env })).code,
      ).toBe(0);
      const account = await run(
        bin,
        ['account', 'create', 'acme', '--plan', 'Basic', '--domain', 'acme.example', '--password-stdin'],
        { cwd: work, env, input: 'violet-kettle-marsh-harbor\n' },
      );
      expect(account.code).toBe(0);
      const added = await run(bin, ['pop', 'add', 'scott', '10MB'], { cwd: work, env });
      expect(added.code).toBe(0);
      expect(added.stdout).toContain('Created scott@acme.example');
      const listed = await run(bin, ['pop', 'list'], { cwd: work, env });
      expect(listed.stdout).toMatch(/Mailboxes of acme · acme\.example\n[\s\S]*\n\s+scott\s+10 MB/);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
