import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase, type Database } from './db/database.ts';
import { createService, createStrengthJudge, cryptoRandom, createArgon2Hasher, systemClock, type Hasher, type PopService } from './service/index.ts';
import { createDispatcher, type CommandMetrics, type Dispatcher } from './commands/dispatch.ts';

export type Core = { database: Database; service: PopService; dispatcher: Dispatcher };

/** Database (migrated) → service → dispatcher: what every way of running popbot shares. */
export async function buildCore(config: Config, deps: { logger: Logger; metrics?: CommandMetrics; hasher?: Hasher }): Promise<Core> {
  const database = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize, onConnectionError: (err) => deps.logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost') } : { dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const service = createService({
    db: database.db,
    hasher: deps.hasher ?? createArgon2Hasher(config.argon2),
    clock: systemClock,
    random: cryptoRandom,
    logger: deps.logger,
    settings: { rateLimitPerMinute: config.rateLimitPerMinute, pop3: config.pop3 },
    strength: createStrengthJudge(),
  });
  const dispatcher = createDispatcher({ service, logger: deps.logger, metrics: deps.metrics });
  return { database, service, dispatcher };
}
