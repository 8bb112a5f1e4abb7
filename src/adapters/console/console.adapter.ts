import type { Dispatcher } from '../../commands/dispatch.ts';
import type { Reply } from '../../commands/reply.ts';
import { CONSOLE_ACTOR } from '../../service/context.ts';
import { Secret } from '../../service/secret.ts';
import { renderReply } from './render.ts';
import type { ConsoleIO } from './terminal.ts';

/**
 * Runs one console command and its follow-ups: typed confirmation for delete,
 * hidden prompt for "set my own password". Returns the final reply.
 */
export async function runConsoleCommand(dispatcher: Dispatcher, io: ConsoleIO, text: string): Promise<Reply> {
  const reply = await dispatcher.run(CONSOLE_ACTOR, text);
  const confirm = reply.actions?.find((a) => a.id === 'confirm-delete');
  if (reply.tone === 'confirm' && confirm) {
    if (!io.interactive) {
      return { tone: 'error', title: reply.title, lines: [`Not deleted: confirm with --yes (pop ${confirm.command}).`], errorCode: 'CONFIRMATION_REQUIRED' };
    }
    io.out(renderReply(reply));
    const typed = await io.readLine(`  Type ${confirm.confirm?.typed} to delete it: `);
    if (typed?.trim().toLowerCase() !== confirm.confirm?.typed) return { tone: 'info', title: 'Not deleted', lines: ['The confirmation did not match; nothing changed.'] };
    return dispatcher.run(CONSOLE_ACTOR, confirm.command);
  }
  const own = reply.actions?.find((a) => a.id === 'own-password');
  if (reply.tone === 'confirm' && own) {
    if (io.interactive) io.out(renderReply(reply));
    const first = await io.readSecret(io.interactive ? '  New password: ' : '');
    if (first === null || first.length === 0) return { tone: 'info', title: 'Password not changed', lines: ['No password given; nothing changed.'] };
    if (io.interactive) {
      const again = await io.readSecret('  Again: ');
      if (again !== first) return { tone: 'error', title: 'Password not changed', lines: ['The two entries differ; nothing changed.'], errorCode: 'MISMATCH' };
    }
    return dispatcher.run(CONSOLE_ACTOR, own.command, { chosenPassword: new Secret(first) });
  }
  return reply;
}

/** `popbot pop <words…>`: prints the reply (errors on stderr) and returns the exit code. */
export async function runOneShot(dispatcher: Dispatcher, io: ConsoleIO, words: string[]): Promise<number> {
  const reply = await runConsoleCommand(dispatcher, io, words.join(' '));
  if (reply.errorCode) {
    io.err(renderReply(reply));
    return 1;
  }
  io.out(renderReply(reply));
  return 0;
}

/** The interactive prompt: `pop add scott 10MB` or just `add scott 10MB`; `exit` leaves. */
export async function runInteractive(dispatcher: Dispatcher, io: ConsoleIO, banner: string[]): Promise<void> {
  for (const line of banner) io.out(line);
  for (;;) {
    const line = await io.readLine('popbot> ');
    if (line === null) break;
    const text = line.trim().replace(/^\/?pop(\s+|$)/, "");
    if (text === '') continue;
    if (text === 'exit' || text === 'quit') break;
    io.out(renderReply(await runConsoleCommand(dispatcher, io, text)));
  }
  io.close();
}
