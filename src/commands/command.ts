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

/**
 * One argument of a command, declared once (STYLE 16): the text parser, Discord's options, and every
 * platform's usage line and help come from it.
 */
export type Param = {
  /** Its key in the command's schema; also the `--flag` and, unless `option` says otherwise, Discord's option. */
  key: string;
  /** A word in order, a `--flag value`, or a `--flag` alone (a Boolean option on Discord). */
  form: 'word' | 'value' | 'flag';
  /** What Discord's option takes (words and values are strings unless said otherwise). */
  type?: 'string' | 'integer' | 'mentionable';
  required?: boolean;
  description: string;
  /** How a usage line shows a word (`<name>[@domain]`), or a value flag's value (`N`). */
  placeholder?: string;
  /** Discord's option name, when not the key. */
  option?: string;
  autocomplete?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  choices?: readonly { name: string; value: string }[];
  /** An optional word this test turns down goes to the next parameter (`catchall fail`: not a domain). */
  accepts?: (word: string) => boolean;
  /** Typed only (console, Slack): Discord asks with a button or has no such form. */
  textOnly?: boolean;
  /** The console only (`--password-stdin`). */
  consoleOnly?: boolean;
};

/** One command: its grammar, who may run it, and what it does. The registry is the only list of them. */
export type Command<S extends z.ZodTypeAny> = {
  name: string;
  aliases?: readonly string[];
  summary: string;
  /** Typed as on the console (`add scott 10MB`); each platform shows it in its own grammar. */
  example: string;
  /** Not listed in help (still answered). */
  hidden?: boolean;
  /** The lowest role that can run some form of the command: what help goes by. */
  minRole: Role;
  /** The role this invocation needs, when it depends on the arguments (catchall: show vs set). */
  roleFor?: (args: z.output<S>) => Role;
  /** Its parameters, in order (words first, as typed). */
  params?: readonly Param[];
  /** Or actions of its own (`forward add …`), each with its parameters: a Discord subcommand group. */
  verbs?: Readonly<Record<string, { description: string; params: readonly Param[] }>>;
  /** The action when the first word is none of the verbs (`forward` = `forward list`). */
  defaultVerb?: string;
  /** Extra words join the last word parameter (`10 mb`). */
  joinTail?: boolean;
  /** Checks and converts the parsed parameters (and `verb`). */
  args: S;
  run(ctx: CommandContext, args: z.output<S>): Promise<Reply>;
};

// biome-ignore lint/suspicious/noExplicitAny: a list of commands whose argument schemas differ.
export type AnyCommand = Command<any>;

export const defineCommand = <S extends z.ZodTypeAny>(command: Command<S>): Command<S> => command;
