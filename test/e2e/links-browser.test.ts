import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpHandler } from '../../src/adapters/http/http.server.ts';
import { createLinkPages } from '../../src/adapters/http/link.pages.ts';
import { createSlackAdapter } from '../../src/adapters/slack/slack.adapter.ts';
import { Secret } from '../../src/service/secret.ts';
import { fastHasher, makeCore } from '../helpers/core.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';
import { startFakeSlack } from '../helpers/fake-slack.ts';
import { passwordOf, slackRequests } from '../helpers/slack-requests.ts';

/** Debian's Chromium, driven by Playwright: the pages are tested in a real browser (SPEC §10). */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const SECRET = 'links-signing-secret';
const ADMIN = slackActor({ workspaceId: 'T_LINKS', userId: 'U_LINKADMIN', userName: 'ada' });
/** Screenshots for a person to look at: test-results/ (ignored by git). */
const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'link-pages');

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;
let fake: Awaited<ReturnType<typeof startFakeSlack>>;
let server: Server;
let base = '';
let browser: Browser;
/** Added to the service's clock: links expire without waiting a day. */
let clockOffsetMs = 0;
let clientSeq = 0;
const requests = slackRequests({ base: () => base, fake: () => fake, secret: SECRET });

/**
 * Each test is its own client address (popbot trusts X-Forwarded-For here, as behind a proxy on the
 * same host): one test's misses never rate-limit another's.
 */
const newClient = () => `10.11.0.${++clientSeq}`;

async function newPage(options: { javaScript?: boolean; client?: string } = {}) {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 360, height: 740 },
    javaScriptEnabled: options.javaScript ?? true,
    extraHTTPHeaders: { 'x-forwarded-for': options.client ?? newClient() },
  });
  return context.newPage();
}

/** The one-time link in a Slack reply: the URL button, and the same URL in the text. */
function linkOf(reply: { blocks: unknown[] }): string {
  const blocks = reply.blocks as { accessory?: { url?: string; action_id?: string }; text?: { text?: string } }[];
  const block = blocks.find((b) => b.accessory?.action_id === 'popbot_link');
  const url = block?.accessory?.url ?? '';
  expect(url).toMatch(new RegExp(`^${base}/s/[A-Za-z0-9_-]{43}$`));
  expect(block?.text?.text).toContain(url);
  return url;
}

async function storedHash(name: string): Promise<string> {
  const row = await database.db
    .selectFrom('mailboxes')
    .select('password_hash')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.password_hash;
}

/** No horizontal scrolling at 360 px: the page is as wide as the viewport. */
async function expectFitsPhone(page: Page, shot: string) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.client).toBe(360);
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
}

/** Uses a link as a browser without script would: the page, then its form posted with the page's token. */
async function useLink(url: string, fields: Record<string, string>): Promise<string> {
  const client = newClient();
  const page = await fetch(url, { headers: { 'x-forwarded-for': client } });
  const cookie = /popbot_form=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const used = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': client,
      cookie: `popbot_form=${cookie}`,
    },
    body: new URLSearchParams({ form: cookie, ...fields }).toString(),
  });
  expect(used.status).toBe(200);
  return used.text();
}

describe('link pages in Chromium', () => {
  it.runIf(process.env.CI === 'true')('are tested in CI', () => {
    expect(available, 'CI must run the browser suite: install Debian chromium').toBe(true);
  });
});

