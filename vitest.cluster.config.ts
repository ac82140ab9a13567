import { defineConfig } from 'vitest/config';

// The cluster tier: one real API server (with etcd, controllers, scheduler and
// kwok) for all files, built by test/cluster/setup and started by the global setup.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    pool: 'forks',
    // Files share the cluster and two cores; one at a time keeps them apart.
    fileParallelism: false,
    testTimeout: 120_000,
    // A cold build of the binaries happens inside the global setup.
    hookTimeout: 1_800_000,
  },
});
