import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The executable measured: this checkout's build, or another one's (BENCH_BIN) for a before/after table. */
const BIN = process.env.BENCH_BIN ?? join(import.meta.dirname, '../bin/popbot.js');
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of every child this process has waited for, from /proc/self/stat. */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, cutime 16 and cstime 17 (1-based).
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** Mean CPU seconds and wall milliseconds of `runs` runs of a command (children's CPU, 10 ms ticks). */
function measure(args: string[], env: NodeJS.ProcessEnv, runs: number) {
  const cpu = childCpuSeconds();
  const wall = performance.now();
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`${args.join(' ')}: exit ${result.status}: ${result.stderr}`);
  }
  return { cpu: (childCpuSeconds() - cpu) / runs, wallMs: (performance.now() - wall) / runs };
}

const cpuMs = (s: number) => `${(s * 1000).toFixed(0)} CPU-ms`;

/**
 * One-shot commands' CPU time against `node -e 0` in the same run, and the embedded database's start
 * (new and existing data folder) to the first reply.
 */
export function benchStartup(databaseUrl: string, report: (what: string, figure: string) => void) {
  const runs = 10;
  const base = { PATH: process.env.PATH };
  const node = measure(['-e', '0'], base, runs);
  report('`node -e 0` (baseline)', `${cpuMs(node.cpu)}, ${node.wallMs.toFixed(0)} ms wall`);
  const help = measure([BIN, 'help'], base, runs);
  report('`popbot help` (goal ≤ 3× node -e 0)', `${cpuMs(help.cpu)} = ${(help.cpu / node.cpu).toFixed(1)}× node -e 0`);
  const info = measure([BIN, 'pop', 'info', 'user1@bench.example'], { ...base, DATABASE_URL: databaseUrl }, runs);
  report(
    '`popbot pop info user1@bench.example` on PostgreSQL (goal ≤ 6× node -e 0)',
    `${cpuMs(info.cpu)} = ${(info.cpu / node.cpu).toFixed(1)}× node -e 0, ${info.wallMs.toFixed(0)} ms wall`,
  );

  const created: number[] = [];
  const existing: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'popbot-bench-'));
    const env = { ...base, POPBOT_DATA_DIR: join(dir, 'data') };
    created.push(measure([BIN, 'pop', 'list'], env, 1).wallMs);
    existing.push(measure([BIN, 'pop', 'list'], env, 3).wallMs);
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  report('embedded: start to first reply, new data folder (goal ≤ 3 s)', `${median(created).toFixed(0)} ms`);
  report('embedded: start to first reply, existing data folder (goal ≤ 1 s)', `${median(existing).toFixed(0)} ms`);
}
