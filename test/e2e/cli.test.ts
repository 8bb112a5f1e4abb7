import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { slackSignature, startFakeSlack } from '../helpers/fake-slack.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/popbot.js');

/** The real `popbot` executable on a fresh embedded data folder. */
async function popbot(dataDir: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, POPBOT_DATA_DIR: dataDir, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME: '1', ...env },
    });
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
    expect((await popbot(dir, ['plan', 'create', 'Basic', '--accounts', '5', '--disk', '2GB'])).stdout).toContain(
      'Plan "Basic": 5 POP accounts, 2 GB disk, 10 MB default quota, unlimited forwarders',
    );
    const capped = ['plan', 'create', 'Capped', '--accounts', '5', '--disk', '1GB', '--forwarders'];
    expect((await popbot(dir, [...capped, '3'])).stdout).toContain('1 GB disk, 10 MB default quota, 3 forwarders');
    const bad = await popbot(dir, [
      'plan',
      'create',
      'Capped2',
      '--accounts',
      '5',
      '--disk',
      '1GB',
      '--forwarders',
      'many',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--forwarders must be a whole number (0 = unlimited), got many');
    const account = await popbot(dir, ['account', 'create', 'acme', '--plan', 'Basic', '--domain', 'acme.example']);
    expect(account.code).toBe(0);
    expect(account.stdout).toMatch(/Control-panel password \(shown once\): \S+/);
    expect((await popbot(dir, ['domain', 'add', 'acme', 'acme2.example'])).stdout).toContain(
      'acme2.example added to acme',
    );
    expect((await popbot(dir, ['bind', 'slack', 'T0123', 'acme'])).stdout).toContain('slack T0123 is bound to acme');
    expect((await popbot(dir, ['bindings'])).stdout).toContain('slack T0123 → acme');
    expect((await popbot(dir, ['pop', 'grant', 'slack:T0123/U0456', 'admin'])).stdout).toContain('is now admin');
    const dup = await popbot(dir, ['account', 'create', 'acme', '--plan', 'Basic', '--domain', 'x.example']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Hosting account `acme` already exists');
  });

  it('refuses bad configuration, naming the variable and never printing a password or token', async () => {
    const bad = await popbot(dir, ['pop', 'list'], {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://admin:hunter2@db.example/x',
      DISCORD_TOKEN: 'discord-s3cr3t',
      DISCORD_APPLICATION_ID: 'app-one',
    });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('PORT');
    expect(bad.stderr).toContain(
      'DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://admin:***@db.example/x")',
    );
    expect(bad.stderr).toContain('DISCORD_APPLICATION_ID: must be the numeric application id');
    const token = await popbot(dir, ['pop', 'list'], {
      SLACK_BOT_TOKEN: 'xoxp-user-token-s3cr3t',
      SLACK_SIGNING_SECRET: 'sign-s3cr3t',
    });
    expect(token.code).toBe(78);
    expect(token.stderr).toContain('SLACK_BOT_TOKEN: must be a bot token');
    const unreachable = await popbot(dir, ['pop', 'list'], {
      DATABASE_URL: 'postgres://admin:hunter2@127.0.0.1:1/popbot',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('database unreachable at 127.0.0.1:1: connection refused');
    for (const output of [bad, token, unreachable]) expect(output.stderr + output.stdout).not.toMatch(/hunter2|s3cr3t/);
  });

  it('keeps its embedded data folder to its owner, and refuses a second process on it', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'popbot-lock-')), 'data');
    // A console holds the folder (standard input left open) while a one-shot command tries it.
    const holder = spawn(process.execPath, [BIN], { env: { PATH: process.env.PATH, POPBOT_DATA_DIR: data } });
    let out = '';
    holder.stdout.on('data', (d) => (out += d));
    try {
      await expect.poll(() => out, { timeout: 60_000 }).toContain('Type a command');
      // A person at a terminal gets no port unless PORT says so.
      expect(out).not.toContain('/healthz');
      const second = await popbot(data, ['pop', 'add', 'bob']);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `the embedded database in ${data} is in use by another popbot process (pid ${holder.pid})`,
      );
      holder.stdin.end('add alice\n');
      await new Promise((resolve) => holder.on('exit', resolve));
      expect(out).toContain('Created alice@example.com');
      // Released: the next process opens it and sees what the first one wrote.
      expect((await popbot(data, ['pop', 'list'])).stdout).toMatch(
        /Mailboxes of demo · example\.com\n[\s\S]*\n\s+alice\s/,
      );
      const modes = readdirSync(data, { recursive: true }).map(
        (f) => [String(f), statSync(join(data, String(f))).mode & 0o777] as const,
      );
      expect(statSync(data).mode & 0o777).toBe(0o700);
      expect(modes.length).toBeGreaterThan(50);
      expect(modes.filter(([, mode]) => mode & 0o077)).toEqual([]);
    } finally {
      holder.kill();
    }
  });

  it('reads a .env file in its working folder; the environment wins over it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'popbot-env-'));
    writeFileSync(join(work, '.env'), `POPBOT_DATA_DIR=${join(work, 'from-env-file')}\nPORT=not-a-port\n`);
    const fromFile = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [BIN, 'pop', 'list'],
        { cwd: work, env: { PATH: process.env.PATH, PORT: '0' } },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(fromFile.code).toBe(0);
    expect(fromFile.stderr).toContain(`New embedded database in ${join(work, 'from-env-file')}`);
  });

  it('serves /healthz on the public port and /metrics only on its loopback listener, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        PATH: process.env.PATH,
        POPBOT_DATA_DIR: dir,
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        LOG_LEVEL: 'info',
      },
    });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    await expect
      .poll(() => /"port":([1-9]\d*),"host":"127.0.0.1","msg":"metrics listening/.test(log), { timeout: 60_000 })
      .toBe(true);
    const port = Number(/"port":(\d+),"slack"/.exec(log)![1]);
    const metricsPort = Number(/"port":(\d+),"host"/.exec(log)![1]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toContain('popbot_commands_total');
    expect(metrics).toContain('popbot_command_duration_seconds');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain('stopping');
  });

  // Starts a whole process on the embedded database: on a loaded machine that alone can take a minute.
  it('SIGTERM with a slow response URL: every acknowledged command is still answered and announced (issue 8, point 7)', async () => {
    const fake = await startFakeSlack();
    const data = mkdtempSync(join(tmpdir(), 'popbot-sigterm-'));
    try {
      await popbot(data, ['bind', 'slack', 'T0SIG', '*']);
      await popbot(data, ['pop', 'grant', 'slack:T0SIG/U0SIG', 'operator']);
      const secret = 'sigterm-secret';
      const child = spawn(process.execPath, [BIN, 'serve'], {
        env: {
          PATH: process.env.PATH,
          POPBOT_DATA_DIR: data,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          ARGON2_MEMORY_KIB: '1024',
          ARGON2_TIME: '1',
          SLACK_BOT_TOKEN: 'xoxb-sig',
          SLACK_SIGNING_SECRET: secret,
          SLACK_API_URL: `${fake.url}/api`,
          SLACK_AUDIT_CHANNEL: 'C_AUDIT',
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
            team_id: 'T0SIG',
            user_id: 'U0SIG',
            user_name: 'sig',
            command: '/pop',
            text: `add sig${i}`,
            channel_id: 'C1',
            response_url: fake.responseUrl(`slow-${i}`),
            trigger_id: `trigger-sig-${i}`,
          }).toString();
          const timestamp = Math.floor(Date.now() / 1000);
          const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-slack-request-timestamp': String(timestamp),
              'x-slack-signature': slackSignature(secret, timestamp, body),
            },
            body,
          });
          return response.status;
        }),
      );
      expect(acks).toEqual(Array(10).fill(200));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (let i = 0; i < 10; i++)
        expect(JSON.stringify(fake.responsesTo(`slow-${i}`)), log).toContain(`Created sig${i}@`);
      const announced = fake.apiCalls('chat.postMessage').map((c) => decodeURIComponent(c.body));
      for (let i = 0; i < 10; i++) expect(announced.some((b) => b.includes(`created sig${i}@`))).toBe(true);
    } finally {
      await fake.close();
    }
  }, 180_000);

  it('loads only what a mode uses: help opens no database, a one-shot command loads no chat platform', async () => {
    const work = mkdtempSync(join(tmpdir(), 'popbot-modules-'));
    // Every import popbot resolves, written to a file by a module resolution hook.
    const seen = join(work, 'resolved.txt');
    const hooks = join(work, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  appendFileSync(${JSON.stringify(seen)}, specifier + '\\n');
  return next(specifier, context);
}`,
    );
    const hook = join(work, 'register.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const traced = (args: string[]) =>
      run(process.execPath, ['--import', hook, BIN, ...args], {
        env: { PATH: process.env.PATH, POPBOT_DATA_DIR: join(work, 'data') },
      });
    await traced(['help']);
    const forHelp = readFileSync(seen, 'utf8').split('\n');
    expect(forHelp.length).toBeGreaterThan(1);
    for (const heavy of ['pg', '@electric-sql/pglite', 'kysely', 'pino', '@slack/bolt', 'discord.js', 'argon2']) {
      expect(forHelp).not.toContain(heavy);
    }
    expect(existsSync(join(work, 'data'))).toBe(false);
    writeFileSync(seen, '');
    await traced(['pop', 'list']);
    const forList = readFileSync(seen, 'utf8').split('\n');
    expect(forList).toContain('@electric-sql/pglite');
    for (const unused of ['@slack/bolt', 'discord.js', 'prom-client', 'pg']) expect(forList).not.toContain(unused);
  });
});
