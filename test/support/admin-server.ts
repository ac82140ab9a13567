/** The admin API on a real HTTP server on 127.0.0.1, port 0, over any Backend. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend } from '../../gateway/backends/backend.js';
import { createAdminApi, type AdminApiDeps, type AdminCredentials } from '../../gateway/admin/index.js';

export interface AdminServer {
  readonly url: string;
  readonly server: Server;
  /** `Authorization` header value with the right credentials. */
  readonly auth: string;
  /** What the API logged, for asserting that failures are reported. */
  readonly logs: { level: 'info' | 'warn' | 'error'; obj: object; msg?: string }[];
  close(): Promise<void>;
}

export interface AdminServerOptions {
  readonly credentials?: AdminCredentials | null;
  readonly namespace?: string;
  readonly invocations?: ReadonlyMap<string, number>;
  readonly bodyLimit?: number;
  readonly pathPrefix?: string;
  readonly credentialsProblem?: string;
}

export const TEST_CREDENTIALS: AdminCredentials = { user: 'admin', password: 'correct horse battery staple' };

export async function startAdminServer(backend: Backend, options: AdminServerOptions = {}): Promise<AdminServer> {
  const logs: AdminServer['logs'] = [];
  const credentials = options.credentials === null ? undefined : (options.credentials ?? TEST_CREDENTIALS);
  const deps: AdminApiDeps = {
    backend,
    credentials,
    namespace: options.namespace ?? 'faas',
    invocationCount: (name) => options.invocations?.get(name) ?? 0,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
    },
    version: { release: '0.1.0-test', sha: 'abc1234' },
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
    ...(options.pathPrefix !== undefined && { pathPrefix: options.pathPrefix }),
    ...(options.credentialsProblem !== undefined && { credentialsProblem: options.credentialsProblem }),
  };
  const server = createServer(createAdminApi(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const auth = credentials ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}` : '';
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    auth,
    logs,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
