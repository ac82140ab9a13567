import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PodFailureTable, podFailure } from '../../../../gateway/backends/kubernetes/pod-failures.js';

function pod(status: V1Pod['status'], extra: Partial<V1Pod['metadata']> = {}): V1Pod {
  return { metadata: { name: 'tally-abc', labels: { 'faas.poorman.dev/function': 'tally' }, ...extra }, status };
}
const container = (s: Partial<V1ContainerStatus>): V1ContainerStatus => ({ name: 'function', image: 'uv', imageID: '', ready: false, restartCount: 0, ...s });

describe('podFailure', () => {
  it('reads a crash loop with the last exit code and the termination message (its last log lines)', () => {
    const failure = podFailure(
      pod({
        phase: 'Running',
        containerStatuses: [
          container({
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'ModuleNotFoundError: No module named fastapi' } },
          }),
        ],
      }),
    );
    expect(failure).toMatchObject({
      function: 'tally',
      reason: 'pod tally-abc container "function": CrashLoopBackOff (back-off 40s restarting failed container); last exit code 1 (Error)',
      logTail: 'ModuleNotFoundError: No module named fastapi',
    });
  });

  it.each(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName'])('reads the waiting reason %s', (reason) => {
    expect(podFailure(pod({ phase: 'Pending', containerStatuses: [container({ state: { waiting: { reason } } })] }))?.reason).toBe(`pod tally-abc container "function": ${reason}`);
  });

  it('reads a container that exited with an error, and a failed init container', () => {
    const exited = pod({ phase: 'Running', containerStatuses: [container({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] });
    expect(podFailure(exited)?.reason).toBe('pod tally-abc container "function": exited with code 137 (OOMKilled)');
    const init = pod({ phase: 'Pending', initContainerStatuses: [container({ name: 'setup', state: { terminated: { exitCode: 2 } } })] });
    expect(podFailure(init)?.reason).toBe('pod tally-abc init container "setup": exited with code 2');
  });

  it('reads a failed pod', () => {
    expect(podFailure(pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' }))?.reason).toBe('pod tally-abc failed: Evicted (low on memory)');
  });

  it('sees no failure on the ordinary way up, in a running pod, in a deleted pod or in a pod of no function', () => {
    expect(podFailure(pod({ phase: 'Pending', containerStatuses: [container({ state: { waiting: { reason: 'ContainerCreating' } } })] }))).toBeUndefined();
    expect(podFailure(pod({ phase: 'Running', containerStatuses: [container({ ready: true, state: { running: {} } })] }))).toBeUndefined();
    expect(podFailure(pod({ phase: 'Running', containerStatuses: [container({ state: { terminated: { exitCode: 0 } } })] }))).toBeUndefined();
    const crashing = { phase: 'Running', containerStatuses: [container({ state: { waiting: { reason: 'CrashLoopBackOff' } } })] };
    expect(podFailure(pod(crashing, { deletionTimestamp: new Date() }))).toBeUndefined();
    expect(podFailure({ metadata: { name: 'other' }, status: crashing })).toBeUndefined();
  });
});

describe('PodFailureTable', () => {
  const crashLoop = (restartCount: number) =>
    pod({ phase: 'Running', containerStatuses: [container({ restartCount, state: { waiting: { reason: 'CrashLoopBackOff' } } })] });

  it('reports a failure once, again at the next restart, and forgets a pod that recovers or goes', () => {
    const table = new PodFailureTable();
    expect(table.apply('add', crashLoop(1))?.function).toBe('tally');
    expect(table.apply('update', crashLoop(1))).toBeUndefined();
    expect(table.current('tally')?.pod).toBe('tally-abc');
    expect(table.apply('update', crashLoop(2))).toBeDefined();
    expect(table.apply('update', pod({ phase: 'Running', containerStatuses: [container({ ready: true, state: { running: {} } })] }))).toBeUndefined();
    expect(table.current('tally')).toBeUndefined();
    table.apply('add', crashLoop(3));
    table.apply('delete', crashLoop(3));
    expect(table.current('tally')).toBeUndefined();
  });
});
