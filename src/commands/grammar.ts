import type { z } from 'zod';
import type { DomainError } from '../service/errors.ts';
import type { Actor } from '../service/context.ts';
import type { AnyCommand, Param } from './command.ts';
import { domainErrorOf } from './args.ts';
import type { Tokens } from './tokens.ts';

type Platform = Actor['platform'];

/**
 * A command's grammar, derived from its declared parameters (STYLE 16): the text parser, each
 * platform's usage line and example, and Discord's options all read the same declaration.
 */

/** The parameters of a command, or of one of its verbs (`forward add`). */
export function paramsOf(command: AnyCommand, verb?: string): readonly Param[] {
  return verb && command.verbs ? (command.verbs[verb]?.params ?? []) : (command.params ?? []);
}

/** Whether a parameter exists on this platform: Discord has typed options and buttons instead of some flags. */
const onPlatform = (param: Param, platform: Platform) =>
  !(param.textOnly && platform === 'discord') && !(param.consoleOnly && platform !== 'console');

/** The parameter as a usage line shows it on a platform. */
function shownParam(param: Param, platform: Platform): string {
  if (platform === 'discord') {
    const name = param.option ?? param.key;
    return param.required ? name : `[${name}]`;
  }
  const text =
    param.form === 'word'
      ? (param.placeholder ?? `<${param.key}>`)
      : param.form === 'value'
        ? `--${param.key} ${param.placeholder ?? 'N'}`
        : `--${param.key}`;
  return param.required || (param.form === 'word' && param.placeholder?.startsWith('[')) ? text : `[${text}]`;
}

/** What a person types before a command on each platform. */
const PREFIX: Record<Platform, string> = { slack: '/pop ', discord: '/pop ', console: '' };

/** One usage line per form of the command, in the platform's own grammar. */
export function usageLines(command: AnyCommand, platform: Platform): string[] {
  const line = (words: string[], params: readonly Param[]) =>
    [
      `${PREFIX[platform]}${words.join(' ')}`,
      ...params.filter((p) => onPlatform(p, platform)).map((p) => shownParam(p, platform)),
    ].join(' ');
  if (!command.verbs) return [line([command.name], paramsOf(command))];
  return Object.entries(command.verbs).map(([verb, sub]) => line([command.name, verb], sub.params));
}

/** The command's example, in the platform's grammar: Discord names each option (`name:scott quota:10MB`). */
export function exampleOf(command: AnyCommand, platform: Platform): string {
  if (platform !== 'discord') return `${PREFIX[platform]}${command.example}`;
  const [name, ...rest] = command.example.split(' ');
  const verb = command.verbs && rest[0] && command.verbs[rest[0]] ? rest.shift() : undefined;
  const words = paramsOf(command, verb).filter((p) => p.form === 'word');
  const parts = rest.map((word, i) => {
    if (word.startsWith('--')) return `${word.slice(2)}:True`;
    const param = words[i];
    return param ? `${param.option ?? param.key}:${word}` : word;
  });
  return ['/pop', name, ...(verb ? [verb] : []), ...parts].join(' ');
}

/** Every `--flag` that takes a value, in any command: the tokenizer reads the next word as its value. */
export const valueFlagsOf = (commands: readonly AnyCommand[]) =>
  new Set(
    commands.flatMap((c) =>
      [...(c.params ?? []), ...Object.values(c.verbs ?? {}).flatMap((v) => v.params)]
        .filter((p) => p.form === 'value')
        .map((p) => p.key),
    ),
  );

function usageError(command: AnyCommand, platform: Platform, problem: string): DomainError {
  return {
    code: 'USAGE',
    command: command.name,
    problem,
    usage: usageLines(command, platform).join('\n'),
    example: exampleOf(command, platform),
  };
}

/**
 * Maps words and flags onto a command's parameters and schema. Pure. An optional word parameter
 * with `accepts` is skipped when the word is not for it (`catchall fail`: no domain, a setting).
 */
