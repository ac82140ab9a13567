/**
 * A test host's kubelet, for kwok pods: each pod kwok places on the host's node gets its real
 * process (its own container spec and the ConfigMaps it mounts, read from the API server) when kwok
 * has given it the host's address, and loses it when the pod is deleted. The pod turns Ready only
 * once the process accepts connections at its readiness probe's period, as a kubelet's probe
 * would find it; a process that exits is reported as the kubelet reports it (terminated, then
 * CrashLoopBackOff with the last output as termination message) and started again after a back-off.
 *
 * Pods share the host's one address, so two pods of one function on one host contend for its
 * port: place one per host (anti-affinity), as the tests that scale out do.
 */
import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import type { ClusterClient, ClusterTestHost } from './cluster-client.js';
import { configMapsOf, startContainer, type FunctionProcess } from './function-host.js';

export interface PodProcessesOptions {
  /** Added to every process's environment (where a test function writes what it saw). */
  readonly env?: Record<string, string>;
  /** false: never mark a pod Ready, as a kubelet whose readiness probe has not run yet. @default true */
  readonly markReady?: boolean;
}

export interface PodProcesses {
  /** The process of each pod running now, by pod name. */
  readonly running: ReadonlyMap<string, FunctionProcess>;
  /** Every process started so far, by pod name, for what they printed. */
  readonly started: readonly { readonly pod: string; readonly process: FunctionProcess }[];
  /** Resolves once the pods that existed at start have been seen. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
/** The kubelet's crash-loop back-off starts at 10 s; shorter here, so a test sees restarts soon. */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];
/** Output kept in a termination message (FallbackToLogsOnError keeps the last 80 lines, at most 2 KiB). */
const MESSAGE_BYTES = 2048;

