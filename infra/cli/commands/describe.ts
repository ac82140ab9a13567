/** `faas describe <name>`: one function as the cluster has it: spec, replicas, status, its objects and pods. */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { FUNCTION_GROUP, FUNCTION_PLURAL, FUNCTION_VERSION } from '../../../constructs/function-api.js';
import { functionSelector } from '../../../constructs/labels.js';
import { derivedNames } from '../../../constructs/spec/function-name.js';
import { listFunctionObjects } from '../../deploy/function-objects.js';
import { isNotFound } from '../../../gateway/backends/kubernetes/api-status.js';
import { describeApiError } from '../../kube/api-error.js';
import { formatTable } from '../format-table.js';
import { addFunctionTarget, kubeTarget, type KubeTargetFlags } from '../kube-options.js';
import { addOutputOption, checkOutputFormat, printStructured } from '../output-format.js';

interface FunctionResource extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: { replicas?: number; readyReplicas?: number; lastInvocation?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export function register(program: Command): void {
  addOutputOption(addFunctionTarget(program.command('describe').description('show a function as deployed: spec, replicas, status, objects, pods'))).action(
    async (name: string, flags: KubeTargetFlags & { output: string }) => {
      const format = checkOutputFormat(flags.output);
      const { kc, namespace } = kubeTarget(flags);

      let fn: FunctionResource | undefined;
      try {
        fn = (await kc
          .makeApiClient(CustomObjectsApi)
          .getNamespacedCustomObject({ group: FUNCTION_GROUP, version: FUNCTION_VERSION, namespace, plural: FUNCTION_PLURAL, name })) as FunctionResource;
      } catch (error) {
        if (!isNotFound(error)) throw describeApiError(`reading function ${name}`, error);
      }
      const objects = await listFunctionObjects(kc, namespace, name);
      if (fn === undefined && objects.length === 0) {
        throw new Error(`no function '${name}' in namespace ${namespace} on context ${kc.getCurrentContext()}; deploy it with \`faas deploy\` or pass -n`);
      }
      const deployment = await kc
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ name: derivedNames(name).deployment, namespace })
        .catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(describeApiError(`reading Deployment ${name}`, error))));
      const selector = Object.entries(functionSelector(name)).map(([k, v]) => `${k}=${v}`).join(',');
      const pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector })).items;

      const description = {
        name,
        namespace,
        context: kc.getCurrentContext(),
        spec: fn?.spec ?? null,
        status: fn?.status ?? null,
        deployment:
          deployment === undefined
            ? null
            : {
                replicas: deployment.spec?.replicas ?? 0,
                readyReplicas: deployment.status?.readyReplicas ?? 0,
                availableReplicas: deployment.status?.availableReplicas ?? 0,
                image: deployment.spec?.template.spec?.containers[0]?.image ?? null,
              },
        objects: objects.map((o) => ({ kind: o.kind!, name: o.metadata!.name!, created: isoTime(o.metadata?.creationTimestamp) })),
        pods: pods.map(podRow),
      };
      if (printStructured(format, description)) return;
      const wide = format === 'wide';
      const spec = description.spec ?? {};
      const fields: [string, string][] = [
        ['Name', name],
        ['Namespace', namespace],
        ['Context', description.context],
        ['Replicas', description.deployment === null ? 'no Deployment' : `${description.deployment.readyReplicas} ready of ${description.deployment.replicas}`],
        ['Image', description.deployment?.image ?? '-'],
        ...Object.entries(spec)
          .filter(([key]) => key !== 'source')
          .map(([key, value]): [string, string] => [words(key), typeof value === 'string' ? value : JSON.stringify(value)]),
        ['Last invocation', description.status?.lastInvocation ?? 'never'],
        ...(description.status?.conditions ?? []).map((c): [string, string] => [`Condition ${c.type}`, `${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`]),
      ];
      const width = Math.max(...fields.map(([key]) => key.length)) + 1;
      console.log(fields.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`).join('\n'));
      console.log(`\n${formatTable(['kind', 'name', 'age'], description.objects.map((o) => [o.kind, o.name, age(o.created)]))}`);
      console.log(
        description.pods.length === 0
          ? '\nno pods (asleep: the next request wakes it)'
          : `\n${formatTable(
              ['pod', 'phase', 'ready', 'restarts', ...(wide ? ['ip', 'node'] : [])],
              description.pods.map((p) => [p.name, p.phase, p.ready ? 'yes' : 'no', String(p.restarts), ...(wide ? [p.ip, p.node] : [])]),
            )}`,
      );
    },
  );
}

function podRow(pod: V1Pod) {
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
    ip: pod.status?.podIP ?? '',
    node: pod.spec?.nodeName ?? '',
  };
}

/** API times arrive as strings from custom objects and as Dates from typed clients. */
function isoTime(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** kubectl's AGE column: the largest unit, `45s`, `12m`, `3h`, `2d`. */
function age(iso: string | null): string {
  if (iso === null) return '';
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** `maxReplicas` → `Max replicas`. */
function words(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
