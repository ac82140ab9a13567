import { KubeConfig, type KubernetesListObject, type V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { watchResources } from '../../../../gateway/backends/kubernetes/resource-watch.js';

/** An API server that refuses every connection: the watch after a list breaks at once and lists again. */
function unreachableApiServer(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:1' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

describe('a resource watch', () => {
  it('is synced only once a list succeeded, with what it listed delivered, not when the first list failed', async () => {
    let lists = 0;
    const seen: string[] = [];
    const watch = watchResources<V1ConfigMap>({
      kubeConfig: unreachableApiServer(),
      path: '/api/v1/namespaces/x/configmaps',
      list: async (): Promise<KubernetesListObject<V1ConfigMap>> => {
        lists++;
        if (lists === 1) throw new Error('connect ENETUNREACH 10.96.0.1:443');
        return { items: [{ metadata: { name: 'first' } }], metadata: { resourceVersion: '1' } };
      },
      onEvent: (event, object) => seen.push(`${event} ${object.metadata?.name}`),
      onError: () => undefined,
      restartDelayMs: 10,
    });
    await watch.synced;
    await watch.stop();
    expect(lists).toBeGreaterThanOrEqual(2);
    expect(seen).toContain('add first');
  });
});
