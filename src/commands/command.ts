import type { z } from 'zod';
import type { PopService } from '../service/index.ts';
import type { Access } from '../service/context.ts';
import type { Role } from '../service/roles.ts';
import type { Secret } from '../service/secret.ts';
import type { Reply } from './reply.ts';
import type { ActionPayload } from './actions.ts';

export type CommandContext = {
  service: PopService;
  access: Access;
  /** Every command, for help. */
  commands: readonly AnyCommand[];
  /** A password the requester typed into a modal or hidden prompt (passwd --own). */
  chosenPassword?: Secret;
  /** The pending action this run comes from (a button or modal), already checked as the requester's. */
  action?: ActionPayload;
};

/** One command: its grammar, who may run it, and what it does. The registry is the only list of them. */
export type Command<S extends z.ZodTypeAny> = {
  name: string;
  aliases?: readonly string[];
  summary: string;
  usage: string;
  example: string;
  /** Not listed in help (still answered). */
  hidden?: boolean;
  /** The lowest role that can run some form of the command: what help goes by. */
  minRole: Role;
  /** The role this invocation needs, when it depends on the arguments (catchall: show vs set). */
  roleFor?: (args: z.output<S>) => Role;
  /** Names of the positional arguments, in order. */
  positional: readonly string[];
  /** Extra words join the last positional argument (`10 mb`). */
  joinTail?: boolean;
  valueFlags?: readonly string[];
  booleanFlags?: readonly string[];
  args: S;
  run(ctx: CommandContext, args: z.output<S>): Promise<Reply>;
};

// biome-ignore lint/suspicious/noExplicitAny: a list of commands whose argument schemas differ.
export type AnyCommand = Command<any>;

export const defineCommand = <S extends z.ZodTypeAny>(command: Command<S>): Command<S> => command;
