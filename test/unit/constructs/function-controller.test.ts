import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { FunctionController } from '../../../constructs/function-controller.js';
import { synthesizeManifests } from '../../../constructs/synthesize-manifests.js';
import { BOOTSTRAP, definition } from './definitions.js';

type Manifest = { kind: string; metadata: { name: string }; spec?: any; rules?: unknown };

describe('FunctionController', () => {
  it('may apply the four workload kinds and read Function objects, nothing more', () => {
    const chart = Testing.chart();
    new FunctionController(chart, 'controller');
    const role = (Testing.synth(chart) as Manifest[]).find((object) => object.kind === 'Role')!;
    expect(role.rules).toStrictEqual([
      { apiGroups: ['faas.poorman.dev'], resources: ['functions'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['faas.poorman.dev'], resources: ['functions/status'], verbs: ['patch'] },
      { apiGroups: ['faas.poorman.dev'], resources: ['functions/finalizers'], verbs: ['update'] },
      { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['list', 'watch', 'create', 'patch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list', 'watch', 'create', 'patch'] },
    ]);
  });

  it('runs one at a time from the gateway image with the controller entry point', () => {
    const chart = Testing.chart();
    new FunctionController(chart, 'controller', { image: 'gw:1', functionImage: 'uv:1' });
    const deployment = (Testing.synth(chart) as Manifest[]).find((object) => object.kind === 'Deployment')!;
    expect(deployment.spec.strategy).toStrictEqual({ type: 'Recreate' });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('gw:1');
    expect(container.args).toStrictEqual(['/app/controller.mjs']);
    expect(container.env).toContainEqual({ name: 'FAAS_FUNCTION_IMAGE', value: 'uv:1' });
  });

  it('comes with controller mode, and the gateway keeps no right to create workloads', () => {
    const manifests = synthesizeManifests({ functions: [definition('a')], functionWorkloads: 'controller', bootstrapSource: BOOTSTRAP });
    const names = manifests.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name);
    expect(names).toStrictEqual(['faas-gateway', 'faas-controller']);
    const gatewayRole = manifests.find((object) => object.kind === 'Role' && object.metadata.name === 'faas-gateway') as unknown as { rules: { resources: string[] }[] };
    expect(gatewayRole.rules.flatMap((rule) => rule.resources)).not.toContain('deployments');
    expect(synthesizeManifests({ functions: [definition('a')], bootstrapSource: BOOTSTRAP }).map((object) => object.metadata.name)).not.toContain('faas-controller');
  });
});
