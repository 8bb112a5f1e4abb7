import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** `30m`, `24h`, `7d` (or seconds) within 5 minutes and 30 days; null otherwise. */
function durationSeconds(text: string): number | null {
  const match = /^(\d{1,7})\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds >= 300 && seconds <= 30 * 86_400 ? seconds : null;
}

const schema = z.object({
  DATABASE_URL: optionalText.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    'must be a postgres:// or postgresql:// URL',
  ),
  POPBOT_DATA_DIR: z.string().min(1).default('.popbot'),
  PORT: int(0, 65535).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_PORT: int(0, 65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_MAX_CONNECTIONS: int(1, 100_000).default(512),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ARGON2_MEMORY_KIB: int(1024, 4 * 1024 * 1024).default(19456),
  ARGON2_TIME: int(1, 100).default(2),
  RATE_LIMIT_PER_MINUTE: int(1, 100_000).default(10),
  POP3_HOST: z.string().min(1).default('localhost'),
  POP3_PORT: int(1, 65535).default(110),
  SMTP_HOST: optionalText,
  SMTP_PORT: int(1, 65535).default(587),
  MAIL_RETENTION_DAYS: int(0, 3650).default(7),
  DOVEADM_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  DOVEADM_API_KEY: optionalText,
  PUBLIC_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(v),
    'must be an http(s) URL without query, e.g. https://pop.example.com',
  ),
  LINK_TTL: optionalText.refine(
    (v) => v === undefined || durationSeconds(v) !== null,
    'must be like 30m, 24h or 7d, from 5 minutes to 30 days',
  ),
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false', '']).optional(),
  DB_POOL_SIZE: int(1, 200).default(10),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  SLACK_AUDIT_CHANNEL: optionalText,
  SLACK_SALES_CHANNEL: optionalText,
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText.refine(
    (v) => v === undefined || /^\d{5,25}$/.test(v),
    'must be the numeric application id',
  ),
  DISCORD_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  DISCORD_AUDIT_CHANNEL: optionalText,
  DISCORD_SALES_CHANNEL: optionalText,
});

export type Config = Readonly<{
  databaseUrl?: string;
  dataDir: string;
  /** The public port: Slack's endpoint, /healthz, link pages. No port unless set (serve: 3000). */
  http: { port?: number; host: string; maxConnections: number };
  /** Prometheus /metrics on its own listener, loopback unless METRICS_HOST says otherwise. */
  metrics?: { port: number; host: string };
  logLevel?: z.infer<typeof schema>['LOG_LEVEL'];
  argon2: { memoryKiB: number; time: number };
  rateLimitPerMinute: number;
  pop3: { host: string; port: number };
  smtp: { host: string; port: number };
  mailRetentionDays: number;
  /** One-time links: their base (PUBLIC_URL, no trailing slash; none: no links) and lifetime. */
  links: { publicUrl?: string; ttlSeconds: number };
  /** Behind a reverse proxy on this host: a link page's client is the last X-Forwarded-For address. */
  trustProxy: boolean;
  /** Dovecot's doveadm HTTP API, to end the open sessions of a suspended, deleted or re-passworded account. */
  doveadm?: { url: string; apiKey: string };
  dbPoolSize: number;
  discord?: Readonly<{
    token: string;
    applicationId: string;
    apiUrl?: string;
    auditChannel?: string;
    salesChannel?: string;
  }>;
  slack?: Readonly<{
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    auditChannel?: string;
    salesChannel?: string;
  }>;
}>;

/** Raised when the environment is wrong; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose values are never printed, even when wrong. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/;

/** A bad value as an error may show it: secrets hidden, a URL without its password. */
function shown(name: string, value: string | undefined): string {
  if (value === undefined) return 'not set';
  if (SECRET_NAME.test(name)) return 'value hidden';
  if (name.endsWith('_URL')) {
    try {
      const url = new URL(value);
      if (url.password) url.password = '***';
      return `got ${JSON.stringify(url.toString())}`;
    } catch {
      // Not a URL: it may still hold "user:password@"; show only its shape.
      return /[:@]/.test(value) ? 'not a URL' : `got ${JSON.stringify(value)}`;
    }
  }
  return `got ${JSON.stringify(value)}`;
}

/**
 * Reads `.env` in the working folder when there is one (Node's own loader); variables already set in
 * the environment win. Its errors (a folder, no permission) stop start-up like any bad setting.
 */
export function loadEnvFile(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError([
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    ]);
  }
}

/** Reads the environment once. The only reader of process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `${i.path.join('.')}: ${i.message} (${shown(String(i.path[0]), env[String(i.path[0])])})`,
      ),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
    problems.push('SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required with SLACK_BOT_TOKEN');
  if (!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN))
    problems.push('SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  if (e.SLACK_BOT_TOKEN && !/^xoxb-/.test(e.SLACK_BOT_TOKEN))
    problems.push('SLACK_BOT_TOKEN: must be a bot token (xoxb-…)');
  if (e.SLACK_APP_TOKEN && !/^xapp-/.test(e.SLACK_APP_TOKEN))
    problems.push('SLACK_APP_TOKEN: must be an app-level token (xapp-…)');
  if (Boolean(e.DOVEADM_URL) !== Boolean(e.DOVEADM_API_KEY))
    problems.push('DOVEADM_URL and DOVEADM_API_KEY go together: set both or neither');
  if (Boolean(e.DISCORD_TOKEN) !== Boolean(e.DISCORD_APPLICATION_ID))
    problems.push('DISCORD_TOKEN and DISCORD_APPLICATION_ID go together: set both or neither');
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.POPBOT_DATA_DIR,
    http: { port: e.PORT, host: e.HOST, maxConnections: e.HTTP_MAX_CONNECTIONS },
    metrics: e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    logLevel: e.LOG_LEVEL,
    argon2: { memoryKiB: e.ARGON2_MEMORY_KIB, time: e.ARGON2_TIME },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    pop3: { host: e.POP3_HOST, port: e.POP3_PORT },
    smtp: { host: e.SMTP_HOST ?? e.POP3_HOST, port: e.SMTP_PORT },
    mailRetentionDays: e.MAIL_RETENTION_DAYS,
    links: {
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      ttlSeconds: e.LINK_TTL ? (durationSeconds(e.LINK_TTL) ?? 86_400) : 86_400,
    },
    trustProxy: e.TRUST_PROXY === '1' || e.TRUST_PROXY === 'true',
    doveadm: e.DOVEADM_URL && e.DOVEADM_API_KEY ? { url: e.DOVEADM_URL, apiKey: e.DOVEADM_API_KEY } : undefined,
    dbPoolSize: e.DB_POOL_SIZE,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            apiUrl: e.DISCORD_API_URL,
            auditChannel: e.DISCORD_AUDIT_CHANNEL,
            salesChannel: e.DISCORD_SALES_CHANNEL,
          }
        : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          auditChannel: e.SLACK_AUDIT_CHANNEL,
          salesChannel: e.SLACK_SALES_CHANNEL,
        }
      : undefined,
  });
}
