import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { explainOpenFailure, migrateToLatest, openDatabase, type Database } from './db/database.ts';
import {
  createService,
  createStrengthJudge,
  cryptoRandom,
  createArgon2Hasher,
  systemClock,
  type Hasher,
  type PopService,
} from './service/index.ts';
import { createDoveadmSessions } from './service/mail-sessions.ts';
import { createDispatcher, type CommandMetrics, type Dispatcher } from './commands/dispatch.ts';

export type Core = { database: Database; service: PopService; dispatcher: Dispatcher };

/** Raised when popbot cannot start; its message names the cause and never a password. */
export class StartError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'StartError';
  }
}

/** Database (migrated) → service → dispatcher: what every way of running popbot shares. */
export async function buildCore(
  config: Config,
  deps: { logger: Logger; metrics?: CommandMetrics; hasher?: Hasher; embeddedSnapshot?: string },
): Promise<Core> {
  const { logger } = deps;
  const options = config.databaseUrl
    ? {
        databaseUrl: config.databaseUrl,
        poolSize: config.dbPoolSize,
        onConnectionError: (err: Error) =>
          logger.warn(
            { err: { message: err.message, code: (err as { code?: string }).code } },
            'database connection lost',
          ),
      }
    : { dataDir: config.dataDir, snapshotPath: deps.embeddedSnapshot };
  let database: Database;
  try {
    database = await openDatabase(options);
  } catch (error) {
    throw new StartError(explainOpenFailure(error, config.dataDir), error);
  }
  logger.debug({ kind: database.kind, location: database.location }, 'database opened');
  try {
    const { results } = await migrateToLatest(database.db);
    logger.debug({ applied: results?.map((r) => r.migrationName) ?? [] }, 'migrations up to date');
  } catch (error) {
    await database.close();
    throw new StartError(explainOpenFailure(error, database.location), error);
  }
  const service = createService({
    db: database.db,
    hasher: deps.hasher ?? createArgon2Hasher(config.argon2),
    clock: systemClock,
    random: cryptoRandom,
    logger,
    settings: {
      rateLimitPerMinute: config.rateLimitPerMinute,
      pop3: config.pop3,
      smtp: config.smtp,
      mailRetentionDays: config.mailRetentionDays,
      publicUrl: config.links.publicUrl,
      linkTtlSeconds: config.links.ttlSeconds,
    },
    strength: createStrengthJudge(),
    mailSessions: config.doveadm ? createDoveadmSessions(config.doveadm.url, config.doveadm.apiKey) : undefined,
  });
  const dispatcher = createDispatcher({ service, logger: logger, metrics: deps.metrics });
  return { database, service, dispatcher };
}
