import {
  ADD,
  DELETE,
  ERROR,
  UPDATE,
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';

export type WatchEvent = 'add' | 'update' | 'delete';

export interface ResourceWatchOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  readonly path: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly labelSelector?: string;
  readonly onEvent: (event: WatchEvent, object: T) => void;
  readonly onError: (error: unknown) => void;
  /** Wait before re-listing after the watch broke. @default 1000 */
  readonly restartDelayMs?: number;
}

export interface ResourceWatch {
  /** Resolves once the first list has been delivered, so discovery is complete. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

/** A list+watch that never gives up: a broken watch is re-listed after a pause, as client-go's reflector does. */
export function watchResources<T extends KubernetesObject>(options: ResourceWatchOptions<T>): ResourceWatch {
  // The informer's start() resolves even when its list failed (it reports the error and retries);
  // discovery is complete only once a list succeeded, so a gateway that cannot reach the API server
  // stays unready instead of serving an empty catalog. setImmediate: after the informer has added
  // the listed objects, which it does in the same turn as the list's answer.
  let listed: () => void;
  const synced = new Promise<void>((resolve) => (listed = resolve));
  const list = async () => {
    const answer = await options.list();
    setImmediate(listed);
    return answer;
  };
  const informer = makeInformer<T>(options.kubeConfig, options.path, list, options.labelSelector);
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  informer.on(ADD, (o) => options.onEvent('add', o));
  informer.on(UPDATE, (o) => options.onEvent('update', o));
  informer.on(DELETE, (o) => options.onEvent('delete', o));
  informer.on(ERROR, (error: unknown) => {
    if (stopped) return;
    options.onError(error);
    restartTimer = setTimeout(() => {
      if (!stopped) informer.start().catch(options.onError);
    }, options.restartDelayMs ?? 1000);
    restartTimer.unref();
  });
  return {
    synced: informer.start().then(() => synced),
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}
