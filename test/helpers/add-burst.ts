/**
 * A separate popbot process for the concurrency test: builds the real core from the
 * environment (DATABASE_URL), waits for a common start time, then fires its adds at once.
 * Usage: add-burst.ts <startAtMs> <domain> <name>…  Prints a JSON summary of the outcomes.
 */
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildCore } from '../../src/app.ts';
import { CONSOLE_ACTOR } from '../../src/service/context.ts';

const [startAt, domain, ...names] = process.argv.slice(2);
const core = await buildCore(loadConfig(), { logger: createLogger({ level: 'error' }) });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const replies = await Promise.all(names.map((name) => core.dispatcher.run(CONSOLE_ACTOR, `add ${name}@${domain}`)));
const outcomes: Record<string, number> = {};
for (const reply of replies) outcomes[reply.errorCode ?? 'ok'] = (outcomes[reply.errorCode ?? 'ok'] ?? 0) + 1;
const planLimitMessage = replies.find((r) => r.errorCode === 'PLAN_LIMIT_REACHED')?.lines?.[0];
process.stdout.write(`${JSON.stringify({ pid: process.pid, outcomes, planLimitMessage })}\n`);
await core.database.close();
