import { REST, Routes } from 'discord.js';
import { popCommandData } from './commands.ts';

/** Registers `/pop` for one guild (instant, for development) or globally; returns what Discord answered. */
export async function registerCommands(settings: { token: string; applicationId: string; apiUrl?: string }, guildId?: string) {
  const rest = new REST(settings.apiUrl ? { api: settings.apiUrl } : {}).setToken(settings.token);
  const route = guildId ? Routes.applicationGuildCommands(settings.applicationId, guildId) : Routes.applicationCommands(settings.applicationId);
  const body = [popCommandData()];
  const answer = (await rest.put(route, { body })) as { name: string; id: string }[];
  return { scope: guildId ? `guild ${guildId}` : 'global', subcommands: body[0]!.options!.map((o) => o.name), answer };
}
