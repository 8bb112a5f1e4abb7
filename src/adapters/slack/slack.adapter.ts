import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type ButtonAction, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Dispatcher } from '../../commands/dispatch.ts';
import type { Reply } from '../../commands/reply.ts';
import type { Actor } from '../../service/context.ts';
import { Secret } from '../../service/secret.ts';
import { ACTION_PREFIX, renderBlocks } from './render.ts';

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
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * Slack: `/pop <text>` → ack at once → run → ephemeral answer through the response URL.
 * Buttons carry the command to re-run in their value, so they work after a restart and on any
 * process; every click goes through the dispatcher again, role check included.
 */
export async function createSlackAdapter(deps: { dispatcher: Dispatcher; logger: Logger; settings: SlackSettings }) {
  const { dispatcher, logger, settings } = deps;
  const log = logger.child({ component: 'slack' });
  const apiUrl = settings.apiUrl ? settings.apiUrl.replace(/\/?$/, '/') : undefined;
  const clientOptions = apiUrl ? { slackApiUrl: apiUrl } : undefined;
  const receiver = settings.appToken
    ? new SocketModeReceiver({ appToken: settings.appToken, logger: boltLogger(logger), installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: settings.signingSecret ?? '', endpoints: SLACK_EVENTS_PATH, logger: boltLogger(logger) });
  const app = new App({ token: settings.botToken, receiver, logger: boltLogger(logger), deferInitialization: true, clientOptions });
  await app.init();

  app.error(async (error) => {
    log.error({ err: { name: error.name, code: (error as { code?: string }).code } }, 'slack handler failed');
  });

  /** Posts a reply privately through a response URL (30 minutes valid, 5 uses). */
  async function respondTo(responseUrl: string, reply: Reply, replaceOriginal = false) {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: replaceOriginal, ...renderBlocks(reply) }),
    });
    if (!response.ok) log.warn({ status: response.status }, 'response URL refused the reply');
  }

  /** The non-secret line for the audit or sales channel, when one is configured. */
  async function announce(reply: Reply) {
    if (!reply.announce) return;
    const channel = reply.announce.channel === 'sales' ? settings.salesChannel : settings.auditChannel;
    if (!channel) return;
    try {
      await app.client.chat.postMessage({ channel, text: reply.announce.text });
    } catch (error) {
      log.warn({ err: { message: (error as Error).message }, channel }, 'could not post to the channel');
    }
  }

  app.command('/pop', async ({ command, ack }) => {
    await ack();
    const actor = actorOf({ team: { id: command.team_id }, enterprise: command.enterprise_id ? { id: command.enterprise_id } : null, user: { id: command.user_id, name: command.user_name } });
    if (/^passwd$/i.test(command.text.trim())) {
      // Phone first: pick the account from a searchable list instead of typing it.
      const allowed = await dispatcher.run(actor, 'help');
      if (allowed.errorCode) return respondTo(command.response_url, allowed);
      await app.client.views.open({ trigger_id: command.trigger_id, view: pickerView(command.response_url) });
      return;
    }
    const reply = await dispatcher.run(actor, command.text);
    await respondTo(command.response_url, reply);
    await announce(reply);
  });

  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const id = (action as ButtonAction).action_id.slice(ACTION_PREFIX.length);
    const responseUrl = body.response_url;
    const actor = actorOf(body as Body);
    if (id === 'cancel') return respondTo(responseUrl, { tone: 'info', title: 'Cancelled; nothing changed.' }, true);
    if (id === 'own-password') {
      await app.client.views.open({ trigger_id: body.trigger_id, view: ownPasswordView(action.value ?? '', responseUrl) });
      return;
    }
    const reply = await dispatcher.run(actor, action.value ?? '');
    await respondTo(responseUrl, reply, id === 'confirm-delete' || id === 'next-page');
    await announce(reply);
  });

  app.view(OWN_PASSWORD_VIEW, async ({ ack, body, view }) => {
    const meta = JSON.parse(view.private_metadata) as { command: string; responseUrl: string };
    if (!/^passwd \S+ --own$/.test(meta.command)) return ack({ response_action: 'errors', errors: { password: 'This form is out of date; run /pop passwd again.' } });
    const typed = view.state.values.password?.value?.value ?? '';
    const reply = await dispatcher.run(actorOf(body as Body), meta.command, { chosenPassword: new Secret(typed) });
    if (reply.errorCode) {
      // Inline, in the modal; the message names the rule, never the password.
      await ack({ response_action: 'errors', errors: { password: (reply.lines ?? [reply.title]).join(' ').slice(0, 300) } });
      return;
    }
    await ack();
    await respondTo(meta.responseUrl, reply);
    await announce(reply);
  });

  app.options({ action_id: PICKER_ACTION }, async ({ ack, body }) => {
    const accounts = await dispatcher.suggestAccounts(actorOf(body as Body), String((body as { value?: string }).value ?? ''), 100);
    // Block Kit options (external_select), which Bolt's ack type does not describe.
    await ack({ options: accounts.map((a) => ({ text: { type: 'plain_text', text: a }, value: a })) } as never);
  });

  app.view(PICKER_VIEW, async ({ ack, body, view }) => {
    const meta = JSON.parse(view.private_metadata) as { responseUrl: string };
    const address = view.state.values.account?.[PICKER_ACTION]?.selected_option?.value;
    if (!address) return ack({ response_action: 'errors', errors: { account: 'Choose an account.' } });
    const reply = await dispatcher.run(actorOf(body as Body), `passwd ${address}`);
    if (reply.errorCode) return ack({ response_action: 'errors', errors: { account: (reply.lines ?? [reply.title]).join(' ').slice(0, 300) } });
    await ack();
    await respondTo(meta.responseUrl, reply);
    await announce(reply);
  });

  return {
    /** Routes POST /slack/events into Bolt (HTTP mode); the shared HTTP server calls it first. */
    httpHandler(req: IncomingMessage, res: ServerResponse): boolean {
      if (settings.appToken || req.method !== 'POST' || (req.url ?? '').split('?')[0] !== SLACK_EVENTS_PATH) return false;
      (receiver as HTTPReceiver).requestListener(req, res);
      return true;
    },
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

function ownPasswordView(command: string, responseUrl: string) {
  const address = command.split(' ')[1] ?? '';
  return modal(OWN_PASSWORD_VIEW, { command, responseUrl }, 'Set my own password', 'Set password', {
    block_id: 'password',
    label: { type: 'plain_text', text: `New password for ${address}`.slice(0, 150) },
    hint: { type: 'plain_text', text: 'At least 10 characters, hard to guess, without the account name or the domain.' },
    element: { type: 'plain_text_input', action_id: 'value', min_length: 1, max_length: 200 },
  });
}

function pickerView(responseUrl: string) {
  return modal(PICKER_VIEW, { responseUrl }, 'New password', 'Set new password', {
    block_id: 'account',
    label: { type: 'plain_text', text: 'Account' },
    element: { type: 'external_select', action_id: PICKER_ACTION, min_query_length: 0, placeholder: { type: 'plain_text', text: 'Start typing a name' } },
  });
}
