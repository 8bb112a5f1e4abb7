import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/**
 * One HTTP server for health, metrics and (when configured) Slack's endpoint.
 * `handlers` get first pick of each request and return true when they answered it.
 */
export function createHttpServer(deps: { isHealthy(): Promise<boolean>; registry: Registry; handlers?: HttpHandler[] }): Server {
  return createServer(async (req, res) => {
    try {
      for (const handler of deps.handlers ?? []) if (await handler(req, res)) return;
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/healthz') {
        const healthy = await deps.isHealthy();
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: healthy ? 'ok' : 'database unreachable' }));
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': deps.registry.contentType });
        res.end(await deps.registry.metrics());
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
}
