import { randomUUID } from 'node:crypto';
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Routes,
  TextInputStyle,
  ComponentType,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Dispatcher } from '../../commands/dispatch.ts';
import type { Reply } from '../../commands/reply.ts';
import type { Actor } from '../../service/context.ts';
import { Secret } from '../../service/secret.ts';
import { DISCORD_OPTIONS, toCommandInput, type OptionValues } from './commands.ts';
import { decodeButton, OWN_PASSWORD_MODAL, renderMessage } from './render.ts';

export type DiscordSettings = {
  token: string;
  applicationId: string;
  /** REST base (proxies, tests); Discord's own by default. */
  apiUrl?: string;
  auditChannel?: string;
  salesChannel?: string;
};

/**
 * The gateway needs only the Guilds intent: slash commands, buttons and modals arrive as
 * interactions whatever the intents, and member roles come inside each interaction.
 */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds];

function actorOf(interaction: Interaction & { guildId: string }): Actor {
  const member = interaction.member as { roles: string[] | { cache: Map<string, unknown> } } | null;
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { platform: 'discord', workspaceId: interaction.guildId, userId: interaction.user.id, userName: interaction.user.username, roleIds: roles };
}

/** What may be logged of a failure: a DiscordAPIError carries the request body, which can hold a password. */
function safeError(error: unknown) {
  const e = error as { name?: string; message?: string; status?: number; method?: string; code?: number | string; stack?: string };
  return { name: e.name, message: e.message, status: e.status, method: e.method, code: e.code, stack: e.stack };
}

/** A reply for editing a response that is already ephemeral (edits take no flags). */
const renderEdit = (reply: Reply, requester: string) => {
  const { flags: _flags, ...edit } = renderMessage(reply, requester);
  return edit;
};
const notice = (title: string, line?: string): Reply => ({ tone: 'info', title, lines: line ? [line] : undefined });

/**
 * Discord: one `/pop` command with subcommands; every answer is ephemeral. Buttons carry their
 * state in custom_id; a click re-runs the command through the dispatcher, role check included.
 */
