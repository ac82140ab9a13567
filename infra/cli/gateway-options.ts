/** The options of every command that talks to a running gateway's admin API, as faas-cli names them. */
import type { Command } from 'commander';
import { DEFAULT_GATEWAY, errorMessage, gatewayFetch } from './gateway-client.js';

export interface GatewayFlags {
  readonly gateway: string;
  readonly user: string;
  readonly password?: string;
}

export function addGatewayOptions(command: Command): Command {
  return command
    .option('-g, --gateway <url>', 'gateway URL', DEFAULT_GATEWAY)
    .option('-u, --user <user>', 'admin user', process.env.FAAS_ADMIN_USER ?? 'admin')
    .option('--password <password>', 'admin password (default: $FAAS_ADMIN_PASSWORD; `faas dev` prints one at start)', process.env.FAAS_ADMIN_PASSWORD);
}

/** GET an admin API path as JSON; a missing password or a refusal is an error that says what to do. */
export async function adminJson<T>(flags: GatewayFlags, path: string): Promise<T> {
  const response = await gatewayFetch(flags, path);
  if (response.status === 401) {
    throw new Error('the gateway wants the admin password: pass --password or set FAAS_ADMIN_PASSWORD (`faas dev` prints it at start)');
  }
  if (!response.ok) throw new Error(`the gateway answered ${response.status}: ${await errorMessage(response)}`);
  return (await response.json()) as T;
}
