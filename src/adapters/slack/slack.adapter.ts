import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  type ButtonAction,
  type Logger as BoltLogger,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { Dispatcher } from '../../commands/dispatch.ts';
import type { ActionKind, Announcement, Delivery, Reply } from '../../commands/reply.ts';
import type { Actor } from '../../service/context.ts';
import { Secret } from '../../service/secret.ts';
import { compactAddress, MAX_PASSWORD_LENGTH } from '../../service/index.ts';
import { ACTION_PREFIX, kindOfActionId, LINK_BUTTON, renderBlocks } from './render.ts';
import { tellInDm } from './notify.ts';

export type SlackSettings = {
  botToken: string;
  /** HTTP mode: requests to POST /slack/events are verified with it. */
  signingSecret?: string;
  /** Socket Mode instead of HTTP. */
  appToken?: string;
  /** Web API base (GovSlack, tests); Slack's own by default. */
  apiUrl?: string;
  auditChannel?: string;
  salesChannel?: string;
};

export const SLACK_EVENTS_PATH = '/slack/events';
/** Bolt refuses a request signed over 5 minutes ago; one signed over 5 minutes ahead is refused alike. */
const MAX_CLOCK_SKEW_SECONDS = 300;
const OWN_PASSWORD_VIEW = 'popbot_own_password';
const PICKER_VIEW = 'popbot_passwd_picker';
const PICKER_ACTION = 'popbot_account';

type SlackUser = { id: string; name?: string; username?: string; team_id?: string };
type Body = { team?: { id: string } | null; enterprise?: { id: string } | null; user: SlackUser };

/** The binding is the workspace (team id; the enterprise id for org-wide installs without one). */
function actorOf(body: Body): Actor {
  return {
    platform: 'slack',
    workspaceId: body.team?.id ?? body.user.team_id ?? body.enterprise?.id ?? 'unknown',
    userId: body.user.id,
    userName: body.user.username ?? body.user.name ?? body.user.id,
    roleIds: [],
  };
}

