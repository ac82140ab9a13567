/**
 * Environments built once per hash from the script's lock, with real uv: the first start builds
 * it with byte-code compiled, every later start (this gateway or the next) only execs its Python,
 * without contacting a package index. A stale lock is refused, a missing one `faas dev` writes.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { LocalBackend } from '../../gateway/backends/local/index.js';
import { fixtureDir, readyEndpoint } from '../support/local-backend-harness.js';
import { cpSync } from 'node:fs';
import { runFaas } from '../unit/cli/run-faas.js';

const scratch = mkdtempSync(join(tmpdir(), 'faas-envs-'));
const environmentsDir = join(scratch, 'environments');
const backends: LocalBackend[] = [];
afterAll(async () => {
  await Promise.all(backends.map((backend) => backend.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

/** A backend over `dir` whose log messages are kept. */
async function serve(dir: string): Promise<{ backend: LocalBackend; messages: string[] }> {
  const messages: string[] = [];
  const sink = { write: (line: string) => void messages.push(String((JSON.parse(line) as { msg?: string }).msg ?? '')) };
  const backend = new LocalBackend({ functionsDir: dir, environmentsDir, logger: pino({ level: 'info' }, sink), watch: false });
  backends.push(backend);
  await backend.start();
  return { backend, messages };
}

function copyOf(fixture: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(fixtureDir(fixture), dir, { recursive: true });
  return dir;
}

async function echo(backend: LocalBackend): Promise<unknown> {
  await backend.scale('fastapi-echo', 1);
  const base = await readyEndpoint(backend, 'fastapi-echo');
  const response = await fetch(`${base}/echo/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"hi"}' });
  return response.json();
}

/** A package index that only counts who asks it anything. */
async function countingIndex(): Promise<{ server: Server; url: string; contacts: () => number }> {
  let contacts = 0;
  const server = createServer((_req, res) => {
    contacts++;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/simple`, contacts: () => contacts };
}

describe('environments from locks', () => {
  it('builds a locked environment once, byte-code compiled, and a new gateway wakes on it without uv or the index', async () => {
    const first = await serve(copyOf('functions-locked', 'first'));
    expect(await echo(first.backend)).toEqual({ received_message: 'hi' });
    const built = readdirSync(environmentsDir).filter((name) => !name.startsWith('.'));
    expect(built).toHaveLength(1);
    const [hash] = built;
    expect(first.messages.filter((message) => message.startsWith('building environment'))).toEqual([`building environment ${hash} from ${join(scratch, 'first', 'fastapi_echo.py')}.lock`]);
    const site = readdirSync(join(environmentsDir, hash!, 'lib'))[0]!;
    expect(readdirSync(join(environmentsDir, hash!, 'lib', site, 'site-packages', 'fastapi', '__pycache__')).some((file) => file.endsWith('.pyc'))).toBe(true);
    await first.backend.stop();

    // A second gateway, elsewhere, whose uv could only reach an index that answers nothing.
    const index = await countingIndex();
    const saved = { UV_DEFAULT_INDEX: process.env.UV_DEFAULT_INDEX, UV_INDEX_URL: process.env.UV_INDEX_URL };
    Object.assign(process.env, { UV_DEFAULT_INDEX: index.url, UV_INDEX_URL: index.url });
    try {
      const second = await serve(copyOf('functions-locked', 'second'));
      expect(await echo(second.backend)).toEqual({ received_message: 'hi' });
      expect(second.messages.filter((message) => message.startsWith('building environment'))).toEqual([]);
      expect(readdirSync(environmentsDir).filter((name) => !name.startsWith('.'))).toEqual(built);
      expect(index.contacts()).toBe(0);
    } finally {
      for (const [key, value] of Object.entries(saved)) value === undefined ? delete process.env[key] : (process.env[key] = value);
      index.server.close();
    }
  });

  it('refuses a lock that no longer matches the script, naming the lock and `faas lock`', async () => {
    const dir = copyOf('functions-locked', 'stale');
    const script = join(dir, 'fastapi_echo.py');
    writeFileSync(script, readFileSync(script, 'utf8').replace('["fastapi", "uvicorn"]', '["fastapi", "uvicorn", "httpx"]'));
    const { backend } = await serve(dir);
    const [problem] = backend.invalidFunctions().get('fastapi-echo') ?? [];
    expect(problem?.message).toBe(
      `${script}.lock does not match the script's dependencies ('httpx' is not in it); run \`faas lock fastapi-echo\` to resolve them again, and commit the lock`,
    );
    expect(problem?.line).toBe(3);
    expect(backend.functions().has('fastapi-echo')).toBe(false);
  });

  it('writes the lock of a script that has none, and says so', async () => {
    const dir = copyOf('functions-locked', 'unlocked');
    rmSync(join(dir, 'fastapi_echo.py.lock'));
    const { backend, messages } = await serve(dir);
    expect(existsSync(join(dir, 'fastapi_echo.py.lock'))).toBe(true);
    expect(messages).toContain(`wrote ${join(dir, 'fastapi_echo.py.lock')} (uv lock --script); commit it beside the script`);
    expect(await echo(backend)).toEqual({ received_message: 'hi' });
  });
});

describe('faas lock', () => {
  it('writes a lock uv accepts, leaves it as it is when it still matches, and skips scripts without dependencies', async () => {
    const dir = copyOf('functions-locked', 'cli');
    rmSync(join(dir, 'fastapi_echo.py.lock'));
    const written = await runFaas(['lock', '--functions', dir]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/fastapi-echo\s+\S+fastapi_echo\.py\.lock\s+written/);
    expect(written.stdout).toMatch(/stdlib-hello\s+-\s+no dependencies/);
    expect(readFileSync(join(dir, 'fastapi_echo.py.lock'), 'utf8')).toMatch(/^\[manifest\]\nrequirements = \[\n    \{ name = "fastapi" \},\n    \{ name = "uvicorn" \},\n\]/m);
    const again = await runFaas(['lock', 'fastapi-echo', '--functions', dir]);
    expect(again.stdout).toMatch(/fastapi-echo\s+\S+\s+unchanged/);
    const validated = await runFaas(['validate', dir]);
    expect(validated.code).toBe(0);
    const unknown = await runFaas(['lock', 'nope', '--functions', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no function named 'nope'");
  });
});
