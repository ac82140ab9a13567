/**
 * `faas list`: the functions a running gateway serves, with replicas, invocations and status: ready,
 * starting, failing (its last start failed), asleep, or invalid (its script does not load).
 */
import type { Command } from 'commander';
import { addGatewayOptions, adminJson, type GatewayFlags } from '../gateway-options.js';
import { formatTable } from '../format-table.js';
import { addOutputOption, checkOutputFormat, printStructured } from '../output-format.js';

interface FunctionStatus {
  name: string;
  namespace?: string;
  image?: string;
  createdAt?: string;
  replicas?: number;
  availableReplicas?: number;
  invocationCount?: number;
  status?: string;
  statusMessage?: string;
  problems?: string[];
}

export function register(program: Command): void {
  addOutputOption(addGatewayOptions(program.command('list').description('list the functions of a running gateway'))).action(async (options: GatewayFlags & { output: string }) => {
      const format = checkOutputFormat(options.output);
      const functions = (await adminJson<FunctionStatus[] | null>(options, '/system/functions')) ?? [];
      if (printStructured(format, functions)) return;
      const wide = format === 'wide';
      const rows = functions
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((f) => [
          f.name,
          `${f.availableReplicas ?? 0}/${f.replicas ?? 0}`,
          String(f.invocationCount ?? 0),
          f.status ?? '',
          ...(wide ? [f.namespace ?? '', f.image ?? '', f.createdAt ?? '', f.statusMessage ?? ''] : []),
        ]);
      console.log(formatTable(['name', 'replicas', 'invocations', 'status', ...(wide ? ['namespace', 'image', 'created', 'why'] : [])], rows));
      // An invalid script's problems are what to fix; they are short enough to show in full.
      for (const f of functions) for (const problem of f.problems ?? []) console.error(problem);
    });
}
