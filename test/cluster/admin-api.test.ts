/**
 * The admin API over the Kubernetes backend and a real API server: a deploy becomes a
 * Function object carrying the script (overrides written into it), the gateway's watch
 * lists it, a bad script leaves no object behind, and a remove deletes it.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KubernetesBackend } from '../../gateway/backends/kubernetes/kubernetes-backend.js';
import { loadKubeConfig } from '../../gateway/backends/kubernetes/kube-config.js';
import { startAdminServer, type AdminServer } from '../support/admin-server.js';
import { ClusterClient } from './harness.js';
import { applyServerSide, ensureCrd, platformFor } from './platform-objects.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `admin-test-${process.pid}`;
const HELLO = readFileSync(new URL('../fixtures/admin/hello.py', import.meta.url), 'utf8');
const BAD = readFileSync(new URL('../fixtures/admin/bad-metadata.py', import.meta.url), 'utf8');

let backend: KubernetesBackend;
let api: AdminServer;

beforeAll(async () => {
  await ensureCrd(cluster);
  await cluster.kubectl(['create', 'namespace', namespace]);
  backend = new KubernetesBackend({
    kubeConfig: loadKubeConfig({ kubeconfig: cluster.kubeconfigPath }),
    namespace,
    identity: 'admin-api-test',
    logger: pino({ level: 'silent' }),
  });
  await backend.start();
  api = await startAdminServer(backend, { namespace });
});

afterAll(async () => {
  await api?.close();
  await backend?.stop();
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: api.auth }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
};

describe('the admin API over the Kubernetes backend', () => {
  it('reports kubernetes orchestration and the one namespace', async () => {
    expect((await admin('GET', '/system/info')).json.provider.orchestration).toBe('kubernetes');
    expect((await admin('GET', '/system/namespaces')).json).toEqual([namespace]);
  });

  it('deploys a Function object with the script and its overrides, listed as soon as the call returns', async () => {
    const deployed = await admin('POST', '/system/functions', { service: 'hello', source: HELLO, envVars: { MODE: 'cluster' }, requests: { cpu: '200m' } });
    expect(deployed.status).toBe(202);
    const described = await admin('GET', '/system/function/hello');
    expect(described.status).toBe(200);
    expect(described.json).toMatchObject({ name: 'hello', namespace, envVars: { GREETING: 'hi', MODE: 'cluster' }, requests: { cpu: '200m', memory: '64Mi' } });
    const object = await cluster.getJson(['functions.faas.poorman.dev', 'hello', '-n', namespace]);
    expect(object.spec).toMatchObject({ env: { GREETING: 'hi', MODE: 'cluster' }, cpu: '200m', memory: '64Mi', maxReplicas: 3 });
    expect(object.spec.source).toContain('# env = { GREETING = "hi", MODE = "cluster" }');
    expect(object.metadata.labels['faas.poorman.dev/function']).toBe('hello');
  });

  it('answers 502 naming the function when its Deployment does not exist yet', async () => {
    const refused = await admin('POST', '/system/scale-function/hello', { replicas: 1 });
    expect(refused.status).toBe(502);
    expect(refused.json).toMatchObject({ error: 'backend_failed', function: 'hello', message: expect.stringContaining('the kubernetes backend could not scale function "hello"') });
  });

  it('scales the function\'s Deployment through its scale subresource', async () => {
    const deployment = platformFor(namespace, [backend.functions().get('hello')!]).filter((m) => m.kind === 'Deployment' && m.metadata.name === 'hello');
    expect(deployment).toHaveLength(1);
    await applyServerSide(cluster, deployment);
    expect((await admin('POST', '/system/scale-function/hello', { replicas: 2 })).status).toBe(202);
    expect((await cluster.getJson(['deployment', 'hello', '-n', namespace])).spec.replicas).toBe(2);
    expect((await admin('GET', '/system/function/hello')).json.replicas).toBe(2);
    expect((await admin('POST', '/system/scale-function/hello', { replicas: 0 })).status).toBe(202);
    expect((await cluster.getJson(['deployment', 'hello', '-n', namespace])).spec.replicas).toBe(0);
  });

  it('refuses a script with bad metadata and creates nothing', async () => {
    const refused = await admin('POST', '/system/functions', { service: 'broken', source: BAD });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([expect.stringMatching(/^broken\.py:5: /), expect.stringMatching(/^broken\.py:6: /)]);
    const listed = await cluster.getJson(['functions.faas.poorman.dev', '-n', namespace]);
    expect(listed.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual(['hello']);
  });

  it('removes the Function object; a second remove is 404', async () => {
    expect((await admin('DELETE', '/system/functions', { functionName: 'hello' })).status).toBe(202);
    expect((await admin('GET', '/system/function/hello')).status).toBe(404);
    const listed = await cluster.getJson(['functions.faas.poorman.dev', '-n', namespace]);
    expect(listed.items).toEqual([]);
    expect((await admin('DELETE', '/system/functions', { functionName: 'hello' })).status).toBe(404);
  });
});
