/**
 * `faas dev --backend kubernetes` from a kubeconfig: the CLI's gateway discovers the cluster's
 * Function objects, wakes one through the scale subresource, serves it, and on SIGTERM hands the
 * reaper Lease back and exits cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';
import { post } from './tally-function.js';
import { setUpTally, type TallyPlatform } from './tally-platform.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `faas-dev-k8s-${process.pid}`;
let platform: TallyPlatform | undefined;
let dev: ChildProcess | undefined;

describe('faas dev --backend kubernetes', () => {
  beforeAll(async () => {
    platform = await setUpTally(cluster, namespace);
  });

  afterAll(async () => {
    if (dev?.exitCode === null) dev.kill('SIGKILL');
    await platform?.destroy();
  });

  it('serves the cluster\'s functions from a kubeconfig and hands the Lease back on SIGTERM', async () => {
    dev = spawn('node_modules/.bin/tsx', ['infra/cli/main.ts', 'dev', '--backend', 'kubernetes', '--port', '0'], {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, K8S_NAMESPACE: namespace, LOG_LEVEL: 'warn', FAAS_ADMIN_PASSWORD: 'x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    dev.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => dev!.on('exit', resolve));
    await waitFor('faas dev to listen', async () => {
      if (dev!.exitCode !== null) throw new Error(`faas dev exited ${dev!.exitCode}:\n${stderr}`);
      return /gateway listening on (\S+)/.test(stderr);
    });
    const url = /gateway listening on (\S+)/.exec(stderr)![1]!;

    const answer = await post(`${url}/function/tally`, 'from faas dev');
    await waitFor('the Lease', async () =>
      (await cluster.getJson(['lease', 'faas-gateway-reaper', '-n', namespace])).spec.holderIdentity !== undefined);
    dev.kill('SIGTERM');
    const code = await exited;

    expect(stderr).toMatch(/tally\s+http:\/\/127\.0\.0\.1:\d+\/function\/tally/);
    expect(answer).toEqual({ status: 200, body: `${platform!.host.nodeName} from faas dev\n` });
    expect((await cluster.getJson(['deployment', 'tally', '-n', namespace])).spec.replicas).toBe(1);
    expect(code).toBe(0);
    expect((await cluster.getJson(['lease', 'faas-gateway-reaper', '-n', namespace])).spec.holderIdentity).toBeUndefined();
  });
});
