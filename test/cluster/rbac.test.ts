/**
 * The gateway's synthesized RBAC judged by the API server: as the gateway's ServiceAccount every
 * call the gateway makes is allowed (checked with `kubectl auth can-i` and by running the real
 * backend with the account's own token), and what it must never do is denied.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayRules } from '../../constructs/gateway.js';
import { ClusterClient } from './harness.js';
import { startKubernetesGateway, type KubernetesGateway } from './kubernetes-gateway.js';
import { applyServerSide, ensureCrd, functionFrom, platformFor } from './platform-objects.js';
import { tallyScript } from './tally-function.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `rbac-test-${process.pid}`;
const otherNamespace = `rbac-other-${process.pid}`;
const gatewayUser = `system:serviceaccount:${namespace}:faas-gateway`;
let gateway: KubernetesGateway | undefined;

/** Every call the gateway makes: `verb resource[.group][/subresource]`, as `kubectl auth can-i` takes it. */
const GATEWAY_CALLS = [
  // Discovery: the Function informer; the admin API's deploy (server-side apply) and remove.
  'list functions.faas.poorman.dev',
  'watch functions.faas.poorman.dev',
  'create functions.faas.poorman.dev',
  'patch functions.faas.poorman.dev',
  'delete functions.faas.poorman.dev',
  // Status: replicas, ready, last invocation.
  'patch functions.faas.poorman.dev/status',
  // Scaling: read the Scale (ownership check, live count), then patch it.
  'get deployments.apps/scale',
  'patch deployments.apps/scale',
  // Readiness.
  'list endpointslices.discovery.k8s.io',
  'watch endpointslices.discovery.k8s.io',
  // Start failures, from the functions' pod status.
  'list pods',
  'watch pods',
  // The warm pool: claim a pool pod by replacing its labels; delete a claimed pod it retires.
  'update pods',
  'delete pods',
  // The web UI's logs of a function's pods.
  'get pods/log',
  // The reaper Lease.
  'get leases.coordination.k8s.io',
  // Every replica's activity Lease, for the reaper.
  'list leases.coordination.k8s.io',
  'watch leases.coordination.k8s.io',
  'create leases.coordination.k8s.io',
  'update leases.coordination.k8s.io',
  // Events of its scaling, for `kubectl describe function`.
  'create events',
];

async function canI(call: string, ns: string | undefined = namespace): Promise<string> {
  const [verb, target] = call.split(' ') as [string, string];
  const [resource, sub] = target.split('/');
  return ask(['auth', 'can-i', verb, resource!, ...(sub ? [`--subresource=${sub}`] : []), ...(ns ? ['-n', ns] : [])]);
}

/** `kubectl auth can-i --quiet` as the gateway: exit 0 is yes, exit 1 with nothing on stderr is no. */
async function ask(args: string[]): Promise<'yes' | 'no'> {
  try {
    await cluster.kubectl([...args, '--quiet'], { as: gatewayUser });
    return 'yes';
  } catch (error) {
    // kubectl warns, and answers, when asked about a cluster-scoped resource with a namespace in the context.
    if (/exited 1: (Warning: [^\n]* is not namespace scoped[^\n]*)?$/.test((error as Error).message)) return 'no';
    throw error;
  }
}

