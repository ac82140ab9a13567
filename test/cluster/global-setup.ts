import type { TestProject } from 'vitest/node';
import { startCluster, type ClusterInfo } from './harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
  }
}

/**
 * One cluster for the whole tier: built by test/cluster/setup if needed,
 * started before the first file, stopped after the last one, pass or fail.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster();
  project.provide('cluster', cluster.info);
  return () => cluster.stop();
}
