import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { COMMANDS } from '../../commands/registry.ts';

type Option = APIApplicationCommandBasicOption;
const S = ApplicationCommandOptionType.String;

const name = (required: boolean, description = 'account name, or name@domain'): Option => ({
  type: S,
  name: 'name',
  description,
  required,
  autocomplete: true,
  max_length: 320,
});
const domain: Option = {
  type: S,
  name: 'domain',
  description: 'one of your domains (needed when you have several)',
  required: false,
  max_length: 253,
};
const page: Option = {
  type: ApplicationCommandOptionType.Integer,
  name: 'page',
  description: 'page number',
  required: false,
  min_value: 1,
  max_value: 10_000,
};
const quota = (required: boolean): Option => ({
  type: S,
  name: 'quota',
  description: '10MB, 1.5GB, or 0 / unlimited',
  required,
  max_length: 20,
});
const link = (description: string): Option => ({
  type: ApplicationCommandOptionType.Boolean,
  name: 'link',
  description,
  required: false,
});
const target: Option = {
  type: ApplicationCommandOptionType.Mentionable,
  name: 'target',
  description: 'a member or a role',
  required: true,
};

/** The typed options of each subcommand; names and descriptions come from the command registry. */
export const DISCORD_OPTIONS: Record<string, Option[]> = {
  help: [],
  list: [domain, page],
  info: [name(true)],
  add: [
    name(true, 'name of the new account (a–z, 0–9), or name@domain'),
    quota(false),
    link('no password for you: the owner chooses one through a one-time link'),
  ],
  passwd: [
    name(true),
    {
      type: ApplicationCommandOptionType.Boolean,
      name: 'own',
      description: 'choose the password yourself instead of a generated one',
      required: false,
    },
    link('the owner chooses it through a one-time link; nothing changes until then'),
  ],
  quota: [name(true), quota(true)],
  delete: [name(true)],
  suspend: [
    name(true),
    {
      type: ApplicationCommandOptionType.Boolean,
      name: 'incoming',
      description: 'refuse its new mail too (550)',
      required: false,
    },
  ],
  resume: [name(true)],
  plan: [
    domain,
    {
      type: ApplicationCommandOptionType.Boolean,
      name: 'request',
      description: 'ask sales for more POP accounts',
      required: false,
    },
  ],
  catchall: [
    domain,
    {
      type: S,
      name: 'setting',
      description: 'main, fail, blackhole, or an account name (admins)',
      required: false,
      max_length: 64,
    },
  ],
  audit: [{ ...name(false), description: 'only changes of this account' }, page],
  grant: [
    target,
    {
      type: S,
      name: 'role',
      description: 'what they may do',
      required: true,
      choices: [
        { name: 'viewer: list, info, plan', value: 'viewer' },
        { name: 'operator: also add, passwd, quota, suspend, forward', value: 'operator' },
        { name: 'admin: also delete, catchall, audit, grant', value: 'admin' },
      ],
    },
  ],
  revoke: [target],
};

const destination: Option = {
  type: S,
  name: 'destination',
  description: 'an address such as name@example.com',
  required: true,
  max_length: 254,
};

/** Commands with actions of their own: a subcommand group, one subcommand per action with its options. */
export const DISCORD_GROUPS: Record<string, Record<string, { description: string; options: Option[] }>> = {
  forward: {
    list: { description: 'the forwarders: each address and where its mail goes', options: [domain] },
    add: {
      description: 'mail to an address also (or, without an account, only) goes to another',
      options: [name(true, 'address to forward: name or name@domain'), destination],
    },
    delete: {
      description: 'stop forwarding an address to another',
      options: [name(true, 'address that forwards: name or name@domain'), destination],
    },
  },
};

/**
 * `/pop` with one subcommand per command of the registry. Manage Server is the default
 * permission (a first gate: popbot's own grants decide); guilds only, never DMs.
 */
export function popCommandData(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    name: 'pop',
    description: 'POP mailboxes: add, passwd, list, quota, delete, plan, catchall',
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    contexts: [InteractionContextType.Guild],
    dm_permission: false,
    options: COMMANDS.filter((c) => !c.hidden).map((c) => {
      const description = c.summary.length > 100 ? `${c.summary.slice(0, 99)}…` : c.summary;
      const group = DISCORD_GROUPS[c.name];
      if (!group) {
        return {
          type: ApplicationCommandOptionType.Subcommand as const,
          name: c.name,
          description,
          options: DISCORD_OPTIONS[c.name] ?? [],
        };
      }
      return {
        type: ApplicationCommandOptionType.SubcommandGroup as const,
        name: c.name,
        description,
        options: Object.entries(group).map(([action, sub]) => ({
          type: ApplicationCommandOptionType.Subcommand as const,
          name: action,
          description: sub.description,
          options: sub.options,
        })),
      };
    }),
  };
}

export type OptionValues = Record<string, string | number | boolean | { mention: string } | undefined>;

/**
 * A subcommand's typed options as words and flags for the dispatcher: each value stays one
 * word, so `scott --yes` typed as a name is an invalid name, never a flag.
 */
export function toCommandInput(
  subcommand: string,
  o: OptionValues,
  action?: string,
): { words: string[]; flags: Record<string, string | true> } {
  const str = (v: OptionValues[string]) =>
    v === undefined ? undefined : typeof v === 'object' ? v.mention : String(v);
  const words = (...values: (string | undefined)[]) => [
    subcommand,
    ...values.filter((v): v is string => v !== undefined),
  ];
  const flags: Record<string, string | true> = {};
  if (o.page !== undefined) flags.page = String(o.page);
  if (o.own === true) flags.own = true;
  if (o.request === true) flags.request = true;
  if (o.incoming === true) flags.incoming = true;
  if (o.link === true) flags.link = true;
  if (action !== undefined) return { words: words(action, str(o.name), str(o.destination), str(o.domain)), flags };
  switch (subcommand) {
    case 'list':
      return { words: words(str(o.domain)), flags };
    case 'plan':
      return { words: words(str(o.domain)), flags };
    case 'catchall':
      return { words: words(str(o.domain), str(o.setting)), flags };
    case 'grant':
      return { words: words(str(o.target), str(o.role)), flags };
    case 'revoke':
      return { words: words(str(o.target)), flags };
    default:
      return { words: words(str(o.name), str(o.quota)), flags };
  }
}
