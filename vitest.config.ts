import { defineConfig } from 'vitest/config';

// Two tiers run by `npm test`: pure code, then the gateway against real uv processes.
// The cluster tier has its own config (vitest.cluster.config.ts) because it needs a built cluster.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A backstop against a hang, not a speed limit: on a loaded shared machine a test that
          // starts real processes (the CLI, a Node child) can take far longer than vitest's 5 s.
          testTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          pool: 'forks',
          // Real processes share two cores; running files one at a time keeps cold starts honest.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
