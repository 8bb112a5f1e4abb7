import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // expect.poll waits for something to happen; a busy machine may take longer, which is no failure.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['default'],
  },
});
