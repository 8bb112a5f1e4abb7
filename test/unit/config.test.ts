import { describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from '../../src/config.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('one-time link settings (SPEC §10)', () => {
  it('PUBLIC_URL without its trailing slash; LINK_TTL as 30m, 24h or 7d; TRUST_PROXY off by default', () => {
    expect(loadConfig({}).links).toEqual({ publicUrl: undefined, ttlSeconds: 86_400 });
    const set = loadConfig({ PUBLIC_URL: 'https://pop.example.com/', LINK_TTL: '90m', TRUST_PROXY: '1' });
    expect(set.links).toEqual({ publicUrl: 'https://pop.example.com', ttlSeconds: 5400 });
    expect(set.trustProxy).toBe(true);
    expect(loadConfig({ LINK_TTL: '7d' }).links.ttlSeconds).toBe(604_800);
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000/popbot' }).links.publicUrl).toBe(
      'http://127.0.0.1:3000/popbot',
    );
  });

  it('refuses a link base that is not an http(s) URL and a lifetime out of bounds, naming the rule', () => {
    expect(problemsOf({ PUBLIC_URL: 'pop.example.com' })).toEqual([
      'PUBLIC_URL: must be an http(s) URL without query, e.g. https://pop.example.com (got "pop.example.com")',
    ]);
    expect(problemsOf({ PUBLIC_URL: 'https://pop.example.com/?x=1' })).toHaveLength(1);
    for (const ttl of ['1m', '31d', 'forever', '-5h'])
      expect(problemsOf({ LINK_TTL: ttl })).toEqual([
        `LINK_TTL: must be like 30m, 24h or 7d, from 5 minutes to 30 days (got "${ttl}")`,
      ]);
  });
});
