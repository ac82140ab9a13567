import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFunction } from '../../constructs/spec/load-function.js';
import { startAdminServer, TEST_CREDENTIALS, type AdminServer } from '../support/admin-server.js';
import { MemoryBackend } from '../support/memory-backend.js';
import { slowUpload } from '../support/slow-upload.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/admin/${name}`, import.meta.url), 'utf8');
const HELLO = fixture('hello.py');
const BAD = fixture('bad-metadata.py');

function definition(name: string, text = HELLO) {
  const loaded = loadFunction(`${name}.py`, text);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.function;
}

let backend: MemoryBackend;
let api: AdminServer;

beforeEach(async () => {
  backend = new MemoryBackend([definition('hello'), definition('other')]);
  api = await startAdminServer(backend, { invocations: new Map([['hello', 7]]) });
});
afterEach(() => api.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: api.auth }) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text === '' ? undefined : JSON.parse(text) };
}

/** A function is still served: listed, and described with its replicas. */
async function stillServed(name: string) {
  const described = await call('GET', `/system/function/${name}`);
  expect(described.status).toBe(200);
  expect(described.json.name).toBe(name);
}

describe('authentication', () => {
  it('answers 401 with a Basic challenge when no credentials are sent', async () => {
    const { status, headers, json } = await call('GET', '/system/functions', undefined, {});
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Basic realm="Restricted"');
    expect(json).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('faas-cli login') });
  });

  it('treats the empty Bearer token faas-cli sends before login as no credentials', async () => {
    const { status, headers } = await call('GET', '/system/functions', undefined, { authorization: 'Bearer ' });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Basic realm="Restricted"');
  });

  it('refuses a wrong password, a wrong user and a header without a colon', async () => {
    const basic = (text: string) => ({ authorization: `Basic ${Buffer.from(text).toString('base64')}` });
    for (const headers of [basic(`${TEST_CREDENTIALS.user}:wrong`), basic(`root:${TEST_CREDENTIALS.password}`), basic('admin'), basic(`${TEST_CREDENTIALS.user}:${TEST_CREDENTIALS.password}x`)]) {
      expect((await call('GET', '/system/functions', undefined, headers)).status).toBe(401);
    }
  });

  it('names the function of a refused call from the path, and never reads the body of one', async () => {
    const described = await call('GET', '/system/function/hello', undefined, {});
    expect(described.json.function).toBe('hello');
    const removed = await call('DELETE', '/system/functions', { functionName: 'hello' }, {});
    expect(removed.status).toBe(401);
    expect(removed.json.function).toBeNull();
    const uploaded = await call('POST', '/admin/python', { script: 'eA==', option: { name: 'seeded' } }, { authorization: 'Bearer ' });
    expect(uploaded.json).toMatchObject({ error: 'unauthorized' });
    await stillServed('hello');
  });

  it('answers an unauthenticated slow upload with 401 at once, without waiting for its body', async () => {
    // Given a client that would take 20 s to send its body, when it sends no credentials
    const refused = await slowUpload(`${api.url}/system/functions`, { chunks: 40, everyMs: 500, headers: { 'content-type': 'application/json' } });
    // Then the 401 came after its first chunks, not after the whole body
    expect(refused.status).toBe(401);
    expect(refused.chunksSent).toBeLessThan(40);
    await stillServed('hello');
  });

  it('answers 503 saying how to set a password when none is configured', async () => {
    const disabled = await startAdminServer(backend, { credentials: null });
    try {
      const response = await fetch(`${disabled.url}/system/functions`, { headers: { authorization: api.auth } });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { message: string };
      expect(body.message).toContain('FAAS_ADMIN_PASSWORD_FILE');
    } finally {
      await disabled.close();
    }
  });

  it('answers 503 with the reason when the mounted secret is missing', async () => {
    const problem = 'FAAS_ADMIN_PASSWORD_FILE=/var/faas/admin/password cannot be read (ENOENT); create the admin Secret';
    const disabled = await startAdminServer(backend, { credentials: null, credentialsProblem: problem });
    try {
      const response = await fetch(`${disabled.url}/system/functions`);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toBe(`the admin API is disabled: ${problem}`);
    } finally {
      await disabled.close();
    }
  });
});

