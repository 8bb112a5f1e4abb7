import { randomUUID } from 'node:crypto';
import {
  ApplicationCommandOptionType,
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
  type RepliableInteraction,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Dispatcher } from '../../commands/dispatch.ts';
import type { Announcement, Delivery, Reply } from '../../commands/reply.ts';
import { errorReply } from '../../commands/replies.ts';
import type { Actor } from '../../service/context.ts';
import { Secret } from '../../service/secret.ts';
import { compactAddress, MAX_PASSWORD_LENGTH } from '../../service/index.ts';
import { discordOptions, toCommandInput, type OptionValues } from './commands.ts';
import { findCommand } from '../../commands/registry.ts';
import { decodeButton, OWN_PASSWORD_MODAL, renderMessage } from './render.ts';
import { tellInDm } from './notify.ts';

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

/**
 * A modal title names the account (45 characters at most): the whole address when it fits, else its
 * name; the placeholder below always shows the address.
 */
function modalTitle(address: string): string {
  const name = address.slice(0, address.lastIndexOf('@'));
  for (const title of [`Password for ${address}`, `Password for ${name}`]) if (title.length <= 45) return title;
  return 'Set my own password';
}

const notice = (title: string, line?: string): Reply => ({ tone: 'info', title, lines: line ? [line] : undefined });

function actorOf(interaction: Interaction & { guildId: string }): Actor {
  const member = interaction.member as { roles: string[] | { cache: Map<string, unknown> } } | null;
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return {
    platform: 'discord',
    workspaceId: interaction.guildId,
    userId: interaction.user.id,
    userName: interaction.user.username,
    roleIds: roles,
  };
}

/** What may be logged of a failure: a DiscordAPIError carries the request body, which can hold a password. */
function safeError(error: unknown) {
  const e = error as {
    name?: string;
    message?: string;
    status?: number;
    method?: string;
    code?: number | string;
    stack?: string;
  };
  return { name: e.name, message: e.message, status: e.status, method: e.method, code: e.code, stack: e.stack };
}

/** A reply for editing a response that is already ephemeral (edits take no flags). */
const renderEdit = (reply: Reply) => {
  const { flags: _flags, ...edit } = renderMessage(reply);
  return edit;
};

type Guilded<T> = T & { guildId: string };

/**
 * Discord: one `/pop` command with subcommands; every answer is ephemeral and confirmed. Buttons and
 * modals name pending actions stored by popbot; an interaction id runs at most once across processes.
 */
