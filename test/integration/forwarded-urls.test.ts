/**
 * URLs a function builds lead back through the gateway: the real FastAPI and Flask examples of
 * functions/ and a Flask fixture that redirects, run by real uv behind the real gateway.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { fixtureDir } from '../support/local-backend-harness.js';

const EXAMPLES = fileURLToPath(new URL('../../functions', import.meta.url));
const quiet = pino({ level: 'silent' });
let examples: RunningGateway;
let prefixed: RunningGateway;

beforeAll(async () => {
  const backend = new LocalBackend({ functionsDir: EXAMPLES, logger: quiet, watch: false });
  examples = await startGateway({ config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }), backend, logger: quiet });
  const styles = new LocalBackend({ functionsDir: fixtureDir('functions-styles'), logger: quiet, watch: false });
  prefixed = await startGateway({ config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0, pathPrefix: '/faas' }), backend: styles, logger: quiet });
});

afterAll(async () => {
  await examples?.close();
  await prefixed?.close();
});

describe('an ASGI app (functions/echo.py, FastAPI) behind /function/echo', () => {
  it('serves /docs pointing at its OpenAPI document under the prefix, and that document', async () => {
    const docs = await fetch(`${examples.url}/function/echo/docs`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain("'/function/echo/openapi.json'");
    const openapi = await fetch(`${examples.url}/function/echo/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { paths: object }).paths).toHaveProperty(['/echo/']);
  });

  it('redirects a missing trailing slash to the gateway host and the prefixed path, never the upstream address', async () => {
    const moved = await fetch(`${examples.url}/function/echo/echo`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });
    expect(moved.status).toBe(307);
    expect(moved.headers.get('location')).toBe(`${examples.url}/function/echo/echo/`);
  });
});

describe('a WSGI app (Flask) behind the prefix', () => {
  it('serves functions/greet.py under SCRIPT_NAME unchanged', async () => {
    const answer = await fetch(`${examples.url}/function/greet/?name=Ada`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ greeting: 'Hello, Ada!' });
  });

  it('builds a redirect with url_for that goes through GATEWAY_PATH_PREFIX and /function/<name>', async () => {
    const moved = await fetch(`${prefixed.url}/faas/function/flask-app/moved`, { redirect: 'manual' });
    expect(moved.status).toBe(302);
    expect(new URL(moved.headers.get('location')!, prefixed.url).href).toBe(`${prefixed.url}/faas/function/flask-app/stream`);
    const followed = await fetch(`${prefixed.url}/faas/function/flask-app/moved`);
    expect(await followed.text()).toBe('line 0\nline 1\nline 2\n');
  });
});
