import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DiscordRequest = { method: string; path: string; body: string; json: Record<string, unknown> | null };

let snowflake = 1_300_000_000_000_000_000n;
export const nextId = () => String(++snowflake);

/**
 * A local stand-in for Discord's REST API (`/v10/...`): interaction callbacks, webhook edits of
 * the original response, channel messages and command registration. Records every request.
 */
export async function startFakeDiscord() {
  const received: DiscordRequest[] = [];
  const failing = { webhooks: false, followUps: false };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
      let json: Record<string, unknown> | null = null;
      try {
        json = body ? (JSON.parse(body) as Record<string, unknown>) : null;
      } catch {
        json = null;
      }
      received.push({ method: req.method ?? '', path, body, json });
      const send = (status: number, value?: unknown) => {
        res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      if (/\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return send(204);
      const webhook = /\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
      if (webhook && failing.webhooks) return send(500, { message: 'Internal Server Error', code: 0 });
      if (webhook)
        return send(
          200,
          message({
            ...(json ?? {}),
            channel_id: '1200000000000000001',
            interaction_metadata: { id: nextId(), type: 2, user: user('1'), authorizing_integration_owners: {} },
          }),
        );
      const followUp = /\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
      if (followUp && req.method === 'POST')
        return failing.followUps
          ? send(500, { message: 'Internal Server Error', code: 0 })
          : send(200, message({ ...(json ?? {}), channel_id: '1200000000000000001' }));
      if (path.endsWith('/users/@me/channels') && req.method === 'POST')
        return send(200, { id: '1250000000000000001', type: 1, recipients: [user(String(json?.recipient_id ?? '1'))] });
      const channel = /\/channels\/(\d+)\/messages$/.exec(path);
      if (channel) return send(200, message({ ...(json ?? {}), channel_id: channel[1] }));
      if (/\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path) && req.method === 'PUT') {
        return send(
          200,
          (Array.isArray(json) ? json : []).map((c: Record<string, unknown>) => ({
            ...c,
            id: nextId(),
            application_id: '1',
            version: nextId(),
          })),
        );
      }
      send(404, { message: 'Unknown route', code: 0 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const forToken = (token: string) => received.filter((r) => r.path.includes(`/${token}/`));
  return {
    url,
    received,
    forToken,
    /** Makes edits of the original response (and follow-ups) fail with 500, as Discord sometimes does. */
    failing,
    async waitFor(token: string, count: number, ms = 10_000) {
      const start = Date.now();
      while (forToken(token).length < count) {
        if (Date.now() - start > ms)
          throw new Error(
            `fake Discord got ${forToken(token).length} of ${count} requests for ${token}: ` +
              `${JSON.stringify(forToken(token))}`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
      return forToken(token);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const user = (id: string, username = `user${id.slice(-4)}`) => ({
  id,
  username,
  discriminator: '0',
  global_name: username,
  avatar: null,
});

export function message(fields: Record<string, unknown>) {
  return {
    id: nextId(),
    type: 0,
    content: '',
    author: { ...user('1100000000000000001', 'popbot'), bot: true },
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    flags: 64,
    ...fields,
  };
}