export function createDiscordAdapter(deps: { dispatcher: Dispatcher; logger: Logger; settings: DiscordSettings }) {
  const { dispatcher, settings } = deps;
  const log = deps.logger.child({ component: 'discord' });
  const client = new Client({ intents: DISCORD_INTENTS, rest: settings.apiUrl ? { api: settings.apiUrl } : {} });
  client.rest.setToken(settings.token);

  async function announce(announcement: Announcement) {
    const channel = announcement.channel === 'sales' ? settings.salesChannel : settings.auditChannel;
    if (!channel) return;
    await client.rest.post(Routes.channelMessages(channel), {
      body: { content: announcement.text, allowed_mentions: { parse: [] } },
    });
  }

  /**
   * Delivery through the interaction's original response (discord.js retries server errors), then,
   * if that fails, an ephemeral follow-up or a direct message to say what happened.
   */
  function deliveryFor(interaction: RepliableInteraction): Delivery {
    return {
      reply: async (reply) => void (await interaction.editReply(renderEdit(reply))),
      fallback: async (reply) => {
        try {
          await interaction.followUp(renderMessage(reply));
        } catch (error) {
          log.warn({ err: safeError(error) }, 'follow-up failed; sending a direct message');
          await interaction.user.send(renderEdit(reply));
        }
      },
      announce,
    };
  }

  function ownPasswordModal(pendingId: string, address: string): APIModalInteractionResponseCallbackData {
    return {
      custom_id: `${OWN_PASSWORD_MODAL}${pendingId}`,
      title: modalTitle(address),
      components: [
        {
          type: ComponentType.ActionRow as const,
          components: [
            {
              type: ComponentType.TextInput as const,
              custom_id: 'password',
              // Labels are 45 characters at most; the placeholder (100) names the account in full.
              label: 'New password',
              style: TextInputStyle.Short,
              min_length: 1,
              max_length: MAX_PASSWORD_LENGTH,
              required: true,
              placeholder: `for ${compactAddress(address, 96)}`,
            },
          ],
        },
      ],
    };
  }

  const answer = (interaction: RepliableInteraction, reply: Reply) => interaction.reply(renderMessage(reply));

  async function onCommand(interaction: Guilded<ChatInputCommandInteraction>) {
    // `/pop forward add …`: the group is the command, its subcommand the verb.
    const group = interaction.options.getSubcommandGroup(false) ?? undefined;
    const verb = group ? interaction.options.getSubcommand() : undefined;
    const subcommand = group ?? interaction.options.getSubcommand();
    const command = findCommand(subcommand);
    if (!command) return answer(interaction, errorReply({ code: 'ACTION_UNKNOWN' }));
    const values: OptionValues = {};
    for (const option of discordOptions(command, verb)) {
      const raw = interaction.options.get(option.name);
      if (!raw) continue;
      values[option.name] =
        option.type === ApplicationCommandOptionType.Mentionable
          ? {
              mention: interaction.options.resolved?.roles?.has(String(raw.value))
                ? `<@&${raw.value}>`
                : `<@${raw.value}>`,
            }
          : (raw.value as string | number | boolean);
    }
    const input = toCommandInput(command, values, verb);
    if (subcommand === 'passwd' && values.own === true) {
      // A modal must be the first answer: the command checks the account and stores the form's action first.
      const reply = await dispatcher.run(actorOf(interaction), input);
      const own = reply.actions?.find((a) => a.kind === 'own-password');
      if (reply.errorCode || !own) return answer(interaction, reply);
      return interaction.showModal(ownPasswordModal(own.pendingId, own.subject ?? ''));
    }
    // Hashing and the database may take more than Discord's 3 s: defer first, privately.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await dispatcher.handle(actorOf(interaction), input, deliveryFor(interaction));
  }

  async function onAutocomplete(interaction: Guilded<AutocompleteInteraction>) {
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'name') return interaction.respond([]);
    const accounts = await dispatcher.suggestAccounts(actorOf(interaction), String(focused.value), 25);
    // Choices are 100 characters at most, name and value: a longer address keeps its name and the end of its domain.
    await interaction.respond(accounts.map((a) => ({ name: compactAddress(a, 100), value: compactAddress(a, 100) })));
  }

  async function onButton(interaction: Guilded<ButtonInteraction>) {
    const button = decodeButton(interaction.customId);
    const actor = actorOf(interaction);
    if (!button) return answer(interaction, errorReply({ code: 'ACTION_UNKNOWN' }));
    switch (button.kind) {
      case 'cancel': {
        const reply = await dispatcher.cancelAction(actor, button.pendingId);
        return reply.errorCode ? answer(interaction, reply) : interaction.update(renderEdit(reply));
      }
      case 'own-password': {
        const checked = await dispatcher.checkAction(actor, button.pendingId);
        if (!checked.ok) return answer(interaction, checked.reply);
        return interaction.showModal(ownPasswordModal(button.pendingId, checked.address));
      }
      default:
        // The question's message becomes the answer; one that is not the requester's gets its own.
        await interaction.deferUpdate();
        await dispatcher.handleAction(actor, button.pendingId, deliveryFor(interaction));
    }
  }

  async function onModal(interaction: Guilded<ModalSubmitInteraction>) {
    if (!interaction.customId.startsWith(OWN_PASSWORD_MODAL)) return;
    const pendingId = interaction.customId.slice(OWN_PASSWORD_MODAL.length);
    const chosen = new Secret(interaction.fields.getTextInputValue('password'));
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await dispatcher.handleAction(actorOf(interaction), pendingId, deliveryFor(interaction), {
      chosenPassword: chosen,
    });
  }

  /** Every interaction: claimed once across processes, guilds only; unexpected failures answer with a ref. */
  async function handle(interaction: Interaction) {
    try {
      if (!interaction.isAutocomplete() && !(await dispatcher.claim('discord', interaction.id))) {
        log.debug({ interaction: interaction.id }, 'duplicate delivery ignored');
        return;
      }
      if (!interaction.inGuild()) {
        await dispatcher.refuseOutside(
          {
            platform: 'discord',
            workspaceId: 'dm',
            userId: interaction.user.id,
            userName: interaction.user.username,
            roleIds: [],
          },
          'direct message',
        );
        if (interaction.isRepliable())
          await answer(interaction, notice('popbot works in servers only', 'Run /pop in a server channel.'));
        return;
      }
      if (interaction.isAutocomplete()) return await onAutocomplete(interaction as Guilded<AutocompleteInteraction>);
      if (interaction.isChatInputCommand() && interaction.commandName === 'pop')
        return await onCommand(interaction as Guilded<ChatInputCommandInteraction>);
      if (interaction.isButton()) return await onButton(interaction as Guilded<ButtonInteraction>);
      if (interaction.isModalSubmit()) return await onModal(interaction as Guilded<ModalSubmitInteraction>);
    } catch (error) {
      const ref = randomUUID().slice(0, 8);
      log.error({ err: safeError(error), ref }, 'discord interaction failed');
      if (interaction.isRepliable()) {
        const message = { content: `Something went wrong (ref ${ref}).`, embeds: [], components: [] };
        await (interaction.deferred || interaction.replied
          ? interaction.editReply(message)
          : interaction.reply({ ...message, flags: MessageFlags.Ephemeral })
        ).catch(() => undefined);
      }
    }
  }

  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.on(Events.Error, (error) => log.error({ err: safeError(error) }, 'discord client error'));

  return {
    client,
    /** Tells one person privately, later (a link's owner set a password): a direct message. */
    notify: (userId: string, reply: Reply) => tellInDm(client.rest, userId, reply),
    /** Connects to the gateway; discord.js reconnects by itself. */
    async start() {
      await client.login(settings.token);
    },
    async stop() {
      await client.destroy();
    },
  };
}
