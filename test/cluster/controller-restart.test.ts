/**
 * The controller process (`gateway/controller/main.ts`) killed with SIGKILL in the middle of
 * applying a function's objects, the Function changed while it is down, and a new process started
 * as the controller's own ServiceAccount from the bundle the image ships (`controller.mjs`): it
 * converges to exactly the objects a clean reconcile of the new spec builds, one of each, owned by
 * the Function.
 *
 * To stop the first process mid-reconcile every time, it runs as an account that may apply all but
 * Deployments: it applies the ConfigMap, is refused the Deployment and retries, and is killed there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleGateway } from '../../build/bundle-gateway.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { definitionFromSpec } from '../../constructs/spec/spec-conversion.js';
import { desiredObjects } from '../../gateway/controller/desired-objects.js';
import { controllerRules } from '../../constructs/function-controller.js';
import { ClusterClient } from './harness.js';
import { condition, functionObjects, functionManifest, setUpControllerPlatform, type ControllerPlatform } from './controller-platform.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `controller-restart-${process.pid}`;
let platform: ControllerPlatform | undefined;
const children = new Set<ChildProcess>();

const source = (reply: string) => `def handle(req):\n    return "${reply}"\n`;

const bundleDir = mkdtempSync(join(tmpdir(), 'controller-bundle-'));

/** `entry`: the TypeScript source through tsx, or a bundled file run by plain node. */
function startControllerProcess(kubeconfig: string, entry = 'gateway/controller/main.ts'): { child: ChildProcess; output: () => string } {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, K8S_NAMESPACE: namespace, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  return { child, output: () => output };
}

/** The controller's rules without the right to write Deployments. */
async function halfController(): Promise<string> {
  const name = 'half-controller';
  const rules = controllerRules().map((rule) =>
    rule.resources?.includes('deployments') ? { ...rule, verbs: ['get', 'list', 'watch'] } : rule,
  );
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
  await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  return cluster.kubeconfigFor(namespace, name);
}

let halfKubeconfig = '';

beforeAll(async () => {
  platform = await setUpControllerPlatform(cluster, namespace);
  halfKubeconfig = await halfController();
  await bundleGateway(process.cwd(), bundleDir);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await platform?.destroy();
  rmSync(bundleDir, { recursive: true, force: true });
});

describe('the controller restarted in the middle of a reconcile', () => {
  it('converges to the same objects as a clean reconcile of the latest spec', async () => {
    const first = startControllerProcess(halfKubeconfig);
    await waitFor('the first controller to start', async () => first.output().includes('controller started'));

    await cluster.kubectl(['apply', '-f', '-'], { input: functionManifest('resume', namespace, source('one')) });
    // Killed once it has applied the ConfigMap and been refused the Deployment.
    await waitFor('the first controller to fail on the Deployment', async () => first.output().includes('reconcile failed'), { deadlineMs: 60_000 });
    expect(await condition(cluster, namespace, 'resume', 'Reconciled')).toMatchObject({
      status: 'False',
      reason: 'Forbidden',
      message: expect.stringMatching(/^Deployment resume: .*forbidden.*apply the platform's faas-controller Role and RoleBinding as synthesized$/s),
    });
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const leftBehind = (await functionObjects(cluster, namespace, 'resume')).map((o) => o.kind);

    // Changed while no controller runs.
    await cluster.kubectl(['apply', '-f', '-'], { input: functionManifest('resume', namespace, source('two'), { maxReplicas: 2 }) });
    const second = startControllerProcess(platform!.controllerKubeconfig, join(bundleDir, 'controller.mjs'));
    // Ready comes a status write after Reconciled: the new Deployment's pod is Starting at first.
    await waitFor('the second controller to reconcile the new generation and report it Ready', async () => {
      const fn = await cluster.getJson(['functions.faas.poorman.dev', 'resume', '-n', namespace]);
      const reconciled = fn.status?.conditions?.find((x: any) => x.type === 'Reconciled');
      const ready = fn.status?.conditions?.find((x: any) => x.type === 'Ready');
      return reconciled?.status === 'True' && reconciled.observedGeneration === fn.metadata.generation && ready?.status === 'True';
    });
    second.child.kill('SIGTERM');

    const fn = await cluster.getJson(['functions.faas.poorman.dev', 'resume', '-n', namespace]);
    const built = definitionFromSpec('resume', fn.spec);
    if (!built.ok) throw new Error('the stored spec does not convert');
    const desired = desiredObjects(built.function, { namespace });
    const live = await functionObjects(cluster, namespace, 'resume');
    expect(live.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(desired.map((o) => `${o.kind}/${o.metadata!.name}`).sort());
    for (const want of desired as any[]) {
      const have = live.find((o) => o.kind === want.kind && o.metadata.name === want.metadata.name);
      expect(have.metadata.ownerReferences.map((r: any) => r.uid)).toEqual([fn.metadata.uid]);
      if (want.kind === 'ConfigMap') expect(have.data).toEqual(want.data);
      if (want.kind === 'HorizontalPodAutoscaler') expect(have.spec).toMatchObject(want.spec);
      if (want.kind === 'Deployment') {
        expect(have.spec.template.metadata.annotations).toEqual(want.spec.template.metadata.annotations);
        expect(have.spec.template.spec.containers[0].command).toEqual(want.spec.template.spec.containers[0].command);
      }
    }
    expect(Object.values(live.find((o) => o.kind === 'ConfigMap').data)).toEqual([source('two')]);
    expect(live.find((o) => o.kind === 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(2);
    expect(leftBehind).toEqual(['ConfigMap']);
  });
});
