import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** The console's input and output, so the same code runs on a terminal, a pipe, or in a test. */
export type ConsoleIO = {
  out(text: string): void;
  err(text: string): void;
  /** The next line, or null at end of input. */
  readLine(prompt: string): Promise<string | null>;
  /** Like readLine, without echo on a terminal. */
  readSecret(prompt: string): Promise<string | null>;
  /** A person at a terminal (confirmations are asked), not a script. */
  interactive: boolean;
  /** A status line rewritten in place on a terminal (long imports); nothing elsewhere. */
  progress?(text: string): void;
  close(): void;
};

/** Console IO over process streams: one readline for lines and hidden input alike. */
export function terminalIO(
  input: Readable & { isTTY?: boolean },
  output: Writable & { isTTY?: boolean },
  error: Writable,
): ConsoleIO {
  const tty = Boolean(input.isTTY && output.isTTY);
  let rl: Interface | undefined;
  let muted = false;
  const queue: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let closed = false;

  function ensure(): Interface {
    if (rl) return rl;
    rl = createInterface({ input, output: tty ? output : undefined, terminal: tty });
    const writable = rl as unknown as { _writeToOutput(s: string): void };
    const original = writable._writeToOutput?.bind(rl);
    if (original) writable._writeToOutput = (s: string) => (muted ? undefined : original(s));
    rl.on('line', (line) => {
      const next = waiting.shift();
      if (next) next(line);
      else queue.push(line);
    });
    rl.on('close', () => {
      closed = true;
      for (const w of waiting.splice(0)) w(null);
    });
    return rl;
  }

  function read(prompt: string, hidden: boolean): Promise<string | null> {
    ensure();
    if (prompt) output.write(prompt);
    if (queue.length > 0) return Promise.resolve(queue.shift()!);
    if (closed) return Promise.resolve(null);
    muted = hidden && tty;
    return new Promise((resolve) =>
      waiting.push((line) => {
        if (muted) output.write('\n');
        muted = false;
        resolve(line);
      }),
    );
  }

  return {
    out: (text) => output.write(`${text}\n`),
    err: (text) => error.write(`${text}\n`),
    readLine: (prompt) => read(prompt, false),
    readSecret: (prompt) => read(prompt, true),
    interactive: tty,
    progress: (text) => {
      if ((error as { isTTY?: boolean }).isTTY) error.write(`\r${text}\u001b[K`);
    },
    close: () => rl?.close(),
  };
}
