import { createDispatcher } from '../src/commands/dispatch.ts';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import {
  createArgon2Hasher,
  createService,
  createStrengthJudge,
  cryptoRandom,
  systemClock,
} from '../src/service/index.ts';

/** The shipped argon2id cost. */
export const ARGON2 = { memoryKiB: 19456, time: 2 };

/** popbot's service and dispatcher on a migrated PostgreSQL database, as production builds them, without limits. */
export async function benchCore(url: string) {
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  const logger = createLogger({ level: 'silent' });
  const hasher = createArgon2Hasher(ARGON2);
  const service = createService({
    db: database.db,
    hasher,
    clock: systemClock,
    random: cryptoRandom,
    logger,
    settings: {
      rateLimitPerMinute: 1_000_000,
      pop3: { host: 'localhost', port: 110 },
      smtp: { host: 'localhost', port: 587 },
      mailRetentionDays: 7,
      linkTtlSeconds: 86_400,
    },
    strength: createStrengthJudge(),
  });
  return { database, hasher, service, dispatcher: createDispatcher({ service, logger }) };
}
