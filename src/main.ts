import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { buildCore } from './app.ts';
import { isReachable } from './db/database.ts';
import { createMetrics } from './adapters/http/metrics.ts';
import { createHttpServer } from './adapters/http/http.server.ts';
import { runInteractive, runOneShot } from './adapters/console/console.adapter.ts';
import { renderDemoNotice } from './adapters/console/render.ts';
import { PROVISIONING_USAGE, isProvisioningCommand, runProvisioning } from './adapters/console/provisioning.cli.ts';
import { terminalIO } from './adapters/console/terminal.ts';

const USAGE = [
  'popbot                 interactive console (and the HTTP server)',
  'popbot serve           HTTP server and chat platforms only',
  'popbot pop <command>   one command, e.g. popbot pop add scott 10MB (exit code 0 on success)',
  'popbot migrate         run database migrations',
  'popbot discord register [--guild ID]   register /pop with Discord (a guild at once, or globally)',
  ...PROVISIONING_USAGE,
];

/** Runs one mode; resolves to an exit code, or to 'serving' while servers keep the process alive. */
async function main(argv: string[]): Promise<number | 'serving'> {
  const mode = argv.length === 0 ? 'interactive' : argv[0] === 'pop' ? 'oneshot' : argv[0] === 'serve' ? 'serve' : argv[0] === 'migrate' ? 'migrate' : 'provision';
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${USAGE.join('\n')}\n`);
    return 0;
  }
  if (mode === 'provision' && argv[0] !== 'discord' && !isProvisioningCommand(argv)) {
    process.stderr.write(`Unknown command: popbot ${argv.join(' ')}\n\n${USAGE.join('\n')}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    throw error;
  }
  if (argv[0] === 'discord') {
    const { runRegister } = await import('./adapters/discord/register.ts');
    return runRegister(config.discord, argv.slice(1), { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) });
  }
  const logger = createLogger({ level: config.logLevel ?? (mode === 'serve' ? 'info' : 'warn'), pretty: Boolean(process.stderr.isTTY) });
  const { registry, commandMetrics } = createMetrics();
  const core = await buildCore(config, { logger, metrics: commandMetrics });
  const io = terminalIO(process.stdin, process.stdout, process.stderr);
  const notice = mode === 'oneshot' ? io.err : io.out;

  if (mode === 'migrate') {
    io.out(`✔ ${core.database.kind === 'embedded' ? `Embedded database in ${core.database.location}` : core.database.location} is up to date.`);
    await core.database.close();
    return 0;
  }
  if (core.database.kind === 'embedded') {
    const demo = await core.service.provisioning.ensureDemo(randomUUID().slice(0, 8));
    if (demo) notice(renderDemoNotice(demo, core.database.location));
  }

  if (mode === 'oneshot' || mode === 'provision') {
    const code = mode === 'oneshot' ? await runOneShot(core.dispatcher, io, argv.slice(1)) : await runProvisioning(core.service, io, argv);
    io.close();
    await core.database.close();
    return code ?? 2;
  }

  // Chat adapters load only when configured: a one-shot command stays quick to start.
  const slack = config.slack ? await (await import('./adapters/slack/slack.adapter.ts')).createSlackAdapter({ dispatcher: core.dispatcher, logger, settings: config.slack }) : undefined;
  const server: Server = createHttpServer({ isHealthy: () => isReachable(core.database.db), registry, handlers: slack ? [slack.httpHandler] : [] });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      logger.warn({ err: error, port: config.http.port }, 'HTTP server not started');
      resolve(false);
    });
    server.listen(config.http.port, config.http.host, () => resolve(true));
  });
  if (!listening && mode === 'serve') {
    await core.database.close();
    process.stderr.write(`Cannot listen on ${config.http.host}:${config.http.port}; set PORT to a free port.\n`);
    return 1;
  }
  if (listening) logger.info({ port: (server.address() as { port: number }).port, slack: Boolean(slack) }, 'HTTP server listening (/healthz, /metrics)');
  if (slack && !listening && !config.slack?.appToken) logger.error('Slack HTTP mode needs the HTTP server: set PORT to a free port');
  await slack?.start();
  if (slack) logger.info({ mode: config.slack?.appToken ? 'socket' : 'http' }, 'Slack connected');
  const discord = config.discord ? (await import('./adapters/discord/discord.adapter.ts')).createDiscordAdapter({ dispatcher: core.dispatcher, logger, settings: config.discord }) : undefined;
  if (discord) {
    await discord.start();
    logger.info('Discord connected');
  }

  let stopping = false;
  /** SIGTERM: no new commands; those under way finish with their deliveries and announcements (10 s at most). */
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: no new commands, finishing those in flight');
    io.close();
    server.close();
    await core.dispatcher.drain(10_000);
    await slack?.stop();
    await discord?.stop();
    await core.database.close();
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));

  if (mode === 'interactive') {
    const failed = await runInteractive(core.dispatcher, io, [
      `popbot console — ${core.database.kind === 'embedded' ? `embedded database in ${core.database.location}` : core.database.location}${listening ? ` · http://localhost:${(server.address() as { port: number }).port}/healthz` : ''}`,
      'Type a command (help, list, add scott 10MB, …) or exit.',
    ]);
    // A script piped into the console learns that something failed.
    await stop(failed > 0 && !io.interactive ? 1 : 0);
  }
  return 'serving';
}

main(process.argv.slice(2)).then(
  (code) => {
    // Open handles (pool timers, PGlite) must not keep a finished command alive.
    if (code !== 'serving') process.exit(code);
  },
  (error) => {
    process.stderr.write(`popbot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
