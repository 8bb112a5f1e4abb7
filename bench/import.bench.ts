import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { runProvisioning } from '../src/adapters/console/provisioning.cli.ts';
import type { ConsoleIO } from '../src/adapters/console/terminal.ts';
import { Secret } from '../src/service/index.ts';
import { ARGON2, benchCore } from './core.ts';

const BIN = process.env.BENCH_BIN ?? join(import.meta.dirname, '../bin/popbot.js');
const ROWS = 1000;
const ONE_SHOTS = 20;

const quietIO: ConsoleIO = {
  out: () => {},
  err: (t) => process.stderr.write(`${t}\n`),
  readLine: async () => null,
  readSecret: async () => null,
  interactive: false,
  close: () => {},
};

/** Hashes `total` passwords, `concurrency` at a time, as raw argon2 with popbot's parameters. */
async function rawHashes(total: number, concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total)
        await argon2.hash('kx7p-m3qa-b2c4-d5e6-f7g8', {
          type: argon2.argon2id,
          memoryCost: ARGON2.memoryKiB,
          timeCost: ARGON2.time,
          parallelism: 1,
        });
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/**
 * Bulk import of 1,000 rows (`popbot import`, in process, shipped argon2 cost) beside raw argon2 with
 * the same parameters and beside one-shot `popbot pop add` processes, all in this run.
 */
export async function benchImport(url: string, report: (what: string, figure: string) => void) {
  const { database, service } = await benchCore(url);
  await service.provisioning.createPlan(
    { name: 'Import', maxPopAccounts: ROWS + ONE_SHOTS + 10, diskQuotaMb: 1024 * 1024, defaultQuotaMb: 10 },
    'bench',
  );
  await service.provisioning.createHostingAccount(
    {
      username: 'importer',
      plan: 'Import',
      domains: ['import.example'],
      password: new Secret('violet-kettle-marsh-harbor'),
    },
    'bench',
  );
  const dir = mkdtempSync(join(tmpdir(), 'popbot-import-bench-'));
  const file = join(dir, 'rows.csv');
  writeFileSync(file, `address,quota\n${Array.from({ length: ROWS }, (_, i) => `i${i}@import.example,`).join('\n')}\n`);

  const raw = await rawHashes(ROWS, 32);
  const started = performance.now();
  const code = await runProvisioning(service, quietIO, ['import', file, '--out', join(dir, 'out.csv')], async () => {});
  if (code !== 0) throw new Error(`import: exit ${code}`);
  const imported = ROWS / ((performance.now() - started) / 1000);
  await database.close();

  const env = { PATH: process.env.PATH, DATABASE_URL: url, LOG_LEVEL: 'error' };
  const oneShotStart = performance.now();
  for (let i = 0; i < ONE_SHOTS; i++) {
    const run = spawnSync(process.execPath, [BIN, 'pop', 'add', `o${i}@import.example`], { env, stdio: 'ignore' });
    if (run.status !== 0) throw new Error(`pop add: exit ${run.status}`);
  }
  const oneShot = ONE_SHOTS / ((performance.now() - oneShotStart) / 1000);

  report('raw argon2id hashes/s (same parameters, 32 concurrent)', raw.toFixed(1));
  report(
    `\`popbot import\` of ${ROWS.toLocaleString('en')} rows, accounts/s (goal ≥ 0.9× raw argon2)`,
    `${imported.toFixed(1)} = ${(imported / raw).toFixed(2)}× raw argon2`,
  );
  report(
    `one-shot \`popbot pop add\`, accounts/s (${ONE_SHOTS} runs; goal: import ≥ 10×)`,
    `${oneShot.toFixed(2)}; import is ${(imported / oneShot).toFixed(1)}× faster`,
  );
}
