/** `GET /system/info` and `GET /system/namespaces`. */
import { readFileSync } from 'node:fs';
import type { AdminHandler } from './admin-context.js';
import { gatewayInfo, type VersionInfo } from './gateway-info.js';
import { sendJson } from './send-json.js';

export const systemInfo: AdminHandler = async ({ res, deps }) => {
  sendJson(res, 200, gatewayInfo(deps.backend, deps.version ?? packageVersion()));
};

export const listNamespaces: AdminHandler = async ({ res, deps }) => {
  sendJson(res, 200, [deps.namespace]);
};

let cached: VersionInfo | undefined;

/** The package's own version, for a gateway started without build information. */
function packageVersion(): VersionInfo {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    cached = { release: pkg.version ?? 'unknown', sha: 'unknown' };
  }
  return cached;
}
