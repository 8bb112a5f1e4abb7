import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import type { Hasher } from '../../src/service/passwords.ts';
import { Secret } from '../../src/service/secret.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { fastHasher, makeCore } from '../helpers/core.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';

/** A hasher that waits, once armed, until the test lets it go: it widens the window a race needs. */
function gatedHasher() {
  let gate: { entered: () => void; release: Promise<void> } | null = null;
  const hasher: Hasher = {
    params: fastHasher.params,
    verify: (stored, password) => fastHasher.verify(stored, password),
    async hash(password) {
      const current = gate;
      gate = null;
      if (current) {
        current.entered();
        await current.release;
      }
      return fastHasher.hash(password);
    },
  };
  /** Arms the gate: resolves `entered` when the next hash starts; that hash goes on when `release()` is called. */
  function arm() {
    let release!: () => void;
    let entered!: () => void;
    const started = new Promise<void>((r) => (entered = r));
    gate = { entered, release: new Promise<void>((r) => (release = r)) };
    return { started, release };
  }
  return { hasher, arm };
}

let database: TestDatabase;
let gated: ReturnType<typeof gatedHasher>;
let core: ReturnType<typeof makeCore>;
const OPERATOR = slackActor({ workspaceId: 'T_ONCE', userId: 'U_OP', userName: 'opal' });

beforeAll(async () => {
  database = await openTestDatabase();
  gated = gatedHasher();
  core = makeCore(database.db, { hasher: gated.hasher });
  await makeHostingAccount(core.service, { username: 'once', domains: ['once.example'], maxPopAccounts: 50 });
  await makeHostingAccount(core.service, { username: 'elsewhere', domains: ['elsewhere.example'] });
  await grantActor(core.service, OPERATOR, 'once', 'operator');
});
afterAll(async () => database?.close());

const auditOf = (target: string) =>
  database.db
    .selectFrom('audit_entries')
    .select(['command', 'outcome'])
    .where('target', '=', target)
    .orderBy('id')
    .execute();

describe('a change that finds its target gone reports that and audits nothing as done (SPEC §3, §12)', () => {
  it('point 2: passwd racing a delete (the delete lands during the hash) answers "not found", audits no ok', async () => {
    await core.dispatcher.run(CONSOLE_ACTOR, 'add racer@once.example');
    const { started, release } = gated.arm();
    const passwd = core.dispatcher.run(CONSOLE_ACTOR, 'passwd racer@once.example');
    await started;
    expect((await core.dispatcher.run(CONSOLE_ACTOR, 'delete racer@once.example --yes')).title).toBe(
      'Deleted racer@once.example',
    );
    release();
    const reply = await passwd;
    expect(reply.errorCode).toBe('ACCOUNT_NOT_FOUND');
    expect(reply.secret).toBeUndefined();
    expect(await auditOf('racer@once.example')).toEqual([
      { command: 'add', outcome: 'ok' },
      { command: 'delete', outcome: 'ok' },
    ]);
  });

  it('point 2: passwd racing a delete and a new account of the same name leaves the new one alone', async () => {
    await core.dispatcher.run(CONSOLE_ACTOR, 'add reborn@once.example');
    const { started, release } = gated.arm();
    const passwd = core.dispatcher.run(CONSOLE_ACTOR, 'passwd reborn@once.example');
    await started;
    await core.dispatcher.run(CONSOLE_ACTOR, 'delete reborn@once.example --yes');
    const again = await core.dispatcher.run(CONSOLE_ACTOR, 'add reborn@once.example');
    const hash = (
      await database.db
        .selectFrom('mailboxes')
        .select('password_hash')
        .where('name', '=', 'reborn')
        .executeTakeFirstOrThrow()
    ).password_hash;
    release();
    expect((await passwd).errorCode).toBe('ACCOUNT_NOT_FOUND');
    expect(
      (
        await database.db
          .selectFrom('mailboxes')
          .select('password_hash')
          .where('name', '=', 'reborn')
          .executeTakeFirstOrThrow()
      ).password_hash,
    ).toBe(hash);
    expect(await fastHasher.verify(hash, again.secret!.password!)).toBe(true);
  });

  it.runIf(onPostgres())('point 2: quota waiting on a delete\'s lock answers "not found", audits no ok', async () => {
    await core.dispatcher.run(CONSOLE_ACTOR, 'add quotarace@once.example');
    const other = await openDatabase({ databaseUrl: database.url!, poolSize: 1 });
    try {
      let quota: Promise<{ errorCode?: string }> | undefined;
      await other.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mailboxes').where('name', '=', 'quotarace').execute();
        quota = core.dispatcher.run(CONSOLE_ACTOR, 'quota quotarace@once.example 20MB');
        // The quota change reads the row (the delete is not committed yet) and then waits on its lock.
        await expect
          .poll(
            async () =>
              (
                await trx
                  .selectFrom('pg_stat_activity' as never)
                  .select('pid' as never)
                  .where('wait_event_type' as never, '=', 'Lock' as never)
                  .execute()
              ).length,
          )
          .toBeGreaterThan(0);
      });
      expect((await quota!).errorCode).toBe('ACCOUNT_NOT_FOUND');
      expect(await auditOf('quotarace@once.example')).toEqual([{ command: 'add', outcome: 'ok' }]);
    } finally {
      await other.close();
    }
  });
});

