import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient, type ClusterTestHost } from './harness.js';
import { waitFor } from './wait.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `cluster-test-${process.pid}`;

function deployment(name: string, replicas: number, podSpec: object = {}): object {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image: 'registry.invalid/never-pulled:1', ports: [{ containerPort: 8080 }] }], ...podSpec },
      },
    },
  };
}

function service(name: string, port: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: port }] },
  };
}

async function apply(...objects: object[]): Promise<void> {
  await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
}

async function readyPods(app: string): Promise<any[]> {
  const list = await cluster.getJson(['pods', '-n', namespace, '-l', `app=${app}`]);
  return list.items.filter((pod: any) =>
    pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
}

async function readyEndpointAddresses(serviceName: string): Promise<string[]> {
  const list = await cluster.getJson(['endpointslices', '-n', namespace, '-l', `kubernetes.io/service-name=${serviceName}`]);
  return list.items.flatMap((slice: any) =>
    (slice.endpoints ?? []).filter((e: any) => e.conditions?.ready).flatMap((e: any) => e.addresses));
}

/** Resolves once `check` holds; the test's own timeout bounds the wait. */
function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  return waitFor(what, check, { deadlineMs: 110_000 });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

function netnsNames(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((line) => line.split(' ')[0] ?? '');
}

describe('test cluster', () => {
  beforeAll(async () => {
    await cluster.kubectl(['create', 'namespace', namespace]);
  });

  afterAll(async () => {
    await cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('gives a Deployment of 2 replicas 2 Ready pods and an EndpointSlice with 2 ready addresses', async () => {
    await apply(deployment('web', 2), service('web', 8080));

    await eventually('2 ready pods', async () => (await readyPods('web')).length === 2);
    await eventually('2 ready endpoints', async () => (await readyEndpointAddresses('web')).length === 2);

    const pods = await readyPods('web');
    const podIps = pods.map((pod) => pod.status.podIP).sort();
    expect(pods.map((pod) => pod.status.phase)).toEqual(['Running', 'Running']);
    expect(pods.every((pod) => pod.spec.nodeName === cluster.info.defaultNode)).toBe(true);
    expect(new Set(podIps).size).toBe(2);
    expect((await readyEndpointAddresses('web')).sort()).toEqual(podIps);
  });

  it('lets a service account act only within what RBAC grants it', async () => {
    await cluster.kubectl(['create', 'serviceaccount', 'reader', '-n', namespace]);
    await cluster.kubectl(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', namespace]);
    await cluster.kubectl(['create', 'rolebinding', 'reader', '--role=pod-reader', `--serviceaccount=${namespace}:reader`, '-n', namespace]);
    const token = await cluster.tokenFor(namespace, 'reader');
    const as = `system:serviceaccount:${namespace}:reader`;

    expect(token.split('.')).toHaveLength(3);
    expect((await cluster.kubectl(['auth', 'can-i', 'list', 'pods', '-n', namespace], { as })).trim()).toBe('yes');
    await expect(cluster.kubectl(['get', 'secrets', '-n', namespace], { as })).rejects.toThrow(/forbidden/);

    const kubeconfig = await cluster.kubeconfigFor(namespace, 'reader');
    const withToken = await cluster.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig });
    expect(withToken).toBe(as);
  });

  // Warm hosts: these check the host and kwok's placement themselves, with no function process.
  describe('a test host', () => {
    let host: ClusterTestHost | undefined;
    let served: string | undefined;

    afterEach(async () => {
      await host?.destroy();
      host = undefined;
      if (served) rmSync(served, { recursive: true, force: true });
      served = undefined;
    });

    it('gives pods placed on its node its own IP, in the EndpointSlice too', async () => {
      host = await cluster.createTestHost('placement', { warm: true });
      await apply(deployment('on-host', 1, host.placement), service('on-host', 8080));

      await eventually('the pod on the test host to be ready', async () => (await readyPods('on-host')).length === 1);
      await eventually('its endpoint', async () => (await readyEndpointAddresses('on-host')).length === 1);

      const [pod] = await readyPods('on-host');
      expect(pod.spec.nodeName).toBe(host.nodeName);
      expect(pod.status.podIP).toBe(host.ip);
      expect(pod.status.podIPs).toEqual([{ ip: host.ip }]);
      expect(await readyEndpointAddresses('on-host')).toEqual([host.ip]);
    });

    it('takes unmodified Deployments when untainted and the default node is cordoned', async () => {
      host = await cluster.createTestHost('catch-all', { taint: false, warm: true });
      await cluster.kubectl(['cordon', cluster.info.defaultNode]);
      try {
        await apply(deployment('plain', 2));
        await eventually('2 ready pods', async () => (await readyPods('plain')).length === 2);
      } finally {
        await cluster.kubectl(['uncordon', cluster.info.defaultNode]);
      }

      const pods = await readyPods('plain');
      expect(pods.map((pod) => pod.spec.nodeName)).toEqual([host.nodeName, host.nodeName]);
      expect(pods.map((pod) => pod.status.podIP)).toEqual([host.ip, host.ip]);
    });

    it('answers HTTP from a real process inside it, at the address its pod advertises', async () => {
      host = await cluster.createTestHost('http', { warm: true });
      served = mkdtempSync(join(tmpdir(), 'test-host-http-'));
      writeFileSync(join(served, 'hello.txt'), 'hello from the test host\n');
      const server = host.exec('python3', ['-m', 'http.server', '8080', '--bind', host.ip, '--directory', served], { stdio: 'ignore' });
      await apply(deployment('http', 1, host.placement), service('http', 8080));
      await eventually('the endpoint', async () => (await readyEndpointAddresses('http')).length === 1);
      const [address] = await readyEndpointAddresses('http');

      await eventually('the server to listen', async () => (await httpGet(`http://${address}:8080/hello.txt`)).status === 200);
      const response = await httpGet(`http://${address}:8080/hello.txt`);

      expect(address).toBe(host.ip);
      expect(response.body).toBe('hello from the test host\n');
      expect(server.exitCode).toBeNull();
    });

    it('leaves no namespace, node or process behind when destroyed', async () => {
      host = await cluster.createTestHost('cleanup');
      const sleeper = host.exec('sleep', ['600'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => sleeper.on('exit', resolve));
      expect(netnsNames()).toContain(host.netns);

      await host.destroy();
      const { netns, nodeName } = host;
      host = undefined;

      await exited;
      expect(netnsNames()).not.toContain(netns);
      await eventually('the node to be deleted', async () =>
        (await cluster.kubectl(['get', 'node', nodeName, '--ignore-not-found'])).trim() === '');
    });
  });
});
