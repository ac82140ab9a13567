/** `faas logs <name>`: the logs of a function's pods, every line prefixed with its pod when there are several. */
import { Writable } from 'node:stream';
import { CoreV1Api, Log, type V1Pod } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { functionSelector } from '../../../constructs/labels.js';
import { parseDuration } from '../../../constructs/spec/durations.js';
import { describeApiError } from '../../kube/api-error.js';
import { addFunctionTarget, kubeTarget, type KubeTargetFlags } from '../kube-options.js';

const CONTAINER = 'function';

interface LogsFlags extends KubeTargetFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
}

export function register(program: Command): void {
  addFunctionTarget(program.command('logs').description("print a function's logs from its pods"))
    .option('-f, --follow', 'keep streaming new lines')
    .option('--tail <lines>', 'only the last lines of each pod')
    .option('--since <duration>', 'only lines newer than this (10s, 5m, 1h)')
    .action(async (name: string, flags: LogsFlags) => {
      const tailLines = flags.tail === undefined ? undefined : Number(flags.tail);
      if (tailLines !== undefined && (!Number.isInteger(tailLines) || tailLines < 0)) {
        throw new Error(`--tail '${flags.tail}' must be a whole number of lines, like --tail 100`);
      }
      const sinceSeconds = flags.since === undefined ? undefined : parseDuration(flags.since);
      if (flags.since !== undefined && (sinceSeconds === undefined || sinceSeconds <= 0)) {
        throw new Error(`--since '${flags.since}' is not a duration; use a number with a unit, like 10m`);
      }
      const { kc, namespace } = kubeTarget(flags);
      const selector = Object.entries(functionSelector(name)).map(([k, v]) => `${k}=${v}`).join(',');
      let pods: V1Pod[];
      try {
        pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector })).items;
      } catch (error) {
        throw describeApiError(`listing the pods of ${name} in namespace ${namespace}`, error);
      }
      if (pods.length === 0) {
        throw new Error(
          `function '${name}' has no pods in namespace ${namespace}: it is asleep (scaled to zero) or not deployed; ` +
            'invoke it to wake it, or check the name with `faas describe`',
        );
      }
      const log = new Log(kc);
      const prefix = pods.length > 1;
      await Promise.all(
        pods.map(async (pod) => {
          const podName = pod.metadata!.name!;
          const done = new Promise<void>((resolve, reject) => {
            const out = linePrefixer(prefix ? `[${podName}] ` : '', resolve);
            log
              .log(namespace, podName, CONTAINER, out, {
                follow: flags.follow ?? false,
                ...(tailLines === undefined ? {} : { tailLines }),
                ...(sinceSeconds === undefined ? {} : { sinceSeconds: Math.ceil(sinceSeconds) }),
              })
              .catch((error: unknown) => reject(describeApiError(`reading the logs of pod ${podName}`, error)));
          });
          await done;
        }),
      );
    });
}

/** Writes whole lines to stdout, each with `prefix`, so lines of several pods never interleave mid-line. */
function linePrefixer(prefix: string, onEnd: () => void): Writable {
  let partial = '';
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      callback();
    },
    final(callback) {
      if (partial !== '') process.stdout.write(`${prefix}${partial}\n`);
      onEnd();
      callback();
    },
  });
}
