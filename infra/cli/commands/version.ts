/** `faas version`: this CLI's version and, as faas-cli prints it, the gateway's from /system/info. */
import type { Command } from 'commander';
import type { GatewayInfo } from '../../../gateway/admin/gateway-info.js';
import { addGatewayOptions, adminJson, type GatewayFlags } from '../gateway-options.js';
import { checkOutputFormat, printStructured } from '../output-format.js';
import { packageVersion } from '../package-version.js';

export function register(program: Command): void {
  addGatewayOptions(program.command('version').description("print the CLI's version and the gateway's (/system/info)"))
    .option('--client', 'only the CLI, without asking a gateway')
    .option('-o, --output <format>', 'table, json, or yaml', 'table')
    .action(async (flags: GatewayFlags & { client?: boolean; output: string }) => {
      const format = checkOutputFormat(flags.output);
      const client = { version: packageVersion(), node: process.version };
      let gateway: GatewayInfo | { error: string } | undefined;
      if (flags.client !== true) {
        try {
          gateway = await adminJson<GatewayInfo>(flags, '/system/info');
        } catch (error) {
          // The client's version is worth printing even when no gateway answers, as faas-cli does.
          gateway = { error: error instanceof Error ? error.message : String(error) };
        }
      }
      const unreachable = gateway !== undefined && 'error' in gateway;
      if (unreachable) process.exitCode = 1;
      if (printStructured(format, { client, ...(gateway === undefined ? {} : { gateway }) })) return;
      const lines = [`Client:`, `  version: ${client.version}`, `  node:    ${client.node}`];
      if (gateway !== undefined && 'error' in gateway) {
        lines.push(`Gateway (${flags.gateway}):`, `  not reachable: ${gateway.error}`);
      } else if (gateway !== undefined) {
        lines.push(
          `Gateway (${flags.gateway}):`,
          `  version:       ${gateway.version.release} (${gateway.version.sha})`,
          `  provider:      ${gateway.provider.provider} ${gateway.provider.version.release}`,
          `  orchestration: ${gateway.provider.orchestration}`,
          `  arch:          ${gateway.arch}`,
        );
      }
      console.log(lines.join('\n'));
    });
}
