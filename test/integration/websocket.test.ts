/**
 * WebSocket through the gateway over the real local backend: the protocol switch wakes a sleeping
 * function like any call, the socket is piped to the real Python process, an open socket keeps the
 * function awake past its idle timeout, and refusals are the usual JSON errors.
 */
import { request, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';

const FUNCTIONS = fileURLToPath(new URL('../fixtures/functions-websocket', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let backend: LocalBackend;
let gateway: RunningGateway;

beforeAll(async () => {
  backend = new LocalBackend({ functionsDir: FUNCTIONS, logger: pino({ level: 'silent' }), watch: false });
  const config = readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 250 });
  gateway = await startGateway({ config, backend, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await gateway?.close();
});

/** A WebSocket client with its messages queued, so a test can await them in order. */
async function open(url: string): Promise<{ socket: WebSocket; next: () => Promise<string> }> {
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const waiting: Array<(message: string) => void> = [];
  socket.addEventListener('message', (event) => {
    const message = String(event.data);
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`could not open ${url}`)), { once: true });
  });
  const next = (): Promise<string> => {
    const queued = queue.shift();
    return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
  };
  return { socket, next };
}

async function close(socket: WebSocket): Promise<void> {
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve(), { once: true }));
  socket.close(1000, 'done');
  await closed;
}

/** A protocol switch asked for by hand, to see the answer when there is no 101. */
function upgradeRequest(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(`${gateway.url}${path}`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    call.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    call.on('upgrade', (res, socket) => {
      socket.destroy();
      reject(new Error(`switched protocols (${res.statusCode}) where a refusal was expected`));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('WebSocket through the gateway', () => {
  it('wakes the sleeping function once and pipes the socket to its process', async () => {
    expect(backend.replicas('ws-echo').desired).toBe(0);
    const { socket, next } = await open(`${gateway.url.replace('http', 'ws')}/function/ws-echo/chat`);
    socket.send('one');
    expect(await next()).toBe('echo one');
    socket.send('two');
    expect(await next()).toBe('echo two');
    expect(backend.processGroups('ws-echo')).toHaveLength(1);
    await close(socket);
    // Counted when the gateway sees its side of the socket close, a moment after the client's.
    const counted = 'gateway_function_invocation_total{function_name="ws-echo",code="101"} 1';
    let metrics = '';
    for (let i = 0; i < 40 && !metrics.includes(counted); i++) {
      if (i > 0) await sleep(50);
      metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    }
    expect(metrics).toContain(counted);
    expect(metrics).toContain('gateway_cold_starts_total{function_name="ws-echo"} 1');
  });

  it('keeps a quiet socket open past the function\'s timeout and idle timeout, and lets it sleep after', async () => {
    const { socket, next } = await open(`${gateway.url.replace('http', 'ws')}/function/ws-echo`);
    // timeout and idle-timeout are 1 s and the reaper looks every 250 ms: the timeout bounds only the
    // handshake, and an open socket is a call in flight.
    await sleep(2500);
    socket.send('still here');
    expect(await next()).toBe('echo still here');
    expect(backend.replicas('ws-echo').desired).toBe(1);
    await close(socket);
    for (let i = 0; i < 40 && backend.replicas('ws-echo').desired !== 0; i++) await sleep(250);
    expect(backend.replicas('ws-echo').desired).toBe(0);
  });

  it('answers a switch to an unknown function 404 naming it, and relays a function that does not switch', async () => {
    const unknown = await upgradeRequest('/function/nope');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ function: 'nope' });
    expect(await upgradeRequest('/function/hello')).toEqual({ status: 200, body: 'hello' });
    expect((await upgradeRequest('/metrics')).status).toBe(404);
  });
});
