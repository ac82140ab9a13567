/**
 * The synthesized platform on the real node: what synth writes, unchanged but for the function
 * image (the runtime image built by test/nodes/setup stands in for the default one) and without
 * the gateway's Deployment, whose image has no registry here; the gateway runs on the host with
 * the admin kubeconfig instead, and reaches the pods at their bridge IPs.
 */
import { DEFAULT_FUNCTION_IMAGE } from '../../constructs/python-function.js';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { ClusterClient } from '../cluster/cluster-client.js';
import { applyServerSide, ensureCrd, platformFor } from '../cluster/platform-objects.js';

export const FUNCTION_SELECTOR = 'faas.poorman.dev/function';

export function withRuntimeImage(manifests: readonly Manifest[], image: string): Manifest[] {
  return manifests
    .filter((m) => !(m.kind === 'Deployment' && m.metadata.name === 'faas-gateway') && m.kind !== 'CustomResourceDefinition')
    .map((m) => {
      if (m.kind !== 'Deployment') return m;
      const copy = structuredClone(m) as any;
      for (const c of copy.spec.template.spec.containers) {
        if (c.image !== DEFAULT_FUNCTION_IMAGE) throw new Error(`${m.metadata.name} runs ${c.image}, not the default function image`);
        c.image = image;
      }
      return copy;
    });
}

export async function applyOnRealNode(
  cluster: ClusterClient,
  namespace: string,
  functions: readonly FunctionDefinition[],
  image: string,
): Promise<Manifest[]> {
  await ensureCrd(cluster);
  const manifests = withRuntimeImage(platformFor(namespace, functions), image);
  await applyServerSide(cluster, manifests);
  return manifests;
}

/** The pods of one function, as the API server has them. */
export async function podsOf(cluster: ClusterClient, namespace: string, fn: string): Promise<any[]> {
  return (await cluster.getJson(['pods', '-n', namespace, '-l', `${FUNCTION_SELECTOR}=${fn}`])).items;
}

export function isReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}