describe('the gateway ServiceAccount as the API server sees it', () => {
  beforeAll(async () => {
    // Given the synthesized platform (ServiceAccount, Role, RoleBinding) and a function in its own namespace
    await ensureCrd(cluster);
    const manifests = platformFor(namespace, [functionFrom('tally.py', tallyScript())]).filter((m) => m.kind !== 'CustomResourceDefinition');
    await applyServerSide(cluster, manifests);
    await cluster.kubectl(['create', 'namespace', otherNamespace]);
  });

  afterAll(async () => {
    await gateway?.close();
    await cluster.kubectl(['delete', 'namespace', namespace, otherNamespace, '--ignore-not-found', '--wait=false']);
  });

  it.each(GATEWAY_CALLS)('allows %s in its namespace', async (call) => {
    expect(await canI(call)).toBe('yes');
  });

  it.each([
    'get secrets',
    'list secrets',
    'watch secrets',
    'get configmaps',
    'create pods/exec',
    'get pods',
    'create pods',
    'patch pods',
    'patch pods/status',
    'update pods/status',
    'get deployments.apps',
    'update deployments.apps',
    'delete deployments.apps',
    'patch deployments.apps',
    'create deployments.apps',
    'delete leases.coordination.k8s.io',
    'create roles.rbac.authorization.k8s.io',
    'create rolebindings.rbac.authorization.k8s.io',
    'create serviceaccounts/token',
    'delete endpointslices.discovery.k8s.io',
    'patch events',
    'delete events',
  ])('denies %s in its namespace', async (call) => {
    expect(await canI(call)).toBe('no');
  });

  it.each(GATEWAY_CALLS.concat('get secrets'))('denies %s in another namespace', async (call) => {
    expect(await canI(call, otherNamespace)).toBe('no');
  });

  it.each([
    'create namespaces',
    'delete namespaces',
    'create clusterroles.rbac.authorization.k8s.io',
    'create clusterrolebindings.rbac.authorization.k8s.io',
    'create customresourcedefinitions.apiextensions.k8s.io',
    'patch customresourcedefinitions.apiextensions.k8s.io',
    'patch nodes',
    'create persistentvolumes',
    'list functions.faas.poorman.dev',
  ])('denies cluster-wide %s', async (call) => {
    const [verb, resource] = call.split(' ') as [string, string];
    expect(await ask(['auth', 'can-i', verb, resource, ...(verb === 'list' ? ['--all-namespaces'] : [])])).toBe('no');
  });

  it('grants nothing beyond the calls the gateway makes', () => {
    const granted = gatewayRules(true).flatMap((rule) =>
      rule.resources!.flatMap((resource) =>
        rule.verbs.flatMap((verb) =>
          rule.apiGroups!.map((group) => {
            const [name, sub] = resource.split('/');
            return `${verb} ${name}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`;
          }),
        ),
      ),
    );
    expect(granted.sort()).toEqual([...GATEWAY_CALLS].sort());
  });

  it('is refused a secret by the API server itself', async () => {
    await expect(cluster.kubectl(['get', 'secrets', '-n', namespace], { as: gatewayUser })).rejects.toThrow(/forbidden/i);
    await expect(cluster.kubectl(['get', 'functions', '-n', otherNamespace], { as: gatewayUser })).rejects.toThrow(/forbidden/i);
  });

  it('runs the real backend with the account\'s own token: discovery, scale, status, Lease, deploy and remove', async () => {
    const kubeconfig = await cluster.kubeconfigFor(namespace, 'faas-gateway');
    const whoami = await cluster.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig });
    expect(whoami).toBe(gatewayUser);

    gateway = await startKubernetesGateway({ kubeconfig, namespace, identity: 'rbac-gateway' });
    const { backend } = gateway;
    expect([...backend.functions().keys()]).toEqual(['tally']);

    await backend.scale('tally', 0);
    backend.recordInvocation('tally', new Date());
    await waitFor('the reaper Lease', async () => gateway!.reapPermit() as Promise<boolean>);
    const definition = functionFrom('extra.py', tallyScript({ maxReplicas: 2 }));
    expect(await backend.deploy(definition)).toBe('created');
    await waitFor('extra to be discovered', async () => backend.functions().has('extra'));
    expect(await backend.deploy({ ...definition, maxReplicas: 3 })).toBe('updated');
    await waitFor('the Function status', async () => {
      const status = (await cluster.getJson(['function', 'tally', '-n', namespace])).status ?? {};
      return status.replicas === 0 && typeof status.lastInvocation === 'string';
    });

    expect((await cluster.getJson(['deployment', 'tally', '-n', namespace])).spec.replicas).toBe(0);
    expect((await cluster.getJson(['lease', 'faas-gateway-reaper', '-n', namespace])).spec.holderIdentity).toBe('rbac-gateway');
    expect((await cluster.getJson(['function', 'extra', '-n', namespace])).spec.maxReplicas).toBe(3);
    expect(await backend.remove('extra')).toBe(true);
    expect(await backend.remove('extra')).toBe(false);
    // The synthesized Deployment leaves replicas to its default of 1: the scale to 0 above is an Event.
    await waitFor('the scale Event on the Function', async () => {
      const events = (await cluster.getJson(['events', '-n', namespace, '--field-selector', 'involvedObject.kind=Function,involvedObject.name=tally'])).items;
      return events.some((e: any) => e.reason === 'ScaledDown' && e.message === 'scaled from 1 to 0 replicas' && e.source?.component === 'faas-gateway');
    });
  });
});
