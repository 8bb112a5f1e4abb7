import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import { createArgon2Hasher } from '../../src/service/passwords.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { makeHostingAccount } from '../helpers/factories.ts';

const hasDoveadm = spawnSync('doveadm', ['pw', '-l'], { stdio: 'ignore' }).status === 0;
/** CI installs dovecot-core; a developer machine without it skips this file, saying so. */
const requireDovecot = process.env.CI === 'true';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { hasher: createArgon2Hasher({ memoryKiB: 19456, time: 2 }) }); // production parameters
  await makeHostingAccount(core.service, { username: 'dove', domains: ['dove.example'] });
});
afterAll(async () => database?.close());

describe('Dovecot reads the stored hash (SPEC §5)', () => {
  it.runIf(requireDovecot)('doveadm is installed in CI', () => {
    expect(hasDoveadm).toBe(true);
  });

  it.skipIf(!hasDoveadm)('doveadm pw -t accepts the delivered password and refuses a wrong one', async () => {
    const reply = await core.dispatcher.run(CONSOLE_ACTOR, 'add scott 10MB');
    const password = reply.secret!.password!.reveal();
    const { password_hash: hash } = await database.db
      .selectFrom('mailboxes')
      .select('password_hash')
      .where('name', '=', 'scott')
      .executeTakeFirstOrThrow();
    expect(hash).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(execFileSync('doveadm', ['pw', '-t', hash, '-p', password], { encoding: 'utf8' })).toContain('(verified)');
    const wrong = spawnSync('doveadm', ['pw', '-t', hash, '-p', `${password}x`], { encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('Password mismatch');
  });
});
