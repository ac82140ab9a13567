/**
 * Every value one field of one named object takes, as a watch reports it: a state the object
 * passes through quickly is seen even where polling would miss it. A broken watch starts again;
 * a change in between still shows as the next value.
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';

export interface ValueHistory<T> {
  /** The field after each change, the value at the start first. */
  readonly values: T[];
  /** Resolves once the watch is established and the current value is recorded. */
  readonly started: Promise<void>;
  stop(): void;
}

/** `pick` reads the field; undefined means "nothing to record yet". */
export function watchValues<T>(kubeconfig: string, collectionPath: string, name: string, pick: (object: any) => T | undefined): ValueHistory<T> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const values: T[] = [];
  let controller: AbortController | undefined;
  let stopped = false;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const start = async (): Promise<void> => {
    if (stopped) return;
    controller = await new Watch(kc).watch(
      collectionPath,
      { fieldSelector: `metadata.name=${name}` },
      (_type, object: any) => {
        const value = pick(object);
        if (value !== undefined && values.at(-1) !== value) values.push(value);
        markStarted();
      },
      () => setTimeout(() => void start().catch(() => undefined), 200),
    );
  };
  void start();
  return {
    values,
    started,
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
