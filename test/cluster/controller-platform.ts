/**
 * The platform in controller mode in its own namespace, as a user applies it: the synthesized CRD,
 * admission policy, both ServiceAccounts with their Roles, bootstrap and NetworkPolicy. The gateway
 * and the controller themselves run in this process (their Deployments would only get kwok's fake
 * pods), each on a kubeconfig holding its own ServiceAccount's token, so every call they make is
 * judged by the synthesized RBAC.
 */
import { pino } from 'pino';
import { synthesizeManifests, type Manifest } from '../../constructs/synthesize-manifests.js';
import { FUNCTION_POLICY_NAME } from '../../constructs/function-admission-policy.js';
import { loadKubeConfig } from '../../gateway/backends/kubernetes/kube-config.js';
import { FunctionController } from '../../gateway/controller/function-controller.js';
import type { ClusterClient } from './cluster-client.js';
import { applyServerSide } from './platform-objects.js';
import { waitFor } from './wait.js';

export const GATEWAY_ACCOUNT = 'faas-gateway';
export const CONTROLLER_ACCOUNT = 'faas-controller';

export interface ControllerPlatform {
  readonly namespace: string;
  readonly manifests: readonly Manifest[];
  readonly gatewayKubeconfig: string;
  readonly controllerKubeconfig: string;
  /** A controller in this process as the controller's ServiceAccount; stop it with `stop()`. */
  startController(): Promise<FunctionController>;
  destroy(): Promise<void>;
}

/** The platform objects of controller mode, without the two Deployments this process stands in for. */
export function controllerModePlatform(namespace: string): Manifest[] {
  return synthesizeManifests({ namespace, functions: [], functionWorkloads: 'controller' }).filter(
    (m) => !(m.kind === 'Deployment' && (m.metadata.name === GATEWAY_ACCOUNT || m.metadata.name === CONTROLLER_ACCOUNT)),
  );
}

export async function setUpControllerPlatform(cluster: ClusterClient, namespace: string): Promise<ControllerPlatform> {
  const manifests = controllerModePlatform(namespace);
  const controllers: FunctionController[] = [];
  const destroy = async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
    // Cluster-wide: later files of the tier should meet the cluster as they expect it.
    await cluster.kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', FUNCTION_POLICY_NAME, '--ignore-not-found']);
  };
  try {
    await applyServerSide(cluster, manifests);
    await waitForPolicy(cluster);
    const gatewayKubeconfig = await cluster.kubeconfigFor(namespace, GATEWAY_ACCOUNT);
    const controllerKubeconfig = await cluster.kubeconfigFor(namespace, CONTROLLER_ACCOUNT);
    const startController = async () => {
      const controller = new FunctionController({
        kubeConfig: loadKubeConfig({ kubeconfig: controllerKubeconfig }),
        namespace,
        logger: pino({ level: process.env.FAAS_TEST_LOG ?? 'silent', base: { controller: namespace } }),
      });
      controllers.push(controller);
      await controller.start();
      return controller;
    };
    return { namespace, manifests, gatewayKubeconfig, controllerKubeconfig, startController, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/**
 * The API server loads a new policy asynchronously; until it has, bad objects still get through.
 * A Function the policy must refuse, sent as a server-side dry run, tells when it is in force.
 */
async function waitForPolicy(cluster: ClusterClient): Promise<void> {
  const probe = JSON.stringify({
    apiVersion: 'faas.poorman.dev/v1alpha1',
    kind: 'Function',
    metadata: { name: 'faas-policy-probe', namespace: 'default' },
    spec: { source: 'print(1)\n' },
  });
  await waitFor('the Function admission policy to be in force', async () => {
    try {
      await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: probe });
      return false;
    } catch (error) {
      return /ValidatingAdmissionPolicy/.test((error as Error).message);
    }
  });
}

/** A Function object as a person writes it by hand (the kopf seed's shape), as JSON for `kubectl apply -f -`. */
export function functionManifest(name: string, namespace: string, source: string, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'faas.poorman.dev/v1alpha1',
    kind: 'Function',
    metadata: { name, namespace },
    spec: { minReplicas: 0, ...spec, source },
  });
}

/** The Function's condition of `type`, or undefined. */
export async function condition(cluster: ClusterClient, namespace: string, name: string, type: string): Promise<any> {
  const fn = await cluster.getJson(['functions.faas.poorman.dev', name, '-n', namespace]);
  return fn.status?.conditions?.find((c: any) => c.type === type);
}

/** Objects of `kinds` labelled for function `name`. */
export async function functionObjects(cluster: ClusterClient, namespace: string, name: string, kinds = 'configmaps,deployments,services,horizontalpodautoscalers'): Promise<any[]> {
  return (await cluster.getJson([kinds, '-n', namespace, '-l', `faas.poorman.dev/function=${name}`])).items;
}