/** Bolt's logs go to pino; its debug output (which may echo payloads) is dropped. */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: () => {},
    info: (...msg) => log.info(msg.map(String).join(' ')),
    warn: (...msg) => log.warn(msg.map(String).join(' ')),
    error: (...msg) => log.error(msg.map(String).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** Response URLs get this many tries; a 4xx other than 429 is final (expired or used up). */
const RESPONSE_TRIES = [0, 250, 1000];

/** Where a reply goes: the response URL, and what a fallback and an ephemeral need. */
type ReplyTarget = { responseUrl: string; userId: string; channelId?: string; replaceOriginal?: boolean };

/**
 * Slack: `/pop <text>` → ack at once → run → ephemeral answer through the response URL, confirmed.
 * Buttons name pending actions stored by popbot, so they work after a restart and on any process,
 * once; a replayed request (same trigger id) is claimed by one process and ignored by the others.
 */
export async function createSlackAdapter(deps: { dispatcher: Dispatcher; logger: Logger; settings: SlackSettings }) {
  const { dispatcher, logger, settings } = deps;
  const log = logger.child({ component: 'slack' });
  const apiUrl = settings.apiUrl ? settings.apiUrl.replace(/\/?$/, '/') : undefined;
  // Bounded retries: a post that cannot get through must not hold a shutdown for half an hour.
  const clientOptions = {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  };
  const receiver = settings.appToken
    ? new SocketModeReceiver({
        appToken: settings.appToken,
        logger: boltLogger(logger),
        installerOptions: { clientOptions },
      })
    : new HTTPReceiver({
        signingSecret: settings.signingSecret ?? '',
        endpoints: SLACK_EVENTS_PATH,
        logger: boltLogger(logger),
      });
  const app = new App({
    token: settings.botToken,
    receiver,
    logger: boltLogger(logger),
    deferInitialization: true,
    clientOptions,
  });
  await app.init();

  app.error(async (error) => {
    log.error({ err: { name: error.name, code: (error as { code?: string }).code } }, 'slack handler failed');
  });

  /**
   * Posts a reply privately through a response URL (30 minutes valid, 5 uses) and resolves once Slack
   * accepted it; throws after the last try, so a password nobody received is taken back.
   */
  async function respondTo(responseUrl: string, reply: Reply, replaceOriginal = false) {
    const body = JSON.stringify({
      response_type: 'ephemeral',
      replace_original: replaceOriginal,
      ...renderBlocks(reply),
    });
    let status = 0;
    for (const wait of RESPONSE_TRIES) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      try {
        const response = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
        status = response.status;
        if (status < 500 && status !== 429) break;
      } catch {
        status = 0;
      }
    }
    throw new Error(`response URL refused the reply (status ${status || 'none'})`);
  }

  /** Another private path: an ephemeral message in the channel, else a direct message from the app. */
  async function tellPrivately(target: ReplyTarget, reply: Reply) {
    // Block Kit as rendered for response URLs; the Web API's types do not describe plain objects.
    const { text, blocks } = renderBlocks(reply) as { text: string; blocks: never[] };
    if (target.channelId) {
      try {
        await app.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, text, blocks });
        return;
      } catch (error) {
        log.warn({ err: { message: (error as Error).message } }, 'ephemeral fallback failed; trying a direct message');
      }
    }
    await tellInDm(app.client, target.userId, reply);
  }

  /** The non-secret line for the audit or sales channel, when one is configured. */
  async function announce(announcement: Announcement) {
    const channel = announcement.channel === 'sales' ? settings.salesChannel : settings.auditChannel;
    if (!channel) return;
    await app.client.chat.postMessage({ channel, text: announcement.text });
  }

  const deliveryTo = (target: ReplyTarget): Delivery => ({
    reply: (reply) => respondTo(target.responseUrl, reply, target.replaceOriginal),
    fallback: (reply) => tellPrivately(target, reply),
    announce,
  });

  /** True when this process is the one to handle a request; a replay or duplicate is dropped quietly. */
  async function claimed(triggerId: string | undefined) {
    if (!triggerId || (await dispatcher.claim('slack', triggerId))) return true;
    log.debug({ triggerId }, 'duplicate delivery ignored');
    return false;
  }

  app.command('/pop', async ({ command, ack }) => {
    await ack();
    const actor = actorOf({
      team: { id: command.team_id },
      enterprise: command.enterprise_id ? { id: command.enterprise_id } : null,
      user: { id: command.user_id, name: command.user_name },
    });
    const target: ReplyTarget = {
      responseUrl: command.response_url,
      userId: command.user_id,
      channelId: command.channel_id,
    };
    if (/^passwd$/i.test(command.text.trim())) {
      // Phone first: pick the account from a searchable list instead of typing it (within the trigger's 3 s).
      if (!(await claimed(command.trigger_id))) return;
      const picker = await dispatcher.offerPasswdPicker(actor);
      if (!picker.ok) return dispatcher.deliver(picker.reply, deliveryTo(target));
      await app.client.views.open({ trigger_id: command.trigger_id, view: pickerView(picker.pendingId, target) });
      return;
    }
    // Claimed when its turn in the queue comes: before that, nothing but the acknowledgement happens.
    await dispatcher.handle(actor, command.text, deliveryTo(target), { claim: command.trigger_id });
  });

  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const kind = kindOfActionId((action as ButtonAction).action_id) as ActionKind;
    const pendingId = action.value ?? '';
    const actor = actorOf(body as Body);
    const target: ReplyTarget = {
      responseUrl: body.response_url,
      userId: body.user.id,
      channelId: body.channel?.id,
      replaceOriginal: kind !== 'request-more',
    };
    if (kind === 'cancel' || kind === 'own-password') {
      // Answered at once: a form must open within the trigger's 3 s.
      if (!(await claimed(body.trigger_id))) return;
      if (kind === 'cancel')
        return dispatcher.deliver(await dispatcher.cancelAction(actor, pendingId), deliveryTo(target));
      const checked = await dispatcher.checkAction(actor, pendingId);
      if (!checked.ok) return dispatcher.deliver(checked.reply, deliveryTo({ ...target, replaceOriginal: false }));
      await app.client.views.open({
        trigger_id: body.trigger_id,
        view: ownPasswordView(pendingId, checked.address, target),
      });
      return;
    }
    await dispatcher.handleAction(actor, pendingId, deliveryTo(target), { claim: body.trigger_id });
  });

  // A link button opens its page in the browser; nothing to do here but acknowledge.
  app.action(LINK_BUTTON, async ({ ack }) => ack());

  app.view(OWN_PASSWORD_VIEW, async ({ ack, body, view }) => {
    const meta = JSON.parse(view.private_metadata) as { pendingId: string } & ReplyTarget;
    if (!(await claimed((body as { trigger_id?: string }).trigger_id))) return ack();
    const typed = view.state.values.password?.value?.value ?? '';
    const reply = await dispatcher.runAction(actorOf(body as Body), meta.pendingId, {
      chosenPassword: new Secret(typed),
    });
    if (reply.errorCode) {
      // Inline, in the modal; the message names the rule, never the password.
      await ack({
        response_action: 'errors',
        errors: { password: (reply.lines ?? [reply.title]).join(' ').slice(0, 300) },
      });
      return;
    }
    await ack();
    await dispatcher.deliver(reply, deliveryTo({ ...meta, replaceOriginal: false }));
  });

  app.options({ action_id: PICKER_ACTION }, async ({ ack, body }) => {
    const accounts = await dispatcher.suggestAccounts(
      actorOf(body as Body),
      String((body as { value?: string }).value ?? ''),
      100,
    );
    // Block Kit options (external_select), which Bolt's ack type does not describe: text ≤ 75, value ≤ 150.
    await ack({
      options: accounts.map((a) => ({
        text: { type: 'plain_text', text: compactAddress(a, 75) },
        value: compactAddress(a, 150),
      })),
    } as never);
  });

  app.view(PICKER_VIEW, async ({ ack, body, view }) => {
    const meta = JSON.parse(view.private_metadata) as { pendingId: string } & ReplyTarget;
    if (!(await claimed((body as { trigger_id?: string }).trigger_id))) return ack();
    const address = view.state.values.account?.[PICKER_ACTION]?.selected_option?.value;
    if (!address) return ack({ response_action: 'errors', errors: { account: 'Choose an account.' } });
    const reply = await dispatcher.runAction(actorOf(body as Body), meta.pendingId, { picked: address });
    if (reply.errorCode)
      return ack({
        response_action: 'errors',
        errors: { account: (reply.lines ?? [reply.title]).join(' ').slice(0, 300) },
      });
    await ack();
    await dispatcher.deliver(reply, deliveryTo(meta));
  });

  return {
    /** Routes POST /slack/events into Bolt (HTTP mode); the shared HTTP server calls it first. */
    httpHandler(req: IncomingMessage, res: ServerResponse): boolean {
      if (settings.appToken || req.method !== 'POST' || (req.url ?? '').split('?')[0] !== SLACK_EVENTS_PATH)
        return false;
      const signedAt = Number(req.headers['x-slack-request-timestamp']);
      if (signedAt > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) {
        log.warn({ signedAt }, 'request dated in the future refused');
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('stale or future request timestamp\n');
        return true;
      }
      (receiver as HTTPReceiver).requestListener(req, res);
      return true;
    },
    /** Tells one person privately, later (a link's owner set a password): a direct message from the app. */
    notify: (userId: string, reply: Reply) => tellInDm(app.client, userId, reply),
    /** Connects Socket Mode; HTTP mode needs nothing more. */
    async start() {
      if (settings.appToken) await app.start();
    },
    async stop() {
      if (settings.appToken) await app.stop();
    },
  };
}

