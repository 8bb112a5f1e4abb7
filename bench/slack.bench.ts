import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/logger.ts';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import {
  createService,
  createArgon2Hasher,
  createStrengthJudge,
  cryptoRandom,
  systemClock,
  Secret,
  CONSOLE_ACTOR,
} from '../src/service/index.ts';
import { createDispatcher } from '../src/commands/dispatch.ts';
import { createSlackAdapter } from '../src/adapters/slack/slack.adapter.ts';
import { createHttpServer } from '../src/adapters/http/http.server.ts';
import { slackSignature, startFakeSlack } from '../test/helpers/fake-slack.ts';

/** Slack ack latency: 100 signed slash commands at once over real HTTP, half of them hashing (add). */
export async function benchSlack(url: string, report: (what: string, figure: string) => void): Promise<void> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  const logger = createLogger({ level: 'silent' });
  const service = createService({
    db: database.db,
    hasher: createArgon2Hasher({ memoryKiB: 19456, time: 2 }),
    clock: systemClock,
    random: cryptoRandom,
    logger,
    settings: { rateLimitPerMinute: 1_000_000, pop3: { host: 'localhost', port: 110 } },
    strength: createStrengthJudge(),
  });
  const dispatcher = createDispatcher({ service, logger });
  await service.provisioning.createPlan(
    { name: 'SlackBench', maxPopAccounts: 1000, diskQuotaMb: 10_240, defaultQuotaMb: 10 },
    'bench',
  );
  await service.provisioning.createHostingAccount(
    {
      username: 'slackbench',
      plan: 'SlackBench',
      domains: ['slack.bench'],
      password: new Secret('violet-kettle-marsh-harbor'),
    },
    'bench',
  );
  await service.provisioning.bind('slack', 'TBENCH', 'slackbench', 'bench');
  const owner = await service.access.resolveAccess(CONSOLE_ACTOR, 'grant', 'bench');
  if (owner.ok)
    await service.admin.grant(
      owner.value,
      { kind: 'user', id: 'UBENCH', label: 'bench', platform: 'slack', workspaceId: 'TBENCH' },
      'admin',
    );

  const fake = await startFakeSlack();
  const secret = 'bench-secret';
  const adapter = await createSlackAdapter({
    dispatcher,
    logger,
    settings: { botToken: 'xoxb-bench', signingSecret: secret, apiUrl: `${fake.url}/api` },
  });
  const server = createHttpServer({
    isHealthy: async () => true,
    maxConnections: 512,
    handlers: [adapter.httpHandler],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  const send = async (i: number) => {
    const body = new URLSearchParams({
      team_id: 'TBENCH',
      user_id: 'UBENCH',
      user_name: 'bench',
      command: '/pop',
      text: i % 2 ? 'list' : `add b${i}`,
      response_url: fake.responseUrl(`b${i}`),
      trigger_id: 't',
      channel_id: 'C',
      api_app_id: 'A',
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const response = await fetch(base, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature(secret, ts, body),
      },
      body,
    });
    await response.text();
    if (response.status !== 200) throw new Error(`ack ${response.status}`);
    return performance.now() - started;
  };
  const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => send(i)));
  const started = performance.now();
  await Promise.all(Array.from({ length: 100 }, (_, i) => fake.waitForResponses(`b${i}`, 1, 60_000)));
  const answered = performance.now() - started;
  acks.sort((a, b) => a - b);
  report(
    'Slack ack latency, 100 concurrent signed commands, p50 / p99',
    `${acks[49]!.toFixed(1)} ms / ${acks[98]!.toFixed(1)} ms (max ${acks[99]!.toFixed(1)} ms; deadline 3000 ms)`,
  );
  report('Slack: all 100 replies delivered after the last ack', `${answered.toFixed(0)} ms`);
  await new Promise((r) => server.close(r));
  await fake.close();
  await database.close();
}
