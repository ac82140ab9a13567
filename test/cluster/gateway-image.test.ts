/**
 * The gateway image's default backend against the test cluster: the bundle started as the image
 * starts it (Dockerfile command, ENV with GATEWAY_BACKEND=kubernetes, non-root user, read-only
 * root), with a kubeconfig of the gateway's own ServiceAccount, so it has exactly the Role synth
 * gives it. It connects, becomes ready once it has listed the functions, and reports them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GATEWAY_NAME } from '../../constructs/gateway.js';
import { processIds, imageRuntime, startAsImage, type ImageProcess } from '../support/image-process.js';
import { packedPackage } from '../support/packed-package.js';
import { ClusterClient } from './harness.js';
import { applyServerSide, functionFrom, platformFor } from './platform-objects.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `image-${process.pid}`;

describe('the gateway bundle with the kubernetes backend, run as the image runs it', () => {
  let gateway: ImageProcess;

  beforeAll(async () => {
    const hello = functionFrom('functions/hello.py', 'def handle(req):\n    return "hello " + req\n');
    await applyServerSide(cluster, platformFor(namespace, [hello]));
    const kubeconfig = JSON.parse(await readFile(await cluster.kubeconfigFor(namespace, GATEWAY_NAME), 'utf8'));
    // The image user cannot read the harness's files: the CA goes inline, the file into the image's reach.
    for (const { cluster: entry } of kubeconfig.clusters) {
      entry['certificate-authority-data'] = (await readFile(entry['certificate-authority'])).toString('base64');
      delete entry['certificate-authority'];
    }
    const packed = await packedPackage();
    gateway = await startAsImage(
      packed.root,
      (temp) => ({ KUBECONFIG: join(temp, 'kubeconfig.json'), K8S_NAMESPACE: namespace, PORT: '0', REAPER_POLL_EVERY: '0' }),
      (temp) => writeFile(join(temp, 'kubeconfig.json'), JSON.stringify(kubeconfig), { mode: 0o644 }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it('keeps the image environment: the kubernetes backend, as the non-root user', () => {
    expect(imageRuntime.env.GATEWAY_BACKEND).toBe('kubernetes');
    const [uid] = imageRuntime.user.split(':');
    expect(processIds(gateway.process.pid!).uid.split('\t')[0]).toBe(uid);
  });

  it('answers /healthz, and /readyz once it has listed the functions', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    await waitFor('the gateway to be ready', async () => (await fetch(`${gateway.url}/readyz`)).status === 200);
  });

  it('reports the function it found through the API server', async () => {
    await waitFor('hello in /metrics', async () =>
      (await (await fetch(`${gateway.url}/metrics`)).text()).includes('gateway_service_count{function_name="hello"}'),
    );
    expect(gateway.output.join('\n')).not.toMatch(/forbidden/i);
  });
});
