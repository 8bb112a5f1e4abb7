import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { App, HTTPReceiver } from '@slack/bolt';
import { createLogger } from '../src/logger.ts';
import { Secret, CONSOLE_ACTOR } from '../src/service/index.ts';
import { createSlackAdapter } from '../src/adapters/slack/slack.adapter.ts';
import { createHttpServer } from '../src/adapters/http/http.server.ts';
import { slackSignature, startFakeSlack } from '../test/helpers/fake-slack.ts';
import { benchCore } from './core.ts';

/**
 * Slack ack latency: bursts of 100 signed slash commands at once over real HTTP, half of them hashing
 * (add), beside a bare Bolt app that only acknowledges, measured in turn in the same run.
 */
export async function benchSlack(url: string, report: (what: string, figure: string) => void): Promise<void> {
  const { database, service, dispatcher } = await benchCore(url);
  const logger = createLogger({ level: 'silent' });
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
    received: dispatcher.received,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  const bare = await startBareBolt(secret, `${fake.url}/api/`);
  const p = (values: number[], q: number) =>
    [...values].sort((a, b) => a - b)[Math.floor((q / 100) * (values.length - 1))]!;
  const rounds = 5;
  let answered = 0;
  // Two shapes of load: the requests sent from another thread (Slack is elsewhere), and sent from this
  // process itself, so that the sending competes for the event loop as other work of a busy process would.
  for (const from of ['another thread', 'the same event loop'] as const) {
    const popbotAcks: number[] = [];
    const bareAcks: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const id = `${from === 'another thread' ? 't' : 'l'}${round}`;
      // Alternating, so that both meet the same machine: the bare app first, then popbot.
      bareAcks.push(
        ...(await burst(
          from,
          bare.url,
          secret,
          (i) => `list ${i}`,
          () => '',
          `bare${id}`,
        )),
      );
      const texts = (i: number) => (i % 2 ? 'list' : `add b${id}x${i}`);
      const responseUrl = (i: number) => fake.responseUrl(`b${id}x${i}`);
      popbotAcks.push(...(await burst(from, base, secret, texts, responseUrl, `pop${id}`)));
      const started = performance.now();
      await Promise.all(Array.from({ length: 100 }, (_, i) => fake.waitForResponses(`b${id}x${i}`, 1, 120_000)));
      answered = Math.max(answered, performance.now() - started);
    }
    report(
      `Slack ack, 100 concurrent signed commands from ${from}, × ${rounds}: bare Bolt app (baseline), p50 / p99`,
      `${p(bareAcks, 50).toFixed(1)} ms / ${p(bareAcks, 99).toFixed(1)} ms`,
    );
    report(
      `Slack ack, the same through popbot (half add, half list), p50 / p99 (goal p99 ≤ 1.5× baseline)`,
      `${p(popbotAcks, 50).toFixed(1)} ms / ${p(popbotAcks, 99).toFixed(1)} ms = ` +
        `${(p(popbotAcks, 99) / p(bareAcks, 99)).toFixed(2)}× baseline p99 (deadline 3000 ms)`,
    );
  }
  report('Slack: all 100 replies of a burst delivered after its last ack (worst burst)', `${answered.toFixed(0)} ms`);
  await bare.stop();
  await new Promise((r) => server.close(r));
  await fake.close();
  await database.close();
}

/** A Bolt app in HTTP mode whose only listener acknowledges: the fastest a Bolt app can ack. */
async function startBareBolt(signingSecret: string, apiUrl: string) {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events' });
  // Bolt asks auth.test once (the bot's id): the fake Slack answers, as it does for popbot.
  const app = new App({ token: 'xoxb-bare', receiver, clientOptions: { slackApiUrl: apiUrl } });
  app.command('/pop', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start(0)) as unknown as Server;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, stop: () => app.stop() };
}

/**
 * The load generator, in a worker thread: Slack's servers are elsewhere, so the client's own work must
 * not share the event loop it measures. Plain JavaScript: 100 signed slash commands at once.
 */
const BURST_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { url, secret, commands } = workerData;
const send = async ({ body }) => {
  const ts = Math.floor(Date.now() / 1000);
  const signature = 'v0=' + createHmac('sha256', secret).update('v0:' + ts + ':' + body).digest('hex');
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
    body,
  });
  await response.text();
  if (response.status !== 200) throw new Error('ack ' + response.status);
  return performance.now() - started;
};
Promise.all(commands.map(send)).then((latencies) => parentPort.postMessage(latencies), (error) => parentPort.postMessage(String(error)));
`;

/** 100 signed slash commands at once, from another thread or this one; their acknowledgement latencies in ms. */
async function burst(
  from: 'another thread' | 'the same event loop',
  url: string,
  secret: string,
  text: (i: number) => string,
  responseUrl: (i: number) => string,
  id: string,
): Promise<number[]> {
  const commands = Array.from({ length: 100 }, (_, i) => ({
    body: new URLSearchParams({
      team_id: 'TBENCH',
      user_id: 'UBENCH',
      user_name: 'bench',
      command: '/pop',
      text: text(i),
      response_url: responseUrl(i) || 'http://127.0.0.1:9/unused',
      trigger_id: `${id}-${i}`,
      channel_id: 'C',
      api_app_id: 'A',
    }).toString(),
  }));
  if (from === 'the same event loop')
    return Promise.all(commands.map((command) => sendSigned(url, secret, command.body)));
  const worker = new Worker(BURST_SOURCE, { eval: true, workerData: { url, secret, commands } });
  const [result] = (await once(worker, 'message')) as [number[] | string];
  await worker.terminate();
  if (typeof result === 'string') throw new Error(result);
  return result;
}

async function sendSigned(url: string, secret: string, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(url, {
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
}
