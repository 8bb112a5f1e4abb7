import { expect } from 'vitest';
import type { Actor } from '../../src/service/context.ts';
import { slackSignature, type startFakeSlack } from './fake-slack.ts';

type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

/**
 * Requests as Slack signs and sends them to popbot's /slack/events, and the replies the fake Slack
 * received on response URLs. `base()` is popbot's address, known once its server listens.
 */
export function slackRequests(options: { base: () => string; fake: () => FakeSlack; secret: string }) {
  let seq = 0;
  const next = () => ++seq;

  async function post(body: string, contentType: string, signing: { timestamp?: number; secret?: string } = {}) {
    const timestamp = signing.timestamp ?? Math.floor(Date.now() / 1000);
    const started = performance.now();
    const response = await fetch(`${options.base()}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(signing.secret ?? options.secret, timestamp, body),
      },
      body,
    });
    return { status: response.status, text: await response.text(), ms: performance.now() - started };
  }

  /** The form body Slack posts for `/pop <text>`; the reply goes to the fake's response URL `id`. */
  function slashBody(text: string, actor: Actor, id: string): string {
    return new URLSearchParams({
      token: 'legacy',
      team_id: actor.workspaceId,
      team_domain: 'acme',
      channel_id: 'C_GENERAL',
      channel_name: 'general',
      user_id: actor.userId,
      user_name: actor.userName,
      command: '/pop',
      text,
      api_app_id: 'A_POP',
      response_url: options.fake().responseUrl(id),
      trigger_id: `trigger-${id}`,
    }).toString();
  }

  /** A signed slash command; returns its ack and the response-URL id its reply goes to. */
  async function slash(text: string, actor: Actor, signing: { timestamp?: number; secret?: string } = {}) {
    const id = `r${next()}`;
    const ack = await post(slashBody(text, actor, id), 'application/x-www-form-urlencoded', signing);
    return { ack, id };
  }

  /** A slash command and the reply it got. */
  async function command(text: string, actor: Actor) {
    const { ack, id } = await slash(text, actor);
    expect(ack.status).toBe(200);
    const [reply] = await options.fake().waitForResponses(id);
    return {
      reply: reply as { response_type: string; text: string; blocks: unknown[]; replace_original?: boolean },
      id,
      all: JSON.stringify(reply),
    };
  }

  return { post, slashBody, slash, command, next };
}

/** The password in a Slack reply: its own full-width section, in a code block. */
export const passwordOf = (reply: unknown) => /\*Password\*\\n```([^`]+)```/.exec(JSON.stringify(reply))?.[1] ?? '';
