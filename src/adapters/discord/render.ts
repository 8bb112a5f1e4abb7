import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Action, Reply } from '../../commands/reply.ts';

const COLORS: Record<Reply['tone'], number> = { success: 0x2e7d32, info: 0x5865f2, error: 0xc62828, confirm: 0xf9a825 };
export const CONFIRM_SECONDS = 60;
const MAX_CUSTOM_ID = 100;

/**
 * Button state lives in the custom_id (100 characters at most), so a click works after a restart
 * and on any process: `pop|<kind>|<requester>|<expiry>|<payload>`.
 */
export type ButtonState =
  | { kind: 'del'; requester: string; expires: number; address: string }
  | { kind: 'cancel'; requester: string }
  | { kind: 'own'; requester: string; address: string }
  | { kind: 'run'; command: string };

export function encodeButton(state: ButtonState): string {
  switch (state.kind) {
    case 'del':
      return `pop|del|${state.requester}|${state.expires.toString(36)}|${state.address}`;
    case 'cancel':
      return `pop|cancel|${state.requester}`;
    case 'own':
      return `pop|own|${state.requester}|${state.address}`;
    case 'run':
      return `pop|run|${state.command}`;
  }
}

export function decodeButton(customId: string): ButtonState | null {
  const [prefix, kind, ...rest] = customId.split('|');
  if (prefix !== 'pop') return null;
  if (kind === 'del' && rest.length === 3) return { kind, requester: rest[0]!, expires: parseInt(rest[1]!, 36), address: rest[2]! };
  if (kind === 'cancel' && rest.length === 1) return { kind, requester: rest[0]! };
  if (kind === 'own' && rest.length === 2) return { kind, requester: rest[0]!, address: rest[1]! };
  if (kind === 'run' && rest.length >= 1) return { kind, command: rest.join('|') };
  return null;
}

export const OWN_PASSWORD_MODAL = 'pop|ownm|';

function buttonFor(action: Action, requester: string, now: number): APIButtonComponent | null {
  let state: ButtonState;
  switch (action.id) {
    case 'confirm-delete':
      state = { kind: 'del', requester, expires: Math.floor(now / 1000) + CONFIRM_SECONDS, address: action.command.split(' ')[1] ?? '' };
      break;
    case 'cancel':
      state = { kind: 'cancel', requester };
      break;
    case 'own-password':
      state = { kind: 'own', requester, address: action.command.split(' ')[1] ?? '' };
      break;
    default:
      state = { kind: 'run', command: action.command };
  }
  const customId = encodeButton(state);
  if (customId.length > MAX_CUSTOM_ID) return null;
  const style = action.style === 'danger' ? ButtonStyle.Danger : action.style === 'primary' ? ButtonStyle.Primary : ButtonStyle.Secondary;
  return { type: ComponentType.Button, custom_id: customId, label: action.label, style };
}

/** A reply as an ephemeral Discord message: one embed that reads well on a phone, and buttons. */
export function renderMessage(reply: Reply, requester: string, now = Date.now()) {
  const embed: APIEmbed = { title: reply.title.slice(0, 256), color: COLORS[reply.tone] };
  const description: string[] = [...(reply.lines ?? [])];
  for (const row of reply.rows ?? []) description.push(row.detail ? `**${row.title}**\n${row.detail}` : `**${row.title}**`);
  if (description.length) embed.description = description.join('\n').slice(0, 4000);
  const fields = (reply.fields ?? []).map((f) => ({ name: f.label, value: f.value.slice(0, 1024) || '—', inline: f.value.length < 40 }));
  if (reply.secret) {
    const s = reply.secret;
    fields.push(
      { name: 'Login', value: s.logins.map((l) => `\`${l}\``).join('\nor '), inline: false },
      { name: 'Password', value: `\`${s.password.reveal()}\``, inline: false },
      { name: 'POP3 server', value: `\`${s.server.host}\` port ${s.server.port}`, inline: false },
    );
  }
  if (fields.length) embed.fields = fields.slice(0, 25);
  if (reply.footer) embed.footer = { text: reply.footer.slice(0, 2048) };
  const buttons = (reply.actions ?? []).map((a) => buttonFor(a, requester, now)).filter((b): b is APIButtonComponent => b !== null);
  const components: APIActionRowComponent<APIButtonComponent>[] = buttons.length ? [{ type: ComponentType.ActionRow, components: buttons.slice(0, 5) }] : [];
  if (reply.actions?.some((a) => a.id === 'confirm-delete') && !buttons.some((b) => 'custom_id' in b && b.custom_id.startsWith('pop|del|'))) {
    embed.description = `${embed.description ?? ''}\nThis address is too long for a confirmation button; delete it from the console.`.trim();
  }
  return { embeds: [embed], components, flags: MessageFlags.Ephemeral as const };
}