export function createDiscordAdapter(deps: { dispatcher: Dispatcher; logger: Logger; settings: DiscordSettings }) {
  const { dispatcher, settings } = deps;
  const log = deps.logger.child({ component: 'discord' });
  const client = new Client({ intents: DISCORD_INTENTS, rest: settings.apiUrl ? { api: settings.apiUrl } : {} });
  client.rest.setToken(settings.token);

  async function announce(reply: Reply) {
    if (!reply.announce) return;
    const channel = reply.announce.channel === 'sales' ? settings.salesChannel : settings.auditChannel;
    if (!channel) return;
    try {
      await client.rest.post(Routes.channelMessages(channel), { body: { content: reply.announce.text, allowed_mentions: { parse: [] } } });
    } catch (error) {
      log.warn({ err: safeError(error), channel }, 'could not post to the channel');
    }
  }

  function ownPasswordModal(address: string): APIModalInteractionResponseCallbackData {
    return {
      custom_id: `${OWN_PASSWORD_MODAL}${address}`,
      title: 'Set my own password',
      components: [
        {
          type: ComponentType.ActionRow as const,
          components: [
            {
              type: ComponentType.TextInput as const,
              custom_id: 'password',
              label: `New password for ${address}`.slice(0, 45),
              style: TextInputStyle.Short,
              min_length: 1,
              max_length: 200,
              required: true,
              placeholder: '10+ characters, not the name or domain',
            },
          ],
        },
      ],
    };
  }

  async function onCommand(interaction: ChatInputCommandInteraction & { guildId: string }) {
    const subcommand = interaction.options.getSubcommand();
    const values: OptionValues = {};
    for (const option of DISCORD_OPTIONS[subcommand] ?? []) {
      const raw = interaction.options.get(option.name);
      if (!raw) continue;
      if (option.name === 'target') values.target = { mention: interaction.options.resolved?.roles?.has(String(raw.value)) ? `<@&${raw.value}>` : `<@${raw.value}>` };
      else values[option.name] = raw.value as string | number | boolean;
    }
    if (subcommand === 'passwd' && values.own === true && typeof values.name === 'string') {
      // A modal must be the first answer, so the role is checked when it is submitted.
      return interaction.showModal(ownPasswordModal(values.name));
    }
    // Hashing and the database may take more than Discord's 3 s: defer first, privately.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply = await dispatcher.run(actorOf(interaction), toCommandInput(subcommand, values));
    await interaction.editReply(renderEdit(reply, interaction.user.id));
    await announce(reply);
  }

  async function onAutocomplete(interaction: AutocompleteInteraction & { guildId: string }) {
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'name') return interaction.respond([]);
    const accounts = await dispatcher.suggestAccounts(actorOf(interaction), String(focused.value), 25);
    await interaction.respond(accounts.map((a) => ({ name: a, value: a })));
  }

  async function onButton(interaction: ButtonInteraction & { guildId: string }) {
    const state = decodeButton(interaction.customId);
    if (!state) return interaction.reply(renderMessage(notice('This button is out of date.'), interaction.user.id));
    if (state.kind !== 'run' && state.requester !== interaction.user.id) {
      return interaction.reply(renderMessage(notice('Not your button', `Only <@${state.requester}> can use it.`), interaction.user.id));
    }
    switch (state.kind) {
      case 'cancel':
        return interaction.update(renderEdit(notice('Cancelled; nothing changed.'), interaction.user.id));
      case 'own':
        return interaction.showModal(ownPasswordModal(state.address));
      case 'del': {
        if (Date.now() / 1000 > state.expires) {
          return interaction.update(renderEdit(notice('This confirmation expired; nothing was deleted.', `Run /pop delete ${state.address} again.`), interaction.user.id));
        }
        const reply = await dispatcher.run(actorOf(interaction), { words: ['delete', state.address], flags: { yes: true } });
        await interaction.update(renderEdit(reply, interaction.user.id));
        return announce(reply);
      }
      case 'run': {
        await interaction.deferUpdate();
        const reply = await dispatcher.run(actorOf(interaction), state.command);
        await interaction.editReply(renderEdit(reply, interaction.user.id));
        return announce(reply);
      }
    }
  }

  async function onModal(interaction: ModalSubmitInteraction & { guildId: string }) {
    if (!interaction.customId.startsWith(OWN_PASSWORD_MODAL)) return;
    const address = interaction.customId.slice(OWN_PASSWORD_MODAL.length);
    const chosen = new Secret(interaction.fields.getTextInputValue('password'));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply = await dispatcher.run(actorOf(interaction), { words: ['passwd', address], flags: { own: true } }, { chosenPassword: chosen });
    await interaction.editReply(renderEdit(reply, interaction.user.id));
    await announce(reply);
  }

  /** Every interaction: guilds only; unexpected failures answer with a ref and go to the log. */
  async function handle(interaction: Interaction) {
    try {
      if (!interaction.inGuild()) {
        if (interaction.isRepliable()) await interaction.reply(renderMessage(notice('popbot works in servers only', 'Run /pop in a server channel.'), interaction.user.id));
        return;
      }
      const guilded = interaction as typeof interaction & { guildId: string };
      if (interaction.isAutocomplete()) return await onAutocomplete(guilded as AutocompleteInteraction & { guildId: string });
      if (interaction.isChatInputCommand() && interaction.commandName === 'pop') return await onCommand(guilded as ChatInputCommandInteraction & { guildId: string });
      if (interaction.isButton()) return await onButton(guilded as ButtonInteraction & { guildId: string });
      if (interaction.isModalSubmit()) return await onModal(guilded as ModalSubmitInteraction & { guildId: string });
    } catch (error) {
      const ref = randomUUID().slice(0, 8);
      log.error({ err: safeError(error), ref }, 'discord interaction failed');
      if (interaction.isRepliable()) {
        const message = { content: `Something went wrong (ref ${ref}).`, embeds: [], components: [] };
        await (interaction.deferred || interaction.replied ? interaction.editReply(message) : interaction.reply({ ...message, flags: MessageFlags.Ephemeral })).catch(() => undefined);
      }
    }
  }

  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.on(Events.Error, (error) => log.error({ err: safeError(error) }, 'discord client error'));

  return {
    client,
    /** Connects to the gateway; discord.js reconnects by itself. */
    async start() {
      await client.login(settings.token);
    },
    async stop() {
      await client.destroy();
    },
  };
}
