import type { TestProject } from 'vitest/node';
import { startCluster, type ClusterInfo } from '../cluster/harness.js';
import { ensureNodeBinaries, startRealNode, type RealNodeInfo } from './real-node.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
    node: RealNodeInfo;
  }
}

/**
 * The real-node tier: the cluster tier's control plane plus one real node (containerd, runc,
 * kubelet). kwok's node is cordoned, so every pod of this tier runs as a real container.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nodeDir = await ensureNodeBinaries();
  const cluster = await startCluster();
  try {
    await cluster.kubectl(['cordon', cluster.info.defaultNode]);
    const node = await startRealNode(cluster, nodeDir);
    project.provide('cluster', cluster.info);
    project.provide('node', node.info);
    return async () => {
      await node.stop();
      await cluster.stop();
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
