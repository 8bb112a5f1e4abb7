import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/commands/reply.ts';
import type { Hasher } from '../../src/service/passwords.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { fastHasher, makeCore } from '../helpers/core.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';

/** A hasher that holds every hash until the test opens it, counting how many are held at once. */
function heldHasher() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const state = { holding: 0, most: 0 };
  const hasher: Hasher = {
    params: fastHasher.params,
    verify: (stored, password) => fastHasher.verify(stored, password),
    async hash(password) {
      state.holding++;
      state.most = Math.max(state.most, state.holding);
      await opened;
      state.holding--;
      return fastHasher.hash(password);
    },
  };
  return { hasher, state, open };
}

const OPERATOR = slackActor({ workspaceId: 'T_QUEUE', userId: 'U_Q', userName: 'quinn' });
let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  const setup = makeCore(database.db);
  await makeHostingAccount(setup.service, { username: 'queue', domains: ['queue.example'], maxPopAccounts: 100 });
  await grantActor(setup.service, OPERATOR, 'queue', 'operator');
});
afterAll(async () => database?.close());

/** A delivery that records each reply it is given. */
function recorder() {
  const replies: Reply[] = [];
  return { replies, delivery: { reply: async (reply: Reply) => void replies.push(reply) } };
}

describe('work after an acknowledgement runs through a bounded queue (SPEC §8)', () => {
  it('runs at most 4 commands at once; the rest wait their turn and all finish', async () => {
    const held = heldHasher();
    const { dispatcher } = makeCore(database.db, { hasher: held.hasher, settings: { rateLimitPerMinute: 1000 } });
    const { replies, delivery } = recorder();
    const all = Array.from({ length: 12 }, (_, i) => dispatcher.handle(OPERATOR, `add burst${i}`, delivery));
    await expect.poll(() => held.state.holding).toBe(4);
    // Those 4 hold their slots: however long we wait, no fifth command starts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(held.state.holding).toBe(4);
    expect(replies).toEqual([]);
    held.open();
    await Promise.all(all);
    expect(held.state.most).toBe(4);
    expect(replies.map((r) => r.title).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Created burst${i}@queue.example`).sort(),
    );
  });

  it('a command waits while another request is still unacknowledged, and runs once it is', async () => {
    const { dispatcher } = makeCore(database.db, { workQueue: { ackPriorityMs: 60_000 } });
    const { replies, delivery } = recorder();
    const acknowledged = dispatcher.received();
    const handled = dispatcher.handle(OPERATOR, 'list', delivery);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replies).toEqual([]);
    acknowledged();
    await handled;
    expect(replies[0]?.title).toBe('Mailboxes of queue · queue.example');
  });

  it('beyond the waiting limit a command is answered "busy" at once and changes nothing', async () => {
    const held = heldHasher();
    const { dispatcher } = makeCore(database.db, {
      hasher: held.hasher,
      settings: { rateLimitPerMinute: 1000 },
      workQueue: { concurrency: 1, maxWaiting: 1 },
    });
    const { replies, delivery } = recorder();
    const first = dispatcher.handle(OPERATOR, 'add full1', delivery);
    await expect.poll(() => held.state.holding).toBe(1);
    const second = dispatcher.handle(OPERATOR, 'add full2', delivery);
    const third = await dispatcher.handle(OPERATOR, 'add full3', delivery);
    expect(third?.errorCode).toBe('BUSY');
    expect(replies.map((r) => r.errorCode)).toEqual(['BUSY']);
    held.open();
    await Promise.all([first, second]);
    const names = await database.db.selectFrom('mailboxes').select('name').where('name', 'like', 'full%').execute();
    expect(names.map((n) => n.name).sort()).toEqual(['full1', 'full2']);
  });
});