export function runPodProcesses(cluster: ClusterClient, host: ClusterTestHost, options: PodProcessesOptions = {}): PodProcesses {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const running = new Map<string, FunctionProcess>();
  /** Processes of deleted pods still in their preStop hook or draining, with what ends that at once. */
  const terminating = new Map<FunctionProcess, () => void>();
  const started: { pod: string; process: FunctionProcess }[] = [];
  /** Pods this host runs, by name: stopped ones are removed so a late event cannot restart them. */
  const pods = new Map<string, { restarts: number; timer?: NodeJS.Timeout; gone: boolean; spec: V1PodSpec }>();
  let stopped = false;
  let abort: (() => void) | undefined;
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));

  const patchStatus = async (pod: V1Pod, status: object) => {
    const state = pods.get(pod.metadata!.name!);
    if (state === undefined || state.gone) return;
    await core
      .patchNamespacedPodStatus({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: { status } }, MERGE)
      .catch(() => undefined); // The pod went meanwhile.
  };

  const condition = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: new Date().toISOString() });

  const start = async (pod: V1Pod) => {
    const name = pod.metadata!.name!;
    const state = pods.get(name)!;
    if (stopped || state.gone) return;
    const spec = pod.spec!;
    const configMaps = new Map<string, Record<string, string>>();
    for (const cm of configMapsOf(spec)) {
      const read = await core.readNamespacedConfigMap({ name: cm, namespace: pod.metadata!.namespace! }).catch(() => undefined);
      if (read) configMaps.set(cm, read.data ?? {});
    }
    // A deleted pod's process still holds the host's one address and port: a new pod cuts its
    // preStop hook short (in a cluster it would have an address of its own) and waits for it to drain.
    for (const drainNow of terminating.values()) drainNow();
    await Promise.all([...terminating.keys()].map((old) => old.exited));
    if (stopped || state.gone) return;
    const container = spec.containers[0]!;
    let fn: FunctionProcess;
    try {
      fn = startContainer(host, name, spec, configMaps, { HOSTNAME: name, ...options.env });
    } catch (error) {
      await patchStatus(pod, { containerStatuses: [{ name: container.name, image: container.image, ready: false, restartCount: state.restarts, state: { waiting: { reason: 'CreateContainerConfigError', message: String(error) } } }] });
      return;
    }
    running.set(name, fn);
    started.push({ pod: name, process: fn });
    const startedAt = new Date().toISOString();
    const period = (spec.containers[0]!.readinessProbe?.periodSeconds ?? 10) * 1000;
    await patchStatus(pod, {
      conditions: [condition('ContainersReady', false), condition('Ready', false)],
      containerStatuses: [{ name: container.name, image: container.image, ready: false, started: true, restartCount: state.restarts, state: { running: { startedAt } } }],
    });
    fn.ready(period).then(
      () => {
        if (options.markReady === false) return;
        void patchStatus(pod, {
          conditions: [condition('ContainersReady', true), condition('Ready', true)],
          containerStatuses: [{ name: container.name, image: container.image, ready: true, started: true, restartCount: state.restarts, state: { running: { startedAt } } }],
        });
      },
      () => undefined, // Reported below, from its exit.
    );
    const exit = await fn.exited;
    if (running.get(name) === fn) running.delete(name);
    if (stopped || state.gone) return;
    // The process ended on its own: the kubelet reports it and starts it again after a back-off.
    const delay = BACKOFF_MS[Math.min(state.restarts, BACKOFF_MS.length - 1)]!;
    state.restarts += 1;
    const output = Buffer.from(fn.output());
    const message = output.subarray(Math.max(0, output.length - MESSAGE_BYTES)).toString('utf8');
    const terminated = { exitCode: typeof exit === 'number' ? exit : 137, reason: 'Error', message, startedAt, finishedAt: new Date().toISOString() };
    await patchStatus(pod, {
      conditions: [condition('ContainersReady', false), condition('Ready', false)],
      containerStatuses: [{
        name: container.name,
        image: container.image,
        ready: false,
        started: false,
        restartCount: state.restarts,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000}s restarting failed container=${container.name} pod=${name}` } },
        lastState: { terminated },
      }],
    });
    state.timer = setTimeout(() => void start(pod), delay);
  };

  const forget = (name: string) => {
    const state = pods.get(name);
    if (state === undefined) return;
    state.gone = true;
    clearTimeout(state.timer);
    pods.delete(name);
    const fn = running.get(name);
    running.delete(name);
    if (fn === undefined) return;
    // As a kubelet does: the preStop hook first (the process keeps serving while the gateway
    // learns the pod is gone), then SIGTERM to drain, then a kill. kwok has deleted the pod already.
    const drain = () => {
      fn.stop('SIGTERM');
      setTimeout(() => fn.stop(), 2_000).unref();
    };
    const timer = setTimeout(drain, preStopMs(state.spec)).unref();
    terminating.set(fn, () => {
      clearTimeout(timer);
      drain();
    });
    void fn.exited.then(() => terminating.delete(fn));
  };

  const onPod = (type: string, pod: V1Pod) => {
    const name = pod.metadata?.name;
    if (!name || stopped) return;
    if (type === 'DELETED' || pod.metadata?.deletionTimestamp) return forget(name);
    // kwok gives a pod the host's address once it has placed it; that is when its container starts.
    if (!pods.has(name) && pod.status?.podIP && pod.status.phase === 'Running') {
      pods.set(name, { restarts: 0, gone: false, spec: pod.spec! });
      void start(pod);
    }
  };

  const watch = async () => {
    if (stopped) return;
    // The list first: a watch without a resource version would replay every existing pod anyway,
    // but the list says when that replay is complete.
    const list = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${host.nodeName}` }).catch(() => undefined);
    if (list === undefined) {
      setTimeout(() => void watch(), 500).unref();
      return;
    }
    const seen = new Set<string>();
    for (const pod of list.items) {
      seen.add(pod.metadata!.name!);
      onPod('ADDED', pod);
    }
    for (const name of [...pods.keys()]) if (!seen.has(name)) forget(name);
    markSynced();
    const request = await new Watch(kc)
      .watch(
        '/api/v1/pods',
        { fieldSelector: `spec.nodeName=${host.nodeName}`, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
        (type, pod: V1Pod) => onPod(type, pod),
        () => {
          if (!stopped) setTimeout(() => void watch(), 200).unref();
        },
      )
      .catch(() => undefined);
    if (request === undefined) setTimeout(() => void watch(), 500).unref();
    else abort = () => request.abort();
  };
  void watch();

  return {
    running,
    started,
    synced,
    async stop() {
      stopped = true;
      abort?.();
      for (const name of [...pods.keys()]) forget(name);
      await Promise.all(started.map(({ process }) => Promise.race([process.exited, new Promise((r) => setTimeout(r, 3_000))])));
    },
  };
}

/** How long the container's preStop hook runs: `sleep N` as an exec command or the sleep action. */
function preStopMs(spec: V1PodSpec): number {
  const preStop = spec.containers[0]?.lifecycle?.preStop;
  if (preStop?.sleep?.seconds !== undefined) return preStop.sleep.seconds * 1000;
  const [command, seconds] = preStop?.exec?.command ?? [];
  return command === 'sleep' && Number.isFinite(Number(seconds)) ? Number(seconds) * 1000 : 0;
}
