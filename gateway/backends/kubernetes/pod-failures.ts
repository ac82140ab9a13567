import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { FUNCTION_LABEL } from './api-names.js';

/**
 * Waiting reasons of a container that will not become ready by waiting longer: the kubelet backs
 * off (CrashLoopBackOff, ImagePullBackOff) or refuses the container as written. `ContainerCreating`
 * and `PodInitializing` are the ordinary way up and are not here.
 */
const FAILING_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

/** Why one pod of a function cannot start, from its own status. */
export interface PodFailure {
  readonly function: string;
  readonly pod: string;
  /** One line: `pod tally-5f7-x container "function": CrashLoopBackOff (back-off 40s ...); last exit code 1 (Error)`. */
  readonly reason: string;
  /** The container's termination message: with `FallbackToLogsOnError` the kubelet puts its last log lines there. */
  readonly logTail: string;
  /** Changes when the pod fails anew (another reason, another restart), so one failure is reported once. */
  readonly key: string;
}

/** The failure a function's pod shows, or undefined while it is on its way up, running or gone. */
export function podFailure(pod: V1Pod): PodFailure | undefined {
  const fn = pod.metadata?.labels?.[FUNCTION_LABEL];
  const podName = pod.metadata?.name;
  if (!fn || !podName || pod.metadata?.deletionTimestamp) return undefined;
  const make = (what: string, logTail: string, key: string): PodFailure => ({ function: fn, pod: podName, reason: `pod ${podName} ${what}`, logTail, key });
  if (pod.status?.phase === 'Failed') {
    return make(`failed: ${pod.status.reason ?? 'Failed'}${pod.status.message ? ` (${pod.status.message})` : ''}`, '', `Failed|${pod.status.reason ?? ''}`);
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []).map((s) => ({ s, init: true })), ...(pod.status?.containerStatuses ?? []).map((s) => ({ s, init: false }))];
  for (const { s, init } of statuses) {
    const failure = containerFailure(s, init);
    if (failure !== undefined) return make(failure.what, failure.logTail, `${s.name}|${failure.key}|${s.restartCount ?? 0}`);
  }
  return undefined;
}

function containerFailure(s: V1ContainerStatus, init: boolean): { what: string; logTail: string; key: string } | undefined {
  const label = `${init ? 'init container' : 'container'} "${s.name}"`;
  const last = s.lastState?.terminated;
  const lastExit = last === undefined ? '' : `; last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}`;
  const waiting = s.state?.waiting;
  if (waiting?.reason !== undefined && FAILING_WAITING.has(waiting.reason)) {
    return { what: `${label}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}${lastExit}`, logTail: last?.message ?? '', key: waiting.reason };
  }
  const terminated = s.state?.terminated;
  if (terminated !== undefined && terminated.exitCode !== 0) {
    const why = terminated.reason ? ` (${terminated.reason})` : '';
    return { what: `${label}: exited with code ${terminated.exitCode}${why}`, logTail: terminated.message ?? '', key: `exit ${terminated.exitCode}` };
  }
  return undefined;
}

/**
 * The failing pods of each function, kept from pod watch events. `apply` answers a failure only
 * when it is new, so a pod that keeps crash-looping is reported at each restart, not at each
 * status write.
 */
export class PodFailureTable {
  private readonly pods = new Map<string, PodFailure>();

  /** Applies one event; returns the pod's failure when it is one not seen before. */
  apply(event: 'add' | 'update' | 'delete', pod: V1Pod): PodFailure | undefined {
    const key = `${pod.metadata?.name ?? ''}`;
    const failure = event === 'delete' ? undefined : podFailure(pod);
    const before = this.pods.get(key);
    if (failure === undefined) {
      this.pods.delete(key);
      return undefined;
    }
    this.pods.set(key, failure);
    return before?.key === failure.key ? undefined : failure;
  }

  /** A failure one of the function's pods shows now, if any. */
  current(fn: string): PodFailure | undefined {
    for (const failure of this.pods.values()) if (failure.function === fn) return failure;
    return undefined;
  }
}
