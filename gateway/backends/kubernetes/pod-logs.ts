/**
 * A function's logs in Kubernetes, for the web UI: the `function` container's log of each of its
 * pods, read through the API server (`pods/log`, the one permission it needs beyond the pod list
 * the gateway already has), the last lines of each, then, when following, each new line until the
 * reader leaves. Nothing is kept: lines go straight to the reader, cut at 16 KiB each.
 */
import { Writable } from 'node:stream';
import { CoreV1Api, Log, type KubeConfig } from '@kubernetes/client-node';
import { functionSelector } from '../../../constructs/labels.js';
import type { FunctionLogs, LogLine, LogRequest } from '../backend.js';

const CONTAINER = 'function';
const TAIL_LINES = 200;
const MAX_LINE = 16 * 1024;
/** A pod's log line with `timestamps=true`: RFC 3339 time, a space, the line. */
const STAMPED = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)) (.*)$/s;

export class PodLogs implements FunctionLogs {
  private readonly core: CoreV1Api;
  private readonly log: Log;

  constructor(
    kubeConfig: KubeConfig,
    private readonly namespace: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.log = new Log(kubeConfig);
  }

  async logs(name: string, onLine: (line: LogLine) => void, request: LogRequest): Promise<void> {
    const labelSelector = Object.entries(functionSelector(name))
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const pods = (await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector })).items.filter((pod) => pod.status?.phase !== 'Pending');
    await Promise.all(
      pods.map(async (pod) => {
        const podName = pod.metadata!.name!;
        let ended!: () => void;
        const done = new Promise<void>((resolve) => (ended = resolve));
        const writer = lineWriter(podName, onLine, ended);
        // The client pipes the response into the writer without an error listener on its side: an
        // aborted (or broken) log stream would be an uncaught error that ends the gateway. It ends
        // this pod's lines instead.
        writer.on('pipe', (source) => source.on('error', () => ended()));
        const abort = await this.log.log(this.namespace, podName, CONTAINER, writer, { follow: request.follow, tailLines: TAIL_LINES, timestamps: true });
        const stop = (): void => {
          abort.abort();
          ended();
        };
        if (request.signal.aborted) stop();
        request.signal.addEventListener('abort', stop, { once: true });
        await done;
        request.signal.removeEventListener('abort', stop);
      }),
    );
  }
}

function lineWriter(pod: string, onLine: (line: LogLine) => void, onEnd: () => void): Writable {
  let partial = '';
  const emit = (raw: string): void => {
    const stamped = STAMPED.exec(raw);
    const at = stamped ? Date.parse(stamped[1]!) : Date.now();
    const text = stamped ? stamped[2]! : raw;
    onLine({ at: Number.isNaN(at) ? Date.now() : at, stream: 'stdout', text: text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)} … [line cut]` : text, instance: pod });
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      // A line still without its end past the bound is passed on cut; the rest of it is dropped.
      if (partial.length > MAX_LINE) partial = partial.slice(0, MAX_LINE);
      for (const line of lines) emit(line);
      callback();
    },
    final(callback) {
      if (partial !== '') emit(partial);
      onEnd();
      callback();
    },
    destroy(error, callback) {
      onEnd();
      callback(error);
    },
  });
}