describe.skipIf(!available)('one-time links in a real browser (SPEC §10)', () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    const handlers: HttpHandler[] = [];
    server = createHttpServer({ isHealthy: async () => true, maxConnections: 512, handlers });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    core = makeCore(database.db, {
      clock: { now: () => new Date(Date.now() + clockOffsetMs) },
      settings: { rateLimitPerMinute: 1000, publicUrl: base },
    });
    await makeHostingAccount(core.service, { username: 'linkco', domains: ['linkco.example'], maxPopAccounts: 50 });
    await grantActor(core.service, ADMIN, 'linkco', 'admin');
    fake = await startFakeSlack();
    const slack = await createSlackAdapter({
      dispatcher: core.dispatcher,
      logger: core.logger,
      settings: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: `${fake.url}/api` },
    });
    const pages = createLinkPages({
      links: core.service.links,
      logger: core.logger,
      publicUrl: base,
      trustProxy: true,
      assetsDir: join(import.meta.dirname, '..', '..', 'dist', 'web'),
      notify: (requester, reply) => slack.notify(requester.userId, reply),
    });
    handlers.push(slack.httpHandler, pages);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await fake?.close();
    await database?.close();
  });

  it('reveal: add on Slack → its link; previews never burn it; Reveal shows the password once', async () => {
    const { reply, all } = await requests.command('add scott 10MB', ADMIN);
    const url = linkOf(reply);
    const password = passwordOf(reply);
    expect(all).toContain('One-time link for the owner');
    // Slack tells the app of a link-button click too: acknowledged, nothing else.
    const click = await requests.post(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          team: { id: ADMIN.workspaceId },
          user: { id: ADMIN.userId, username: ADMIN.userName, team_id: ADMIN.workspaceId },
          api_app_id: 'A_POP',
          token: 'legacy',
          trigger_id: 'trigger-link-button',
          response_url: fake.responseUrl('link-button'),
          actions: [{ type: 'button', action_id: 'popbot_link', block_id: 'b', url, action_ts: '1.1' }],
        }),
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(click.status).toBe(200);

    for (const agent of [
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'Mozilla/5.0 (compatible; Discordbot/2.0)',
    ]) {
      const preview = await fetch(url, { headers: { 'user-agent': agent, 'x-forwarded-for': newClient() } });
      expect(preview.status).toBe(200);
      expect(await preview.text()).toContain('Reveal password');
    }

    const page = await newPage();
    await page.goto(url);
    await expect.poll(() => page.title()).toContain('Your mail password');
    await expectFitsPhone(page, 'reveal-1-before');
    // By keyboard: the button is the first thing Tab reaches, and Enter presses it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Reveal password');
    await page.keyboard.press('Enter');
    await page.locator('#secret').waitFor();
    const shown = (await page.locator('#secret').textContent()) ?? '';
    expect(shown).toBe(password);
    expect(await fastHasher.verify(await storedHash('scott'), new Secret(shown))).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Copy password' }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('dl').textContent()).toContain('pop.example.net');
    await expectFitsPhone(page, 'reveal-2-shown');

    await page.goto(url);
    expect(await page.locator('h1').textContent()).toBe('This link is no longer available');
    await expectFitsPhone(page, 'gone');
    await page.context().close();
  });

  it('set-your-own: passwd --link; weak refused on the page and by the server; strong accepted; requester told', async () => {
    await requests.command('add nora', ADMIN);
    const first = passwordOf((await requests.command('passwd nora', ADMIN)).reply);
    const { reply, all } = await requests.command('passwd nora --link', ADMIN);
    expect(all).toContain('Nothing changed yet');
    expect(passwordOf(reply)).toBe('');
    const url = linkOf(reply);
    const verifies = async (password: string) => fastHasher.verify(await storedHash('nora'), new Secret(password));
    expect(await verifies(first)).toBe(true);

    // With the script: the page says why while typing, and does not send a weak password.
    const page = await newPage();
    await page.goto(url);
    await page.getByLabel('New password').fill('password123');
    await page.getByLabel('Type it again').fill('password123');
    await expect.poll(() => page.locator('#check').textContent()).toContain('too easy to guess');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.locator('#check').getAttribute('role')).toBe('alert');
    expect(await page.locator('h1').textContent()).toBe('Choose your mail password');
    await page.getByLabel('New password').fill('noraxlinkco1');
    await expect.poll(() => page.locator('#check').textContent()).toContain('must not contain the account name');
    await expectFitsPhone(page, 'set-own-1-weak');
    expect(await verifies(first)).toBe(true);

    // Without the script: the server refuses it, says which rule, and never sends the password back.
    const noScript = await newPage({ javaScript: false });
    await noScript.goto(url);
    await noScript.getByLabel('New password').fill('sunshine2024');
    await noScript.getByLabel('Type it again').fill('sunshine2024');
    const refused = noScript.waitForResponse((r) => r.request().method() === 'POST');
    await noScript.getByRole('button', { name: 'Set password' }).click();
    expect((await refused).status()).toBe(422);
    expect(await noScript.locator('#problem').textContent()).toContain('too easy to guess');
    expect(await noScript.content()).not.toContain('sunshine2024');
    await expectFitsPhone(noScript, 'set-own-2-refused-by-server');
    await noScript.getByLabel('New password').fill('orbit-lantern-Quiet-7');
    await noScript.getByLabel('Type it again').fill('orbit-lantern-Quiet-8');
    await noScript.getByRole('button', { name: 'Set password' }).click();
    expect(await noScript.locator('#problem').textContent()).toContain('the two passwords differ');
    await noScript.context().close();
    expect(await verifies(first)).toBe(true);

    const strong = 'orbit lantern quietly 47 mosses';
    await page.getByLabel('New password').fill(strong);
    await page.getByLabel('Type it again').fill(strong);
    await expect.poll(() => page.locator('#check').textContent()).toBe('Strong enough.');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your password is set');
    await expectFitsPhone(page, 'set-own-3-done');
    expect(await verifies(strong)).toBe(true);
    expect(await verifies(first)).toBe(false);
    await page.context().close();

    // Told by a direct message from the app (Slack's Web API posts form-encoded).
    const messages = () =>
      fake.apiCalls('chat.postMessage').map((c) => Object.fromEntries(new URLSearchParams(c.body)));
    await expect.poll(() => messages().find((m) => m.text?.includes('the owner has set a password'))).toBeTruthy();
    const told = messages().find((m) => m.text?.includes('the owner has set a password'));
    expect(told?.channel).toBe(ADMIN.userId);
    expect(told?.text).toContain('nora@linkco.example');
  });

  it('add --link: no usable password until the owner sets one', async () => {
    const { reply, all } = await requests.command('add pia 5MB --link', ADMIN);
    expect(passwordOf(reply)).toBe('');
    expect(all).toContain('It has no password yet');
    const info = await requests.command('info pia', ADMIN);
    expect(info.all).toContain('waiting for its owner');
    const page = await newPage();
    await page.goto(linkOf(reply));
    const strong = 'tundra velvet compass 93 ferns';
    await page.getByLabel('New password').fill(strong);
    await page.getByLabel('Type it again').fill(strong);
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your password is set');
    expect(await fastHasher.verify(await storedHash('pia'), new Secret(strong))).toBe(true);
    await page.context().close();
  });

  it('headers: strict CSP, no referrer, no cache, no index, no framing; forms need their page token', async () => {
    const { reply } = await requests.command('add otto', ADMIN);
    const url = linkOf(reply);
    const client = newClient();
    const response = await fetch(url, { headers: { 'x-forwarded-for': client } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-robots-tag')).toContain('noindex');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).not.toMatch(/(src|href)="https?:/);

    // No page token, a wrong one, or a foreign origin: refused, and the link still works.
    const form = (extra: Record<string, string>) => new URLSearchParams({ action: 'reveal', ...extra }).toString();
    const cookie = /popbot_form=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const attempts: { body: string; headers: Record<string, string> }[] = [
      { body: form({}), headers: {} },
      { body: form({ form: 'wrong' }), headers: { cookie: `popbot_form=${cookie}` } },
      { body: form({ form: cookie }), headers: { cookie: `popbot_form=${cookie}`, origin: 'https://evil.example' } },
    ];
    for (const attempt of attempts) {
      const refused = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client, ...attempt.headers },
        body: attempt.body,
      });
      expect(refused.status).toBe(403);
    }
    const page = await newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Reveal password' }).click();
    expect(await page.locator('#secret').textContent()).toBe(passwordOf(reply));
    await page.context().close();
  });

  it('expired and guessed tokens get the same page; misses are rate-limited per client', async () => {
    const { reply } = await requests.command('add vera', ADMIN);
    const url = linkOf(reply);
    const client = newClient();
    const get = (address: string) => fetch(address, { headers: { 'x-forwarded-for': client } });
    const guessed = await get(`${base}/s/${'x'.repeat(43)}`);
    const body = await guessed.text();
    expect(guessed.status).toBe(404);
    expect(body).toContain('This link is no longer available');
    clockOffsetMs = 25 * 3600 * 1000;
    const expired = await get(url);
    clockOffsetMs = 0;
    expect(expired.status).toBe(404);
    expect(await expired.text()).toBe(body);

    // 20 misses in 10 minutes; after that nothing is looked up for this client, a real link included.
    const live = linkOf((await requests.command('add vlad', ADMIN)).reply);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(`${base}/s/${String(i).padStart(43, 'g')}`)).status);
    expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(17);
    const limited = await get(live);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many tries');
    // Another client is not affected, and the link was never used.
    const other = await fetch(live, { headers: { 'x-forwarded-for': newClient() } });
    expect(other.status).toBe(200);
  });

  it('no table and no log line holds a token or a password', async () => {
    // Its own links, each used, so that the search does not depend on the tests before it.
    const revealed = await requests.command('add leak', ADMIN);
    await useLink(linkOf(revealed.reply), { action: 'reveal' });
    const chosen = 'granite willow lantern 58 orbit';
    const linked = await requests.command('passwd leak --link', ADMIN);
    await useLink(linkOf(linked.reply), { action: 'set', password: chosen, confirm: chosen });
    const dump = await dumpTables(database.db, { bookkeeping: true });
    const logs = core.logs.join('\n');
    const replies = fake.received.filter((r) => r.path.startsWith('/response/')).map((r) => r.body);
    const secrets = replies.flatMap((body) => [
      ...(body.match(/\/s\/([A-Za-z0-9_-]{43})/g) ?? []).map((m) => m.slice(3)),
      ...(body.match(/[a-z2-9]{4}(-[a-z2-9]{4}){4}/g) ?? []),
    ]);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of [...secrets, chosen, 'orbit lantern quietly 47 mosses', 'tundra velvet compass 93 ferns']) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const audit = await database.db.selectFrom('audit_entries').select(['command', 'detail']).execute();
    const details = audit.map((a) => `${a.command}: ${a.detail}`).join('\n');
    expect(details).toContain('link: one-time link created');
    expect(details).toContain('link: password revealed through the one-time link');
    expect(details).toContain('passwd: password chosen by the owner through a set-your-own-password link');
    for (const secret of secrets) expect(details).not.toContain(secret);
  });
});
