import type { AnyCommand } from './command.ts';
import { helpCommand } from './help.command.ts';
import { listCommand } from './list.command.ts';
import { infoCommand } from './info.command.ts';
import { addCommand } from './add.command.ts';
import { passwdCommand } from './passwd.command.ts';
import { quotaCommand } from './quota.command.ts';
import { deleteCommand } from './delete.command.ts';
import { planCommand } from './plan.command.ts';
import { catchallCommand } from './catchall.command.ts';
import { auditCommand } from './audit.command.ts';
import { grantCommand } from './grant.command.ts';
import { revokeCommand } from './revoke.command.ts';
import { showCommand } from './show.command.ts';
import { suspendCommand } from './suspend.command.ts';
import { resumeCommand } from './resume.command.ts';
import { forwardCommand } from './forward.command.ts';

/** The only list of commands: dispatch, help, and the Slack/Discord command definitions come from it. */
export const COMMANDS: readonly AnyCommand[] = [
  helpCommand,
  listCommand,
  infoCommand,
  addCommand,
  passwdCommand,
  quotaCommand,
  deleteCommand,
  suspendCommand,
  resumeCommand,
  forwardCommand,
  planCommand,
  catchallCommand,
  auditCommand,
  grantCommand,
  revokeCommand,
  showCommand,
];

export function findCommand(name: string, commands: readonly AnyCommand[] = COMMANDS): AnyCommand | undefined {
  const lower = name.toLowerCase();
  return commands.find((c) => c.name === lower || c.aliases?.includes(lower));
}

/** Words people type for a command under another name. */
const SYNONYMS: Record<string, string> = {
  remove: 'delete',
  rm: 'delete',
  del: 'delete',
  reset: 'passwd',
  pw: 'passwd',
  ls: 'list',
  new: 'add',
  create: 'add',
  unsuspend: 'resume',
};

/** The command meant by an unknown word: a synonym, or a name within two typos. */
export function suggestCommand(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const synonym = SYNONYMS[lower];
  if (synonym && names.includes(synonym)) return synonym;
  if (lower.length < 3) return undefined;
  const scored = names.map((name) => ({ name, distance: editDistance(lower, name) }));
  const best = scored.sort((a, b) => a.distance - b.distance)[0];
  return best && best.distance <= (lower.length <= 4 ? 1 : 2) ? best.name : undefined;
}

/** Edits between two words, a swap of neighbours counting as one (`lsit` → `list`); words here are short. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}
