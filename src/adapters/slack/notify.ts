import { webApi } from '@slack/bolt';
import type { Reply } from '../../commands/reply.ts';
import { renderBlocks } from './render.ts';

/** A private message from the app to one person (their DM with it), through a Web API client. */
export async function tellInDm(client: webApi.WebClient, userId: string, reply: Reply): Promise<void> {
  // Block Kit as rendered for response URLs; the Web API's types do not describe plain objects.
  const { text, blocks } = renderBlocks(reply) as { text: string; blocks: never[] };
  await client.chat.postMessage({ channel: userId, text, blocks });
}

/** For a process that only tells people things (the console's `sales done`): no Bolt app, just the Web API. */
export function slackNotifier(settings: { botToken: string; apiUrl?: string }) {
  const client = new webApi.WebClient(settings.botToken, {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl.replace(/\/?$/, '/') } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  });
  return (userId: string, reply: Reply) => tellInDm(client, userId, reply);
}
