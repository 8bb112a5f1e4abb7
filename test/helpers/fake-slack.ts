import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Recorded = { path: string; body: string; at: number };

/**
 * A local stand-in for Slack's servers: the Web API (`/api/<method>`, answering like Slack)
 * and response URLs (`/response/<id>`). It records every request it receives, as text.
 */
export async function startFakeSlack() {
  const received: Recorded[] = [];
  /** Where apps.connections.open sends Socket Mode clients. */
  const socketMode = { url: '' };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const path = req.url ?? '';
      received.push({ path, body, at: Date.now() });
      // Response URLs whose id says how they misbehave: gone (404, expired), broken (500 every time), slow (300 ms).
      if (path.startsWith('/response/gone')) return void res.writeHead(404).end('expired_url');
      if (path.startsWith('/response/broken')) return void res.writeHead(500).end('internal_error');
      if (path.startsWith('/response/slow')) await new Promise((r) => setTimeout(r, 300));
      res.writeHead(200, { 'content-type': 'application/json' });
      if (path.startsWith('/api/auth.test')) {
        res.end(
          JSON.stringify({
            ok: true,
            url: 'https://acme.slack.test/',
            team: 'Acme',
            user: 'popbot',
            team_id: 'T_ACME',
            user_id: 'U_BOT',
            bot_id: 'B_BOT',
          }),
        );
      } else if (path.startsWith('/api/apps.connections.open')) {
        res.end(JSON.stringify({ ok: true, url: socketMode.url }));
      } else if (path.startsWith('/api/views.open')) {
        res.end(JSON.stringify({ ok: true, view: { id: 'V1' } }));
      } else if (path.startsWith('/api/chat.postMessage')) {
        res.end(JSON.stringify({ ok: true, channel: 'C', ts: '1.1' }));
      } else {
        res.end(JSON.stringify({ ok: true }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const responsesTo = (id: string) =>
    received.filter((r) => r.path === `/response/${id}`).map((r) => JSON.parse(r.body) as Record<string, unknown>);
  return {
    url,
    received,
    socketMode,
    responseUrl: (id: string) => `${url}/response/${id}`,
    responsesTo,
    apiCalls: (method: string) => received.filter((r) => r.path.startsWith(`/api/${method}`)),
    /** Waits until the response URL got `count` messages. */
    async waitForResponses(id: string, count = 1, ms = 10_000) {
      const start = Date.now();
      while (responsesTo(id).length < count) {
        if (Date.now() - start > ms) throw new Error(`no reply at response URL ${id} after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return responsesTo(id);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Signs a request body as Slack does: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>"). */
export function slackSignature(secret: string, timestamp: number, body: string) {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
