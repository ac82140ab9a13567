/**
 * Every object synth writes for the example functions follows DESIGN.md's "Rules every object
 * follows": the labels, the pod security settings, resource requests, valid names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FunctionsFolder } from '../../../constructs/functions-folder.js';
import { synthesizeManifests, type Manifest } from '../../../constructs/synthesize-manifests.js';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';

const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
const WORKLOADS = new Set(['Deployment']);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

let functions: FunctionDefinition[];
let manifests: Manifest[];
let controllerManifests: Manifest[];

beforeAll(async () => {
  functions = await FunctionsFolder.load('functions');
  manifests = synthesizeManifests({ functions });
  controllerManifests = synthesizeManifests({ functions, functionWorkloads: 'controller' });
});

const functionObjects = () => manifests.filter((object) => object.metadata.labels?.['faas.poorman.dev/function'] !== undefined);

describe('every synthesized object', () => {
  it('covers every example function with all five objects', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const kinds = functionObjects()
        .filter((object) => object.metadata.labels!['faas.poorman.dev/function'] === fn.name)
        .map((object) => object.kind)
        .sort();
      expect(kinds, fn.name).toStrictEqual(['ConfigMap', 'Deployment', 'Function', 'HorizontalPodAutoscaler', 'Service']);
    }
  });

  it('carries the name and part-of labels, and function objects the function label', () => {
    for (const object of [...manifests, ...controllerManifests]) {
      const labels = object.metadata.labels ?? {};
      const where = `${object.kind}/${object.metadata.name}`;
      expect(labels['app.kubernetes.io/name'], where).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(labels['app.kubernetes.io/part-of'], where).toBe('poorman-faas');
    }
    for (const object of functionObjects()) {
      const labels = object.metadata.labels!;
      expect(labels['app.kubernetes.io/name'], object.metadata.name).toBe(labels['faas.poorman.dev/function']);
    }
  });

  it('has a valid explicit name, and a namespace exactly when it is namespaced', () => {
    for (const object of manifests) {
      const where = `${object.kind}/${object.metadata.name}`;
      expect(object.metadata.name, where).toMatch(DNS_SUBDOMAIN);
      expect(object.metadata.name.length, where).toBeLessThanOrEqual(63 + (object.kind === 'CustomResourceDefinition' ? 190 : 0));
      if (CLUSTER_SCOPED.has(object.kind)) expect(object.metadata, where).not.toHaveProperty('namespace');
      else expect(object.metadata.namespace, where).toBe('faas');
    }
  });

  it('runs every pod as non-root on a read-only root with nothing to escalate', () => {
    const deployments = [...manifests, ...controllerManifests].filter((object) => WORKLOADS.has(object.kind));
    // Every function and the gateway; then the gateway and the controller in controller mode.
    expect(deployments.length).toBe(functions.length + 3);
    for (const deployment of deployments) {
      const pod = (deployment as any).spec.template.spec;
      const where = deployment.metadata.name;
      expect(pod.securityContext, where).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser, where).toBeGreaterThan(0);
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext, `${where}/${container.name}`).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          runAsNonRoot: true,
        });
        expect(container.resources.requests, `${where}/${container.name}`).toHaveProperty('cpu');
        expect(container.resources.requests, `${where}/${container.name}`).toHaveProperty('memory');
        expect(container.resources.limits.memory, `${where}/${container.name}`).toBe(container.resources.requests.memory);
      }
    }
  });

  it('gives function pods no service-account token, only the gateway and the controller', () => {
    for (const deployment of [...manifests, ...controllerManifests].filter((object) => WORKLOADS.has(object.kind))) {
      const pod = (deployment as any).spec.template.spec;
      const platform = deployment.metadata.name === 'faas-gateway' || deployment.metadata.name === 'faas-controller';
      expect(pod.automountServiceAccountToken, deployment.metadata.name).toBe(platform);
    }
  });

  it('leaves replicas to the autoscaler and the gateway for every function', () => {
    for (const deployment of manifests.filter((object) => object.kind === 'Deployment' && object.metadata.name !== 'faas-gateway')) {
      expect((deployment as any).spec, deployment.metadata.name).not.toHaveProperty('replicas');
    }
  });

  it('writes only Function objects for the functions in controller mode', () => {
    const controller = synthesizeManifests({ functions, functionWorkloads: 'controller' });
    const perFunction = controller.filter((object) => object.metadata.labels?.['faas.poorman.dev/function'] !== undefined);
    expect(perFunction.map((object) => object.kind)).toStrictEqual(functions.map(() => 'Function'));
    expect(perFunction.map((object) => object.metadata.name)).toStrictEqual(functions.map((fn) => fn.name));
  });
});
