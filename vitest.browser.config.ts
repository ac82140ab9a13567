import { defineConfig } from 'vitest/config';

// The browser tier: the web UI in real headless Chromium (Debian's, installed by test/browser/setup)
// against `faas dev` with real functions run by real uv.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
