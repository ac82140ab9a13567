/**
 * Placement on the real API server: the synthesized gateway and function Deployments with a node
 * selector, tolerations, affinity, pull Secrets and a priority class are accepted and stored as
 * written, the Function object keeps its placement (the CRD schema prunes what it does not know),
 * and the CRD refuses a toleration effect Kubernetes does not have.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { synthesizeManifests } from '../../constructs/synthesize-manifests.js';
import { ClusterClient } from './harness.js';
import { applyServerSide, functionFrom } from './platform-objects.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `placement-${process.pid}`;

/** A function for a GPU node pool: every placement key of `[tool.faas]`. */
const GPU_SCRIPT = readFileSync(new URL('../fixtures/placement/infer.py', import.meta.url), 'utf8');

async function get(kind: string, name: string): Promise<any> {
  return JSON.parse(await cluster.kubectl(['get', kind, name, '-n', namespace, '-o', 'json']));
}

describe('pod placement applied to the real API server', () => {
  beforeAll(async () => {
    const manifests = synthesizeManifests({
      namespace,
      functions: [functionFrom('functions/infer.py', GPU_SCRIPT)],
      gateway: {
        nodeSelector: { pool: 'system' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'faas', effect: 'NoSchedule' }],
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
        imagePullSecrets: ['mirror'],
        priorityClassName: 'system-cluster-critical',
        podLabels: { team: 'platform' },
        podAnnotations: { 'example.dev/owner': 'platform' },
      },
    });
    await applyServerSide(cluster, manifests);
  });

  afterAll(async () => {
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it('stores the function Deployment’s placement as synthesized', async () => {
    const pod = (await get('deployment', 'infer')).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(pod.priorityClassName).toBe('system-node-critical');
  });

  it('keeps the placement in the Function object, through the CRD schema', async () => {
    const spec = (await get('functions.faas.poorman.dev', 'infer')).spec;
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(spec.priorityClassName).toBe('system-node-critical');
  });

  it('stores the gateway Deployment’s placement, labels and annotations', async () => {
    const template = (await get('deployment', 'faas-gateway')).spec.template;
    expect(template.spec.nodeSelector).toEqual({ pool: 'system' });
    expect(template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(template.spec.priorityClassName).toBe('system-cluster-critical');
    expect(template.metadata.labels.team).toBe('platform');
    expect(template.metadata.annotations['example.dev/owner']).toBe('platform');
  });

  it('refuses a Function whose toleration effect Kubernetes does not have, naming the field', async () => {
    const bad = {
      apiVersion: 'faas.poorman.dev/v1alpha1',
      kind: 'Function',
      metadata: { name: 'bad-effect', namespace },
      spec: { source: 'def handle(req):\n    return req\n', tolerations: [{ key: 'gpu', effect: 'NoSchedul' }] },
    };
    await expect(cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(bad) })).rejects.toThrowError(/spec\.tolerations\[0\]\.effect: Unsupported value: "NoSchedul"/);
  });
});
