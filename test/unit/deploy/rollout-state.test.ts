import { describe, expect, it } from 'vitest';
import type { V1Deployment } from '@kubernetes/client-node';
import { rolloutState } from '../../../infra/deploy/wait-for-rollout.js';

const deployment = (generation: number, spec: number, status: V1Deployment['status']): V1Deployment => ({
  metadata: { name: 'faas-gateway', generation },
  spec: { replicas: spec, selector: {}, template: {} },
  status,
});

describe('rolloutState (kubectl rollout status rules)', () => {
  it('waits while the Deployment does not exist', () => {
    expect(rolloutState(undefined)).toEqual({ done: false, message: 'waiting for the Deployment to exist' });
  });

  it('waits until the controller has seen the latest spec', () => {
    expect(rolloutState(deployment(2, 1, { observedGeneration: 1, updatedReplicas: 1, replicas: 1, availableReplicas: 1 })).done).toBe(false);
  });

  it('counts updated, old and available replicas', () => {
    expect(rolloutState(deployment(1, 2, { observedGeneration: 1, updatedReplicas: 1, replicas: 2 })).message).toBe('1 of 2 replicas updated');
    expect(rolloutState(deployment(1, 2, { observedGeneration: 1, updatedReplicas: 2, replicas: 3 })).message).toBe('1 old replicas terminating');
    expect(rolloutState(deployment(1, 2, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).message).toBe(
      '1 of 2 updated replicas available',
    );
  });

  it('is done when every replica runs the latest spec and is available', () => {
    expect(rolloutState(deployment(3, 2, { observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }))).toEqual({
      done: true,
      message: '2 of 2 replicas available',
    });
  });

  it('says so when the rollout stalled past its progress deadline', () => {
    const stalled = deployment(1, 1, {
      observedGeneration: 1,
      updatedReplicas: 0,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }],
    });
    expect(rolloutState(stalled).message).toBe('rollout stalled: ReplicaSet "x" has timed out progressing.');
  });
});
