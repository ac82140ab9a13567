/**
 * A function's real process on a test host: the container of the synthesized Deployment (its
 * command, environment, read-only code folder from the ConfigMaps, runtime folder) run with real
 * uv and the Python bootstrap inside the host's network namespace. kwok gives the pods placed on
 * the host's node the host's address, so the EndpointSlice the gateway watches points at this
 * process. It is started before the pods exist and outlives them, as a container runtime that
 * keeps one warm container per node would; only the host's teardown stops it.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import type { ClusterTestHost } from './cluster-client.js';

const IMAGE_ROOT = '/var/faas';
/** Only what uv and the shims on this machine need; the rest comes from the manifest. */
const PASSED_THROUGH = ['PATH', 'PYENV_ROOT', 'PYENV_VERSION', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

export interface FunctionProcess {
  /** Where the process listens: the host's address and the container's port. */
  readonly url: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** Resolves once the port accepts connections; rejects with the output if the process exits first. */
  ready(): Promise<void>;
  stop(): void;
}

/** Puts a function's pods on `host`: node selector and toleration added to its Deployment's pod template. */
export function placeOn(manifests: Manifest[], functionName: string, placement: object): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'Deployment' || m.metadata.name !== functionName) return m;
    const copy = structuredClone(m) as any;
    Object.assign(copy.spec.template.spec, placement);
    return copy;
  });
}

export function runFunctionOnHost(
  host: ClusterTestHost,
  manifests: readonly Manifest[],
  functionName: string,
  extraEnv: Record<string, string> = {},
): FunctionProcess {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === functionName) as any;
  if (!deployment) throw new Error(`no Deployment named ${functionName} among the manifests`);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const port = container.ports[0].containerPort as number;
  const root = mkdtempSync(join(tmpdir(), `pfaas-${functionName}-`));

  // The projected volume's layout: keys are symlinks into a data folder, all read-only.
  const data = join(root, 'code', '..data');
  mkdirSync(data, { recursive: true });
  for (const name of configMapsOf(pod)) {
    const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name) as any;
    if (!configMap) throw new Error(`the pod of ${functionName} mounts ConfigMap ${name}, which is not among the manifests`);
    for (const [key, value] of Object.entries(configMap.data as Record<string, string>)) {
      writeFileSync(join(data, key), value);
      symlinkSync(join('..data', key), join(root, 'code', key));
    }
  }
  chmodSync(data, 0o555);
  chmodSync(join(root, 'code'), 0o555);

  const moved = (value: string) => value.replaceAll(IMAGE_ROOT, root);
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  for (const v of container.env as { name: string; value: string }[]) env[v.name] = moved(v.value);
  // The namespace has no route out: uv must not try the package index.
  Object.assign(env, { UV_OFFLINE: '1', ...extraEnv });
  mkdirSync(moved(container.workingDir), { recursive: true });

  const [command, ...args] = (container.command as string[]).map(moved);
  const child = host.exec(command!, args, { cwd: moved(container.workingDir), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const cleanup = () => {
    chmodSync(join(root, 'code'), 0o755);
    chmodSync(data, 0o755);
    rmSync(root, { recursive: true, force: true });
  };
  void exited.then(cleanup);

  return {
    url: `http://${host.ip}:${port}`,
    child,
    output: () => output,
    async ready() {
      for (;;) {
        const code = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
        if (code !== undefined) throw new Error(`${functionName} on ${host.netns} exited with ${code} before listening:\n${output}`);
        if (await accepts(host.ip, port)) return;
      }
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

function configMapsOf(pod: any): string[] {
  const names: string[] = [];
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap?.name) names.push(volume.configMap.name);
    for (const source of volume.projected?.sources ?? []) if (source.configMap?.name) names.push(source.configMap.name);
  }
  return names;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