describe('a button is used once, whichever replica gets the click (SPEC §12)', () => {
  it.runIf(onPostgres())(
    'point 1: two processes using one Delete button at once delete once; the other says what happened',
    async () => {
      const replicas: Database[] = [
        await openDatabase({ databaseUrl: database.url!, poolSize: 2 }),
        await openDatabase({ databaseUrl: database.url!, poolSize: 2 }),
      ];
      try {
        const [a, b] = replicas.map((r) => makeCore(r.db));
        await a!.dispatcher.run(OPERATOR, 'help');
        await core.dispatcher.run(CONSOLE_ACTOR, 'add shared@once.example');
        const admin = slackActor({ workspaceId: 'T_ONCE', userId: 'U_ADM', userName: 'adele' });
        await grantActor(core.service, admin, 'once', 'admin');
        const asked = await a!.dispatcher.run(admin, 'delete shared@once.example');
        const pendingId = asked.actions!.find((x) => x.kind === 'confirm-delete')!.pendingId;
        const replies = await Promise.all([
          a!.dispatcher.runAction(admin, pendingId),
          b!.dispatcher.runAction(admin, pendingId),
        ]);
        const titles = replies.map((r) => r.title).sort();
        expect(titles).toEqual(['Already done', 'Deleted shared@once.example']);
        expect(replies.find((r) => r.title === 'Already done')!.lines!.join(' ')).toContain(
          'deleted shared@once.example by adele',
        );
        expect((await auditOf('shared@once.example')).filter((e) => e.command === 'delete')).toEqual([
          { command: 'delete', outcome: 'ok' },
        ]);
      } finally {
        for (const r of replicas) await r.close();
      }
    },
  );

  it("point 6: a forged or another workspace's pending id does nothing", async () => {
    await core.dispatcher.run(CONSOLE_ACTOR, 'add guarded@once.example');
    const asked = await core.dispatcher.run(CONSOLE_ACTOR, 'delete guarded@once.example');
    const pendingId = asked.actions!.find((x) => x.kind === 'confirm-delete')!.pendingId;
    for (const id of [pendingId.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), 'pop|run|delete guarded --yes', '']) {
      expect((await core.dispatcher.runAction(CONSOLE_ACTOR, id)).errorCode).toBe('ACTION_UNKNOWN');
    }
    expect((await core.dispatcher.runAction(OPERATOR, pendingId)).errorCode).toBe('ACTION_UNKNOWN');
    expect(await database.db.selectFrom('mailboxes').select('id').where('name', '=', 'guarded').execute()).toHaveLength(
      1,
    );
  });
});

describe('bounded cost and audit that cannot be flooded (SPEC §4, §6)', () => {
  it('point 4: every chosen-password attempt counts before any estimate: 25 refused in a row hit the limit', async () => {
    await core.dispatcher.run(CONSOLE_ACTOR, 'add choosy@once.example');
    // The limit counts per clock minute: a fixed clock keeps all 25 attempts in one, whenever the test runs.
    const oneMinute = makeCore(database.db, { clock: { now: () => new Date('2026-11-27T10:00:30Z') } });
    const codes: string[] = [];
    for (let i = 0; i < 25; i++) {
      const asked = await oneMinute.dispatcher.run(OPERATOR, 'passwd choosy --own');
      const own = asked.actions?.find((a) => a.kind === 'own-password');
      const reply = own
        ? await oneMinute.dispatcher.runAction(OPERATOR, own.pendingId, { chosenPassword: new Secret('password123') })
        : asked;
      codes.push(reply.errorCode ?? 'ok');
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('WEAK_PASSWORD'));
    expect(codes.slice(10)).toEqual(Array(15).fill('RATE_LIMITED'));
    const rejected = await database.db
      .selectFrom('audit_entries')
      .select(['count'])
      .where('actor_id', '=', 'U_OP')
      .where('outcome', '=', 'rejected')
      .execute();
    expect(rejected.reduce((n, r) => n + r.count, 0)).toBe(15);
    expect(rejected.length).toBeLessThanOrEqual(2);
  });

  it('point 4: a chosen password over 128 characters is refused before anything costly, without echoing it', async () => {
    const long = 'x'.repeat(129);
    const admin = slackActor({ workspaceId: 'T_ONCE', userId: 'U_LEN', userName: 'len' });
    await grantActor(core.service, admin, 'once', 'operator');
    const asked = await core.dispatcher.run(admin, 'passwd choosy --own');
    const reply = await core.dispatcher.runAction(admin, asked.actions![0]!.pendingId, {
      chosenPassword: new Secret(long),
    });
    expect(reply.errorCode).toBe('PASSWORD_TOO_LONG');
    expect(reply.lines!.join(' ')).toContain('at most 128 characters (it has 129)');
    expect(JSON.stringify(reply)).not.toContain(long);
  });

  it('point 6: a domain of another hosting account is refused like an unknown one, and audited as denied', async () => {
    const theirs = await core.dispatcher.run(OPERATOR, 'info someone@elsewhere.example');
    const nowhere = await core.dispatcher.run(OPERATOR, 'info someone@nowhere.example');
    expect(theirs.lines![0]!.replace('elsewhere', 'X')).toBe(nowhere.lines![0]!.replace('nowhere', 'X'));
    const denied = await database.db
      .selectFrom('audit_entries')
      .select(['detail', 'outcome'])
      .where('actor_id', '=', 'U_OP')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied).toEqual([{ detail: 'domain of another hosting account', outcome: 'denied' }]);
  });
});
