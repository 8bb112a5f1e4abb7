import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, type PopService } from '../service/index.ts';
import type { Actor } from '../service/context.ts';
import type { Secret } from '../service/secret.ts';
import type { AnyCommand } from './command.ts';
import { COMMANDS, findCommand, suggestCommand } from './registry.ts';
import { grammarOf, parseArgs, valueFlagsOf } from './grammar.ts';
import {
  busyReply,
  errorReply,
  internalErrorReply,
  stoppingReply,
  unavailableReply,
  undeliveredReply,
} from './replies.ts';
import type { Delivery, Reply } from './reply.ts';
import { ACTION_TTL_SECONDS, asPayload, commandOf, type ActionPayload } from './actions.ts';
import { passwdCommand } from './passwd.command.ts';
import { tokenize } from './tokens.ts';

/** Where command counts and latencies go (Prometheus in production). */
export type CommandMetrics = { observe(command: string, outcome: string, seconds: number): void };

/** What a form adds to its words: a password typed into it, an account picked in it. */
export type DispatchOptions = { chosenPassword?: Secret; picked?: string; requestId?: string };

/**
 * `claim`: the platform's id of this delivery (a Slack trigger id), claimed across all processes when the
 * work's turn comes, so that nothing but the acknowledgement happens before then; a duplicate is dropped.
 */
export type HandleOptions = DispatchOptions & { claim?: string };

/**
 * A command line as typed (Slack, console), or already split into words and flags (Discord's typed
 * options, used buttons: a value with a space stays one word and fails its own rule).
 */
export type CommandInput = string | { words: string[]; flags?: Record<string, string | true> };

/** What a run knows beyond the words: the pending action it uses, if any. */
type RunContext = DispatchOptions & { pending?: { id: string; outcome: string }; action?: ActionPayload };

const newRef = () => randomUUID().slice(0, 8);

/**
 * Text → command → access → arguments → role → run → delivery. Every platform comes through here.
 * Buttons and modals come back as pending-action ids (SPEC §12), never as command text.
 */
