import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Request bodies larger than this are refused from their Content-Length, before a byte is buffered. */
const MAX_BODY_BYTES = 64 * 1024;
/** A client that has not sent its whole request within this time is cut off; so is an idle connection. */
const CLIENT_TIMEOUT_MS = 10_000;

function refuse(res: ServerResponse, status: number, text: string) {
  // Connection: close, so the unread body is dropped with the connection instead of read.
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
  res.end(`${text}\n`);
}

/**
 * The public port, facing the internet: health, Slack's endpoint (when configured), later the link
 * pages. `handlers` get first pick of each request and return true when they answered it. Bounded:
 * body size, time to send a request, idle time and the number of connections.
 */
export function createHttpServer(deps: {
  isHealthy(): Promise<boolean>;
  handlers?: HttpHandler[];
  maxConnections: number;
  clientTimeoutMs?: number;
  /** Told of each request; the returned function is called once its response is sent (or it is cut off). */
  received?: () => () => void;
}): Server {
  const timeout = deps.clientTimeoutMs ?? CLIENT_TIMEOUT_MS;
  const server = createServer(
    {
      headersTimeout: timeout,
      requestTimeout: timeout,
      keepAliveTimeout: Math.min(5_000, timeout),
      connectionsCheckingInterval: Math.min(1_000, timeout),
    },
    async (req, res) => {
      const answered = deps.received?.();
      if (answered) {
        res.once('finish', answered);
        res.once('close', answered);
      }
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          const length = Number(req.headers['content-length'] ?? 0);
          if (req.headers['transfer-encoding']) return refuse(res, 411, 'Content-Length required');
          if (!(length <= MAX_BODY_BYTES)) return refuse(res, 413, `Request body over ${MAX_BODY_BYTES / 1024} KB`);
        }
        for (const handler of deps.handlers ?? []) if (await handler(req, res)) return;
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && path === '/healthz') {
          const healthy = await deps.isHealthy();
          res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: healthy ? 'ok' : 'database unreachable' }));
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      } catch {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    },
  );
  // Idle sockets (a client that opened a connection and sends nothing, or 1 byte at a time) are closed.
  server.setTimeout(timeout, (socket) => socket.destroy());
  server.maxConnections = deps.maxConnections;
  return server;
}

/** Prometheus text on its own listener (loopback by default), never on the public port. */
export function createMetricsServer(registry: Registry): Server {
  return createServer({ headersTimeout: CLIENT_TIMEOUT_MS, requestTimeout: CLIENT_TIMEOUT_MS }, async (req, res) => {
    if (req.method === 'GET' && (req.url ?? '/').split('?')[0] === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
}
