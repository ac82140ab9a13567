/**
 * Server-side apply of the synthesized manifests, the way `kubectl apply --server-side` does it,
 * reporting per object whether it was created, changed or left as it was.
 */
import { KubernetesObjectApi, loadYaml, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import { isNotFound } from '../../gateway/backends/kubernetes/api-status.js';
import { describeApiError } from '../kube/api-error.js';
import { watchUntil } from '../kube/watch-until.js';
import { FIELD_MANAGER } from './field-manager.js';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface Applied extends ObjectRef {
  readonly action: ApplyAction;
}

export interface ApplyOptions {
  /** Take over fields another manager owns (kubectl's --force-conflicts). */
  readonly forceConflicts?: boolean;
  /** How long a new CRD may take to be served before its objects are applied. */
  readonly crdTimeoutMs?: number;
  readonly onApplied?: (applied: Applied) => void;
}

export function refOf(object: KubernetesObject): ObjectRef {
  const { apiVersion = '', kind = '', metadata = {} } = object;
  return { apiVersion, kind, name: metadata.name ?? '', ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }) };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

/** Applies in the manifests' order; CRDs must be served before objects of their kinds go in. */
export async function applyManifests(kc: KubeConfig, manifests: readonly Manifest[], options: ApplyOptions = {}): Promise<Applied[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const results: Applied[] = [];
  const crds = manifests.filter((m) => m.kind === 'CustomResourceDefinition');
  const first = manifests.filter((m) => m.kind === 'Namespace' || m.kind === 'CustomResourceDefinition');
  const rest = manifests.filter((m) => !first.includes(m));

  const applyOne = async (manifest: Manifest): Promise<void> => {
    const ref = refOf(manifest);
    let before: KubernetesObject | undefined;
    try {
      before = await client.read(manifest);
    } catch (error) {
      if (!isNotFound(error)) throw describeApiError(`reading ${describeRef(ref)}`, error);
    }
    let after: KubernetesObject;
    try {
      after = await client.patch(asClientModel(manifest), undefined, undefined, FIELD_MANAGER, options.forceConflicts ?? false, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw describeApiError(`applying ${describeRef(ref)}`, error);
    }
    const action: ApplyAction =
      before === undefined ? 'created' : before.metadata?.resourceVersion === after.metadata?.resourceVersion ? 'unchanged' : 'configured';
    const applied = { ...ref, action };
    results.push(applied);
    options.onApplied?.(applied);
  };

  for (const manifest of first) await applyOne(manifest);
  for (const crd of crds) await waitForCrd(kc, crd.metadata.name, options.crdTimeoutMs ?? 60_000);
  for (const manifest of rest) await applyOne(manifest);
  return results;
}

interface CrdStatus extends KubernetesObject {
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/** A new CRD is served only once the API server has established it. */
async function waitForCrd(kc: KubeConfig, name: string, timeoutMs: number): Promise<void> {
  let last: CrdStatus | undefined;
  await watchUntil<CrdStatus>(kc, {
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    name,
    timeoutMs,
    onChange: (crd) => (last = crd),
    until: (crd) => crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false,
    timeoutMessage: () => {
      const conditions = last?.status?.conditions?.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`);
      return `the CustomResourceDefinition ${name} was not established within ${timeoutMs / 1000}s (${conditions?.join(', ') ?? 'no status yet'}); check the API server's log`;
    },
  });
}

/**
 * The client serializes a known kind through its model, and the model names a few JSON keys
 * differently (JSONSchemaProps' `default` is `_default`, NetworkPolicy's `from` is `_from`): a plain
 * manifest would lose them, a CRD its defaults and the NetworkPolicy its only-the-gateway rule. So
 * the manifest goes in as the model it is serialized from, which round-trips every field; the
 * client's own YAML loader builds that model (JSON is YAML).
 */
function asClientModel(manifest: Manifest): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(manifest));
}