export function createDispatcher(deps: {
  service: PopService;
  logger: Logger;
  metrics?: CommandMetrics;
  workQueue?: Partial<WorkQueueOptions>;
  /** The commands it knows (the registry's; a test adds its own). */
  commands?: readonly AnyCommand[];
}) {
  const { service, logger, metrics } = deps;
  const commands = deps.commands ?? COMMANDS;
  const valueFlags = valueFlagsOf(commands);
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  const queue = createWorkQueue({ ...WORK_QUEUE, ...deps.workQueue });

  async function dispatch(
    actor: Actor,
    input: CommandInput,
    options: RunContext,
  ): Promise<{ command: string; reply: Reply }> {
    const requestId = options.requestId ?? newRef();
    const tokenized = typeof input === 'string' ? tokenize(input, valueFlags) : checkParts(input, valueFlags);
    if (!tokenized.ok) return { command: 'invalid', reply: errorReply(tokenized.error) };
    const [name, ...words] = tokenized.tokens.words;
    if (name === undefined) return dispatch(actor, 'help', options);
    const command = findCommand(name, commands);
    if (!command) {
      const listed = commands.filter((c) => !c.hidden).map((c) => c.name);
      return {
        command: 'unknown',
        reply: errorReply({
          code: 'UNKNOWN_COMMAND',
          value: name,
          commands: listed,
          suggestion: suggestCommand(name, listed),
        }),
      };
    }
    const access = await service.access.resolveAccess(actor, command.name, requestId);
    if (!access.ok) return { command: command.name, reply: errorReply(access.error) };
    const args = parseArgs(command, { words, flags: tokenized.tokens.flags }, actor.platform);
    if (!args.ok) return { command: command.name, reply: errorReply(args.error, grammarOf(command, actor.platform)) };
    const needed = command.roleFor ? command.roleFor(args.value) : command.minRole;
    const allowed = await service.access.authorize(access.value, command.name, needed);
    if (!allowed.ok) return { command: command.name, reply: errorReply(allowed.error) };
    const ctx = {
      service,
      access: { ...access.value, pending: options.pending },
      commands,
      chosenPassword: options.chosenPassword,
      action: options.action,
    };
    return { command: command.name, reply: await command.run(ctx, args.value) };
  }

  /** Tracks `work` until it settles: shutdown waits for it. */
  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  async function runOne(actor: Actor, input: CommandInput, options: RunContext): Promise<Reply> {
    const started = performance.now();
    let command = 'unknown';
    let reply: Reply;
    try {
      ({ command, reply } = await dispatch(actor, input, options));
    } catch (error) {
      reply = failureReply(actor, error);
    }
    const seconds = (performance.now() - started) / 1000;
    metrics?.observe(command, reply.errorCode ?? 'ok', seconds);
    logger.debug(
      {
        command,
        outcome: reply.errorCode ?? 'ok',
        platform: actor.platform,
        actor: actor.userId,
        ms: Math.round(seconds * 1000),
      },
      'command handled',
    );
    await Promise.all([service.pending.housekeep(), service.links.housekeep()]).catch((error: unknown) =>
      logger.debug({ err: { message: (error as Error).message } }, 'housekeeping skipped'),
    );
    return reply;
  }

  /** Opens the action behind a button for this actor; an error reply when it cannot be used. */
  async function openAction(
    actor: Actor,
    pendingId: string,
  ): Promise<{ ok: true; payload: ActionPayload } | { ok: false; reply: Reply }> {
    const opened = await service.pending.open(actor, pendingId, (payload) => {
      const known = asPayload(payload);
      return known ? commandOf(known).what : 'do it';
    });
    if (!opened.ok) return { ok: false, reply: errorReply(opened.error) };
    const payload = asPayload(opened.value);
    if (!payload) return { ok: false, reply: errorReply({ code: 'ACTION_UNKNOWN' }) };
    return { ok: true, payload };
  }

  async function runAction(actor: Actor, pendingId: string, options: DispatchOptions): Promise<Reply> {
    try {
      const opened = await openAction(actor, pendingId);
      if (!opened.ok) return opened.reply;
      const { words, flags, outcome } = commandOf(opened.payload, options.picked);
      const reply = await runOne(
        actor,
        { words, flags },
        { ...options, action: opened.payload, pending: outcome ? { id: pendingId, outcome } : undefined },
      );
      if (!reply.errorCode || !outcome) return reply;
      // Refused because another click (another replica) got there first: say what that one did.
      const now = await openAction(actor, pendingId);
      return !now.ok && now.reply.errorCode === 'ACTION_USED' ? now.reply : reply;
    } catch (error) {
      return failureReply(actor, error);
    }
  }

  /** An unexpected failure as a reply with a ref, logged in full: "database unavailable", or a bug. */
  function failureReply(actor: Actor, error: unknown): Reply {
    const ref = newRef();
    const facts = { ref, platform: actor.platform, actor: actor.userId };
    if (isDatabaseUnavailable(error)) {
      logger.warn(
        { ...facts, err: { message: (error as Error).message, code: (error as { code?: string }).code } },
        'database unavailable',
      );
      return unavailableReply(ref);
    }
    logger.error({ ...facts, err: error }, 'command failed');
    return internalErrorReply(ref);
  }

  /**
   * Claims one platform delivery (a Discord interaction id, a Slack trigger id) across all processes:
   * false when it was already claimed (a duplicate delivery or replay), which the caller then ignores.
   */
  async function claimDelivery(platform: Actor['platform'], deliveryId: string): Promise<boolean> {
    try {
      return await service.pending.claim(platform, deliveryId);
    } catch (error) {
      // Database down: run it anyway, so the person is told "database unavailable" rather than nothing.
      logger.debug({ err: { message: (error as Error).message } }, 'delivery not claimed');
      return true;
    }
  }

  /** True unless the delivery was claimed already (then it is dropped quietly). */
  async function isFirst(actor: Actor, deliveryId: string | undefined): Promise<boolean> {
    if (!deliveryId || (await claimDelivery(actor.platform, deliveryId))) return true;
    logger.debug({ platform: actor.platform, deliveryId }, 'duplicate delivery ignored');
    return false;
  }

  /**
   * Work after a platform's acknowledgement: its turn in the queue, the delivery claimed, run, delivered.
   * Accepted before a shutdown began, it runs even if its turn comes after (drain waits for it).
   */
  function afterAck(
    actor: Actor,
    claim: string | undefined,
    work: () => Promise<Reply>,
    delivery: Delivery,
  ): Promise<Reply | undefined> {
    const reply = stopping
      ? Promise.resolve(stoppingReply())
      : queue.run(async () => ((await isFirst(actor, claim)) ? work() : undefined), busyReply);
    return track(
      reply.then(async (answer) => {
        if (answer) await deliver(answer, delivery);
        return answer;
      }),
    );
  }

  /**
   * Sends a reply and learns whether it arrived. A reply carrying a password that did not arrive
   * takes the password back and says so by another private path; only a delivered one is announced.
   */
  async function deliver(reply: Reply, delivery: Delivery): Promise<void> {
    try {
      await delivery.reply(reply);
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'reply not delivered');
      const issued = reply.secret?.issued;
      if (!issued) return;
      let undone = false;
      try {
        undone = await service.mailboxes.withdraw(issued);
      } catch (withdrawError) {
        logger.error({ err: withdrawError, requestId: issued.requestId }, 'could not withdraw an undelivered password');
      }
      await delivery
        .fallback?.(undeliveredReply(issued, undone))
        .catch((e: unknown) =>
          logger.warn({ err: { message: (e as Error).message } }, 'fallback not delivered either'),
        );
      return;
    }
    if (reply.announce) {
      await delivery
        .announce?.(reply.announce)
        .catch((e: unknown) => logger.warn({ err: { message: (e as Error).message } }, 'announcement not posted'));
    }
  }

  return {
    /**
     * Runs one command line for an actor. Never throws: unexpected failures become a reply with a ref, logged in full.
     */
    run(actor: Actor, input: CommandInput, options: DispatchOptions = {}): Promise<Reply> {
      return track(stopping ? Promise.resolve(stoppingReply()) : runOne(actor, input, options));
    },

    /**
     * Runs a command and delivers its answer (see `deliver`); resolves when all of it is done. Called
     * after the platform's acknowledgement: the work waits its turn in the queue.
     */
    handle(
      actor: Actor,
      input: CommandInput,
      delivery: Delivery,
      options: HandleOptions = {},
    ): Promise<Reply | undefined> {
      return afterAck(actor, options.claim, () => runOne(actor, input, options), delivery);
    },

    /** Uses the pending action behind a button or modal (SPEC §12): once, by its requester, before it expires. */
    runAction(actor: Actor, pendingId: string, options: DispatchOptions = {}): Promise<Reply> {
      return track(stopping ? Promise.resolve(stoppingReply()) : runAction(actor, pendingId, options));
    },

    /** `runAction` through the queue, then delivery. */
    handleAction(
      actor: Actor,
      pendingId: string,
      delivery: Delivery,
      options: HandleOptions = {},
    ): Promise<Reply | undefined> {
      return afterAck(actor, options.claim, () => runAction(actor, pendingId, options), delivery);
    },

    /**
     * A platform request (a Slack HTTP request) arrived: queued work waits until it is acknowledged.
     * Returns the function to call when its response has been sent.
     */
    received(): () => void {
      return queue.received();
    },

    /** Delivers a reply already made (a modal that answered inline first). */
    deliver(reply: Reply, delivery: Delivery): Promise<void> {
      return track(deliver(reply, delivery));
    },

    /**
     * Whether the action behind a button can be used by this actor now, before a form opens for it:
     * the account it is about, or the reply saying why not.
     */
    async checkAction(
      actor: Actor,
      pendingId: string,
    ): Promise<{ ok: true; address: string } | { ok: false; reply: Reply }> {
      try {
        const opened = await openAction(actor, pendingId);
        if (!opened.ok) return opened;
        const { payload } = opened;
        return { ok: true, address: 'address' in payload ? payload.address : '' };
      } catch (error) {
        return { ok: false, reply: failureReply(actor, error) };
      }
    },

    /**
     * A form that picks the account for a new generated password (Slack's `/pop passwd` picker), stored
     * like a button: only for those who may run `passwd`, and a double submit sets one password.
     */
    async offerPasswdPicker(actor: Actor): Promise<{ ok: true; pendingId: string } | { ok: false; reply: Reply }> {
      try {
        const access = await service.access.resolveAccess(actor, 'passwd', newRef());
        if (!access.ok) return { ok: false, reply: errorReply(access.error) };
        const allowed = await service.access.authorize(access.value, 'passwd', passwdCommand.minRole);
        if (!allowed.ok) return { ok: false, reply: errorReply(allowed.error) };
        const pendingId = await service.pending.create(
          access.value,
          'pick-passwd',
          { kind: 'pick-passwd' },
          ACTION_TTL_SECONDS['pick-passwd'],
        );
        return { ok: true, pendingId };
      } catch (error) {
        return { ok: false, reply: failureReply(actor, error) };
      }
    },

    /** Cancel: uses up the question so its other button does nothing any more. */
    async cancelAction(actor: Actor, pendingId: string): Promise<Reply> {
      try {
        const opened = await openAction(actor, pendingId);
        if (!opened.ok) return opened.reply;
        const consumed = await service.pending.consume(
          actor,
          pendingId,
          `cancelled (${commandOf(opened.payload).what})`,
        );
        if (!consumed.ok) return errorReply(consumed.error);
        return { tone: 'info', title: 'Cancelled; nothing changed.' };
      } catch (error) {
        return failureReply(actor, error);
      }
    },

    /**
     * Claims one platform delivery (a Discord interaction id, a Slack trigger id) across all processes:
     * false when it was already claimed (a duplicate delivery or replay), which the caller then ignores.
     */
    claim: claimDelivery,

    /** Refuses and audits a request from outside any workspace (a Discord DM); collapsed per minute. */
    async refuseOutside(actor: Actor, detail: string): Promise<void> {
      await service.access
        .denyOutside(actor, newRef(), detail)
        .catch((error: unknown) => logger.debug({ err: { message: (error as Error).message } }, 'denial not audited'));
    },

    /** Accounts the actor may see whose address starts with `prefix`: autocomplete and pickers. Changes nothing. */
    async suggestAccounts(actor: Actor, prefix: string, limit: number): Promise<string[]> {
      const access = await service.access.resolveAccess(actor, 'suggest', 'suggest', { audit: false });
      if (!access.ok) return [];
      return service.mailboxes.suggestAddresses(access.value, prefix, limit);
    },

    /**
     * Stops taking commands (they answer "restarting") and resolves when every command under way,
     * with its delivery and announcement, has finished — or after `timeoutMs`.
     */
    async drain(timeoutMs = 10_000): Promise<void> {
      stopping = true;
      const deadline = Date.now() + timeoutMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())).unref()),
        ]);
      }
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/**
 * Work after an acknowledgement runs at most this many at a time per process, and only once every request
 * received has been acknowledged: a burst of commands never delays the acknowledgements of others (each
 * platform's 3 s), while hashing keeps libuv's threads busy.
 */
