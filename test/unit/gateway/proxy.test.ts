import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../gateway/server.js';
import { HttpServerBackend } from '../../support/http-server-backend.js';
import { call, startTestGateway } from '../../support/test-gateway.js';

/** Answers with what it was sent: method, url, headers, body length. */
function inspect(req: IncomingMessage, res: ServerResponse): void {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.setHeader('keep-alive', 'timeout=5');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bytes }));
  });
}

/** Echoes the body back as it arrives. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  req.pipe(res);
}

describe('proxy', () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  async function start(overrides = {}, extra: ConstructorParameters<typeof HttpServerBackend>[0] = {}): Promise<{ url: string; backend: HttpServerBackend }> {
    const backend = new HttpServerBackend({ inspect: { handler: inspect, minReplicas: 1 }, echo: { handler: echo, minReplicas: 1 }, ...extra });
    gateway = await startTestGateway(backend, overrides);
    return { url: gateway.url, backend };
  }

  it('gives the function the path after its name, the query, x-forwarded-* and no hop-by-hop headers', async () => {
    const { url } = await start();

    // node:http, because fetch() will not send a Connection header
    const answer = await new Promise<{ status: number; json: any; headers: Headers }>((resolve, reject) => {
      const req = request(
        `${url}/function/inspect.openfaas-fn/items/7?color=red`,
        { method: 'POST', headers: { 'x-custom': 'kept', connection: 'keep-alive, x-private', 'x-private': 'dropped' } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => {
            const headers = new Headers();
            for (const [key, value] of Object.entries(res.headers)) headers.set(key, Array.isArray(value) ? value.join(', ') : String(value));
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(body), headers });
          });
        },
      );
      req.on('error', reject);
      req.end('abc');
    });

    expect(answer.status).toBe(200);
    expect(answer.json.url).toBe('/items/7?color=red');
    expect(answer.json.method).toBe('POST');
    expect(answer.json.bytes).toBe(3);
    expect(answer.json.headers).toMatchObject({ 'x-custom': 'kept', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' });
    expect(answer.json.headers['x-forwarded-host']).toBe(new URL(url).host);
    expect(answer.json.headers.host).toBe(new URL(url).host);
    expect(answer.json.headers['x-forwarded-prefix']).toBe('/function/inspect.openfaas-fn');
    expect(answer.json.headers['x-private']).toBeUndefined();
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('keep-alive')).not.toBe('timeout=5');
  });

  it('keeps x-forwarded-for set by a proxy in front', async () => {
    const { url } = await start();
    const answer = await call(`${url}/invoke/inspect`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(answer.json.headers['x-forwarded-for']).toBe('203.0.113.9');
    expect(answer.json.url).toBe('/');
  });

  it('puts GATEWAY_PATH_PREFIX and a front proxy\'s own prefix before /function/<name> in x-forwarded-prefix', async () => {
    const { url } = await start({ pathPrefix: '/faas' });
    const answer = await call(`${url}/faas/function/inspect/docs`, { headers: { 'x-forwarded-prefix': '/outer/' } });
    expect(answer.json.headers['x-forwarded-prefix']).toBe('/outer/faas/function/inspect');
    expect(answer.json.url).toBe('/docs');
  });

  it('streams a chunked body both ways', async () => {
    const { url } = await start();
    const parts = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const body = new ReadableStream({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });

    const response = await fetch(`${url}/function/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    const received = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(received.length).toBe(64 * 64 * 1024);
    expect(received[64 * 1024 * 10]).toBe(10);
  });

  it('answers 404 naming an unknown function, and JSON for an unknown path', async () => {
    const { url } = await start();
    const unknown = await call(`${url}/function/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: 'not_found', function: 'nope' });
    expect(unknown.json.message).toContain('faas list');
    const elsewhere = await call(`${url}/function/inspect.other-ns`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json.message).toContain('namespace "faas"');
    expect((await call(`${url}/nowhere`)).status).toBe(404);
  });

  it('answers 413 from Content-Length at once, without reading the body, and keeps serving', async () => {
    const { url } = await start({ maxBodyBytes: 1024 });

    // Given a client that announces 10 GB and sends only the first bytes
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/function/inspect`, { method: 'POST', headers: { 'content-length': String(10 * 1024 ** 3) } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(4096));
    });

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'payload_too_large', function: 'inspect' });
    expect(JSON.parse(answer.body).message).toContain('MAX_BODY_BYTES');
    expect((await call(`${url}/function/inspect`)).status).toBe(200);
  });

  it('answers 413 when a chunked body grows past the limit', async () => {
    const { url } = await start({ maxBodyBytes: 100_000 });
    const parts = Array.from({ length: 10 }, () => Buffer.alloc(50_000));
    const body = new ReadableStream({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const response = await fetch(`${url}/function/inspect`, { method: 'POST', body, duplex: 'half' } as RequestInit).catch((error: Error) => error);
    // The gateway may close the connection while the client still writes; a response, if read, is the 413.
    if (response instanceof Error) expect(response.message).toMatch(/fetch failed|other side closed|socket/i);
    else expect(response.status).toBe(413);
    expect((await call(`${url}/function/inspect`)).status).toBe(200);
  });

  it('answers 504 past the function timeout and 502 when the function drops the connection, others still serving', async () => {
    const { url } = await start(
      {},
      {
        slow: { handler: (_req, res) => void setTimeout(() => res.end('late'), 3000), minReplicas: 1, timeoutSeconds: 1 },
        crash: { handler: (req) => req.socket.destroy(), minReplicas: 1 },
      },
    );

    const slow = await call(`${url}/function/slow`);
    expect(slow.status).toBe(504);
    expect(slow.json).toMatchObject({ error: 'upstream_timeout', function: 'slow' });
    const crash = await call(`${url}/function/crash`);
    expect(crash.status).toBe(502);
    expect(crash.json).toMatchObject({ error: 'upstream_error', function: 'crash' });
    expect((await call(`${url}/function/inspect`)).status).toBe(200);
  });

  it('cancels the upstream call when the client goes away', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const { url } = await start(
      {},
      {
        hang: {
          handler: (_req, res) => {
            res.on('close', upstreamClosed);
          },
          minReplicas: 1,
        },
      },
    );

    const client = new AbortController();
    const pending = fetch(`${url}/function/hang`, { signal: client.signal }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.abort();

    expect(await pending).toBe('aborted');
    await closed;
    expect(gateway!.activity.get('hang').inFlight).toBe(0);
  });
});
