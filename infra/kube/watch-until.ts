/**
 * Waits for one object to reach a state by watching it, not by polling: a watch without a
 * resourceVersion starts with the object's current state, then streams every change.
 */
import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export interface WatchUntilOptions<T> {
  /** Collection path, e.g. `/apis/apps/v1/namespaces/faas/deployments`. */
  readonly path: string;
  readonly name: string;
  /** Done when this returns true for the object as it is now (undefined: it does not exist). */
  readonly until: (object: T | undefined) => boolean;
  /** Called with every state seen, for progress. */
  readonly onChange?: (object: T | undefined) => void;
  /** Gives up after this long with `timeoutMessage`. */
  readonly timeoutMs: number;
  readonly timeoutMessage: () => string;
}

export async function watchUntil<T extends KubernetesObject>(kc: KubeConfig, options: WatchUntilOptions<T>): Promise<T | undefined> {
  const watch = new Watch(kc);
  let request: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      timer = setTimeout(() => finish(() => reject(new Error(options.timeoutMessage()))), options.timeoutMs);
      const start = async (): Promise<void> => {
        request = await watch.watch(
          options.path,
          { fieldSelector: `metadata.name=${options.name}` },
          (type: string, object: T) => {
            const current = type === 'DELETED' ? undefined : object;
            options.onChange?.(current);
            if (options.until(current)) finish(() => resolve(current));
          },
          (error: unknown) => {
            if (settled) return;
            // The server closes watches after a while; a closed watch without an error resumes.
            if (error === null || error === undefined) start().catch((e: unknown) => finish(() => reject(e)));
            else finish(() => reject(error instanceof Error ? error : new Error(String(error))));
          },
        );
      };
      start().catch((e: unknown) => finish(() => reject(e)));
    });
  } finally {
    clearTimeout(timer);
    request?.abort();
  }
}
