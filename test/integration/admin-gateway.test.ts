/**
 * The admin API mounted in the real gateway over the local backend: a function deployed
 * through the API is written under .faas/functions/, apart from the user's scripts, runs under
 * real uv, and answers calls, while a refused deploy leaves every other function serving.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../gateway/backends/local/index.js';
import { adminMount } from '../../gateway/admin/index.js';
import type { RunningGateway } from '../../gateway/server.js';
import { TEST_CREDENTIALS } from '../support/admin-server.js';
import { fixtureDir } from '../support/local-backend-harness.js';
import { call, startTestGateway } from '../support/test-gateway.js';

const INSPECT = readFileSync(new URL('../fixtures/admin/inspect.py', import.meta.url), 'utf8');
const BAD = readFileSync(new URL('../fixtures/admin/bad-metadata.py', import.meta.url), 'utf8');
const INI_READER = readFileSync(new URL('../fixtures/admin/ini_reader.py', import.meta.url), 'utf8');
const auth = `Basic ${Buffer.from(`${TEST_CREDENTIALS.user}:${TEST_CREDENTIALS.password}`).toString('base64')}`;

let root: string;
let functionsDir: string;
let gateway: RunningGateway;
const startedAt = Date.now();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'faas-admin-'));
  functionsDir = join(root, 'functions');
  cpSync(fixtureDir('admin-gateway'), functionsDir, { recursive: true });
  const backend = new LocalBackend({ functionsDir, logger: pino({ level: 'silent' }) });
  gateway = await startTestGateway(backend, {}, { admin: adminMount({ credentials: TEST_CREDENTIALS }) });
});
afterAll(async () => {
  await gateway?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown) =>
  call(`${gateway.url}${path}`, { method, headers: { authorization: auth }, ...(body !== undefined && { body: JSON.stringify(body) }) });

describe('the admin API in the gateway, over local uv processes', () => {
  it('answers 401 without credentials, naming the function of the path, while functions serve', async () => {
    const refused = await call(`${gateway.url}/system/function/steady`);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'unauthorized', function: 'steady' });
    const steady = await call(`${gateway.url}/function/steady`, { method: 'POST', body: 'x' });
    expect(steady.text).toBe('steady');
  });

  it('deploys a script, writes it under .faas/functions/ with its overrides, and serves it', async () => {
    const deployed = await admin('POST', '/system/functions', { service: 'inspect', source: INSPECT, envVars: { MODE: 'api' } });
    expect(deployed.status).toBe(202);
    expect(existsSync(join(functionsDir, 'inspect.py'))).toBe(false);
    const written = readFileSync(join(root, '.faas', 'functions', 'inspect.py'), 'utf8');
    expect(written).toContain('# env = { GREETING = "hi", MODE = "api" }');
    const described = (await admin('GET', '/system/function/inspect')).json;
    expect(described).toMatchObject({ name: 'inspect', envVars: { GREETING: 'hi', MODE: 'api' } });
    // The script's birth time, in the RFC 3339 form faas-cli parses; it cannot predate the test.
    expect(described.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(described.createdAt)).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
    const response = await call(`${gateway.url}/function/inspect?x=1`, { method: 'PUT', headers: { 'x-test': 'yes' }, body: 'payload' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ greeting: 'hi', mode: 'api', method: 'PUT', query: { x: '1' }, body: 'payload', header: 'yes' });
  });

  it('loses nothing on a restart: a new backend on the same folder finds the deployed function as deployed', async () => {
    const restarted = new LocalBackend({ functionsDir, logger: pino({ level: 'silent' }), watch: false });
    await restarted.start();
    try {
      expect(restarted.functions().get('inspect')).toMatchObject({ env: { GREETING: 'hi', MODE: 'api' } });
    } finally {
      await restarted.stop();
    }
  });

  it('refuses a script with bad metadata with file:line errors; the folder and the other functions are untouched', async () => {
    const refused = await admin('POST', '/system/functions', { service: 'broken', source: BAD });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'invalid_script', function: 'broken', errors: [expect.stringMatching(/^broken\.py:5: /), expect.stringMatching(/^broken\.py:6: /)] });
    expect(existsSync(join(root, '.faas', 'functions', 'broken.py'))).toBe(false);
    expect((await call(`${gateway.url}/function/steady`, { method: 'POST' })).text).toBe('steady');
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const malformed = await call(`${gateway.url}/system/functions`, { method: 'PUT', headers: { authorization: auth }, body: '{"service": "steady", "source": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: 'bad_request', function: 'steady' });
    expect((await call(`${gateway.url}/function/steady`, { method: 'POST' })).text).toBe('steady');
  });

  it('uploads through the seed\'s /admin/python form and serves the result', async () => {
    const script = Buffer.from(INSPECT).toString('base64');
    const dotFile = Buffer.from('MODE="seed"\n').toString('base64');
    const uploaded = await admin('POST', '/admin/python', { script, dot_file: dotFile, option: { user: 'frank', replica: 0, name: 'seeded' } });
    expect(uploaded.status).toBe(200);
    expect(uploaded.json).toEqual({ url: `${gateway.url}/function/seeded`, code: 200, message: 'success', function: 'seeded' });
    const response = await call(uploaded.json.url, { method: 'POST', body: 'b' });
    expect(response.json).toMatchObject({ mode: 'seed', body: 'b' });
    // Kept out of the script and its spec, in a file only the user can read.
    expect(readFileSync(join(root, '.faas', 'functions', 'seeded.py'), 'utf8')).not.toContain('seed"');
    expect((await admin('GET', '/system/function/seeded')).json.envVars).toEqual({ GREETING: 'hi' });
    expect(statSync(join(root, '.faas', 'functions', 'seeded.dot_file')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, '.faas', 'functions')).mode & 0o777).toBe(0o700);
  });

  it('gives an INI dot_file to the function beside its script, its KEY = value lines as environment; a new one restarts it', async () => {
    const ini = (port: number) => Buffer.from(`; the seed's your-config.ini\n[db]\nDB_HOST = db.internal\nport = ${port}\n`).toString('base64');
    const uploaded = await admin('POST', '/admin/python', { script: Buffer.from(INI_READER).toString('base64'), dot_file: ini(5432), option: { name: 'configured' } });
    expect(uploaded.status).toBe(200);
    expect((await call(uploaded.json.url, { method: 'POST' })).json).toEqual({ beside_script: true, db_host: 'db.internal', db_port: '5432', env_host: 'db.internal', env_port: '5432' });
    expect((await admin('POST', '/admin/python', { script: Buffer.from(INI_READER).toString('base64'), dot_file: ini(6543), option: { name: 'configured' } })).status).toBe(200);
    expect((await call(uploaded.json.url, { method: 'POST' })).json).toMatchObject({ db_port: '6543', env_port: '6543' });
    expect((await admin('DELETE', '/system/functions', { functionName: 'configured' })).status).toBe(202);
    expect(existsSync(join(root, '.faas', 'functions', 'configured.dot_file'))).toBe(false);
  });

  it('removes a function: its file goes and calls to it answer 404', async () => {
    expect((await admin('DELETE', '/system/functions', { functionName: 'seeded' })).status).toBe(202);
    expect(existsSync(join(root, '.faas', 'functions', 'seeded.py'))).toBe(false);
    expect((await call(`${gateway.url}/function/seeded`)).status).toBe(404);
  });

  it('answers 409 to a delete or a deploy of a script the user wrote, naming the file; the file stays and serves', async () => {
    const before = readFileSync(join(functionsDir, 'steady.py'), 'utf8');
    const removed = await admin('DELETE', '/system/functions', { functionName: 'steady' });
    expect(removed.status).toBe(409);
    expect(removed.json).toMatchObject({ error: 'conflict', function: 'steady', message: expect.stringMatching(/steady\.py, a script of yours.*delete the file to remove the function/) });
    const replaced = await admin('PUT', '/system/functions', { service: 'steady', source: INSPECT });
    expect(replaced.status).toBe(409);
    expect(replaced.json).toMatchObject({ error: 'conflict', function: 'steady', message: expect.stringMatching(/steady\.py, a script of yours.*edit that file/) });
    expect(readFileSync(join(functionsDir, 'steady.py'), 'utf8')).toBe(before);
    expect((await call(`${gateway.url}/function/steady`, { method: 'POST' })).text).toBe('steady');
  });
});

const cacheRoot = process.env.FAAS_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'poorman-faas');
const faasCli = process.env.FAAS_CLI ?? join(cacheRoot, 'faas-cli', '0.18.12', 'bin', 'faas-cli');
if (!existsSync(faasCli)) console.warn(`faas-cli invoke test skipped: no binary at ${faasCli}; run test/support/build-faas-cli or set FAAS_CLI`);

describe.skipIf(!existsSync(faasCli))('faas-cli invoke through the gateway', () => {
  const faas = (args: string[], stdin: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(faasCli, [...args, '--gateway', gateway.url], { env: { PATH: process.env.PATH, HOME: root, OPENFAAS_CONFIG: root } }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
      child.stdin!.end(stdin);
    });

  it('logs in to the gateway', async () => {
    const login = await faas(['login', '--username', TEST_CREDENTIALS.user, '--password-stdin'], TEST_CREDENTIALS.password);
    expect(login.code).toBe(0);
  });

  it('invokes with a body, a query, a header and a method (default namespace openfaas-fn)', async () => {
    const posted = await faas(['invoke', 'inspect', '--query', 'q=search', '-H', 'X-Test: cli'], 'from stdin');
    expect(posted.stderr).toBe('');
    expect(JSON.parse(posted.stdout)).toMatchObject({ method: 'POST', query: { q: 'search' }, body: 'from stdin', header: 'cli' });
    const got = await faas(['invoke', 'inspect', '-m', 'GET'], '');
    expect(JSON.parse(got.stdout)).toMatchObject({ method: 'GET', body: '' });
  });
});
