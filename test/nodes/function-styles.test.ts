/**
 * Every handler style the runtime serves without third-party packages, as synthesized, in a real
 * container: OpenFaaS classic `handle(req)` (sync and async), python3-http `handle(event, context)`,
 * a WSGI `app` on the standard library's server, and a plain script serving $PORT itself. ASGI
 * (FastAPI) and Flask need their packages in the pod, which has no route to a package index:
 * they wait for environments built once on shared storage.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from '../cluster/harness.js';
import { startKubernetesGateway, type KubernetesGateway } from '../cluster/kubernetes-gateway.js';
import { functionFrom } from '../cluster/platform-objects.js';
import { applyOnRealNode, readyPod } from './real-platform.js';

const cluster = new ClusterClient(inject('cluster'));
const node = inject('node');
const namespace = `real-styles-${process.pid}`;
const styles = new URL('../fixtures/functions-styles/', import.meta.url).pathname;
let gateway: KubernetesGateway | undefined;

/** A WSGI application with no framework: the bootstrap serves it on its threaded stdlib server. */
const PLAIN_WSGI = `# /// script
# dependencies = []
# ///
def app(environ, start_response):
    body = f"wsgi {environ['REQUEST_METHOD']} {environ['PATH_INFO']} {environ['wsgi.input'].read().decode()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`;

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const answer = await fetch(`${gateway!.gateway.url}/function/${path}`, init);
  return { status: answer.status, body: await answer.text(), headers: answer.headers };
}

beforeAll(async () => {
  await applyOnRealNode(
    cluster,
    namespace,
    [
      functionFrom(join(styles, 'async_handler.py')),
      functionFrom(join(styles, 'event_handler.py')),
      functionFrom(join(styles, 'self_serving.py')),
      functionFrom('plain_wsgi.py', PLAIN_WSGI),
    ],
    node.runtimeImage,
  );
  gateway = await startKubernetesGateway({ kubeconfig: cluster.kubeconfigPath, namespace, identity: 'real-styles' });
});

afterAll(async () => {
  await gateway?.close();
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('each handler style in a real container, through the gateway', () => {
  it('async handle(req)', async () => {
    await readyPod(cluster, namespace, 'async-handler');
    const answer = await call('async-handler', { method: 'POST', body: 'in a pod' });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { awaited: 'in a pod' }]);
  });

  it('handle(event, context) with its status, headers and the pod as the context hostname', async () => {
    const pod = await readyPod(cluster, namespace, 'event-handler');
    const answer = await call('event-handler/some/path?x=1', { method: 'PUT', body: 'data', headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-handled-by')).toBe('event-handler');
    expect(JSON.parse(answer.body)).toMatchObject({
      greeting: 'hi',
      method: 'PUT',
      path: '/some/path',
      body: 'data',
      contentType: 'text/plain',
      hostname: pod.metadata.name,
    });
    const boom = await call('event-handler/boom');
    expect(boom.status).toBe(500);
  });

  it('a plain WSGI app', async () => {
    await readyPod(cluster, namespace, 'plain-wsgi');
    const answer = await call('plain-wsgi/under/here', { method: 'POST', body: 'payload' });
    expect([answer.status, answer.body]).toEqual([200, 'wsgi POST /under/here payload']);
  });

  it('a script that serves $PORT itself', async () => {
    await readyPod(cluster, namespace, 'self-serving');
    const answer = await call('self-serving/anything');
    expect([answer.status, answer.body]).toEqual([200, 'self-served /anything']);
  });
});
