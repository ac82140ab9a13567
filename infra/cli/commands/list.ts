/** `faas list`: the functions a running gateway serves, with replicas and invocations. */
import type { Command } from 'commander';
import { DEFAULT_GATEWAY, errorMessage, gatewayFetch } from '../gateway-client.js';
import { formatTable } from '../format-table.js';
import { addOutputOption, checkOutputFormat } from '../kube-options.js';

interface FunctionStatus {
  name: string;
  replicas?: number;
  availableReplicas?: number;
  invocationCount?: number;
}

export function register(program: Command): void {
  addOutputOption(
    program
      .command('list')
      .description('list the functions of a running gateway')
      .option('-g, --gateway <url>', 'gateway URL', DEFAULT_GATEWAY)
      .option('-u, --user <user>', 'admin user', process.env.FAAS_ADMIN_USER ?? 'admin')
      .option('--password <password>', 'admin password (default: $FAAS_ADMIN_PASSWORD; `faas dev` prints one at start)', process.env.FAAS_ADMIN_PASSWORD),
  ).action(async (options: { gateway: string; user: string; password?: string; output: string }) => {
      checkOutputFormat(options.output);
      const response = await gatewayFetch(options, '/system/functions');
      if (response.status === 401) {
        throw new Error('the gateway wants the admin password: pass --password or set FAAS_ADMIN_PASSWORD (`faas dev` prints it at start)');
      }
      if (!response.ok) throw new Error(`the gateway answered ${response.status}: ${await errorMessage(response)}`);
      const functions = ((await response.json()) as FunctionStatus[] | null) ?? [];
      if (options.output === 'json') {
        console.log(JSON.stringify(functions, null, 2));
        return;
      }
      const rows = functions
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((f) => [f.name, `${f.availableReplicas ?? 0}/${f.replicas ?? 0}`, String(f.invocationCount ?? 0)]);
      console.log(formatTable(['name', 'replicas', 'invocations'], rows));
    });
}