/** A modal with one input block; `meta` rides along in private_metadata (set by us, signed back by Slack). */
function modal(callbackId: string, meta: object, title: string, submit: string, input: Record<string, unknown>) {
  return {
    type: 'modal' as const,
    callback_id: callbackId,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text' as const, text: title },
    submit: { type: 'plain_text' as const, text: submit },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [{ type: 'input', ...input }],
  };
}

function ownPasswordView(pendingId: string, address: string, target: ReplyTarget) {
  return modal(OWN_PASSWORD_VIEW, { pendingId, ...target }, 'Set my own password', 'Set password', {
    block_id: 'password',
    label: { type: 'plain_text', text: `New password for ${compactAddress(address, 130)}` },
    hint: {
      type: 'plain_text',
      text:
        `At least 10 and at most ${MAX_PASSWORD_LENGTH} characters, hard to guess, without the account name or ` +
        `the domain.`,
    },
    element: { type: 'plain_text_input', action_id: 'value', min_length: 1, max_length: MAX_PASSWORD_LENGTH },
  });
}

function pickerView(pendingId: string, target: ReplyTarget) {
  return modal(PICKER_VIEW, { pendingId, ...target }, 'New password', 'Set new password', {
    block_id: 'account',
    label: { type: 'plain_text', text: 'Account' },
    element: {
      type: 'external_select',
      action_id: PICKER_ACTION,
      min_query_length: 0,
      placeholder: { type: 'plain_text', text: 'Start typing a name' },
    },
  });
}
