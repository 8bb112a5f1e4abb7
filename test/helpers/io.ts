import type { ConsoleIO } from '../../src/adapters/console/terminal.ts';

/** Console IO fed from a script of input lines, capturing what is printed. */
export function scriptedIO(input: string[] = [], options: { interactive?: boolean } = {}) {
  const queue = [...input];
  const out: string[] = [];
  const err: string[] = [];
  const io: ConsoleIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readLine: async () => queue.shift() ?? null,
    readSecret: async () => queue.shift() ?? null,
    interactive: options.interactive ?? false,
    close: () => {},
  };
  return { io, out, err, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}
