/**
 * A function's real process on a test host: a pod's container (its command, environment,
 * read-only code folder from the ConfigMaps, runtime folder) run with real uv and the Python
 * bootstrap inside the host's network namespace. kwok gives the pods placed on the host's node the
 * host's address, so the EndpointSlice the gateway watches points at this process.
 *
 * pod-processes.ts runs one for each pod kwok places on the host, as a kubelet would.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import type { TestHost } from './test-host.js';

const IMAGE_ROOT = '/var/faas';
/** Only what uv and the shims on this machine need; the rest comes from the manifest. */
const PASSED_THROUGH = ['PATH', 'PYENV_ROOT', 'PYENV_VERSION', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

export interface FunctionProcess {
  /** Where the process listens: the host's address and the container's port. */
  readonly url: string;
  readonly child: ChildProcess;
  /** performance.now() when the process was spawned. */
  readonly startedAt: number;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /**
   * Resolves once the port accepts connections, tried every `periodMs`; rejects with the output if
   * the process exits first.
   */
  ready(periodMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** Signals the whole process group (SIGKILL unless told). */
  stop(signal?: NodeJS.Signals): void;
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

/** The first container of `pod` (a pod spec) as a process on `host`; `configMaps` holds what its volumes mount. */
export function startContainer(
  host: TestHost,
  label: string,
  pod: any,
  configMaps: ReadonlyMap<string, Record<string, string>>,
  extraEnv: Record<string, string> = {},
): FunctionProcess {
  const container = pod.containers[0];
  const port = container.ports[0].containerPort as number;
  const root = mkdtempSync(join(tmpdir(), `pfaas-${label}-`));

  // The projected volume's layout: keys are symlinks into a data folder, all read-only.
  const data = join(root, 'code', '..data');
  mkdirSync(data, { recursive: true });
  for (const name of configMapsOf(pod)) {
    const keys = configMaps.get(name);
    if (!keys) throw new Error(`the pod of ${label} mounts ConfigMap ${name}, which does not exist`);
    for (const [key, value] of Object.entries(keys)) {
      writeFileSync(join(data, key), value);
      symlinkSync(join('..data', key), join(root, 'code', key));
    }
  }
  chmodSync(data, 0o555);
  chmodSync(join(root, 'code'), 0o555);

  const moved = (value: string) => value.replaceAll(IMAGE_ROOT, root);
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  for (const v of (container.env ?? []) as { name: string; value?: string }[]) if (v.value !== undefined) env[v.name] = moved(v.value);
  // The namespace has no route out: uv must not try the package index.
  Object.assign(env, { UV_OFFLINE: '1', ...extraEnv });
  mkdirSync(moved(container.workingDir), { recursive: true });

  const [command, ...args] = (container.command as string[]).map(moved);
  const startedAt = performance.now();
  const child = host.exec(command!, args, { cwd: moved(container.workingDir), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const cleanup = () => {
    chmodSync(join(root, 'code'), 0o755);
    chmodSync(data, 0o755);
    rmSync(root, { recursive: true, force: true });
  };
  void exited.then(cleanup);

  return {
    url: `http://${host.ip}:${port}`,
    child,
    startedAt,
    output: () => output,
    exited,
    async ready(periodMs = 100) {
      for (;;) {
        const code = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), periodMs))]);
        if (code !== undefined) throw new Error(`${label} on ${host.netns} exited with ${code} before listening:\n${output}`);
        if (await accepts(host.ip, port)) return;
      }
    },
    stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
  };
}

/** The ConfigMaps a pod spec mounts, directly or through a projected volume. */
export function configMapsOf(pod: any): string[] {
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
