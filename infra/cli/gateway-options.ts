/** The options of every command that talks to a running gateway's admin API, as faas-cli names them. */
import type { Command } from 'commander';
import { devCredentialsDir, findDevCredentials } from './dev-credentials.js';
import { DEFAULT_GATEWAY, errorMessage, gatewayFetch, type GatewayTarget } from './gateway-client.js';

export interface GatewayFlags {
  readonly gateway: string;
  readonly user: string;
  readonly password?: string;
}

export function addGatewayOptions(command: Command): Command {
  return command
    .option('-g, --gateway <url>', 'gateway URL', DEFAULT_GATEWAY)
    .option('-u, --user <user>', 'admin user', process.env.FAAS_ADMIN_USER ?? 'admin')
    .option('--password <password>', "admin password (default: $FAAS_ADMIN_PASSWORD, else a local `faas dev`'s own)", process.env.FAAS_ADMIN_PASSWORD);
}

/** GET an admin API path as JSON; a missing password or a refusal is an error that says what to do. */
export async function adminJson<T>(flags: GatewayFlags, path: string): Promise<T> {
  const response = await adminGet(flags, path);
  if (!response.ok) throw new Error(`the gateway answered ${response.status}: ${await errorMessage(response)}`);
  return (await response.json()) as T;
}

/** GET an admin API path; a missing password or a refusal is an error that says what to do, any other answer the caller's. */
export function adminGet(flags: GatewayFlags, path: string): Promise<Response> {
  return adminRequest(flags, path);
}

/** An admin API call with its method and body: as `adminGet`. */
export async function adminRequest(flags: GatewayFlags, path: string, init: RequestInit = {}): Promise<Response> {
  const given = flags.password !== undefined && flags.password !== '';
  const found = given ? undefined : findDevCredentials(flags.gateway);
  const target: GatewayTarget = found ? { gateway: flags.gateway, user: found.user, password: found.password } : { ...flags, password: given ? flags.password : undefined };
  const response = await gatewayFetch(target, path, init);
  if (response.status === 401) {
    if (found) {
      throw new Error(
        `wrong password: the gateway at ${flags.gateway} refused the credentials of the \`faas dev\` (pid ${found.pid}) in ${found.file}; another gateway may hold that port. Pass --password, or set FAAS_ADMIN_PASSWORD`,
      );
    }
    if (given) {
      throw new Error(
        `wrong password for user "${target.user ?? 'admin'}": the gateway at ${flags.gateway} refused it. Pass the one it uses with --password or FAAS_ADMIN_PASSWORD (\`faas dev\` prints a new one at every start unless FAAS_ADMIN_PASSWORD is set), or set neither so the CLI reads a local \`faas dev\`'s own`,
      );
    }
    throw new Error(
      `the gateway at ${flags.gateway} wants the admin password, and no \`faas dev\` serving it left its credentials in ${devCredentialsDir()}: pass --password or set FAAS_ADMIN_PASSWORD (\`faas dev\` prints it at start)`,
    );
  }
  return response;
}
