/**
 * Every reason a Function's Ready condition takes, as a watch reports it: a state the function
 * passes through quickly (Available between a call and the reaper) is seen even when polling
 * would miss it.
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';

export interface ReadyHistory {
  /** The Ready condition's reason after each change. */
  readonly reasons: string[];
  stop(): void;
}

export function watchReadyReasons(kubeconfig: string, namespace: string, name: string): ReadyHistory {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const reasons: string[] = [];
  let controller: AbortController | undefined;
  let stopped = false;
  const start = async (): Promise<void> => {
    if (stopped) return;
    controller = await new Watch(kc).watch(
      `/apis/faas.poorman.dev/v1alpha1/namespaces/${namespace}/functions`,
      { fieldSelector: `metadata.name=${name}` },
      (_type, object: any) => {
        const reason = object?.status?.conditions?.find((c: any) => c.type === 'Ready')?.reason;
        if (reason !== undefined && reasons.at(-1) !== reason) reasons.push(reason);
      },
      () => setTimeout(() => void start().catch(() => undefined), 200),
    );
  };
  void start();
  return {
    reasons,
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
