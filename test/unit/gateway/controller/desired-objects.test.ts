import { describe, expect, it } from 'vitest';
import { synthesizeManifests } from '../../../../constructs/synthesize-manifests.js';
import { loadFunction } from '../../../../constructs/spec/load-function.js';
import { definitionFromSpec, specFromDefinition } from '../../../../constructs/spec/spec-conversion.js';
import { desiredObjects } from '../../../../gateway/controller/desired-objects.js';
import { fixtureLock } from '../../../support/script-locks.js';

const SCRIPT = `# /// script
# requires-python = ">=3.11"
# dependencies = ["httpx"]
#
# [tool.faas]
# min-replicas = 1
# max-replicas = 4
# memory = "256Mi"
# env = { GREETING = "hi" }
# secrets = ["db-password"]
# ///
def handle(req):
    return req
`;

describe('desiredObjects', () => {
  it("builds, from a Function object's spec, exactly the workloads synth writes for the same script", () => {
    const loaded = loadFunction('hello.py', SCRIPT, fixtureLock('httpx'));
    if (!loaded.ok) throw new Error('fixture does not load');
    const synthesized = synthesizeManifests({ namespace: 'fns', functions: [loaded.function] }).filter(
      (m) => m.metadata.labels?.['faas.poorman.dev/function'] === 'hello' && m.kind !== 'Function',
    );
    // The controller's path: the spec as stored in the Function object, read back.
    const fromSpec = definitionFromSpec('hello', JSON.parse(JSON.stringify(specFromDefinition(loaded.function))));
    if (!fromSpec.ok) throw new Error('the spec does not read back');
    const built = desiredObjects(fromSpec.function, { namespace: 'fns' });
    expect(built.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'HorizontalPodAutoscaler']);
    expect(built).toEqual(synthesized);
  });

  it('uses the function image it is given', () => {
    const fromSpec = definitionFromSpec('img', { source: 'def handle(req):\n    return req\n' });
    if (!fromSpec.ok) throw new Error('the spec does not read');
    const deployment = desiredObjects(fromSpec.function, { namespace: 'faas', functionImage: 'registry.example/uv:1' }).find((o) => o.kind === 'Deployment') as any;
    expect(deployment.spec.template.spec.containers[0].image).toBe('registry.example/uv:1');
  });
});