describe('list and describe', () => {
  it('lists every function with the types OpenFaaS clients expect', async () => {
    await backend.scale('hello', 2);
    const { status, json } = await call('GET', '/system/functions');
    expect(status).toBe(200);
    expect(json.map((f: { name: string }) => f.name)).toEqual(['hello', 'other']);
    const hello = json[0];
    expect(hello).toEqual({
      name: 'hello',
      image: 'python-uv-script (requires-python >=3.11)',
      namespace: 'faas',
      envProcess: 'uv run --script hello.py',
      envVars: { GREETING: 'hi' },
      constraints: [],
      secrets: [],
      labels: {
        'com.openfaas.scale.min': '0',
        'com.openfaas.scale.max': '3',
        'com.openfaas.scale.zero': 'true',
        'com.openfaas.scale.zero-duration': '2m',
      },
      annotations: { 'faas.poorman.dev/source-hash': definition('hello').sourceHash, 'faas.poorman.dev/status': 'ready: 2 of 2 instances ready' },
      limits: { memory: '64Mi' },
      requests: { memory: '64Mi', cpu: '100m' },
      readOnlyRootFilesystem: true,
      invocationCount: 7,
      replicas: 2,
      availableReplicas: 2,
      status: 'ready',
      statusMessage: '2 of 2 instances ready',
    });
    for (const value of [...Object.values(hello.labels), ...Object.values(hello.annotations), ...Object.values(hello.envVars)]) {
      expect(typeof value).toBe('string');
    }
    expect(hello).not.toHaveProperty('createdAt');
  });

  it('describes one function, and answers 404 naming an unknown one', async () => {
    const { status, json } = await call('GET', '/system/function/other?usage=1');
    expect(status).toBe(200);
    expect(json).toMatchObject({ name: 'other', replicas: 0, availableReplicas: 0, invocationCount: 0 });
    const missing = await call('GET', '/system/function/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: 'not_found', function: 'nope' });
  });

  it('accepts the served namespace and openfaas-fn, and refuses another one by name', async () => {
    expect((await call('GET', '/system/functions?namespace=faas')).status).toBe(200);
    expect((await call('GET', '/system/function/hello?namespace=openfaas-fn')).status).toBe(200);
    const other = await call('GET', '/system/functions?namespace=prod');
    expect(other.status).toBe(400);
    expect(other.json.message).toContain('"prod" is not served');
  });

  it('lists the one namespace and reports gateway info in the shape faas-cli version reads', async () => {
    expect((await call('GET', '/system/namespaces')).json).toEqual(['faas']);
    const info = (await call('GET', '/system/info')).json;
    expect(info).toEqual({
      provider: { provider: 'poorman-faas', orchestration: 'local-processes', version: { release: '0.1.0-test', sha: 'abc1234' } },
      version: { release: '0.1.0-test', sha: 'abc1234', commit_message: '' },
      arch: expect.any(String),
    });
  });
});

describe('deploy', () => {
  const deployment = (service: string, source: string, extra: object = {}) => ({
    service,
    image: 'python-uv',
    envVars: {},
    labels: {},
    annotations: { 'faas.poorman.dev/source': source },
    ...extra,
  });

  it('creates a function from a script in the source annotation: 202, then listed', async () => {
    const put = await call('PUT', '/system/functions', deployment('greeter', HELLO));
    expect(put.status).toBe(404);
    const post = await call('POST', '/system/functions', deployment('greeter', HELLO));
    expect(post.status).toBe(202);
    expect(post.json).toMatchObject({ function: 'greeter' });
    const names = (await call('GET', '/system/functions')).json.map((f: { name: string }) => f.name);
    expect(names).toEqual(['greeter', 'hello', 'other']);
    expect(backend.functions().get('greeter')!.source).toBe(HELLO);
  });

  it('updates an existing function with PUT, and lets POST replace one too', async () => {
    const changed = HELLO.replace('hello {req}', 'hi {req}');
    expect((await call('PUT', '/system/functions', { service: 'hello', source: changed })).status).toBe(202);
    expect(backend.functions().get('hello')!.source).toBe(changed);
    const again = await call('POST', '/system/functions', { service: 'hello', source: HELLO });
    expect(again.status).toBe(202);
    expect(backend.functions().get('hello')!.source).toBe(HELLO);
  });

  it('answers a deploy or remove once the catalog shows it, when the backend learns of writes late', async () => {
    const lagging = new MemoryBackend([definition('hello')], 50);
    const late = await startAdminServer(lagging);
    try {
      const headers = { authorization: late.auth };
      const deployed = await fetch(`${late.url}/system/functions`, { method: 'POST', headers, body: JSON.stringify({ service: 'fresh', source: HELLO }) });
      expect(deployed.status).toBe(202);
      expect((await fetch(`${late.url}/system/function/fresh`, { headers })).status).toBe(200);
      const removed = await fetch(`${late.url}/system/functions`, { method: 'DELETE', headers, body: JSON.stringify({ functionName: 'fresh' }) });
      expect(removed.status).toBe(202);
      expect((await fetch(`${late.url}/system/function/fresh`, { headers })).status).toBe(404);
    } finally {
      await late.close();
    }
  });

  it('applies the deployment\'s envVars, memory, cpu and scale labels over the script\'s block', async () => {
    const body = deployment('tuned', HELLO, {
      envVars: { EXTRA: '1', GREETING: 'hey' },
      limits: { memory: '256Mi' },
      requests: { cpu: '250m' },
      labels: { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.zero-duration': '10m' },
      secrets: ['db-password'],
    });
    expect((await call('POST', '/system/functions', body)).status).toBe(202);
    const tuned = backend.functions().get('tuned')!;
    // Written into the script, so a backend that keeps only scripts (dev's functions/) keeps them too.
    expect(loadFunction('tuned.py', tuned.source)).toEqual({ ok: true, function: tuned });
    expect(tuned.source).toContain('# memory = "256Mi"');
    expect(tuned).toMatchObject({ env: { GREETING: 'hey', EXTRA: '1' }, memory: '256Mi', cpu: '250m', minReplicas: 1, maxReplicas: 3, idleTimeout: '10m', idleTimeoutSeconds: 600, secrets: ['db-password'] });
  });

  it('refuses a script with bad metadata with 400 and file:line lines, and keeps serving the others', async () => {
    const { status, json } = await call('POST', '/system/functions', deployment('broken', BAD));
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_script');
    expect(json.function).toBe('broken');
    expect(json.errors).toEqual([expect.stringMatching(/^broken\.py:5: .*min-replicas/), expect.stringMatching(/^broken\.py:6: .*memroy.*memory/)]);
    expect(backend.functions().has('broken')).toBe(false);
    await stillServed('hello');
  });

  it('refuses a script with a Python syntax error with its file:line, as faas validate does', async () => {
    const broken = HELLO.replace(/def handle\(req\):/, 'def handle(req)');
    const line = broken.split('\n').findIndex((text) => text === 'def handle(req)') + 1;
    const { status, json } = await call('POST', '/system/functions', deployment('unparsable', broken));
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: 'invalid_script', function: 'unparsable', errors: [expect.stringMatching(new RegExp(`^unparsable\\.py:${line}: Python syntax error: .*uv would refuse`))] });
    expect(backend.functions().has('unparsable')).toBe(false);
    const uploaded = await call('POST', '/admin/python', { script: Buffer.from(broken).toString('base64'), option: { name: 'unparsable' } });
    expect(uploaded.status).toBe(400);
    expect(uploaded.json.errors).toEqual([expect.stringMatching(new RegExp(`^unparsable\\.py:${line}: Python syntax error`))]);
    await stillServed('hello');
  });

  it('names the API field when an override is invalid', async () => {
    const { status, json } = await call('POST', '/system/functions', deployment('tuned', HELLO, { limits: { memory: 'lots' } }));
    expect(status).toBe(400);
    expect(json.errors).toEqual([expect.stringMatching(/^field 'limits\.memory': .*"lots"/)]);
  });

  it('explains what to send when a deployment names only an image', async () => {
    const { status, json } = await call('POST', '/system/functions', { service: 'nginx', image: 'nginx:1.27' });
    expect(status).toBe(400);
    expect(json.function).toBe('nginx');
    expect(json.message).toContain('image "nginx:1.27"');
    expect(json.message).toContain("annotation 'faas.poorman.dev/source'");
    expect(json.message).toContain('/admin/python');
  });

  it('answers malformed JSON and wrong field types with 400 saying what is wrong', async () => {
    const malformed = await call('POST', '/system/functions', '{"service": "x", ');
    expect(malformed.status).toBe(400);
    expect(malformed.json.message).toMatch(/not valid JSON/);
    const wrongType = await call('POST', '/system/functions', { service: 'typed', envVars: { A: 1 }, source: HELLO });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.function).toBe('typed');
    expect(wrongType.json.errors).toEqual([expect.stringContaining("field 'envVars.A'")]);
    const badName = await call('POST', '/system/functions', { service: 'Bad_Name', source: HELLO });
    expect(badName.status).toBe(400);
    expect(badName.json.message).toContain("field 'service'");
    const empty = await call('POST', '/system/functions', '');
    expect(empty.status).toBe(400);
    await stillServed('hello');
  });

  it('answers JSON nested 5000 levels deep with 400 like any malformed body, and keeps serving', async () => {
    for (const body of ['['.repeat(5000) + ']'.repeat(5000), '{"service":"deep","x":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5001)]) {
      const deep = await call('POST', '/system/functions', body);
      expect(deep.status).toBe(400);
      expect(deep.json.message).toMatch(/nested/);
    }
    await stillServed('hello');
  });

  it('answers 413 to a body over the limit', async () => {
    const small = await startAdminServer(backend, { bodyLimit: 1024 });
    try {
      const response = await fetch(`${small.url}/system/functions`, {
        method: 'POST',
        headers: { authorization: small.auth },
        body: JSON.stringify({ service: 'big', source: 'x'.repeat(4096) }),
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

describe('remove and scale', () => {
  it('removes with 202, then 404 for the same name', async () => {
    const first = await call('DELETE', '/system/functions', { functionName: 'other' });
    expect(first.status).toBe(202);
    expect(backend.functions().has('other')).toBe(false);
    const second = await call('DELETE', '/system/functions', { functionName: 'other' });
    expect(second.status).toBe(404);
    expect(second.json.function).toBe('other');
    await stillServed('hello');
  });

  it('refuses a delete without functionName, naming the field', async () => {
    const { status, json } = await call('DELETE', '/system/functions', { name: 'hello' });
    expect(status).toBe(400);
    expect(json.errors).toEqual([expect.stringContaining("field 'functionName'")]);
  });

  it('scales through the backend, observable in replicas and in describe', async () => {
    const { status } = await call('POST', '/system/scale-function/hello', { serviceName: 'hello', replicas: 2 });
    expect(status).toBe(202);
    expect(backend.replicas('hello')).toEqual({ desired: 2, ready: 2 });
    expect((await call('GET', '/system/function/hello')).json.availableReplicas).toBe(2);
  });

  it('refuses to scale past max-replicas, a negative count, or an unknown function', async () => {
    const over = await call('POST', '/system/scale-function/hello', { replicas: 4 });
    expect(over.status).toBe(400);
    expect(over.json.message).toContain('max-replicas (3)');
    const negative = await call('POST', '/system/scale-function/hello', { replicas: -1 });
    expect(negative.status).toBe(400);
    expect(negative.json.errors).toEqual([expect.stringContaining("field 'replicas'")]);
    expect((await call('POST', '/system/scale-function/nope', { replicas: 1 })).status).toBe(404);
    expect(backend.replicas('hello').desired).toBe(0);
  });
});

describe('POST /admin/python (the seed\'s upload form)', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it('deploys a base64 script with a .env dot_file and a replica count', async () => {
    const body = { script: b64(HELLO), dot_file: b64('HIDDEN_MESSAGE="secret"\n# comment\nexport MODE=fast\n'), option: { user: 'frank', replica: 1 } };
    const { status, json } = await call('POST', '/admin/python', body);
    expect(status).toBe(200);
    const name = `frank-${definition('x').sourceHash.slice(0, 8)}`;
    expect(json).toEqual({ url: `${api.url}/function/${name}`, code: 200, message: 'success', function: name });
    // The dot file goes to the backend as a private file, never into the script or its env.
    expect(backend.functions().get(name)).toMatchObject({ env: { GREETING: 'hi' }, minReplicas: 1 });
    expect(backend.functions().get(name)!.source).not.toContain('secret');
    expect(backend.privateFiles.get(name)).toEqual({ dotFile: 'HIDDEN_MESSAGE="secret"\n# comment\nexport MODE=fast\n' });
    expect((await call('POST', '/admin/python', body)).json.function).toBe(name);
    expect([...backend.functions().keys()].filter((n) => n.startsWith('frank-'))).toHaveLength(1);
  });

  it('takes option.name, and raises max-replicas to a larger replica count', async () => {
    const { status } = await call('POST', '/admin/python', { script: b64(HELLO), option: { name: 'named', replica: 5 } });
    expect(status).toBe(200);
    expect(backend.functions().get('named')).toMatchObject({ minReplicas: 5, maxReplicas: 5 });
  });

  it('refuses bad base64, a bad .env line and bad metadata, each saying what to fix', async () => {
    const notBase64 = await call('POST', '/admin/python', { script: 'not base64!', option: { name: 'x1' } });
    expect(notBase64.status).toBe(400);
    expect(notBase64.json.message).toContain("field 'script' is not base64");
    const notText = await call('POST', '/admin/python', { script: b64(HELLO), dot_file: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), option: { name: 'x2' } });
    expect(notText.status).toBe(400);
    expect(notText.json).toMatchObject({ function: 'x2', message: expect.stringContaining("field 'dot_file' does not decode to UTF-8 text") });
    const badScript = await call('POST', '/admin/python', { script: b64(BAD), option: { name: 'x3' } });
    expect(badScript.status).toBe(400);
    expect(badScript.json.errors[0]).toMatch(/^x3\.py:5: /);
    expect([...backend.functions().keys()]).toEqual(['hello', 'other']);
  });
});

describe('routing', () => {
  it('serves under GATEWAY_PATH_PREFIX and hands out URLs that include it', async () => {
    const prefixed = await startAdminServer(backend, { pathPrefix: '/faas' });
    try {
      const listed = await fetch(`${prefixed.url}/faas/system/functions`, { headers: { authorization: prefixed.auth } });
      expect(listed.status).toBe(200);
      const uploaded = await fetch(`${prefixed.url}/faas/admin/python`, {
        method: 'POST',
        headers: { authorization: prefixed.auth },
        body: JSON.stringify({ script: Buffer.from(HELLO).toString('base64'), option: { name: 'prefixed' } }),
      });
      expect(((await uploaded.json()) as { url: string }).url).toBe(`${prefixed.url}/faas/function/prefixed`);
    } finally {
      await prefixed.close();
    }
  });

  it('answers 405 with Allow for a known path and 404 for an unknown one', async () => {
    const wrong = await call('PATCH', '/system/functions');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, PUT, DELETE');
    const unknown = await call('GET', '/system/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toContain('GET /system/function/:name');
  });
});
