/**
 * Every reason a Function's Ready condition takes, as a watch reports it: a state the function
 * passes through quickly (Available between a call and the reaper) is seen even when polling
 * would miss it.
 */
import { watchValues } from './value-history.js';

export interface ReadyHistory {
  /** The Ready condition's reason after each change. */
  readonly reasons: string[];
  stop(): void;
}

export function watchReadyReasons(kubeconfig: string, namespace: string, name: string): ReadyHistory {
  const history = watchValues<string>(kubeconfig, `/apis/faas.poorman.dev/v1alpha1/namespaces/${namespace}/functions`, name, (object) =>
    object?.status?.conditions?.find((c: any) => c.type === 'Ready')?.reason,
  );
  return { reasons: history.values, stop: () => history.stop() };
}
