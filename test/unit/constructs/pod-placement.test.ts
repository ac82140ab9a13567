import { readFileSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Gateway } from '../../../constructs/gateway.js';
import { PythonFunction } from '../../../constructs/python-function.js';
import { functionOpenApiSchema } from '../../../constructs/function-crd.js';
import { warmPoolKey } from '../../../constructs/warm-pool-key.js';
import { loadFunction } from '../../../constructs/spec/load-function.js';
import { definitionFromSpec, specFromDefinition } from '../../../constructs/spec/spec-conversion.js';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';

type Manifest = { kind: string; metadata: { name: string }; spec?: any };

/** A function for a GPU node pool: every placement key of `[tool.faas]`. */
const GPU_SCRIPT = readFileSync(new URL('../../fixtures/placement/infer.py', import.meta.url), 'utf8');

function loaded(text: string): FunctionDefinition {
  const result = loadFunction('functions/infer.py', text);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return result.function;
}

function problems(text: string): string[] {
  const result = loadFunction('functions/infer.py', text);
  return result.ok ? [] : result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`);
}

const script = (line: string) => ['# /// script', '# [tool.faas]', `# ${line}`, '# ///', 'def handle(req):', '    return req', ''].join('\n');

function synth(build: (chart: ReturnType<typeof Testing.chart>) => void): Manifest[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as Manifest[];
}

describe('function pod placement from [tool.faas]', () => {
  it('puts the node selector, tolerations, pull Secrets and priority class on the pods', () => {
    const objects = synth((chart) => new PythonFunction(chart, 'f', { definition: loaded(GPU_SCRIPT), namespace: 'faas' }));
    const pod = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pod.nodeSelector).toStrictEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod.tolerations).toStrictEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.imagePullSecrets).toStrictEqual([{ name: 'registry-credentials' }]);
    expect(pod.priorityClassName).toBe('system-node-critical');
  });

  it('writes none of them for a function that sets none, so its manifests stay as they were', () => {
    const objects = synth((chart) => new PythonFunction(chart, 'f', { definition: loaded(script('max-replicas = 2')), namespace: 'faas' }));
    const pod = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec;
    for (const field of ['nodeSelector', 'tolerations', 'imagePullSecrets', 'priorityClassName', 'affinity']) expect(pod, field).not.toHaveProperty(field);
    const spec = objects.find((o) => o.kind === 'Function')!.spec;
    for (const field of ['nodeSelector', 'tolerations', 'imagePullSecrets', 'priorityClassName']) expect(spec, field).not.toHaveProperty(field);
  });

  it('carries them through the Function object spec and back, as the controller and the admin API read it', () => {
    const definition = loaded(GPU_SCRIPT);
    const back = definitionFromSpec('infer', specFromDefinition(definition));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.function.tolerations).toEqual(definition.tolerations);
    expect(back.function.nodeSelector).toEqual(definition.nodeSelector);
    expect(back.function.priorityClassName).toBe('system-node-critical');
  });

  it('keeps a placed function out of the warm pool, whose pods run anywhere', () => {
    expect(warmPoolKey(loaded(GPU_SCRIPT), 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim')).toBeUndefined();
    expect(warmPoolKey(loaded(script('max-replicas = 2')), 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim')).toBeDefined();
  });

  it('lets the Function CRD check them: a toleration effect is one of the three', () => {
    const tolerations = (functionOpenApiSchema() as any).properties.spec.properties.tolerations;
    expect(tolerations.items.properties.effect).toMatchObject({ type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] });
    expect(tolerations.items.properties.operator).toMatchObject({ type: 'string', enum: ['Exists', 'Equal'] });
  });
});

describe('function pod placement errors name the file, line and field', () => {
  it('a toleration effect that is not one of the three', () => {
    expect(problems(script('tolerations = [{ key = "gpu", effect = "NoSchedul" }]'))).toStrictEqual([
      `functions/infer.py:3: 'tolerations[0].effect' is "NoSchedul"; it must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"`,
    ]);
  });

  it('a key a toleration does not have', () => {
    expect(problems(script('tolerations = [{ key = "gpu", effects = "NoSchedule" }]'))).toStrictEqual([
      `functions/infer.py:3: 'tolerations[0].effects' is not a known key; the keys there are 'key', 'operator', 'value', 'effect', 'tolerationSeconds'`,
    ]);
  });

  it('a node selector key that is not a label key', () => {
    expect(problems(script('node-selector = { "gpu type" = "l4" }'))).toStrictEqual([
      `functions/infer.py:3: 'node-selector' has the key "gpu type", which is not a Kubernetes label key (an optional DNS prefix and '/', then letters, digits, '-', '_' and '.', starting and ending with a letter or digit); rename it, e.g. "gpu_type"`,
    ]);
  });

  it('a priority class that is not a DNS-1123 subdomain, through the admin API shape', () => {
    const result = definitionFromSpec('infer', { source: 'def handle(req):\n    return req\n', priorityClassName: 'GPU' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.key, e.message])).toStrictEqual([
      ['priorityClassName', `'priorityClassName' is "GPU", which is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit); write e.g. "gpu-inference"`],
    ]);
  });
});

describe('gateway pod placement props', () => {
  it('puts placement, labels and annotations on the gateway pods, the selector labels winning', () => {
    const objects = synth(
      (chart) =>
        new Gateway(chart, 'g', {
          nodeSelector: { pool: 'system' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'faas', effect: 'NoSchedule' }],
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
          imagePullSecrets: ['mirror'],
          priorityClassName: 'system-cluster-critical',
          podLabels: { team: 'platform', 'app.kubernetes.io/name': 'other' },
          podAnnotations: { 'sidecar.istio.io/inject': 'false' },
        }),
    );
    const template = objects.find((o) => o.kind === 'Deployment')!.spec.template;
    expect(template.spec.nodeSelector).toStrictEqual({ pool: 'system' });
    expect(template.spec.tolerations).toStrictEqual([{ key: 'dedicated', operator: 'Equal', value: 'faas', effect: 'NoSchedule' }]);
    expect(template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(template.spec.imagePullSecrets).toStrictEqual([{ name: 'mirror' }]);
    expect(template.spec.priorityClassName).toBe('system-cluster-critical');
    expect(template.metadata.labels.team).toBe('platform');
    expect(template.metadata.labels['app.kubernetes.io/name']).toBe('faas-gateway');
    expect(template.metadata.annotations).toStrictEqual({ 'sidecar.istio.io/inject': 'false' });
  });

  it('refuses a priority class or a pull Secret the API server would, naming the prop', () => {
    expect(() => new Gateway(Testing.chart(), 'g', { priorityClassName: 'High' })).toThrowError(
      "'priorityClassName' ('High') must be a PriorityClass name, a DNS-1123 subdomain",
    );
    expect(() => new Gateway(Testing.chart(), 'g', { imagePullSecrets: ['ok', 'Not OK'] })).toThrowError(
      "'imagePullSecrets[1]' ('Not OK') must be a Secret name, a DNS-1123 subdomain",
    );
    expect(() => new Gateway(Testing.chart(), 'g', { nodeSelector: { 'bad key': 'x' } })).toThrowError(/'nodeSelector' has the key 'bad key'/);
  });
});
