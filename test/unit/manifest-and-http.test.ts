import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHttpServer, createMetricsServer } from '../../src/adapters/http/http.server.ts';
import { createMetrics } from '../../src/adapters/http/metrics.ts';

describe('Slack app manifest', () => {
  it('creates /pop with escaping, the two scopes popbot uses, and interactivity on /slack/events', () => {
    const manifest = parse(readFileSync(join(import.meta.dirname, '../../slack/manifest.yml'), 'utf8'));
    const [pop] = manifest.features.slash_commands;
    expect(pop).toMatchObject({ command: '/pop', should_escape: true });
    expect(pop.url).toMatch(/\/slack\/events$/);
    expect(pop.usage_hint.length).toBeGreaterThan(0);
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write']);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true });
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    // Direct messages (link used, sales request done) need the Messages tab.
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true });
  });
});

describe('health endpoint', () => {
  it('answers 503 when the database is unreachable, 200 when it is', async () => {
    let healthy = false;
    const server = createHttpServer({ isHealthy: async () => healthy, maxConnections: 10 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const down = await fetch(`${url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'database unreachable' });
      healthy = true;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/nope`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw client: what it was sent back, and whether the server closed the connection. */
function rawClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, closed, received: () => received };
}

describe('the public port holds against misbehaving clients', () => {
  it('refuses a 70 KB body from its Content-Length, before a byte of it is sent or any handler runs', async () => {
    const seen: string[] = [];
    const server = createHttpServer({
      isHealthy: async () => true,
      maxConnections: 10,
      handlers: [
        (req) => {
          seen.push(req.url ?? '');
          return false;
        },
      ],
    });
    const port = await listening(server);
    try {
      const client = rawClient(port);
      // Headers only: a server that buffered the body first would wait for 70 KB that never come.
      client.socket.write(
        `POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ` +
          `${70 * 1024}\r\n\r\n`,
      );
      await client.closed;
      expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
      const chunked = rawClient(port);
      chunked.socket.write('POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      await chunked.closed;
      expect(chunked.received()).toMatch(/^HTTP\/1\.1 411 /);
      expect(seen).toEqual([]);
      const small = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        body: 'x'.repeat(60 * 1024),
      });
      expect(small.status).toBe(404);
      expect(seen).toEqual(['/slack/events']);
    } finally {
      server.close();
    }
  });

  it('cuts off a client that sends its request one byte at a time, and one that sends nothing', async () => {
    const server = createHttpServer({ isHealthy: async () => true, maxConnections: 10, clientTimeoutMs: 1_000 });
    const port = await listening(server);
    try {
      const slow = rawClient(port);
      const idle = rawClient(port);
      const request = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(500)}`;
      let sent = 0;
      // 1 byte every 100 ms would take 50 s to finish the headers; the server hangs up long before.
      const trickle = setInterval(() => {
        if (!slow.socket.destroyed && sent < request.length) slow.socket.write(request[sent++]!);
      }, 100);
      await Promise.all([slow.closed, idle.closed]);
      clearInterval(trickle);
      expect(sent).toBeLessThan(request.length);
      expect(slow.received()).not.toContain('200 OK');
      expect(idle.received()).not.toContain('200 OK');
    } finally {
      server.close();
    }
  });

  it('caps the number of connections', async () => {
    const server = createHttpServer({ isHealthy: async () => true, maxConnections: 2 });
    const port = await listening(server);
    const clients = [rawClient(port), rawClient(port)];
    try {
      await Promise.all(clients.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
      const third = rawClient(port);
      third.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await third.closed;
      expect(third.received()).toBe('');
      clients[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await expect.poll(() => clients[0]!.received()).toContain('200 OK');
    } finally {
      for (const c of clients) c.socket.destroy();
      server.close();
    }
  });

  it('serves /metrics only on its own listener', async () => {
    const server = createHttpServer({ isHealthy: async () => true, maxConnections: 10 });
    const metrics = createMetricsServer(createMetrics().registry);
    const [port, metricsPort] = [await listening(server), await listening(metrics)];
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const served = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(served.status).toBe(200);
      expect(await served.text()).toContain('popbot_commands_total');
    } finally {
      server.close();
      metrics.close();
    }
  });
});
