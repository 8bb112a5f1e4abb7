import { linkPurpose, type Action, type OwnerLink, type Reply } from '../../commands/reply.ts';

/** The kind a button's action id names (`popbot:page:2` → page). */
export const kindOfActionId = (actionId: string) => actionId.slice(ACTION_PREFIX.length).split(':')[0] ?? '';

/** Slack's mrkdwn needs &, < and > escaped in anything that came from users or the database. */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const ACTION_PREFIX = 'popbot:';
/** A link button opens the page in the browser; Slack still tells the app, which only acknowledges. */
export const LINK_BUTTON = 'popbot_link';

const LINK_TITLES: Record<OwnerLink['kind'], string> = {
  reveal: 'One-time link for the owner',
  'set-own': 'Set-your-own-password link for the owner',
};

type Block = Record<string, unknown>;

/**
 * A button names its pending action by id (SPEC §12); the kind tells the adapter what a click means.
 * Action ids are unique in a message: a second button of a kind (Previous, Next) gets `:2`.
 */
function button(action: Action, index: number, all: Action[]): Block {
  const same = all.slice(0, index).filter((a) => a.kind === action.kind).length;
  const block: Block = {
    type: 'button',
    action_id: `${ACTION_PREFIX}${action.kind}${same > 0 ? `:${same + 1}` : ''}`,
    text: { type: 'plain_text', text: action.label },
    value: action.pendingId,
  };
  if (action.style) block.style = action.style;
  if (action.confirm) {
    block.confirm = {
      title: { type: 'plain_text', text: action.confirm.title.slice(0, 100) },
      text: { type: 'mrkdwn', text: escapeMrkdwn(action.confirm.text) },
      confirm: { type: 'plain_text', text: action.confirm.confirm },
      deny: { type: 'plain_text', text: action.confirm.deny },
      ...(action.style === 'danger' ? { style: 'danger' } : {}),
    };
  }
  return block;
}

/**
 * A reply as Block Kit for an ephemeral message: short sections that read well on a phone.
 * The login details (password included) go into a section of their own; callers send this only
 * as an ephemeral response to the requester.
 */
export function renderBlocks(reply: Reply): { text: string; blocks: Block[] } {
  const blocks: Block[] = [];
  const icon = { success: ':white_check_mark:', info: '', error: ':no_entry:', confirm: ':warning:' }[reply.tone];
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: `${icon ? `${icon} ` : ''}*${escapeMrkdwn(reply.title)}*` },
  });
  if (reply.lines?.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: reply.lines.map(escapeMrkdwn).join('\n') } });
  if (reply.fields?.length) {
    blocks.push({
      type: 'section',
      fields: reply.fields
        .slice(0, 10)
        .map((f) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}` })),
    });
  }
  for (const row of reply.rows ?? []) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: row.detail ? `*${escapeMrkdwn(row.title)}*\n${escapeMrkdwn(row.detail)}` : `*${escapeMrkdwn(row.title)}*`,
      },
    });
  }
  if (reply.secret) {
    const s = reply.secret;
    // Full width, one thing per line: half-width fields wrap a password and hostnames on a phone.
    if (s.password)
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `*Password*\n\`\`\`${s.password.reveal()}\`\`\`` },
      });
    const [login, alternative] = s.logins;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          `*Login*\n\`${escapeMrkdwn(login ?? s.address)}\``,
          ...(alternative ? [`\`${escapeMrkdwn(alternative)}\` (for apps that refuse an @ in the login)`] : []),
          `*Incoming (POP3)*\n\`${escapeMrkdwn(s.server.host)}\` port ${s.server.port}, ${s.server.security}`,
          `*Outgoing (SMTP)*\n\`${escapeMrkdwn(s.outgoing.host)}\` port ${s.outgoing.port}, ${s.outgoing.security}, same login`,
        ].join('\n'),
      },
    });
    if (s.link) {
      const url = s.link.url.reveal();
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${LINK_TITLES[s.link.kind]}*\n${escapeMrkdwn(linkPurpose(s.link, 'You get a direct message when they have.'))}\n\`${url}\``,
        },
        accessory: { type: 'button', action_id: LINK_BUTTON, text: { type: 'plain_text', text: 'One-time link' }, url },
      });
    }
  }
  if (reply.footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(reply.footer) }] });
  if (reply.actions?.length) blocks.push({ type: 'actions', elements: reply.actions.map(button) });
  // The notification text never carries the password, so it cannot show on a lock screen.
  return { text: reply.title, blocks };
}
