/** `faas list`: the functions a running gateway serves, with replicas and invocations. */
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
          ...(wide ? [f.namespace ?? '', f.image ?? '', f.createdAt ?? ''] : []),
        ]);
      console.log(formatTable(['name', 'replicas', 'invocations', ...(wide ? ['namespace', 'image', 'created'] : [])], rows));
    });
}
