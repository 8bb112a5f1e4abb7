import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, loadEnvFile, type Config } from './config.ts';
import { PROVISIONING_USAGE, isProvisioningCommand } from './adapters/console/provisioning.cli.ts';
import type { Reply } from './commands/reply.ts';

const USAGE = [
  'popbot                 interactive console (opens no port unless PORT is set)',
  'popbot serve           HTTP server and chat platforms only (PORT, default 3000)',
  'popbot pop <command>   one command, e.g. popbot pop add scott 10MB (exit code 0 on success)',
  'popbot migrate         run database migrations',
  'popbot discord register [--guild ID]   register /pop with Discord (a guild at once, or globally)',
  ...PROVISIONING_USAGE,
];

type Mode = 'interactive' | 'serve' | 'oneshot' | 'migrate' | 'provision' | 'discord';

function modeOf(argv: string[]): Mode | 'help' | 'unknown' {
  const [first] = argv;
  if (first === undefined) return 'interactive';
  if (first === 'help' || first === '--help' || first === '-h') return 'help';
  if (first === 'pop') return 'oneshot';
  if (first === 'serve' || first === 'migrate' || first === 'discord') return first;
  return isProvisioningCommand(argv) ? 'provision' : 'unknown';
}

/** Listens, or resolves false (and logs why) when the port cannot be had. */
function listen(server: Server, port: number, host: string, onError: (error: Error) => void): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', (error) => {
      onError(error);
      resolve(false);
    });
    server.listen(port, host, () => resolve(true));
  });
}

/**
 * Runs one mode; resolves to an exit code, or to 'serving' while servers keep the process alive.
 * Modules load only for the mode that needs them: `help` opens nothing, a one-shot command loads no
 * chat platform or metrics.
 */
