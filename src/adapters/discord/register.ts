import { REST, Routes } from 'discord.js';
import { popCommandData } from './commands.ts';

/** Registers `/pop` for one guild (instant, for development) or globally; returns what Discord answered. */
export async function registerCommands(
  settings: { token: string; applicationId: string; apiUrl?: string },
  guildId?: string,
) {
  const rest = new REST(settings.apiUrl ? { api: settings.apiUrl } : {}).setToken(settings.token);
  const route = guildId
    ? Routes.applicationGuildCommands(settings.applicationId, guildId)
    : Routes.applicationCommands(settings.applicationId);
  const body = [popCommandData()];
  const answer = (await rest.put(route, { body })) as { name: string; id: string }[];
  return { scope: guildId ? `guild ${guildId}` : 'global', subcommands: body[0]!.options!.map((o) => o.name), answer };
}

/** `popbot discord register [--guild ID]`: registers and prints what it did; returns the exit code. */
export async function runRegister(
  settings: { token: string; applicationId: string; apiUrl?: string } | undefined,
  argv: string[],
  io: { out(text: string): void; err(text: string): void },
): Promise<number> {
  const guildAt = argv.indexOf('--guild');
  const guild = guildAt >= 0 ? argv[guildAt + 1] : undefined;
  if (argv[0] !== 'register' || (guildAt >= 0 && !/^\d{5,25}$/.test(guild ?? ''))) {
    io.err('Usage: popbot discord register [--guild <guild id>]');
    return 2;
  }
  if (!settings) {
    io.err('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the commands.');
    return 78;
  }
  const result = await registerCommands(settings, guild);
  io.out(
    `✔ Registered /pop (${result.scope}) with ${result.subcommands.length} subcommands: ` +
      `${result.subcommands.join(', ')}`,
  );
  if (!guild) io.out('  Global commands can take a while to appear; use --guild <id> while developing.');
  return 0;
}
