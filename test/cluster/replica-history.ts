/**
 * Every value a Deployment's spec.replicas takes, as the API server reports it through a watch:
 * how a test counts scale calls from outside the gateway (a scale to the value already set is no
 * change and no call the cluster notices).
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';

export interface ReplicaHistory {
  /** spec.replicas after each change, the value at the start first. */
  readonly values: number[];
  /** Resolves once the watch is established and the current value is recorded. */
  readonly started: Promise<void>;
  stop(): void;
}

export function watchReplicas(kubeconfig: string, namespace: string, deployment: string): ReplicaHistory {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const values: number[] = [];
  let controller: AbortController | undefined;
  let stopped = false;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const record = (replicas: number) => {
    if (values.at(-1) !== replicas) values.push(replicas);
    markStarted();
  };
  const start = async (): Promise<void> => {
    if (stopped) return;
    controller = await new Watch(kc).watch(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      { fieldSelector: `metadata.name=${deployment}` },
      (_type, object: any) => record(object?.spec?.replicas ?? 1),
      // A broken watch starts again; a change in between still shows as the next value.
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
