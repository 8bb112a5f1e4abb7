import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR, type Access } from '../../src/service/context.ts';
import { seal, tokenHash, unseal } from '../../src/service/link.service.ts';
import type { LoginDetails } from '../../src/service/index.ts';
import { Secret } from '../../src/service/secret.ts';
import { fastHasher, makeCore } from '../helpers/core.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeHostingAccount } from '../helpers/factories.ts';

const PUBLIC_URL = 'https://pop.links.example';
let database: TestDatabase;
let now = new Date('2026-11-27T10:00:00Z');
let core: ReturnType<typeof makeCore>;
let access: Access;
let seq = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, {
    clock: { now: () => now },
    settings: { publicUrl: PUBLIC_URL, rateLimitPerMinute: 1000 },
  });
  await makeHostingAccount(core.service, { username: 'links', domains: ['links.example'], maxPopAccounts: 50 });
  const resolved = await core.service.access.resolveAccess(CONSOLE_ACTOR, 'add', 'r-links');
  if (!resolved.ok) throw new Error('access');
  access = resolved.value;
});
afterAll(async () => database?.close());

/** The token inside a link's URL. */
const tokenOf = (details: { link?: LoginDetails['link'] }) => details.link?.url.reveal().split('/s/')[1] ?? '';
/** Every test its own client address: misses in one never rate-limit another. */
const newClient = () => `192.0.2.${++seq}`;

async function add(name: string, options: { link?: boolean } = {}) {
  const result = await core.service.mailboxes.add({ ...access, requestId: `r-${name}-${++seq}` }, { name, ...options });
  if (!result.ok) throw new Error(result.error.code);
  return result.value;
}

