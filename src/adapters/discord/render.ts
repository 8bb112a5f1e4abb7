import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import { linkPurpose, type Action, type ActionKind, type Reply } from '../../commands/reply.ts';

const COLORS: Record<Reply['tone'], number> = { success: 0x2e7d32, info: 0x5865f2, error: 0xc62828, confirm: 0xf9a825 };
const KIND_CODES: Record<ActionKind, string> = {
  'confirm-delete': 'd',
  cancel: 'c',
  'own-password': 'o',
  page: 'p',
  'request-more': 'r',
};

/**
 * A button's custom_id names its pending action (SPEC §12): `pop:<kind>:<id>`, 22 characters at most
 * whatever the address, so every button fits Discord's 100. Nothing in it is trusted but the id.
 */
function encodeButton(kind: ActionKind, pendingId: string): string {
  return `pop:${KIND_CODES[kind]}:${pendingId}`;
}

export function decodeButton(customId: string): { kind: ActionKind; pendingId: string } | null {
  const match = /^pop:([a-z]):([A-Za-z0-9_-]{1,40})$/.exec(customId);
  const kind = match && (Object.keys(KIND_CODES) as ActionKind[]).find((k) => KIND_CODES[k] === match[1]);
  return kind ? { kind, pendingId: match[2]! } : null;
}

/** The "set my own password" modal names the same pending action. */
export const OWN_PASSWORD_MODAL = 'pop:m:';

function buttonFor(action: Action): APIButtonComponent {
  const style =
    action.style === 'danger'
      ? ButtonStyle.Danger
      : action.style === 'primary'
        ? ButtonStyle.Primary
        : ButtonStyle.Secondary;
  return {
    type: ComponentType.Button,
    custom_id: encodeButton(action.kind, action.pendingId),
    label: action.label.slice(0, 80),
    style,
  };
}

/** A reply as an ephemeral Discord message: one embed that reads well on a phone, and buttons. */
export function renderMessage(reply: Reply) {
  const embed: APIEmbed = { title: reply.title.slice(0, 256), color: COLORS[reply.tone] };
  const description: string[] = [...(reply.lines ?? [])];
  for (const row of reply.rows ?? [])
    description.push(row.detail ? `**${row.title}**\n${row.detail}` : `**${row.title}**`);
  if (description.length) embed.description = description.join('\n').slice(0, 4000);
  const fields = (reply.fields ?? []).map((f) => ({
    name: f.label,
    value: f.value.slice(0, 1024) || '—',
    inline: f.value.length < 40,
  }));
  const links: APIButtonComponent[] = [];
  if (reply.secret) {
    const s = reply.secret;
    fields.push({ name: 'Login', value: s.logins.map((l) => `\`${l}\``).join('\nor '), inline: false });
    if (s.password) fields.push({ name: 'Password', value: `\`${s.password.reveal()}\``, inline: false });
    fields.push(
      {
        name: 'Incoming (POP3)',
        value: `\`${s.server.host}\` port ${s.server.port}, ${s.server.security}`,
        inline: false,
      },
      {
        name: 'Outgoing (SMTP)',
        value: `\`${s.outgoing.host}\` port ${s.outgoing.port}, ${s.outgoing.security}, same login`,
        inline: false,
      },
    );
    if (s.link) {
      const url = s.link.url.reveal();
      const name = s.link.kind === 'reveal' ? 'One-time link for the owner' : 'Set-your-own-password link';
      fields.push({
        name,
        value: `${linkPurpose(s.link, 'You get a direct message when they have.')}\n\`${url}\``,
        inline: false,
      });
      links.push({ type: ComponentType.Button, style: ButtonStyle.Link, url, label: 'One-time link' });
    }
  }
  if (fields.length) embed.fields = fields.slice(0, 25);
  if (reply.footer) embed.footer = { text: reply.footer.slice(0, 2048) };
  const buttons = [...(reply.actions ?? []).map(buttonFor), ...links];
  const components: APIActionRowComponent<APIButtonComponent>[] = buttons.length
    ? [{ type: ComponentType.ActionRow, components: buttons.slice(0, 5) }]
    : [];
  return { embeds: [embed], components, flags: MessageFlags.Ephemeral as const };
}
