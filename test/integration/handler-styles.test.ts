import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBackend, wake, type Harness } from '../support/local-backend-harness.js';

// Given the functions of fixtures/functions-styles, one per handler style, run by real uv and Python.
let harness: Harness;
beforeAll(async () => {
  harness = await startLocalBackend('functions-styles');
});
afterAll(() => harness?.close());

async function endpoint(name: string): Promise<string> {
  return harness.backend.readyEndpoints(name)[0] ?? wake(harness.backend, name);
}

describe('the bootstrap serves every handler style', () => {
  it('serves the FastAPI echo (ASGI through uvicorn) unchanged', async () => {
    const base = await endpoint('fastapi-echo');
    const response = await fetch(`${base}/echo/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello there' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received_message: 'hello there' });
  });

  it('serves a Flask app (WSGI) with its routes, query and a streamed body', async () => {
    const base = await endpoint('flask-app');
    const greet = await fetch(`${base}/greet?q=search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(greet.status).toBe(200);
    expect(await greet.json()).toEqual({ hello: 'Ada', query: 'search' });
    const stream = await fetch(`${base}/stream`);
    expect(stream.headers.get('transfer-encoding')).toBe('chunked');
    expect(await stream.text()).toBe('line 0\nline 1\nline 2\n');
    expect((await fetch(`${base}/missing`)).status).toBe(404);
  });

  it('passes the body of handle(req) in and its return value out, without running the __main__ block', async () => {
    const base = await endpoint('stdlib-hello');
    const response = await fetch(`${base}/anything`, { method: 'POST', body: 'Grace' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('hello Grace');
  });

  it('awaits an async handle(req) and sends a returned dict as JSON', async () => {
    const base = await endpoint('async-handler');
    const response = await fetch(base, { method: 'POST', body: 'later' });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ awaited: 'later' });
  });

  it('gives handle(event, context) the OpenFaaS python3-http event and honours statusCode and headers', async () => {
    const base = await endpoint('event-handler');
    const response = await fetch(`${base}/orders/7?expand=lines&expand=other`, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-handled-by')).toBe('event-handler');
    expect(await response.json()).toEqual({
      greeting: 'hi',
      method: 'PUT',
      path: '/orders/7',
      query: { expand: 'lines' },
      body: 'a,b',
      contentType: 'text/csv',
      hostname: expect.any(String),
    });
  });

  it('answers 500 when a handler raises, and keeps serving', async () => {
    const base = await endpoint('event-handler');
    const failed = await fetch(`${base}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('traceback');
    expect((await fetch(`${base}/fine`)).status).toBe(201);
  });

  it('runs a script with neither app nor handle as __main__ and finds the port it listens on', async () => {
    const base = await endpoint('self-serving');
    const response = await fetch(`${base}/some/path`);
    expect(await response.text()).toBe('self-served /some/path');
  });

  it.each(['fastapi-echo', 'flask-app', 'stdlib-hello', 'event-handler'])('answers the health probe of %s on /_/health', async (name) => {
    const base = await endpoint(name);
    const response = await fetch(`${base}/_/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok\n');
  });
});
