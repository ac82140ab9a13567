/**
 * Waits until the backend's catalog shows what a write asked for. The Kubernetes backend
 * learns of its own writes through a watch, so without this a `faas-cli deploy` followed
 * by `describe` could answer 404. Event-driven: check, subscribe, check again, then wait
 * for a change or the deadline (after which the write is still accepted, just not seen yet).
 */
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { Backend } from '../backends/backend.js';

export const CATALOG_WAIT_MS = 5_000;

export function waitForCatalog(
  backend: Backend,
  name: string,
  done: (current: FunctionDefinition | undefined) => boolean,
  timeoutMs = CATALOG_WAIT_MS,
): Promise<boolean> {
  if (done(backend.functions().get(name))) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (seen: boolean) => {
      unsubscribe();
      clearTimeout(timer);
      resolve(seen);
    };
    const unsubscribe = backend.onFunctionsChanged(() => {
      if (done(backend.functions().get(name))) finish(true);
    });
    // The change may have landed between the first check and the subscription.
    if (done(backend.functions().get(name))) return finish(true);
    timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
  });
}
