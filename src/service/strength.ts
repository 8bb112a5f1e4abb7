import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Secret } from './secret.ts';

/** Scores a password 0–4 (zxcvbn), or null when it cannot be judged in bounded time. */
export type StrengthJudge = {
  score(password: Secret, userInputs: string[]): Promise<number | null>;
};

/**
 * zxcvbn's matchers are super-linear: one crafted 128-character password takes seconds. They run in a
 * worker thread, so the event loop (acks, /healthz, other tenants) never waits for them, one estimate
 * at a time so that they take one core at most; an estimate past `timeoutMs` ends the worker and counts
 * as not judged. Plain JavaScript loaded by absolute path: it runs the same from sources or a build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const [core, common, en] = workerData.modules.map((path) => require(path));
core.zxcvbnOptions.setOptions({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});
parentPort.on('message', ({ password, userInputs }) => {
  parentPort.postMessage(core.zxcvbn(password, userInputs).score);
});
`;

export function createStrengthJudge(options: { timeoutMs?: number } = {}): StrengthJudge {
  const timeoutMs = options.timeoutMs ?? 8_000;
  const require = createRequire(import.meta.url);
  const modules = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'].map((m) =>
    require.resolve(m),
  );
  let worker: Worker | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function start(): Worker {
    if (worker) return worker;
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules } });
    // An idle judge never keeps a finished command's process alive.
    started.unref();
    started.on('exit', () => {
      if (worker === started) worker = undefined;
    });
    worker = started;
    return started;
  }

  function judge(password: Secret, userInputs: string[]): Promise<number | null> {
    const current = start();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void current.terminate();
        resolve(null);
      }, timeoutMs);
      const onMessage = (score: number) => {
        cleanup();
        resolve(score);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      function cleanup() {
        clearTimeout(timer);
        current.off('message', onMessage);
        current.off('error', onError);
      }
      current.on('message', onMessage);
      current.on('error', onError);
      current.postMessage({ password: password.reveal(), userInputs });
    });
  }

  return {
    score(password, userInputs) {
      const result = queue.then(() => judge(password, userInputs));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
