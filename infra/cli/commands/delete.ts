/** `faas delete <name>`: remove one function's objects (Function, HPA, Deployment, Service, ConfigMap) from the cluster. */
import type { Command } from 'commander';
import { deleteObjects, listFunctionObjects } from '../../deploy/function-objects.js';
import { describeRef } from '../../deploy/apply-manifests.js';
import { formatTable } from '../format-table.js';
import { addFunctionTarget, kubeTarget, type KubeTargetFlags } from '../kube-options.js';
import { addOutputOption, checkOutputFormat, printStructured } from '../output-format.js';

export function register(program: Command): void {
  addOutputOption(addFunctionTarget(program.command('delete').description('delete a function from the cluster of the current kubeconfig context'))).action(
    async (name: string, flags: KubeTargetFlags & { output: string }) => {
      const format = checkOutputFormat(flags.output);
      const { kc, namespace } = kubeTarget(flags);
      const objects = await listFunctionObjects(kc, namespace, name);
      if (objects.length === 0) {
        throw new Error(
          `no function '${name}' in namespace ${namespace} on context ${kc.getCurrentContext()}; ` +
            `list them with \`kubectl -n ${namespace} get functions\`, or pass -n for another namespace`,
        );
      }
      const deleted = await deleteObjects(kc, objects);
      if (printStructured(format, { function: name, namespace, deleted })) return;
      const wide = format === 'wide';
      console.log(
        formatTable(
          ['kind', 'name', 'result', ...(wide ? ['namespace', 'api version'] : [])],
          deleted.map((ref) => [ref.kind, ref.name, 'deleted', ...(wide ? [ref.namespace ?? '', ref.apiVersion] : [])]),
        ),
      );
      console.error(`deleted function ${name}: ${deleted.map(describeRef).join(', ')}`);
    },
  );
}