async function hashOf(name: string) {
  const row = await database.db
    .selectFrom('mailboxes')
    .select(['password_hash', 'password_pending'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row;
}

const verifies = async (name: string, password: string) =>
  fastHasher.verify((await hashOf(name)).password_hash, new Secret(password));

describe('one-time links (SPEC §10)', () => {
  it('seals with a key from the token: another token cannot open it, nor can an altered box', () => {
    const token = 'A'.repeat(43);
    const sealed = seal(token, 'kx7p-m3qa-b2c4-d5e6-f7g8');
    expect(sealed.toString('latin1')).not.toContain('kx7p');
    expect(unseal(token, sealed)).toBe('kx7p-m3qa-b2c4-d5e6-f7g8');
    expect(unseal('B'.repeat(43), sealed)).toBeNull();
    const altered = Buffer.from(sealed);
    altered[30] = (altered[30] ?? 0) ^ 1;
    expect(unseal(token, altered)).toBeNull();
    expect(tokenHash(token)).toHaveLength(32);
  });

  it('add: a reveal link with the password; looking never burns it; using it does, once', async () => {
    const created = await add('scott');
    const token = tokenOf(created);
    const password = created.password?.reveal() ?? '';
    expect(created.link?.url.reveal()).toBe(`${PUBLIC_URL}/s/${token}`);
    expect(created.link?.expiresAt.toISOString()).toBe('2026-11-28T10:00:00.000Z');
    const dump = await dumpTables(database.db, { bookkeeping: true });
    for (const secret of [token, password, tokenHash(token).toString('hex')]) expect(dump).not.toContain(secret);
    expect(core.logs.join('\n')).not.toContain(token);

    const client = newClient();
    const opened = await core.service.links.open(token, client);
    expect(opened.ok && opened.value).toMatchObject({ kind: 'reveal', address: 'scott@links.example' });
    expect((await core.service.links.open(token, client)).ok).toBe(true);
    const revealed = await core.service.links.reveal(token, client);
    expect(revealed.ok && revealed.value.password.reveal()).toBe(password);
    expect(revealed.ok && revealed.value.logins).toEqual(['scott@links.example', 'scott+links.example']);
    expect(await core.service.links.reveal(token, client)).toEqual({ ok: false, error: { code: 'LINK_GONE' } });
    expect(await core.service.links.open(token, client)).toEqual({ ok: false, error: { code: 'LINK_GONE' } });
  });

  it('a new password replaces the account earlier links; an undelivered one takes its link back', async () => {
    const created = await add('rita');
    const first = tokenOf(created);
    const changed = await core.service.mailboxes.setPassword(access, { name: 'rita' });
    if (!changed.ok) throw new Error(changed.error.code);
    const client = newClient();
    expect((await core.service.links.open(first, client)).ok).toBe(false);
    const second = tokenOf(changed.value);
    expect((await core.service.links.open(second, client)).ok).toBe(true);
    expect(await core.service.mailboxes.withdraw(changed.value.issued)).toBe(true);
    expect((await core.service.links.open(second, client)).ok).toBe(false);
    expect(await verifies('rita', created.password?.reveal() ?? '')).toBe(true);
  });

  it('passwd --link changes nothing until the owner sets a password; weak ones leave the link usable', async () => {
    const created = await add('nora');
    const old = created.password?.reveal() ?? '';
    const linked = await core.service.mailboxes.setPassword(access, { name: 'nora', link: true });
    if (!linked.ok) throw new Error(linked.error.code);
    expect(linked.value.password).toBeUndefined();
    expect(linked.value.link?.kind).toBe('set-own');
    const token = tokenOf(linked.value);
    expect(await verifies('nora', old)).toBe(true);

    const client = newClient();
    for (const [weak, rule] of [
      ['short', 'at least 10 characters'],
      ['nora-and-friends', 'account name'],
      ['password123', 'too easy to guess'],
    ] as const) {
      const refused = await core.service.links.setOwn(token, client, new Secret(weak));
      expect(refused.ok).toBe(false);
      expect(JSON.stringify(refused)).toContain(rule);
      expect(JSON.stringify(refused)).not.toContain(weak === 'short' ? 'short,' : weak);
    }
    expect(await verifies('nora', old)).toBe(true);
    const strong = 'orbit lantern quietly 47 mosses';
    const set = await core.service.links.setOwn(token, client, new Secret(strong));
    expect(set.ok && set.value.requester).toMatchObject({ platform: 'console', userId: 'console' });
    expect(await verifies('nora', strong)).toBe(true);
    expect(await verifies('nora', old)).toBe(false);
    expect((await core.service.links.setOwn(token, client, new Secret(strong))).ok).toBe(false);
    const audit = await database.db
      .selectFrom('audit_entries')
      .select(['command', 'actor_name', 'detail'])
      .where('target', '=', 'nora@links.example')
      .orderBy('id')
      .execute();
    expect(audit.at(-1)).toEqual({
      command: 'passwd',
      actor_name: 'owner (one-time link)',
      detail: 'password chosen by the owner through a set-your-own-password link',
    });
  });

  it('add --link: the account has no password anyone knows until its owner sets one', async () => {
    const created = await add('pia', { link: true });
    expect(created.password).toBeUndefined();
    expect((await hashOf('pia')).password_pending).toBe(true);
    const info = await core.service.mailboxes.info(access, { name: 'pia' });
    expect(info.ok && info.value.passwordPending).toBe(true);
    const strong = 'tundra velvet compass 93 ferns';
    expect((await core.service.links.setOwn(tokenOf(created), newClient(), new Secret(strong))).ok).toBe(true);
    expect(await verifies('pia', strong)).toBe(true);
    expect((await hashOf('pia')).password_pending).toBe(false);
  });

  it('an undelivered add --link removes the account again; an undelivered passwd --link only its link', async () => {
    const created = await add('lost', { link: true });
    expect(await core.service.mailboxes.withdraw(created.issued)).toBe(true);
    expect(await database.db.selectFrom('mailboxes').where('name', '=', 'lost').select('id').execute()).toEqual([]);
    const kept = await add('kept');
    const linked = await core.service.mailboxes.setPassword(access, { name: 'kept', link: true });
    if (!linked.ok) throw new Error(linked.error.code);
    expect(await core.service.mailboxes.withdraw(linked.value.issued)).toBe(true);
    expect((await core.service.links.open(tokenOf(linked.value), newClient())).ok).toBe(false);
    expect(await verifies('kept', kept.password?.reveal() ?? '')).toBe(true);
  });

  it('deleting the account takes its links with it', async () => {
    const created = await add('gone');
    expect((await core.service.mailboxes.remove(access, { name: 'gone' })).ok).toBe(true);
    expect(await core.service.links.reveal(tokenOf(created), newClient())).toEqual({
      ok: false,
      error: { code: 'LINK_GONE' },
    });
  });

  it('expired links are like wrong ones, then removed and audited as expired', async () => {
    const created = await add('ann');
    const token = tokenOf(created);
    const client = newClient();
    expect((await core.service.links.open(`${token.slice(0, -1)}x`, client)).ok).toBe(false);
    expect((await core.service.links.open('not-a-token', client)).ok).toBe(false);
    now = new Date(now.getTime() + 24 * 3600 * 1000 + 1000);
    expect(await core.service.links.open(token, client)).toEqual({ ok: false, error: { code: 'LINK_GONE' } });
    expect(await core.service.links.housekeep(true)).toBeGreaterThanOrEqual(1);
    expect(await database.db.selectFrom('one_time_links').select('id').execute()).toEqual([]);
    const expired = await database.db
      .selectFrom('audit_entries')
      .select('detail')
      .where('target', '=', 'ann@links.example')
      .where('detail', 'like', '%expired unused')
      .execute();
    expect(expired).toEqual([{ detail: 'one-time link expired unused' }]);
  });

  it('a client gets 20 misses and password tries in 10 minutes; then nothing is looked up for it', async () => {
    const created = await add('vlad');
    const client = newClient();
    const codes: string[] = [];
    for (let i = 0; i < 21; i++) {
      const missed = await core.service.links.open(String(i).padStart(43, 'g'), client);
      codes.push(missed.ok ? 'ok' : missed.error.code);
    }
    expect(codes.slice(0, 19).every((c) => c === 'LINK_GONE')).toBe(true);
    expect(codes.at(-1)).toBe('LINK_TRIES');
    const limited = await core.service.links.reveal(tokenOf(created), client);
    expect(!limited.ok && limited.error.code).toBe('LINK_TRIES');
    // Still refused once the window turns: the last window's tries count too.
    now = new Date(now.getTime() + 10 * 60 * 1000);
    expect((await core.service.links.open(tokenOf(created), client)).ok).toBe(false);
    now = new Date(now.getTime() + 10 * 60 * 1000);
    expect((await core.service.links.open(tokenOf(created), client)).ok).toBe(true);
    expect((await core.service.links.open(tokenOf(created), newClient())).ok).toBe(true);
  });

  it('without PUBLIC_URL: no links, and --link says what is missing', async () => {
    const plain = makeCore(database.db, { clock: { now: () => now }, settings: { rateLimitPerMinute: 1000 } });
    const created = await plain.service.mailboxes.add(access, { name: 'nolink' });
    expect(created.ok && created.value.link).toBeUndefined();
    const refused = await plain.service.mailboxes.add(access, { name: 'nolink2', link: true });
    expect(refused).toEqual({ ok: false, error: { code: 'LINKS_NOT_CONFIGURED' } });
    expect(await database.db.selectFrom('mailboxes').where('name', '=', 'nolink2').select('id').execute()).toEqual([]);
  });
});
