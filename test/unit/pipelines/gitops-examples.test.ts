import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';

const gitops = new URL('../../../deploy/gitops/', import.meta.url);

function documents(file: string): any[] {
  return parseAllDocuments(readFileSync(new URL(file, gitops), 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

// The models validate against the JSON schemas generated from Argo CD's and Flux's own CRDs.
describe('the GitOps examples', () => {
  it('has an Argo CD Application valid against its CRD schema, syncing the synthesized folder with pruning', () => {
    const [application] = documents('argocd-application.yaml');
    expect(() => new Application(application).validate()).not.toThrow();
    expect(application.spec.source.path).toBe('deploy/manifests');
    expect(application.spec.syncPolicy.automated.prune).toBe(true);
    expect(application.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });

  it('has a Flux GitRepository and Kustomization valid against their CRD schemas, pruning, pointing at each other', () => {
    const [repository, kustomization] = documents('flux-kustomization.yaml');
    expect(() => new GitRepository(repository).validate()).not.toThrow();
    expect(() => new Kustomization(kustomization).validate()).not.toThrow();
    expect(kustomization.spec.sourceRef).toEqual({ kind: 'GitRepository', name: repository.metadata.name });
    expect(kustomization.spec.path).toBe('./deploy/manifests');
    expect(kustomization.spec.prune).toBe(true);
  });

  it('rejects a Kustomization the CRD schema would refuse, so the check above can fail', () => {
    const [, kustomization] = documents('flux-kustomization.yaml');
    const broken = { ...kustomization, spec: { ...kustomization.spec, prune: 'yes', interval: undefined } };
    expect(() => new Kustomization(broken).validate()).toThrow();
  });
});
