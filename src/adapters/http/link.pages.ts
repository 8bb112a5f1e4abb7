import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { mailServer, untilText, type Reply } from '../../commands/reply.ts';
import { ownerSetPasswordReply } from '../../commands/replies.ts';
import { describeError, MAX_PASSWORD_LENGTH, Secret, type DomainError, type Result } from '../../service/index.ts';
import type { LinkRequester, LinkService, OpenLink, OwnerLogin } from '../../service/link.service.ts';
import type { HttpHandler } from './http.server.ts';

/**
 * Every page: nothing from elsewhere, no inline script or style, no framing, no referrer, never cached
 * or indexed. The link's token is in the address, so the address must not leak.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Forms are small: a password of 128 characters, its confirmation and the page token. */
const MAX_FORM_BYTES = 4096;
const CSRF_COOKIE = 'popbot_form';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Files built into dist/web (the page script, its strength estimator, the style), read once. */
function loadAssets(dir: string | undefined, logger: Logger): Map<string, Buffer> {
  const assets = new Map<string, Buffer>();
  if (!dir) return assets;
  try {
    for (const name of readdirSync(dir)) assets.set(name, readFileSync(join(dir, name)));
  } catch (error) {
    logger.warn(
      { err: { message: (error as Error).message } },
      'link page assets missing (npm run build): pages work without script',
    );
  }
  return assets;
}

