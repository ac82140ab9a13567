import { defineConfig } from 'vitest/config';

// The real-node tier: the cluster tier's control plane plus a real kubelet, containerd and runc,
// built by test/nodes/setup; synthesized workloads run there as real containers.
export default defineConfig({
  test: {
    include: ['test/nodes/**/*.test.ts'],
    globalSetup: ['test/nodes/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    // A cold build of the node's binaries happens inside the global setup.
    hookTimeout: 1_800_000,
  },
});
