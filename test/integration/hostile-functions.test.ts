/**
 * Functions that misbehave, through the real gateway over the real local backend (real uv, real
 * Python on 127.0.0.1): what they may not see, shadow or send, and that the others keep serving.
 */
import { request } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { startLocalBackend, type Harness } from '../support/local-backend-harness.js';
import { slowUpload } from '../support/slow-upload.js';
import { call } from '../support/test-gateway.js';

/** The gateway's own settings and secrets, which no function may be handed. */
const GATEWAY_ONLY = { FAAS_ADMIN_PASSWORD: 'gateway-secret', GATEWAY_PATH_PREFIX_PROBE: 'x', FAAS_PROBE: 'y' };

const logs: Array<Record<string, unknown>> = [];
let harness: Harness;
let gateway: RunningGateway;
let url: string;

beforeAll(async () => {
  Object.assign(process.env, GATEWAY_ONLY);
  harness = await startLocalBackend('functions-hostile', { watch: false });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  gateway = await startGateway({ config: readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0 }), backend: harness.backend, logger });
  url = gateway.url;
});

afterAll(async () => {
  for (const key of Object.keys(GATEWAY_ONLY)) delete process.env[key];
  await gateway?.close();
  await harness?.close();
});

/** One request on a fresh connection, with the raw header lines the client received. */
function rawCall(path: string): Promise<{ status: number; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a function process gets only what a pod would get', () => {
  it('sees its PORT and runtime variables but none of the gateway settings or the admin password', async () => {
    const answer = await call(`${url}/function/print-env`);
    expect(answer.status).toBe(200);
    const names = answer.json as string[];
    expect(names).toEqual(expect.arrayContaining(['PORT', 'PATH', 'HOME']));
    // The runtime's own variables, which a pod gets too (the secrets root, the readiness socket).
    const runtime = ['FAAS_READY_FD', 'FAAS_SECRETS_DIR'];
    expect(names.filter((name) => name.startsWith('FAAS_') && !runtime.includes(name))).toEqual([]);
    expect(names.filter((name) => name.startsWith('GATEWAY_'))).toEqual([]);
  });
});

describe('a script named like a standard module shadows it for nobody', () => {
  it('serves json, http and socketserver themselves, and a function beside them still uses the real modules', async () => {
    for (const name of ['json', 'http', 'socketserver']) {
      expect(await call(`${url}/function/${name}`)).toMatchObject({ status: 200, text: `the ${name} function` });
    }
    const ordinary = await call(`${url}/function/plain-json`, { method: 'POST', body: '{"a": [1, 2]}' });
    expect(ordinary).toMatchObject({ status: 200, json: { parsed: { a: [1, 2] } } });
  });
});

describe('an answer that cannot be relayed safely is refused with a 502 naming the function', () => {
  it.each([
    ['crlf-header', /header/i],
    ['crlf-name', /header/i],
    ['101', /101/],
    ['103', /103/],
    ['204', /204.*body/],
    ['304', /304.*body/],
  ])('refuses %s, logs why, and the function keeps serving', async (kind, reason) => {
    const logged = harness.logged((line) => line.function === 'bad-answers' && /refused/.test(line.msg ?? '') && reason.test(line.msg ?? ''));
    const answer = await rawCall(`/function/bad-answers/${kind}`);
    expect(answer.status).toBe(502);
    expect(answer.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-injected');
    const body = JSON.parse(answer.body) as { function: string; message: string };
    expect(body.function).toBe('bad-answers');
    expect(body.message).toMatch(reason);
    await logged;
    expect(await rawCall('/function/bad-answers/fine')).toMatchObject({ status: 200, body: 'fine' });
  });

  it('still relays a 204 without a body', async () => {
    expect(await rawCall('/function/bad-answers/204-empty')).toMatchObject({ status: 204, body: '' });
  });
});

describe('handle(req) returning a generator or an iterator', () => {
  it('streams the items instead of sending the repr', async () => {
    const generated = await rawCall('/function/streamed');
    expect(generated).toMatchObject({ status: 200, body: 'part 0\npart 1\npart 2\n' });
    const iterated = await rawCall('/function/streamed-iter');
    expect(iterated).toMatchObject({ status: 200, body: 'abc' });
  });
});

describe('a slow upload is bounded by the function\'s timeout', () => {
  it('answers 408 once the 2 s timeout passes while the body still trickles in, and keeps serving', async () => {
    expect(await call(`${url}/function/short-timeout`, { method: 'POST', body: 'quick' })).toMatchObject({ status: 200, text: '5 bytes' });
    // Given a body that would take 10 s to arrive
    const cut = await slowUpload(`${url}/function/short-timeout`, { chunks: 40, everyMs: 250 });
    // Then the gateway answered before the client had sent it all
    expect(cut.status).toBe(408);
    expect(cut.chunksSent).toBeLessThan(40);
    expect(JSON.parse(cut.body)).toMatchObject({ error: 'request_timeout', function: 'short-timeout', message: expect.stringContaining('2s') });
    expect(await call(`${url}/function/short-timeout`, { method: 'POST', body: 'again' })).toMatchObject({ status: 200, text: '5 bytes' });
  });
});

describe('a function flooding its output', () => {
  it('has a line without newlines cut and marked, and keeps the gateway serving', async () => {
    const cut = harness.logged((line) => line.function === 'flood' && /line cut: \d+ more bytes/.test(line.msg ?? ''));
    expect(await call(`${url}/function/flood/nolines/30`)).toMatchObject({ status: 200, text: `wrote ${30 * 1024 * 1024} bytes` });
    const record = await cut;
    expect(record.msg!.length).toBeLessThan(17 * 1024);
    expect(await call(`${url}/function/plain-json`, { method: 'POST', body: '1' })).toMatchObject({ status: 200 });
  });

  it('has a flood of ordinary lines dropped past the budget with a count', async () => {
    const dropped = harness.logged((line) => line.function === 'flood' && /dropped \d+ lines/.test(line.msg ?? ''));
    expect(await call(`${url}/function/flood/lines/30`)).toMatchObject({ status: 200 });
    expect((await dropped).msg).toMatch(/dropped \d+ lines \(\d+ bytes\)/);
    expect(await call(`${url}/function/plain-json`, { method: 'POST', body: '1' })).toMatchObject({ status: 200 });
  });
});