export type WorkQueueOptions = {
  /** Commands run at once (4: libuv's thread pool hashes four at a time). */
  concurrency: number;
  /** Beyond this many waiting, a command is answered "busy" at once instead of after minutes. */
  maxWaiting: number;
  /** Work waits for a gap of this long between requests (a burst is being received)… */
  quietMs: number;
  /** …but under a steady stream of requests, it starts after this long anyway. */
  ackPriorityMs: number;
};

const WORK_QUEUE: WorkQueueOptions = { concurrency: 4, maxWaiting: 1_000, quietMs: 20, ackPriorityMs: 500 };

/** A FIFO queue with bounded concurrency and a bounded waiting list, giving way to acknowledgements. */
function createWorkQueue({ concurrency, maxWaiting, quietMs, ackPriorityMs }: WorkQueueOptions) {
  let running = 0;
  const waiting: Array<() => void> = [];
  let unacknowledged = 0;
  let lastReceived = 0;
  /** Resolves once every request received is acknowledged and none arrived for `quietMs` (`ackPriorityMs` at most). */
  const acknowledgementsSent = async () => {
    const giveUp = performance.now() + ackPriorityMs;
    while (unacknowledged > 0 || performance.now() - lastReceived < quietMs) {
      if (performance.now() >= giveUp) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, quietMs / 4)));
    }
  };
  return {
    async run<T>(work: () => Promise<T>, whenFull: () => T): Promise<T> {
      if (running < concurrency) running++;
      else if (waiting.length >= maxWaiting) return whenFull();
      // A finishing task hands its slot straight to the first waiting one: `running` stays counted.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        await acknowledgementsSent();
        return await work();
      } finally {
        const woken = waiting.shift();
        if (woken) woken();
        else running--;
      }
    },
    /** A platform request arrived; the returned function is called once it has been acknowledged. */
    received(): () => void {
      unacknowledged++;
      lastReceived = performance.now();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        unacknowledged--;
      };
    },
  };
}

/** Typed options get the same length and control-character rules as a typed line. */
function checkParts(
  input: { words: string[]; flags?: Record<string, string | true> },
  valueFlags: ReadonlySet<string>,
): ReturnType<typeof tokenize> {
  const values = [
    ...input.words,
    ...Object.values(input.flags ?? {}).filter((v): v is string => typeof v === 'string'),
  ];
  const checked = tokenize(values.join(' '), valueFlags);
  if (!checked.ok) return checked;
  return { ok: true, tokens: { words: input.words, flags: new Map(Object.entries(input.flags ?? {})) } };
}
