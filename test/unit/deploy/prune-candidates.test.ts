import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import { pruneCandidates } from '../../../infra/deploy/prune.js';
import { FIELD_MANAGER } from '../../../infra/deploy/field-manager.js';

const object = (name: string, fn: string | undefined, managers: { manager: string; operation: string }[]): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: fn === undefined ? {} : { 'faas.poorman.dev/function': fn }, managedFields: managers },
});
const applied = [{ manager: FIELD_MANAGER, operation: 'Apply' }];

describe('pruneCandidates', () => {
  it('picks the objects faas deploy applied for functions no longer in the folder', () => {
    const objects = [object('kept-code', 'kept', applied), object('gone-code', 'gone', applied)];
    expect(pruneCandidates(objects, new Set(['kept'])).map((o) => o.metadata!.name)).toEqual(['gone-code']);
  });

  it('leaves objects another manager made (admin API, controller, kubectl)', () => {
    const objects = [
      object('api-code', 'api', [{ manager: 'faas-gateway', operation: 'Apply' }]),
      object('kubectl-code', 'kubectl', [{ manager: 'kubectl-create', operation: 'Update' }]),
      // an Update by faas-cli is not an apply of the manifests
      object('updated-code', 'updated', [{ manager: FIELD_MANAGER, operation: 'Update' }]),
    ];
    expect(pruneCandidates(objects, new Set())).toEqual([]);
  });

  it('never picks an object without a function label', () => {
    expect(pruneCandidates([object('platform', undefined, applied)], new Set())).toEqual([]);
  });
});