async function main(argv: string[]): Promise<number | 'serving'> {
  const mode = modeOf(argv);
  if (mode === 'help') {
    process.stdout.write(`${USAGE.join('\n')}\n`);
    return 0;
  }
  if (mode === 'unknown') {
    process.stderr.write(`Unknown command: popbot ${argv.join(' ')}\n\n${USAGE.join('\n')}\n`);
    return 2;
  }
  // Everything popbot writes (the embedded database holds password hashes) is readable by its owner only.
  process.umask(0o077);
  let config: Config;
  try {
    loadEnvFile();
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 78;
  }
  if (mode === 'discord') {
    const { runRegister } = await import('./adapters/discord/register.ts');
    return runRegister(config.discord, argv.slice(1), {
      out: (t) => process.stdout.write(`${t}\n`),
      err: (t) => process.stderr.write(`${t}\n`),
    });
  }
  const { createLogger } = await import('./logger.ts');
  const logger = createLogger({
    level: config.logLevel ?? (mode === 'serve' ? 'info' : 'warn'),
    pretty: Boolean(process.stderr.isTTY),
  });
  const port = config.http.port ?? (mode === 'serve' ? 3000 : undefined);
  const serving = mode === 'serve' || mode === 'interactive';
  const metrics =
    serving && config.metrics ? await import('./adapters/http/metrics.ts').then((m) => m.createMetrics()) : undefined;
  const { buildCore } = await import('./app.ts');
  // Made by the build next to the bundle (dist/); absent when running the sources.
  const embeddedSnapshot = fileURLToPath(new URL('./embedded-snapshot.tar.gz', import.meta.url));
  const core = await buildCore(config, { logger, metrics: metrics?.commandMetrics, embeddedSnapshot });
  const { terminalIO } = await import('./adapters/console/terminal.ts');
  const io = terminalIO(process.stdin, process.stdout, process.stderr);
  const where =
    core.database.kind === 'embedded' ? `embedded database in ${core.database.location}` : core.database.location;

  if (mode === 'migrate') {
    io.out(`✔ ${where} is up to date.`);
    await core.database.close();
    return 0;
  }
  if (core.database.kind === 'embedded') {
    const demo = await core.service.provisioning.ensureDemo(randomUUID().slice(0, 8));
    const { renderDemoNotice } = await import('./adapters/console/render.ts');
    if (demo) (mode === 'oneshot' ? io.err : io.out)(renderDemoNotice(demo, core.database.location));
  }
  if (mode === 'oneshot' || mode === 'provision') {
    const code =
      mode === 'oneshot'
        ? await (await import('./adapters/console/console.adapter.ts')).runOneShot(core.dispatcher, io, argv.slice(1))
        : await (await import('./adapters/console/provisioning.cli.ts')).runProvisioning(
            core.service,
            io,
            argv,
            // `sales done` tells the requester on their platform, with this console's own settings.
            async (platform, userId, reply) => {
              if (platform === 'slack' && config.slack)
                return (await import('./adapters/slack/notify.ts')).slackNotifier(config.slack)(userId, reply);
              if (platform === 'discord' && config.discord)
                return (await import('./adapters/discord/notify.ts')).discordNotifier(config.discord)(userId, reply);
              throw new Error(
                `${platform} is not set up here (no ${platform === 'slack' ? 'SLACK' : 'DISCORD'}_ settings)`,
              );
            },
          );
    io.close();
    await core.database.close();
    return code ?? 2;
  }

  // Chat adapters load only when configured.
  const slack = config.slack
    ? await (await import('./adapters/slack/slack.adapter.ts')).createSlackAdapter({
        dispatcher: core.dispatcher,
        logger,
        settings: config.slack,
      })
    : undefined;
  // How each platform tells a person privately, later (the owner used their link); filled as adapters start.
  const notifiers = new Map<string, (userId: string, reply: Reply) => Promise<void>>();
  if (slack) notifiers.set('slack', slack.notify);
  const http = await import('./adapters/http/http.server.ts');
  let server: Server | undefined;
  if (port !== undefined) {
    const { isReachable } = await import('./db/database.ts');
    const { createLinkPages } = await import('./adapters/http/link.pages.ts');
    const linkPages = createLinkPages({
      links: core.service.links,
      logger,
      publicUrl: config.links.publicUrl,
      trustProxy: config.trustProxy,
      // Built next to the bundle (dist/web); without it, the pages work without their script.
      assetsDir: fileURLToPath(new URL('./web/', import.meta.url)),
      // The person who asked for a link hears privately, on their platform, that the owner used it.
      notify: async (requester, reply) => {
        const notify = notifiers.get(requester.platform);
        if (notify) return notify(requester.userId, reply);
        logger.info({ platform: requester.platform, title: reply.title }, 'link used; the audit log records it');
      },
    });
    const candidate = http.createHttpServer({
      isHealthy: () => isReachable(core.database.db),
      handlers: slack ? [slack.httpHandler, linkPages] : [linkPages],
      received: core.dispatcher.received,
      maxConnections: config.http.maxConnections,
    });
    if (await listen(candidate, port, config.http.host, (err) => logger.warn({ err, port }, 'HTTP server not started')))
      server = candidate;
    else if (mode === 'serve') {
      await core.database.close();
      process.stderr.write(`Cannot listen on ${config.http.host}:${port}; set PORT to a free port.\n`);
      return 1;
    }
  }
  if (server)
    logger.info(
      { port: (server.address() as { port: number }).port, slack: Boolean(slack) },
      'HTTP server listening (/healthz)',
    );
  if (slack && !server && !config.slack?.appToken)
    logger.error('Slack HTTP mode needs the HTTP server: set PORT to a free port');
  let metricsServer: Server | undefined;
  if (metrics && config.metrics) {
    const candidate = http.createMetricsServer(metrics.registry);
    const { port: metricsPort, host } = config.metrics;
    if (
      await listen(candidate, metricsPort, host, (err) =>
        logger.warn({ err, port: metricsPort }, 'metrics server not started'),
      )
    ) {
      metricsServer = candidate;
      logger.info({ port: (candidate.address() as { port: number }).port, host }, 'metrics listening (/metrics)');
    }
  }
  await slack?.start();
  if (slack) logger.info({ mode: config.slack?.appToken ? 'socket' : 'http' }, 'Slack connected');
  const discord = config.discord
    ? (await import('./adapters/discord/discord.adapter.ts')).createDiscordAdapter({
        dispatcher: core.dispatcher,
        logger,
        settings: config.discord,
      })
    : undefined;
  if (discord) {
    notifiers.set('discord', discord.notify);
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
    server?.close();
    metricsServer?.close();
    await core.dispatcher.drain(10_000);
    await slack?.stop();
    await discord?.stop();
    await core.database.close();
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));

  if (mode === 'interactive') {
    const { runInteractive } = await import('./adapters/console/console.adapter.ts');
    const health = server ? ` · http://localhost:${(server.address() as { port: number }).port}/healthz` : '';
    const failed = await runInteractive(core.dispatcher, io, [
      `popbot console — ${where}${health}`,
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
