import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { describeApiError } from '../../../infra/kube/api-error.js';

describe('describeApiError', () => {
  it("keeps the server's reason and adds the usual fix for the status", () => {
    const conflict = new ApiException(409, 'Conflict', JSON.stringify({ message: 'Apply failed with 1 conflict: conflict with "kubectl"' }), {});
    expect(describeApiError('applying Deployment faas/faas-gateway', conflict).message).toBe(
      'applying Deployment faas/faas-gateway: the API server answered 409: Apply failed with 1 conflict: conflict with "kubectl"; ' +
        'another field manager owns these fields; rerun with --force-conflicts to take them over',
    );
  });

  it('says the API server cannot be reached and what to check', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6443');
    expect(describeApiError('reading Namespace faas', refused).message).toMatch(
      /^reading Namespace faas: cannot reach the API server \(connect ECONNREFUSED 127\.0\.0\.1:6443\); check the kubeconfig context/,
    );
  });
});
