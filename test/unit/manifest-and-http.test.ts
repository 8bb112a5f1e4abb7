import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHttpServer } from '../../src/adapters/http/http.server.ts';
import { createMetrics } from '../../src/adapters/http/metrics.ts';

describe('Slack app manifest', () => {
  it('creates /pop with escaping, the two scopes popbot uses, and interactivity on /slack/events', () => {
    const manifest = parse(readFileSync(join(import.meta.dirname, '../../slack/manifest.yml'), 'utf8'));
    const [pop] = manifest.features.slash_commands;
    expect(pop).toMatchObject({ command: '/pop', should_escape: true });
    expect(pop.url).toMatch(/\/slack\/events$/);
    expect(pop.usage_hint.length).toBeGreaterThan(0);
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write']);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true });
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});

describe('health endpoint', () => {
  it('answers 503 when the database is unreachable, 200 when it is', async () => {
    let healthy = false;
    const server = createHttpServer({ isHealthy: async () => healthy, registry: createMetrics().registry });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const down = await fetch(`${url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'database unreachable' });
      healthy = true;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/nope`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