function layout(title: string, body: string, withScript = false): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)} · popbot</title>`,
    '<link rel="stylesheet" href="/assets/link-page.css">',
    withScript ? '<script type="module" src="/assets/link-page.js"></script>' : '',
    '</head>',
    `<body><main>${body}</main></body>`,
    '</html>',
  ].join('\n');
}

/** The client settings a mail app needs, shown once a link has been used. */
function settingsList(login: OwnerLogin): string {
  const security = (server: { host: string; port: number }) => mailServer(server).security;
  const [first, second] = login.logins;
  return [
    '<dl>',
    `<dt>Login</dt><dd><code>${escapeHtml(first ?? login.address)}</code>`,
    second ? ` (or <code>${escapeHtml(second)}</code> in apps that refuse an @ in the login)` : '',
    '</dd>',
    `<dt>Incoming mail (POP3)</dt><dd><code>${escapeHtml(login.pop3.host)}</code>, port ${login.pop3.port}, `,
    `${security(login.pop3)}</dd>`,
    `<dt>Outgoing mail (SMTP)</dt><dd><code>${escapeHtml(login.smtp.host)}</code>, port ${login.smtp.port}, `,
    `${security(login.smtp)}, same login and password</dd>`,
    '</dl>',
  ].join('');
}

const goneBody = (message: string) =>
  `<h1>This link is no longer available</h1><p>${escapeHtml(message)}</p>` +
  '<p class="muted">A one-time link works once and for a limited time.</p>';

/** Who notifies the person who asked for a link (their platform's private message). */
export type LinkNotifier = (requester: LinkRequester, reply: Reply) => Promise<void>;

/**
 * The owner's pages behind `PUBLIC_URL/s/<token>`: GET only looks (link previews and unfurl bots
 * never use a link); POST uses it, once. The POST carries the page's form token, matched against a
 * cookie scoped to that link (double submit), and a foreign Origin is refused.
 */
export function createLinkPages(deps: {
  links: LinkService;
  notify: LinkNotifier;
  logger: Logger;
  publicUrl?: string;
  trustProxy: boolean;
  assetsDir?: string;
}): HttpHandler {
  const { links, logger } = deps;
  const log = logger.child({ component: 'links' });
  const assets = loadAssets(deps.assetsDir, log);
  const secureCookie = deps.publicUrl?.startsWith('https://') ?? false;
  const publicOrigin = deps.publicUrl ? new URL(deps.publicUrl).origin : undefined;

  function send(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}) {
    res.writeHead(status, { ...PAGE_HEADERS, ...extra });
    res.end(html);
  }

  function clientOf(req: IncomingMessage): string {
    const forwarded = deps.trustProxy
      ? String(req.headers['x-forwarded-for'] ?? '')
          .split(',')
          .pop()
          ?.trim()
      : '';
    return forwarded || req.socket.remoteAddress || 'unknown';
  }

  function sendError(res: ServerResponse, error: DomainError) {
    if (error.code === 'LINK_TRIES')
      return send(
        res,
        429,
        layout('Too many tries', `<h1>Too many tries</h1><p>${escapeHtml(describeError(error))}</p>`),
        {
          'retry-after': String(error.retryAfterSeconds),
        },
      );
    return send(res, 404, layout('Link not available', goneBody(describeError({ code: 'LINK_GONE' }))));
  }

  /** A page with a form: a new form token, in the page and in a cookie only this link's path gets. */
  function sendForm(res: ServerResponse, token: string, status: number, title: string, body: (csrf: string) => string) {
    const csrf = randomBytes(18).toString('base64url');
    const cookie = [
      `${CSRF_COOKIE}=${csrf}`,
      `Path=/s/${token}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(secureCookie ? ['Secure'] : []),
    ].join('; ');
    send(res, status, layout(title, body(csrf), true), { 'set-cookie': cookie });
  }

  function revealPage(link: OpenLink, csrf: string) {
    return (
      `<h1>Your mail password</h1>` +
      `<p>A password for <strong>${escapeHtml(link.address)}</strong> is waiting for you. It can be shown ` +
      `<strong>once</strong>: have your mail app ready, then press the button.</p>` +
      `<form method="post"><input type="hidden" name="form" value="${csrf}">` +
      `<button type="submit" name="action" value="reveal">Reveal password</button></form>` +
      `<p class="muted">This link works ${untilText(link.expiresAt)}.</p>`
    );
  }

  function setOwnPage(link: OpenLink, csrf: string, problem?: string) {
    const at = link.address.lastIndexOf('@');
    const name = link.address.slice(0, at);
    const domain = link.address.slice(at + 1);
    return (
      `<h1>Choose your mail password</h1>` +
      `<p>For <strong>${escapeHtml(link.address)}</strong>. At least 10 characters, hard to guess, and without ` +
      `<code>${escapeHtml(name)}</code> or <code>${escapeHtml(domain)}</code>. A few unrelated words work well.</p>` +
      (problem ? `<p class="error" role="alert" id="problem">${escapeHtml(problem)}</p>` : '') +
      `<form method="post" data-name="${escapeHtml(name)}" data-domain="${escapeHtml(domain)}">` +
      `<input type="hidden" name="form" value="${csrf}">` +
      `<input type="hidden" name="username" value="${escapeHtml(link.address)}" autocomplete="username">` +
      `<label for="password">New password</label>` +
      `<input id="password" name="password" type="password" autocomplete="new-password" required ` +
      `maxlength="${MAX_PASSWORD_LENGTH}" aria-describedby="check"${problem ? ' aria-invalid="true"' : ''}>` +
      `<label for="confirm">Type it again</label>` +
      `<input id="confirm" name="confirm" type="password" autocomplete="new-password" required ` +
      `maxlength="${MAX_PASSWORD_LENGTH}">` +
      `<div id="show-field" hidden><label class="inline"><input type="checkbox"> Show the password</label></div>` +
      `<p id="check" class="check" aria-live="polite"></p>` +
      `<button type="submit" name="action" value="set">Set password</button></form>` +
      `<p class="muted">This link works once, ${untilText(link.expiresAt)}.</p>`
    );
  }

  async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_FORM_BYTES) return null;
      chunks.push(chunk as Buffer);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  }

  /**
   * The form token must match this link's cookie, and a browser's Origin must be ours (or "null": with
   * no-referrer, Chromium sends that for its own form posts; the token decides then).
   */
  function formIsOurs(req: IncomingMessage, form: URLSearchParams): boolean {
    const origin = req.headers.origin;
    const own = ['null', publicOrigin, `http://${req.headers.host}`, `https://${req.headers.host}`];
    if (origin && !own.includes(origin)) return false;
    const cookie = String(req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
      ?.slice(CSRF_COOKIE.length + 1);
    const sent = form.get('form') ?? '';
    return (
      Boolean(cookie) && cookie!.length === sent.length && timingSafeEqual(Buffer.from(cookie!), Buffer.from(sent))
    );
  }

  async function show(req: IncomingMessage, res: ServerResponse, token: string) {
    const opened = await links.open(token, clientOf(req));
    if (!opened.ok) return sendError(res, opened.error);
    const link = opened.value;
    if (link.kind === 'reveal')
      return sendForm(res, token, 200, 'Your mail password', (csrf) => revealPage(link, csrf));
    return sendForm(res, token, 200, 'Choose your mail password', (csrf) => setOwnPage(link, csrf));
  }

  async function use(req: IncomingMessage, res: ServerResponse, token: string) {
    const client = clientOf(req);
    const form = await readForm(req);
    if (!form || !formIsOurs(req, form))
      return send(
        res,
        403,
        layout(
          'Page out of date',
          '<h1>This page is out of date</h1><p>Nothing was changed. Open the link again and retry.</p>',
        ),
      );
    if (form.get('action') === 'reveal') {
      const revealed = await links.reveal(token, client);
      if (!revealed.ok) return sendError(res, revealed.error);
      const login = revealed.value;
      return send(
        res,
        200,
        layout(
          'Your mail password',
          `<h1>Your mail password</h1>` +
            `<p>For <strong>${escapeHtml(login.address)}</strong>. It is shown only now: this link is used up. ` +
            `Put it into your mail app, or a password manager.</p>` +
            `<p><span class="secret" id="secret">${escapeHtml(login.password.reveal())}</span></p>` +
            `<button type="button" class="secondary" data-copy="secret" hidden>Copy password</button>` +
            settingsList(login),
          true,
        ),
      );
    }
    const chosen = form.get('password') ?? '';
    const result = await setOwn(token, client, chosen, form.get('confirm') ?? '');
    if (result.ok) {
      const login = result.value;
      await deps
        .notify(login.requester, ownerSetPasswordReply(login.address))
        .catch((error: unknown) =>
          log.warn({ err: { message: (error as Error).message } }, 'requester not told of the new password'),
        );
      return send(
        res,
        200,
        layout(
          'Password set',
          `<h1>Your password is set</h1><p><strong>${escapeHtml(login.address)}</strong> works with it now. ` +
            `Set up your mail app with:</p>${settingsList(login)}`,
        ),
      );
    }
    if (result.error.code === 'LINK_GONE' || result.error.code === 'LINK_TRIES') return sendError(res, result.error);
    // Refused: the same form again with the rule it broke; the password is never sent back.
    const opened = await links.open(token, client);
    if (!opened.ok) return sendError(res, opened.error);
    const problem = describeError(result.error);
    return sendForm(res, token, 422, 'Choose your mail password', (csrf) => setOwnPage(opened.value, csrf, problem));
  }

  async function setOwn(
    token: string,
    client: string,
    chosen: string,
    confirm: string,
  ): Promise<Result<OwnerLogin & { requester: LinkRequester }>> {
    if (chosen !== confirm)
      return { ok: false, error: { code: 'WEAK_PASSWORD', reasons: ['the two passwords differ'] } };
    return links.setOwn(token, client, new Secret(chosen));
  }

  function asset(req: IncomingMessage, res: ServerResponse, name: string) {
    const type = ASSET_TYPES[name.slice(name.lastIndexOf('.'))];
    const body = type ? assets.get(name) : undefined;
    if (!type || !body) {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
      return res.end('not found\n');
    }
    const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && assets.get(`${name}.gz`);
    res.writeHead(200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
      ...(gzipped ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : gzipped || body);
  }

  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (path.startsWith('/assets/') && isRead) {
      asset(req, res, path.slice('/assets/'.length));
      return true;
    }
    if (!path.startsWith('/s/')) return false;
    const token = path.slice(3);
    void links
      .housekeep()
      .catch((error: unknown) =>
        log.debug({ err: { message: (error as Error).message } }, 'link housekeeping skipped'),
      );
    if (isRead) await show(req, res, token);
    else if (req.method === 'POST') await use(req, res, token);
    else {
      res.writeHead(405, { allow: 'GET, HEAD, POST', 'content-type': 'text/plain' });
      res.end('method not allowed\n');
    }
    return true;
  };
}