export function parseArgs(
  command: AnyCommand,
  tokens: Tokens,
  platform: Platform = 'console',
): { ok: true; value: unknown } | { ok: false; error: DomainError } {
  const words = [...tokens.words];
  const raw: Record<string, unknown> = {};
  let verb: string | undefined;
  if (command.verbs) {
    const first = words[0]?.toLowerCase();
    verb = first !== undefined && first in command.verbs ? first : command.defaultVerb;
    if (verb === first) words.shift();
    else if (first !== undefined && verb && paramsOf(command, verb)[0]?.accepts?.(first) === false)
      return {
        ok: false,
        error: usageError(
          command,
          platform,
          `Unknown action ${quoted(first)}: use ${orList(Object.keys(command.verbs))}.`,
        ),
      };
    if (!verb)
      return {
        ok: false,
        error: usageError(command, platform, `Which action? Use ${orList(Object.keys(command.verbs))}.`),
      };
    raw.verb = verb;
  }
  const params = paramsOf(command, verb);
  for (const [flag, value] of tokens.flags) {
    const param = params.find((p) => p.form !== 'word' && p.key === flag);
    if (!param) return { ok: false, error: usageError(command, platform, `Unknown option --${flag}.`) };
    if (param.form === 'flag' && value !== true)
      return { ok: false, error: usageError(command, platform, `--${flag} takes no value.`) };
    raw[flag] = value;
  }
  const slots = params.filter((p) => p.form === 'word');
  let next = 0;
  for (const [i, slot] of slots.entries()) {
    const word = words[next];
    if (word === undefined) break;
    if (!slot.required && slot.accepts && !slot.accepts(word) && i < slots.length - 1) continue;
    const last = i === slots.length - 1;
    raw[slot.key] = last && command.joinTail ? words.slice(next).join(' ') : word;
    next = last && command.joinTail ? words.length : next + 1;
  }
  if (next < words.length) {
    const extra = words.slice(next);
    const takes = slots.length === 0 ? 'no words' : slots.map((s) => shownParam(s, platform)).join(' ');
    return {
      ok: false,
      error: usageError(
        command,
        platform,
        `Too many words: \`${command.name}${verb ? ` ${verb}` : ''}\` takes ${takes}; \`${extra.join(' ')}\` is left over.`,
      ),
    };
  }
  // `quota 10MB`: the one word given is the quota's, so what is missing is the name before it.
  const missing = slots.findIndex((slot) => slot.required && raw[slot.key] === undefined);
  if (missing >= 0) {
    const before = slots[missing - 1];
    const shifted = before && slots[missing]!.accepts?.(String(raw[before.key] ?? '')) ? before : slots[missing]!;
    return {
      ok: false,
      error: usageError(command, platform, `Missing ${shifted.option ?? shifted.key}: ${shifted.description}.`),
    };
  }
  const parsed = (command.args as z.ZodTypeAny).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const attached = domainErrorOf(issue);
  if (attached) return { ok: false, error: attached };
  const key = String(issue.path[0] ?? '');
  const param = params.find((p) => p.key === key);
  const named = param ? (param.option ?? param.key) : key;
  if (issue.code === 'invalid_type' && issue.received === 'undefined')
    return { ok: false, error: usageError(command, platform, `Missing ${named}: ${param?.description ?? key}.`) };
  return {
    ok: false,
    error: usageError(
      command,
      platform,
      key ? `Invalid ${named} ${quoted(String(raw[key]))}: ${issue.message}.` : `${issue.message}.`,
    ),
  };
}

/** A value as messages show it: a code span, or plain quotes when it holds a backtick (which would end one). */
export const quoted = (value: string) => (value.includes('`') ? `“${value}”` : `\`${value}\``);

/** The usage lines and example that follow an error about a command's arguments. */
export const grammarOf = (command: AnyCommand, platform: Platform) => ({
  usage: usageLines(command, platform).join('\n'),
  example: exampleOf(command, platform),
});

/** `list, add or delete`. */
const orList = (items: string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');
