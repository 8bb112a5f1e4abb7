import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { slackSignature, startFakeSlack } from '../helpers/fake-slack.ts';

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

  it('SIGTERM with a slow response URL: every acknowledged command is still answered and announced (issue 8, point 7)', async () => {
    const fake = await startFakeSlack();
    const data = mkdtempSync(join(tmpdir(), 'popbot-sigterm-'));
    try {
      await popbot(data, ['bind', 'slack', 'T0SIG', '*']);
      await popbot(data, ['pop', 'grant', 'slack:T0SIG/U0SIG', 'operator']);
      const secret = 'sigterm-secret';
      const child = spawn(process.execPath, [BIN, 'serve'], {
        env: {
          PATH: process.env.PATH, POPBOT_DATA_DIR: data, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME: '1',
          SLACK_BOT_TOKEN: 'xoxb-sig', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: `${fake.url}/api`, SLACK_AUDIT_CHANNEL: 'C_AUDIT',
        },
      });
      let log = '';
      child.stderr.on('data', (d) => (log += d));
      child.stdout.on('data', (d) => (log += d));
      await expect.poll(() => /"port":([1-9]\d*)/.test(log), { timeout: 60_000 }).toBe(true);
      const port = Number(/"port":(\d+)/.exec(log)![1]);
      const acks = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const body = new URLSearchParams({
            team_id: 'T0SIG', user_id: 'U0SIG', user_name: 'sig', command: '/pop', text: `add sig${i}`, channel_id: 'C1',
            response_url: fake.responseUrl(`slow-${i}`), trigger_id: `trigger-sig-${i}`,
          }).toString();
          const timestamp = Math.floor(Date.now() / 1000);
          const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(secret, timestamp, body) },
            body,
          });
          return response.status;
        }),
      );
      expect(acks).toEqual(Array(10).fill(200));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (let i = 0; i < 10; i++) expect(JSON.stringify(fake.responsesTo(`slow-${i}`)), log).toContain(`Created sig${i}@`);
      const announced = fake.apiCalls('chat.postMessage').map((c) => decodeURIComponent(c.body));
      for (let i = 0; i < 10; i++) expect(announced.some((b) => b.includes(`created sig${i}@`))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
