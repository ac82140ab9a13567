/**
 * Two identities, judged by the API server with the Roles synth writes in controller mode: the
 * internet-facing gateway may not write workloads at all; the controller may apply exactly its four
 * kinds in its own namespace and write Function status, and nothing else (no Secrets, no other
 * namespace, nothing cluster-scoped, no Function specs, no RBAC, no deletes, no reads it never makes). The other controller
 * files run the controller on this account's own token, so every call it makes is allowed too.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';
import { synthesizeManifests } from '../../constructs/synthesize-manifests.js';
import { CONTROLLER_ACCOUNT, GATEWAY_ACCOUNT, setUpControllerPlatform, type ControllerPlatform } from './controller-platform.js';
import { applyServerSide } from './platform-objects.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `controller-rbac-${process.pid}`;
const otherNamespace = `controller-rbac-other-${process.pid}`;
const gateway = `system:serviceaccount:${namespace}:${GATEWAY_ACCOUNT}`;
const controller = `system:serviceaccount:${namespace}:${CONTROLLER_ACCOUNT}`;
let platform: ControllerPlatform | undefined;

beforeAll(async () => {
  platform = await setUpControllerPlatform(cluster, namespace);
  await cluster.kubectl(['create', 'namespace', otherNamespace]);
});

afterAll(async () => {
  await cluster.kubectl(['delete', 'namespace', otherNamespace, '--ignore-not-found', '--wait=false']);
  await platform?.destroy();
});

/** `kubectl auth can-i VERB RESOURCE` as `user`; `ns` undefined asks cluster-wide. */
async function can(user: string, call: string, ns: string | undefined = namespace): Promise<'yes' | 'no'> {
  const [verb, target] = call.split(' ') as [string, string];
  const [resource, sub] = target.split('/');
  const args = ['auth', 'can-i', verb, resource!, ...(sub ? [`--subresource=${sub}`] : []), ...(ns ? ['-n', ns] : []), '--quiet'];
  try {
    await cluster.kubectl(args, { as: user });
    return 'yes';
  } catch (error) {
    if (/exited 1: (Warning: [^\n]* is not namespace scoped[^\n]*)?$/.test((error as Error).message)) return 'no';
    throw error;
  }
}

async function answers(user: string, calls: readonly string[], ns?: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(calls.map(async (c) => [c, await can(user, c, ns)] as const)));
}
const all = (calls: readonly string[], answer: 'yes' | 'no') => Object.fromEntries(calls.map((c) => [c, answer]));

const WORKLOAD_WRITES = [
  'create deployments.apps',
  'patch deployments.apps',
  'update deployments.apps',
  'delete deployments.apps',
  'create configmaps',
  'patch configmaps',
  'delete configmaps',
  'create services',
  'patch services',
  'create horizontalpodautoscalers.autoscaling',
  'patch horizontalpodautoscalers.autoscaling',
];

describe('the gateway ServiceAccount in controller mode', () => {
  it('is refused every write to workloads: the controller makes them', async () => {
    expect(await answers(gateway, WORKLOAD_WRITES)).toEqual(all(WORKLOAD_WRITES, 'no'));
  });

  it('still writes Function objects for the admin API', async () => {
    const calls = ['create functions.faas.poorman.dev', 'patch functions.faas.poorman.dev', 'delete functions.faas.poorman.dev'];
    expect(await answers(gateway, calls)).toEqual(all(calls, 'yes'));
  });
});

describe('the controller ServiceAccount', () => {
  const ALLOWED = [
    'get functions.faas.poorman.dev',
    'list functions.faas.poorman.dev',
    'watch functions.faas.poorman.dev',
    'patch functions.faas.poorman.dev/status',
    'create configmaps',
    'patch configmaps',
    'list configmaps',
    'watch configmaps',
    'create services',
    'patch services',
    'list services',
    'watch services',
    'create deployments.apps',
    'patch deployments.apps',
    'get deployments.apps',
    'list deployments.apps',
    'watch deployments.apps',
    'create horizontalpodautoscalers.autoscaling',
    'patch horizontalpodautoscalers.autoscaling',
    'list horizontalpodautoscalers.autoscaling',
    'watch horizontalpodautoscalers.autoscaling',
  ];

  it('may apply its four kinds and write Function status in its namespace', async () => {
    expect(await answers(controller, ALLOWED)).toEqual(all(ALLOWED, 'yes'));
  });

  it('is refused the same calls in another namespace', async () => {
    expect(await answers(controller, ALLOWED, otherNamespace)).toEqual(all(ALLOWED, 'no'));
  });

  it('is refused kinds it does not own, deletes, Function specs and RBAC in its namespace', async () => {
    const refused = [
      'get secrets',
      'list secrets',
      // It watches these for deletions and never reads one by name.
      'get configmaps',
      'get services',
      'get horizontalpodautoscalers.autoscaling',
      'create events',
      'create secrets',
      'create pods',
      'create pods/exec',
      'delete deployments.apps',
      'delete configmaps',
      'delete services',
      'patch deployments.apps/scale',
      'create functions.faas.poorman.dev',
      'patch functions.faas.poorman.dev',
      'delete functions.faas.poorman.dev',
      'create roles.rbac.authorization.k8s.io',
      'create rolebindings.rbac.authorization.k8s.io',
      'create serviceaccounts/token',
      'create leases.coordination.k8s.io',
      'create networkpolicies.networking.k8s.io',
    ];
    expect(await answers(controller, refused)).toEqual(all(refused, 'no'));
  });

  it('is refused everything cluster-scoped', async () => {
    const refused = [
      'create namespaces',
      'create customresourcedefinitions.apiextensions.k8s.io',
      'patch customresourcedefinitions.apiextensions.k8s.io',
      'create clusterroles.rbac.authorization.k8s.io',
      'create clusterrolebindings.rbac.authorization.k8s.io',
      'create validatingadmissionpolicies.admissionregistration.k8s.io',
      'list nodes',
    ];
    expect(await answers(controller, refused, undefined)).toEqual(all(refused, 'no'));
  });
});

describe('the controller Deployment synth writes', () => {
  it('gets a pod under the namespace\'s restricted Pod Security, as its own ServiceAccount, apart from the gateway', async () => {
    const deployment = synthesizeManifests({ namespace, functionWorkloads: 'controller' }).find(
      (m) => m.kind === 'Deployment' && m.metadata.name === CONTROLLER_ACCOUNT,
    )!;
    await applyServerSide(cluster, [deployment]);
    await waitFor('a controller pod', async () =>
      (await cluster.getJson(['pods', '-n', namespace, '-l', 'app.kubernetes.io/name=faas-controller'])).items.length === 1);
    const pod = (await cluster.getJson(['pods', '-n', namespace, '-l', 'app.kubernetes.io/name=faas-controller'])).items[0];
    expect(pod.spec.serviceAccountName).toBe(CONTROLLER_ACCOUNT);
    expect(pod.spec.containers[0].args).toEqual(['/app/controller.mjs']);
    const events = await cluster.kubectl(['get', 'events', '-n', namespace, '--field-selector', 'reason=FailedCreate', '-o', 'name']);
    expect(events.trim()).toBe('');
  });
});
