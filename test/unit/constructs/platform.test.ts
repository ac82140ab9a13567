import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Platform } from '../../../constructs/platform.js';
import { BOOTSTRAP } from './definitions.js';

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

describe('Platform', () => {
  it('synthesizes the namespace, CRD, gateway, bootstrap and network policy', () => {
    const chart = Testing.chart();
    new Platform(chart, 'platform', { bootstrapSource: BOOTSTRAP });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  it('lists every object in apply order: namespace and CRD before what lives in them', () => {
    const chart = Testing.chart();
    new Platform(chart, 'platform', { bootstrapSource: BOOTSTRAP });
    expect((Testing.synth(chart) as Manifest[]).map((object) => `${object.kind}/${object.metadata.name}`)).toStrictEqual([
      'Namespace/faas',
      'CustomResourceDefinition/functions.faas.poorman.dev',
      'ServiceAccount/faas-gateway',
      'Role/faas-gateway',
      'RoleBinding/faas-gateway',
      'Deployment/faas-gateway',
      'Service/faas-gateway',
      'ConfigMap/faas-bootstrap',
      'NetworkPolicy/faas-functions-ingress',
    ]);
  });

  it('lets only gateway pods reach function pods, on the function port', () => {
    const chart = Testing.chart();
    new Platform(chart, 'platform', { bootstrapSource: BOOTSTRAP });
    const policy = (Testing.synth(chart) as Manifest[]).find((object) => object.kind === 'NetworkPolicy')!;
    expect(policy.spec).toStrictEqual({
      podSelector: { matchLabels: { 'faas.poorman.dev/role': 'function' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'faas-gateway', 'faas.poorman.dev/role': 'gateway' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  it('keeps cluster-scoped objects free of a namespace inside a chart that has one', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'with-namespace', { namespace: 'elsewhere' });
    new Platform(chart, 'platform', { namespace: 'team-a', bootstrapSource: BOOTSTRAP });
    const objects = chart.toJson() as Manifest[];
    const scoped = (kind: string) => objects.find((object) => object.kind === kind)!.metadata;
    expect(scoped('Namespace')).not.toHaveProperty('namespace');
    expect(scoped('CustomResourceDefinition')).not.toHaveProperty('namespace');
    expect(scoped('Deployment').namespace).toBe('team-a');
  });

  it('leaves out the namespace and the CRD when asked', () => {
    const chart = Testing.chart();
    new Platform(chart, 'platform', { createNamespace: false, createCrd: false, bootstrapSource: BOOTSTRAP });
    const kinds = (Testing.synth(chart) as Manifest[]).map((object) => object.kind);
    expect(kinds).not.toContain('Namespace');
    expect(kinds).not.toContain('CustomResourceDefinition');
  });

  it('refuses a namespace that is not a DNS label', () => {
    expect(() => new Platform(Testing.chart(), 'platform', { namespace: 'FaaS' })).toThrowError(
      "'namespace' ('FaaS') must be a DNS-1123 label",
    );
  });
});
