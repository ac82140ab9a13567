import { beforeAll, describe, expect, it } from 'vitest';
import { recordResources, valueOf, type Registered } from './mock-monitor.js';
import { FunctionsFolder } from '../../../constructs/functions-folder.js';
import { synthesizeManifests, type Manifest } from '../../../constructs/synthesize-manifests.js';
import type { PoormanFaasProps } from '../../../constructs/poorman-faas-chart.js';

const fixture = new URL('../../fixtures/deploy-functions', import.meta.url).pathname;

/** The type token the Kubernetes provider uses for a manifest: `kubernetes:core/v1:Service`. */
function typeToken(manifest: Manifest): string {
  const version = manifest.apiVersion.includes('/') ? manifest.apiVersion : `core/${manifest.apiVersion}`;
  return `kubernetes:${version}:${manifest.kind}`;
}

const identity = (type: string, namespace: string | undefined, name: string) => `${type} ${namespace ?? '-'}/${name}`;

describe.each<[string, PoormanFaasProps]>([
  ['defaults', {}],
  ['a namespace, images, two gateway replicas', { namespace: 'team-a', image: 'registry.test/uv:2', gateway: { image: 'registry.test/gw:2', replicas: 2 } }],
  ['the namespace and CRD managed elsewhere', { createNamespace: false, createCrd: false }],
  ['controller workloads: Function objects, the controller and its admission policy', { functionWorkloads: 'controller' }],
  ["a PodMonitor and the dashboard's ConfigMap", { metricsMonitor: { kind: 'PodMonitor', labels: { release: 'prom' } }, grafanaDashboard: true }],
])('PoormanFaas and cdk8s, object by object (%s)', (_, props) => {
  let cdk8s: Manifest[];
  let pulumiObjects: Map<string, Registered>;
  let order: string[];
  // Registration order, kept to check dependencies.

  beforeAll(async () => {
    // given the same props and functions folder
    const registered = await recordResources();
    const { PoormanFaas } = await import('../../../infra/pulumi/poorman-faas.js');
    cdk8s = synthesizeManifests({ ...props, functions: await FunctionsFolder.load(fixture) });
    // when the component is created
    const faas = new PoormanFaas('faas', { ...props, functionsDir: fixture });
    await valueOf(faas.functionNames);
    const kubernetes = registered.filter((r) => r.type.startsWith('kubernetes:'));
    order = kubernetes.map((r) => r.type);
    pulumiObjects = new Map(
      kubernetes.map((r) => {
        const metadata = r.inputs.metadata as { name: string; namespace?: string };
        return [identity(r.type, metadata.namespace, metadata.name), r];
      }),
    );
  });

  it('creates exactly the objects cdk8s synthesizes, no more, no fewer', () => {
    const expected = cdk8s.map((m) => identity(typeToken(m), m.metadata.namespace, m.metadata.name)).sort();
    expect([...pulumiObjects.keys()].sort()).toEqual(expected);
    expect(pulumiObjects.size).toBe(cdk8s.length);
  });

  it('gives every object the same labels and the same body as cdk8s', () => {
    for (const manifest of cdk8s) {
      const twin = pulumiObjects.get(identity(typeToken(manifest), manifest.metadata.namespace, manifest.metadata.name));
      expect(twin, `${manifest.kind} ${manifest.metadata.name}`).toBeDefined();
      // Every field of the manifest (metadata with its labels, spec, data, rules, roleRef, ...) as
      // the provider receives it.
      for (const [field, value] of Object.entries(manifest)) {
        expect(twin!.inputs[field], `${manifest.kind} ${manifest.metadata.name}: ${field}`).toEqual(value);
      }
    }
  });

  it('registers each object after the Namespace and the CRD it needs', () => {
    // The engine registers a resource only once its dependencies are, so the order shows dependsOn.
    const at = (type: string) => order.indexOf(type);
    const namespaced = order.flatMap((type, index) => (type.endsWith(':Namespace') || type.endsWith(':CustomResourceDefinition') ? [] : [index]));
    const functions = order.flatMap((type, index) => (type === 'kubernetes:faas.poorman.dev/v1alpha1:Function' ? [index] : []));
    expect(functions.length).toBe(2);
    if (props.createNamespace !== false) {
      for (const index of namespaced) expect(index).toBeGreaterThan(at('kubernetes:core/v1:Namespace'));
    }
    if (props.createCrd !== false) {
      for (const index of functions) expect(index).toBeGreaterThan(at('kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition'));
    }
  });
});
