import pino, { type Logger } from 'pino';

/** Paths that may carry a secret or raw user text; pino replaces them with "[redacted]". */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'chosenPassword',
  '*.chosenPassword',
  'text',
  '*.text',
  'body',
  '*.body',
  // HTTP client errors (discord.js, fetch) carry the request they sent, which may hold a password.
  'err.requestBody',
  '*.requestBody',
  'err.rawError',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
];

/** JSON logs on stderr (pretty on a terminal), secrets and tokens redacted. */
export function createLogger(options: {
  level: string;
  destination?: pino.DestinationStream;
  pretty?: boolean;
}): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'popbot' },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty)
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true } } });
  return pino(base, pino.destination(2));
}
