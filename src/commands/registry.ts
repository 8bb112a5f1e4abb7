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

export function findCommand(name: string): AnyCommand | undefined {
  const lower = name.toLowerCase();
  return COMMANDS.find((c) => c.name === lower || c.aliases?.includes(lower));
}
