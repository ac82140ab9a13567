/**
 * The function container exactly as synthesized — command, environment, read-only code folder,
 * runtime folder — run as a real process with real uv, the image's paths moved under a temp
 * folder. What no unit test can show: the manifest's start command actually serves the script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeManifests } from '../../constructs/synthesize-manifests.js';
import { loadFunction } from '../../constructs/spec/load-function.js';

const IMAGE_ROOT = '/var/faas';
const root = mkdtempSync(join(tmpdir(), 'faas-pod-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
  chmodSync(join(root, 'code'), 0o755);
  rmSync(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the synthesized function container', () => {
  it('installs the script with uv and serves it through the bootstrap from a read-only folder', async () => {
    const text = readFileSync('functions/hello.py', 'utf8');
    const loaded = loadFunction('functions/hello.py', text);
    if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join('\n'));
    const manifests = synthesizeManifests({ functions: [loaded.function] }) as any[];
    const container = manifests.find((object) => object.kind === 'Deployment' && object.metadata.name === 'hello').spec.template.spec.containers[0];
    const scriptData = manifests.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'hello-code').data;
    const bootstrapData = manifests.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'faas-bootstrap').data;

    // The projected volume's layout: files are symlinks into a data folder, all read-only.
    const data = join(root, 'code', '..data');
    mkdirSync(data, { recursive: true });
    for (const [key, value] of Object.entries({ ...scriptData, ...bootstrapData })) {
      writeFileSync(join(data, key), value as string);
      symlinkSync(join('..data', key), join(root, 'code', key));
    }
    chmodSync(data, 0o555);
    chmodSync(join(root, 'code'), 0o555);

    const moved = (value: string) => value.replaceAll(IMAGE_ROOT, root);
    const port = await freePort();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const variable of container.env as { name: string; value: string }[]) env[variable.name] = moved(variable.value);
    env.PORT = String(port);
    // Certificates and index settings of this machine, so uv reaches the package index as it would from the image.
    for (const name of ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'UV_INDEX_URL', 'UV_DEFAULT_INDEX', 'PIP_INDEX_URL', 'UV_NATIVE_TLS']) {
      if (process.env[name] !== undefined) env[name] = process.env[name]!;
    }
    mkdirSync(moved(container.workingDir), { recursive: true });

    const [command, ...args] = (container.command as string[]).map(moved);
    child = spawn(command!, args, { cwd: moved(container.workingDir), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve));

    const answer = async (): Promise<Response> => {
      for (;;) {
        const code = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]);
        if (code !== undefined) throw new Error(`the container command exited with ${code}:\n${output}`);
        try {
          return await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'Ada' });
        } catch {
          // Not listening yet: uv is still preparing the environment.
        }
      }
    };
    const response = await answer();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Ada');
    expect(output).not.toContain('Read-only file system');
  });
});
