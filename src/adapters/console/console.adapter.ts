import type { Dispatcher } from '../../commands/dispatch.ts';
import type { Reply } from '../../commands/reply.ts';
import { CONSOLE_ACTOR } from '../../service/context.ts';
import { Secret } from '../../service/secret.ts';
import { renderReply, replyAsJson } from './render.ts';
import { errorReply } from '../../commands/replies.ts';
import type { ConsoleIO } from './terminal.ts';

/**
 * Runs one console command and its follow-ups: typed confirmation for delete, hidden prompt for
 * "set my own password" (or one line of standard input with --password-stdin). Returns the final reply.
 */
export async function runConsoleCommand(dispatcher: Dispatcher, io: ConsoleIO, text: string): Promise<Reply> {
  const reply = await dispatcher.run(CONSOLE_ACTOR, text);
  const confirm = reply.actions?.find((a) => a.kind === 'confirm-delete');
  if (reply.tone === 'confirm' && confirm) {
    const typed = confirm.confirm?.typed ?? '';
    if (!io.interactive) return errorReply({ code: 'CONFIRMATION_REQUIRED', command: `pop delete ${typed}` });
    io.out(renderReply(reply));
    const answer = await io.readLine(`  Type ${typed} to delete it: `);
    if (answer?.trim().toLowerCase() !== typed) {
      await dispatcher.cancelAction(CONSOLE_ACTOR, confirm.pendingId);
      return { tone: 'info', title: 'Not deleted', lines: ['The confirmation did not match; nothing changed.'] };
    }
    return dispatcher.runAction(CONSOLE_ACTOR, confirm.pendingId);
  }
  const own = reply.actions?.find((a) => a.kind === 'own-password');
  if (reply.tone === 'confirm' && own) {
    // Without a terminal, the next line of a script is no password unless the script says so.
    if (!io.interactive && !own.fromStdin) return errorReply({ code: 'SECRET_NEEDS_TERMINAL' });
    if (io.interactive) io.out(renderReply(reply));
    const first = await io.readSecret(io.interactive ? '  New password: ' : '');
    if (first === null || first.length === 0)
      return {
        tone: 'error',
        title: 'Password not changed',
        lines: ['No password given; nothing changed.'],
        errorCode: 'NO_PASSWORD',
      };
    if (io.interactive) {
      const again = await io.readSecret('  Again: ');
      if (again !== first)
        return {
          tone: 'error',
          title: 'Password not changed',
          lines: ['The two entries differ; nothing changed.'],
          errorCode: 'MISMATCH',
        };
    }
    return dispatcher.runAction(CONSOLE_ACTOR, own.pendingId, { chosenPassword: new Secret(first) });
  }
  return reply;
}

/**
 * `popbot pop <words…> [--json]`: prints the reply (errors on stderr) and returns the exit code. With
 * `--json`, one JSON object on standard output instead (see `replyAsJson`), errors included.
 */
export async function runOneShot(dispatcher: Dispatcher, io: ConsoleIO, words: string[]): Promise<number> {
  const json = words.includes('--json');
  const reply = await runConsoleCommand(dispatcher, io, words.filter((w) => w !== '--json').join(' '));
  if (json) {
    io.out(JSON.stringify(replyAsJson(reply)));
    return reply.errorCode ? 1 : 0;
  }
  if (reply.errorCode) {
    io.err(renderReply(reply));
    return 1;
  }
  io.out(renderReply(reply));
  return 0;
}

/**
 * The interactive prompt: `pop add scott 10MB` or just `add scott 10MB`; `exit` leaves.
 * Returns how many commands failed, so a script piped into it can exit non-zero.
 */
export async function runInteractive(dispatcher: Dispatcher, io: ConsoleIO, banner: string[]): Promise<number> {
  for (const line of banner) io.out(line);
  let failed = 0;
  for (;;) {
    const line = await io.readLine('popbot> ');
    if (line === null) break;
    const text = line.trim().replace(/^\/?pop(\s+|$)/, '');
    if (text === '') continue;
    if (text === 'exit' || text === 'quit') break;
    const reply = await runConsoleCommand(dispatcher, io, text);
    if (reply.errorCode) {
      failed++;
      if (!io.interactive) {
        io.err(renderReply(reply));
        continue;
      }
    }
    io.out(renderReply(reply));
  }
  io.close();
  return failed;
}
