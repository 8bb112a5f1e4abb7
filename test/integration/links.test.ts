import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR, type Access } from '../../src/service/context.ts';
import { seal, tokenHash, unseal } from '../../src/service/link.service.ts';
import { Secret } from '../../src/service/secret.ts';
import { makeCore } from '../helpers/core.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeHostingAccount } from '../helpers/factories.ts';

let database: TestDatabase;
let now = new Date('2026-11-27T10:00:00Z');
let core: ReturnType<typeof makeCore>;
let access: Access;
let hostingAccountId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { clock: { now: () => now } });
  await makeHostingAccount(core.service, { username: 'links', domains: ['links.example'] });
  const resolved = await core.service.access.resolveAccess(CONSOLE_ACTOR, 'add', 'r-links');
  if (!resolved.ok) throw new Error('access');
  access = resolved.value;
  const row = await database.db
    .selectFrom('hosting_accounts')
    .select('id')
    .where('username', '=', 'links')
    .executeTakeFirstOrThrow();
  hostingAccountId = row.id;
});
afterAll(async () => database?.close());

describe('one-time links: storage (SPEC §10)', () => {
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

  it('a reveal link: looking never burns it; using it gives the password once; the database holds neither', async () => {
    const password = 'kx7p-m3qa-b2c4-d5e6-f7g8';
    const { token, expiresAt } = await core.service.links.create(access, {
      kind: 'reveal',
      address: 'scott@links.example',
      hostingAccountId,
      password: new Secret(password),
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.toISOString()).toBe('2026-11-28T10:00:00.000Z');
    const dump = await dumpTables(database.db, { bookkeeping: true });
    for (const secret of [token, password, tokenHash(token).toString('hex')]) expect(dump).not.toContain(secret);
    expect(core.logs.join('\n')).not.toContain(token);

    expect(await core.service.links.peek(token)).toEqual({ kind: 'reveal', address: 'scott@links.example' });
    expect(await core.service.links.peek(token)).toEqual({ kind: 'reveal', address: 'scott@links.example' });
    const revealed = await core.service.links.reveal(token);
    expect(revealed?.address).toBe('scott@links.example');
    expect(revealed?.password.reveal()).toBe(password);
    expect(await core.service.links.reveal(token)).toBeNull();
    expect(await core.service.links.peek(token)).toBeNull();
    const audit = await database.db
      .selectFrom('audit_entries')
      .select(['command', 'target', 'detail'])
      .where('command', '=', 'link')
      .execute();
    expect(audit).toEqual([
      {
        command: 'link',
        target: 'scott@links.example',
        detail: 'reveal link created, valid until 2026-11-28T10:00 UTC',
      },
    ]);
  });

  it('wrong and expired tokens are alike: nothing; expired links are removed', async () => {
    const { token } = await core.service.links.create(
      access,
      {
        kind: 'reveal',
        address: 'ann@links.example',
        hostingAccountId,
        password: new Secret('abcd-efgh-jkmn-pqrs-tuvw'),
      },
      60,
    );
    expect(await core.service.links.peek(`${token.slice(0, -1)}x`)).toBeNull();
    expect(await core.service.links.reveal('not-a-token')).toBeNull();
    now = new Date(now.getTime() + 61_000);
    expect(await core.service.links.peek(token)).toBeNull();
    expect(await core.service.links.reveal(token)).toBeNull();
    expect(await core.service.links.housekeep()).toBe(1);
    expect(await database.db.selectFrom('one_time_links').select('id').execute()).toEqual([]);
  });
});
