import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createSlackAdapter } from '../../src/adapters/slack/slack.adapter.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';
import { startFakeSlack } from '../helpers/fake-slack.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
let fake: Awaited<ReturnType<typeof startFakeSlack>>;
let wss: WebSocketServer;
let adapter: Awaited<ReturnType<typeof createSlackAdapter>>;
const socket: { current?: WebSocket; frames: Record<string, unknown>[] } = { frames: [] };
const OPERATOR = slackActor({ workspaceId: 'T0SOCK', userId: 'U0SOCK', userName: 'sock' });

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db);
  await makeHostingAccount(core.service, { username: 'sockco', domains: ['sock.example'] });
  await grantActor(core.service, OPERATOR, 'sockco', 'operator');
  fake = await startFakeSlack();
  // Slack's Socket Mode server, locally: greet with "hello", then carry envelopes both ways.
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    socket.current = ws;
    ws.on('message', (data) => socket.frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'local', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A_POP' },
      }),
    );
  });
  fake.socketMode.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  adapter = await createSlackAdapter({
    dispatcher: core.dispatcher,
    logger: core.logger,
    settings: { botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: `${fake.url}/api` },
  });
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  wss?.close();
  await fake?.close();
  await database?.close();
});

describe('Slack Socket Mode (SLACK_APP_TOKEN)', () => {
  it('connects through apps.connections.open, acks the envelope, and answers through the response URL', async () => {
    expect(fake.apiCalls('apps.connections.open')).toHaveLength(1);
    socket.current!.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'legacy',
          team_id: 'T0SOCK',
          team_domain: 'sock',
          channel_id: 'C1',
          channel_name: 'general',
          user_id: 'U0SOCK',
          user_name: 'sock',
          command: '/pop',
          text: 'add scott 10MB',
          api_app_id: 'A_POP',
          response_url: fake.responseUrl('sock-1'),
          trigger_id: 'trigger-sock',
        },
      }),
    );
    const [reply] = await fake.waitForResponses('sock-1');
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(reply)).toContain('Created scott@sock.example');
    expect(socket.frames.find((f) => f.envelope_id === 'env-1')).toBeDefined();
  });
});
