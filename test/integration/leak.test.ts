import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { runOneShot } from '../../src/adapters/console/console.adapter.ts';
import type { Reply } from '../../src/commands/reply.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';
import { Secret } from '../../src/service/secret.ts';
import { dumpTables, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeCore } from '../helpers/core.ts';
import { grantActor, makeHostingAccount, slackActor } from '../helpers/factories.ts';
import { scriptedIO } from '../helpers/io.ts';

let database: TestDatabase;
let core: ReturnType<typeof makeCore>;

beforeAll(async () => {
  database = await openTestDatabase();
  core = makeCore(database.db, { settings: { rateLimitPerMinute: 100 } });
  await makeHostingAccount(core.service, { username: 'acme', domains: ['acme.example'] });
});
afterAll(async () => database?.close());

describe('secrets stay secret (SPEC §4)', () => {
  it('every issued password occurs in its private reply only', async () => {
    const actor = slackActor({ workspaceId: 'T_LEAK', userId: 'U_LEAK', userName: 'lee' });
    await grantActor(core.service, actor, 'acme', 'admin');
    const privateReplies: Reply[] = [];
    const otherOutput: string[] = [];
    const run = async (text: string, chosen?: string) => {
      const reply = await core.dispatcher.run(actor, text, chosen ? { chosenPassword: new Secret(chosen) } : {});
      if (reply.secret) privateReplies.push(reply);
      else otherOutput.push(renderReply(reply));
      otherOutput.push(JSON.stringify(reply)); // a reply serialized anywhere (queue, log) shows no secret
      return reply;
    };
    for (const name of ['ann', 'ben', 'cat']) await run(`add ${name}`);
    for (const name of ['ann', 'ben']) await run(`passwd ${name}`);
    const chosen = 'violet-kettle-marsh-harbor';
    await run('passwd cat --own', chosen);
    await run('passwd cat --own', 'password123'); // refused: its text must not appear either
    for (const text of ['list', 'info ann', 'audit', 'audit ann', 'plan', 'show ann', 'delete ben', 'add ann'])
      await run(text);

    // Console one-shot: stdout is the private channel, stderr must stay clean.
    const s = scriptedIO();
    expect(await runOneShot(core.dispatcher, s.io, ['add', 'dan'])).toBe(0);
    const consolePassword = /Password:\s+(\S+)/.exec(s.stdout())![1]!;
    otherOutput.push(s.stderr());
    const t = scriptedIO(['weak']);
    await runOneShot(core.dispatcher, t.io, ['passwd', 'dan', '--own']);
    otherOutput.push(t.stderr(), t.stdout());

    const issued = [...privateReplies.map((r) => r.secret!.password!.reveal()), consolePassword, chosen];
    expect(issued).toHaveLength(7);
    const everythingElse = [
      otherOutput.join('\n'),
      core.logs.join(''),
      await dumpTables(database.db, { bookkeeping: true }),
    ].join('\n');
    expect(core.logs.length).toBeGreaterThan(5);
    for (const password of [...issued, 'password123', 'weak']) expect(everythingElse).not.toContain(password);
    // ...and each generated one is in exactly one private reply.
    for (const reply of privateReplies) {
      const password = reply.secret!.password!.reveal();
      expect(privateReplies.filter((r) => renderReply(r).includes(password))).toHaveLength(1);
    }
    // The database holds hashes only.
    const hashes = await database.db.selectFrom('mailboxes').select('password_hash').execute();
    for (const { password_hash } of hashes)
      expect(password_hash).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=\d+,t=\d+,p=1\$/);
  });

  it('the console actor is audited without a secret in its audit entry', async () => {
    const reply = await core.dispatcher.run(CONSOLE_ACTOR, 'add eve');
    const password = reply.secret!.password!.reveal();
    const audit = await database.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('target', '=', 'eve@acme.example')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(password);
  });
});
