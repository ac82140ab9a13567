import { describe, expect, it } from 'vitest';
import { synthesizeManifests } from '../../../constructs/synthesize-manifests.js';
import { MAX_FUNCTION_NAME_LENGTH } from '../../../constructs/spec/function-name.js';
import { BOOTSTRAP } from './definitions.js';

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

const kinds = (manifests: Manifest[]) => manifests.map((m) => m.kind).filter((k) => k.startsWith('ValidatingAdmissionPolicy'));

describe('FunctionAdmissionPolicy', () => {
  it('comes with the controller and the CRD, cluster-scoped, denying what breaks it', () => {
    const manifests = synthesizeManifests({ functionWorkloads: 'controller', bootstrapSource: BOOTSTRAP }) as Manifest[];
    expect(kinds(manifests)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    const policy = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicy')!;
    const binding = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(policy.metadata).not.toHaveProperty('namespace');
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: ['faas.poorman.dev'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['functions'] },
    ]);
    expect(policy.spec.validations.map((v: { expression: string }) => v.expression)).toContain(`object.metadata.name.size() <= ${MAX_FUNCTION_NAME_LENGTH}`);
    expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ['Deny'] });
  });

  it('is left out in synth mode, whose Function objects the loader has checked, and without the CRD', () => {
    expect(kinds(synthesizeManifests({ bootstrapSource: BOOTSTRAP }) as Manifest[])).toEqual([]);
    expect(kinds(synthesizeManifests({ functionWorkloads: 'controller', createCrd: false, bootstrapSource: BOOTSTRAP }) as Manifest[])).toEqual([]);
  });
});
