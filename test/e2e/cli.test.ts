import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/popbot.js');

/** The real `popbot` executable on a fresh embedded data folder. */
async function popbot(dataDir: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, POPBOT_DATA_DIR: dataDir, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('the popbot command (one-shot form, embedded database)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'popbot-cli-'));

  it('creates the demo account on first use, then adds an account: exit 0, details on stdout', async () => {
    const first = await popbot(dir, ['pop', 'add', 'scott', '10MB']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('created the DEMO hosting account "demo" with domain example.com');
    expect(first.stdout).toContain('Created scott@example.com');
    expect(first.stdout).toMatch(/Password:\s+[a-z2-9]{4}(-[a-z2-9]{4}){4}/);
  });

  it('answers an input error on stderr with a non-zero exit code and no stack trace', async () => {
    const bad = await popbot(dir, ['pop', 'add', 'scott.smith']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('Invalid account name `scott.smith`');
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+|Error:/);
    expect(bad.stderr).not.toContain('DEMO'); // the demo is created once
  });

  it('provisions plans, hosting accounts, domains and bindings', async () => {
    expect((await popbot(dir, ['plan', 'create', 'Basic', '--accounts', '5', '--disk', '2GB'])).stdout).toContain('Plan "Basic": 5 POP accounts, 2 GB disk, 10 MB default quota');
    const account = await popbot(dir, ['account', 'create', 'acme', '--plan', 'Basic', '--domain', 'acme.example']);
    expect(account.code).toBe(0);
    expect(account.stdout).toMatch(/Control-panel password \(shown once\): \S+/);
    expect((await popbot(dir, ['domain', 'add', 'acme', 'acme2.example'])).stdout).toContain('acme2.example added to acme');
    expect((await popbot(dir, ['bind', 'slack', 'T0123', 'acme'])).stdout).toContain('slack T0123 is bound to acme');
    expect((await popbot(dir, ['bindings'])).stdout).toContain('slack T0123 → acme');
    expect((await popbot(dir, ['pop', 'grant', 'slack:T0123/U0456', 'admin'])).stdout).toContain('is now admin');
    const dup = await popbot(dir, ['account', 'create', 'acme', '--plan', 'Basic', '--domain', 'x.example']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Hosting account `acme` already exists');
  });

  it('refuses bad configuration, naming the variable', async () => {
    const bad = await popbot(dir, ['pop', 'list'], { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('PORT');
    expect(bad.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });

  it('serves /healthz and /metrics, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { PATH: process.env.PATH, POPBOT_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no port in: ${log}`)), 30_000);
      child.stderr.on('data', () => {
        const m = /"port":(\d+)/.exec(log);
        if (m && Number(m[1]) > 0) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('popbot_commands_total');
    expect(metrics).toContain('popbot_command_duration_seconds');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain('stopping');
  });
});
