import { describe, expect, it } from 'vitest';
import * as pulumi from '@pulumi/pulumi';
import { kubernetesResource } from '../../../infra/pulumi/kubernetes-resource.js';
import { poormanFaasManifests } from '../../../infra/pulumi/poorman-faas.js';

// What PoormanFaas reports when its input is wrong. Its outputs fail with the same error, which
// `pulumi up` prints as the program's failure.
describe('PoormanFaas input checks', () => {
  it('says the functions folder is missing and how to point at one', async () => {
    await expect(poormanFaasManifests({ functionsDir: '/nonexistent/functions' })).rejects.toThrowError(
      /the functions folder '\/nonexistent\/functions' does not exist; create it/,
    );
  });

  it('names a prop the constructs reject', async () => {
    await expect(poormanFaasManifests({ functions: [], namespace: 'Not_A_Label' })).rejects.toThrowError(
      /'namespace' \('Not_A_Label'\) must be a DNS-1123 label/,
    );
  });

  it('refuses a kind it has no resource type for, saying where to add it', () => {
    const manifest = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' } };
    expect(() => kubernetesResource('x', manifest, new Set(), {})).toThrowError(
      "the manifest batch/v1/CronJob 'nightly' has no Pulumi resource type here; add 'batch/v1/CronJob' to BUILT_IN",
    );
  });
});

describe('kubernetesResource', () => {
  it('takes an object of a custom group as a CustomResource', async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, 'p', 's', false);
    const manifest = { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'w' } };
    const resource = kubernetesResource('w', manifest, new Set(['example.dev']), {});
    expect(pulumi.CustomResource.isInstance(resource)).toBe(true);
    expect(await new Promise((resolve) => resource.urn.apply(resolve))).toBe('urn:pulumi:s::p::kubernetes:example.dev/v1:Widget::w');
  });
});
