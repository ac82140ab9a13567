import { writeFile } from 'node:fs/promises';

/** How a kubeconfig user proves who it is. */
export type Credentials =
  | { readonly clientCertificate: string; readonly clientKey: string }
  | { readonly token: string };

/**
 * Writes a single-context kubeconfig. JSON is valid YAML, so kubectl and
 * @kubernetes/client-node read it as they read any kubeconfig.
 */
export async function writeKubeconfig(
  path: string,
  server: string,
  caCert: string,
  user: string,
  credentials: Credentials,
): Promise<string> {
  const auth =
    'token' in credentials
      ? { token: credentials.token }
      : { 'client-certificate': credentials.clientCertificate, 'client-key': credentials.clientKey };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority': caCert } }],
    users: [{ name: user, user: auth }],
    contexts: [{ name: 'test', context: { cluster: 'test', user, namespace: 'default' } }],
    'current-context': 'test',
  };
  await writeFile(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}
