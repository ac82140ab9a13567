/**
 * `faas deploy`: server-side apply of what `faas synth` writes to the current kubeconfig context,
 * pruning the functions removed from the folder, then waiting for the gateway.
 */
import type { Command } from 'commander';
import { parseDuration } from '../../../constructs/spec/durations.js';
import { deploy, type DeployResult } from '../../deploy/deploy.js';
import { describeRef } from '../../deploy/apply-manifests.js';
import { loadKubeConfig } from '../../../gateway/backends/kubernetes/kube-config.js';
import { synthSettings } from '../../synth-settings.js';
import { formatTable } from '../format-table.js';
import { addKubeOptions, kubeContextOptions } from '../kube-options.js';
import { addOutputOption, checkOutputFormat, isStructured, printStructured } from '../output-format.js';
import { createProgress } from '../progress.js';

interface DeployFlags {
  functions?: string;
  context?: string;
  kubeconfig?: string;
  prune: boolean;
  wait: boolean;
  timeout: string;
  forceConflicts?: boolean;
  output: string;
}

export function register(program: Command): void {
  addOutputOption(
    addKubeOptions(
      program
        .command('deploy')
        .description('apply the synthesized platform and functions to the current kubeconfig context (server-side apply)'),
    ),
  )
    .option('-f, --functions <dir>', 'functions folder (default: $FAAS_FUNCTIONS_DIR, faas.config.json, then functions)')
    .option('--no-prune', 'keep the objects of functions no longer in the folder')
    .option('--no-wait', 'do not wait for the gateway to be ready')
    .option('--timeout <duration>', 'how long to wait for the gateway (30s, 5m)', '5m')
    .option('--force-conflicts', 'take over fields another field manager owns, as kubectl apply --server-side --force-conflicts')
    .action(async (flags: DeployFlags) => {
      const format = checkOutputFormat(flags.output);
      const timeoutSeconds = parseDuration(flags.timeout);
      if (timeoutSeconds === undefined || timeoutSeconds <= 0) {
        throw new Error(`--timeout '${flags.timeout}' is not a duration; use a number with a unit, like 90s or 5m`);
      }
      const kc = loadKubeConfig(kubeContextOptions(flags));
      const settings = synthSettings(flags.functions === undefined ? {} : { functions: flags.functions });
      const progress = createProgress(process.stderr, isStructured(format));
      progress.log(`deploying ${settings.functionsDir} to context ${kc.getCurrentContext()}`);
      let result: DeployResult;
      try {
        result = await deploy(kc, settings, {
          prune: flags.prune,
          wait: flags.wait,
          timeoutMs: timeoutSeconds * 1000,
          forceConflicts: flags.forceConflicts ?? false,
          // Each object is in the table at the end; meanwhile one line shows where the work is.
          onStep: (message) => progress.update(message),
          onPruned: (ref) => progress.update(`pruned ${describeRef(ref)}`),
        });
      } finally {
        progress.stop();
      }
      if (printStructured(format, result)) return;
      const rows = [
        ...result.applied.map((a) => [a.kind, a.namespace ?? '', a.name, a.action]),
        ...result.pruned.map((p) => [p.kind, p.namespace ?? '', p.name, 'pruned']),
      ];
      console.log(formatTable(['kind', 'namespace', 'name', 'result'], rows));
      console.log(summary(result));
    });
}

function summary(result: DeployResult): string {
  const counts = new Map<string, number>();
  for (const a of result.applied) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  if (result.pruned.length > 0) counts.set('pruned', result.pruned.length);
  const changes = [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
  const gateway = result.gateway === null ? 'not waited for' : `ready (${result.gateway.message})`;
  const n = result.functions.length;
  return `\n${n} function${n === 1 ? '' : 's'} in namespace ${result.namespace} on context ${result.context}: ${changes}; gateway ${gateway}`;
}
