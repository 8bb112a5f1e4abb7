import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { PopService } from '../service/index.ts';
import type { Actor } from '../service/context.ts';
import type { DomainError } from '../service/errors.ts';
import type { Secret } from '../service/secret.ts';
import type { AnyCommand } from './command.ts';
import { domainErrorOf } from './args.ts';
import { COMMANDS, findCommand } from './registry.ts';
import { errorReply, internalErrorReply } from './replies.ts';
import type { Reply } from './reply.ts';
import { tokenize, type Tokens } from './tokens.ts';

/** Where command counts and latencies go (Prometheus in production). */
export type CommandMetrics = { observe(command: string, outcome: string, seconds: number): void };

export type DispatchOptions = { chosenPassword?: Secret; requestId?: string };

/**
 * A command line as typed (Slack, console, button payloads), or already split into words and
 * flags (Discord's typed options: a value with a space stays one word and fails its own rule).
 */
export type CommandInput = string | { words: string[]; flags?: Record<string, string | true> };

const ALL_VALUE_FLAGS = new Set(COMMANDS.flatMap((c) => c.valueFlags ?? []));

/** Text → command → access → arguments → role → run. Every platform comes through here. */
export function createDispatcher(deps: { service: PopService; logger: Logger; metrics?: CommandMetrics }) {
  const { service, logger, metrics } = deps;

  async function dispatch(actor: Actor, input: CommandInput, options: DispatchOptions): Promise<{ command: string; reply: Reply }> {
    const requestId = options.requestId ?? randomUUID().slice(0, 8);
    const tokenized = typeof input === 'string' ? tokenize(input, ALL_VALUE_FLAGS) : checkParts(input);
    if (!tokenized.ok) return { command: 'invalid', reply: errorReply(tokenized.error) };
    const [name, ...words] = tokenized.tokens.words;
    if (name === undefined) return { command: 'help', reply: await dispatch(actor, 'help', options).then((r) => r.reply) };
    const command = findCommand(name);
    if (!command) {
      return { command: 'unknown', reply: errorReply({ code: 'UNKNOWN_COMMAND', value: name, commands: COMMANDS.filter((c) => !c.hidden).map((c) => c.name) }) };
    }
    const access = await service.access.resolveAccess(actor, command.name, requestId);
    if (!access.ok) return { command: command.name, reply: errorReply(access.error) };
    const args = parseArgs(command, { words, flags: tokenized.tokens.flags });
    if (!args.ok) return { command: command.name, reply: errorReply(args.error, command) };
    const needed = command.roleFor ? command.roleFor(args.value) : command.minRole;
    const allowed = await service.access.authorize(access.value, command.name, needed);
    if (!allowed.ok) return { command: command.name, reply: errorReply(allowed.error) };
    const reply = await command.run({ service, access: access.value, commands: COMMANDS, chosenPassword: options.chosenPassword }, args.value);
    return { command: command.name, reply };
  }

  const inFlight = new Set<Promise<unknown>>();

  return {
    /** Runs one command line for an actor. Never throws: unexpected failures become a reply with a ref, logged in full. */
    run(actor: Actor, input: CommandInput, options: DispatchOptions = {}): Promise<Reply> {
      const work = runOne(actor, input, options);
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      return work;
    },

    /** Accounts the actor may see whose address starts with `prefix`: autocomplete and pickers. Changes nothing. */
    async suggestAccounts(actor: Actor, prefix: string, limit: number): Promise<string[]> {
      const access = await service.access.resolveAccess(actor, 'suggest', 'suggest', { audit: false });
      if (!access.ok) return [];
      return service.mailboxes.suggestAddresses(access.value, prefix, limit);
    },

    /** Resolves when every command under way has finished (graceful shutdown). */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };

  async function runOne(actor: Actor, input: CommandInput, options: DispatchOptions): Promise<Reply> {
    const started = performance.now();
    let command = 'unknown';
    let reply: Reply;
    try {
      ({ command, reply } = await dispatch(actor, input, options));
    } catch (error) {
      const ref = randomUUID().slice(0, 8);
      logger.error({ err: error, ref, platform: actor.platform, actor: actor.userId }, 'command failed');
      reply = internalErrorReply(ref);
    }
    metrics?.observe(command, reply.errorCode ?? 'ok', (performance.now() - started) / 1000);
    return reply;
  }
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/** Typed options get the same length and control-character rules as a typed line. */
function checkParts(input: { words: string[]; flags?: Record<string, string | true> }): ReturnType<typeof tokenize> {
  const values = [...input.words, ...Object.values(input.flags ?? {}).filter((v): v is string => typeof v === 'string')];
  const checked = tokenize(values.join(' '), ALL_VALUE_FLAGS);
  if (!checked.ok) return checked;
  return { ok: true, tokens: { words: input.words, flags: new Map(Object.entries(input.flags ?? {})) } };
}

function usageError(command: AnyCommand, problem: string): DomainError {
  return { code: 'USAGE', command: command.name, problem, usage: command.usage, example: command.example };
}

/** Maps words and flags onto the command's argument schema. Pure. */
export function parseArgs(command: AnyCommand, tokens: Tokens): { ok: true; value: unknown } | { ok: false; error: DomainError } {
  const known = new Set([...(command.valueFlags ?? []), ...(command.booleanFlags ?? [])]);
  const raw: Record<string, unknown> = {};
  for (const [flag, value] of tokens.flags) {
    if (!known.has(flag)) return { ok: false, error: usageError(command, `Unknown option --${flag}.`) };
    if ((command.booleanFlags ?? []).includes(flag) && value !== true) return { ok: false, error: usageError(command, `--${flag} takes no value.`) };
    raw[flag] = value;
  }
  const words = [...tokens.words];
  const slots = command.positional;
  if (words.length > slots.length) {
    if (command.joinTail && slots.length > 0) words.splice(slots.length - 1, words.length, words.slice(slots.length - 1).join(' '));
    else return { ok: false, error: usageError(command, `Unexpected ${words.length - slots.length === 1 ? 'word' : 'words'}: ${words.slice(slots.length).join(' ')}`) };
  }
  slots.forEach((slot, i) => {
    if (words[i] !== undefined) raw[slot] = words[i];
  });
  const parsed = (command.args as z.ZodTypeAny).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const attached = domainErrorOf(issue);
  if (attached) return { ok: false, error: attached };
  const slot = String(issue.path[0] ?? '');
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return { ok: false, error: usageError(command, `Missing ${slot}.`) };
  return { ok: false, error: usageError(command, slot ? `Invalid ${slot} \`${String(raw[slot])}\`: ${issue.message}.` : `${issue.message}.`) };
}
