import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { createLogger } from '../../src/logger.ts';
import type { DB } from '../../src/db/schema.ts';
import {
  createService,
  createArgon2Hasher,
  createStrengthJudge,
  cryptoRandom,
  systemClock,
  type Hasher,
} from '../../src/service/index.ts';

/** One strength worker per test file: it starts on first use and never holds the process open. */
const sharedStrength = createStrengthJudge();
import type { Clock, ServiceSettings } from '../../src/service/context.ts';
import type { MailSessions } from '../../src/service/mail-sessions.ts';
import { createDispatcher, type WorkQueueOptions } from '../../src/commands/dispatch.ts';
import type { AnyCommand } from '../../src/commands/command.ts';

/** argon2id in the production format, with the smallest cost: for tests where hashing is not the point. */
export const fastHasher: Hasher = createArgon2Hasher({ memoryKiB: 1024, time: 1 });

/** Captures every log line the service writes, as text. */
export function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), lines };
}

/** The real service and dispatcher over a test database, with captured logs. */
export function makeCore(
  db: Kysely<DB>,
  options: {
    hasher?: Hasher;
    clock?: Clock;
    settings?: Partial<ServiceSettings>;
    workQueue?: Partial<WorkQueueOptions>;
    mailSessions?: MailSessions;
    /** The commands the dispatcher knows: the registry's unless a test adds its own. */
    commands?: readonly AnyCommand[];
  } = {},
) {
  const { logger, lines } = captureLogs();
  const service = createService({
    db,
    hasher: options.hasher ?? fastHasher,
    clock: options.clock ?? systemClock,
    random: cryptoRandom,
    logger,
    settings: {
      rateLimitPerMinute: 10,
      pop3: { host: 'pop.example.net', port: 995 },
      smtp: { host: 'smtp.example.net', port: 587 },
      mailRetentionDays: 7,
      linkTtlSeconds: 86_400,
      ...options.settings,
    },
    strength: sharedStrength,
    mailSessions: options.mailSessions,
  });
  const dispatcher = createDispatcher({ service, logger, workQueue: options.workQueue, commands: options.commands });
  return { service, dispatcher, logger, logs: lines };
}
