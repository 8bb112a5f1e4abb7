import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AnyCommand, Param } from '../../commands/command.ts';
import { paramsOf } from '../../commands/grammar.ts';
import { COMMANDS } from '../../commands/registry.ts';

type Option = APIApplicationCommandBasicOption;

const TYPES = {
  word: ApplicationCommandOptionType.String,
  value: ApplicationCommandOptionType.String,
  flag: ApplicationCommandOptionType.Boolean,
} as const;

/** A declared parameter as a Discord option: typed, described, bounded as the command declares it. */
function optionOf(param: Param): Option {
  const type =
    param.type === 'integer'
      ? ApplicationCommandOptionType.Integer
      : param.type === 'mentionable'
        ? ApplicationCommandOptionType.Mentionable
        : TYPES[param.form];
  return {
    type,
    name: param.option ?? param.key,
    description: param.description.length > 100 ? `${param.description.slice(0, 99)}…` : param.description,
    required: param.required ?? false,
    ...(param.autocomplete ? { autocomplete: true } : {}),
    ...(param.maxLength !== undefined ? { max_length: param.maxLength } : {}),
    ...(param.min !== undefined ? { min_value: param.min } : {}),
    ...(param.max !== undefined ? { max_value: param.max } : {}),
    ...(param.choices ? { choices: [...param.choices] } : {}),
  } as Option;
}

/** The options of a command (or of one of its verbs) on Discord: typed-only flags and console-only ones left out. */
export const discordOptions = (command: AnyCommand, verb?: string): Option[] =>
  paramsOf(command, verb)
    .filter((p) => !p.textOnly && !p.consoleOnly)
    .map(optionOf);

const short = (text: string) => (text.length > 100 ? `${text.slice(0, 99)}…` : text);

/**
 * `/pop` with one subcommand per command of the registry (a subcommand group for a command with
 * verbs). Manage Server is the default permission (a first gate: popbot's own grants decide); guilds
 * only, never DMs.
 */
export function popCommandData(
  commands: readonly AnyCommand[] = COMMANDS,
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    name: 'pop',
    description: 'POP mailboxes: add, passwd, list, quota, delete, plan, catchall',
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    contexts: [InteractionContextType.Guild],
    dm_permission: false,
    options: commands
      .filter((c) => !c.hidden)
      .map((c) => {
        if (!c.verbs)
          return {
            type: ApplicationCommandOptionType.Subcommand as const,
            name: c.name,
            description: short(c.summary),
            options: discordOptions(c),
          };
        return {
          type: ApplicationCommandOptionType.SubcommandGroup as const,
          name: c.name,
          description: short(c.summary),
          options: Object.entries(c.verbs).map(([verb, sub]) => ({
            type: ApplicationCommandOptionType.Subcommand as const,
            name: verb,
            description: short(sub.description),
            options: discordOptions(c, verb),
          })),
        };
      }),
  };
}

export type OptionValues = Record<string, string | number | boolean | { mention: string } | undefined>;

/**
 * A subcommand's typed options as words and flags for the dispatcher, in the order the command
 * declares them: each value stays one word, so `scott --yes` typed as a name is an invalid name,
 * never a flag.
 */
export function toCommandInput(
  command: AnyCommand,
  values: OptionValues,
  verb?: string,
): { words: string[]; flags: Record<string, string | true> } {
  const words: string[] = [command.name, ...(verb ? [verb] : [])];
  const flags: Record<string, string | true> = {};
  for (const param of paramsOf(command, verb)) {
    const value = values[param.option ?? param.key];
    if (value === undefined) continue;
    const text = typeof value === 'object' ? value.mention : String(value);
    if (param.form === 'word') words.push(text);
    else if (param.form === 'value') flags[param.key] = text;
    else if (value === true) flags[param.key] = true;
  }
  return { words, flags };
}
