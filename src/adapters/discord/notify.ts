import { REST, Routes } from 'discord.js';
import type { Reply } from '../../commands/reply.ts';
import { renderMessage } from './render.ts';

/** A direct message to one person, through Discord's REST API. */
export async function tellInDm(rest: REST, userId: string, reply: Reply): Promise<void> {
  const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
  const { flags: _flags, ...message } = renderMessage(reply);
  await rest.post(Routes.channelMessages(channel.id), { body: message });
}

/** For a process that only tells people things (the console's `sales done`): REST, no gateway. */
export function discordNotifier(settings: { token: string; apiUrl?: string }) {
  const rest = new REST(settings.apiUrl ? { api: settings.apiUrl } : {}).setToken(settings.token);
  return (userId: string, reply: Reply) => tellInDm(rest, userId, reply);
}
