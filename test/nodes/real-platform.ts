/**
 * The synthesized platform on the real node: what synth writes, unchanged but for the function
 * image (the runtime image built by test/nodes/setup stands in for the default one). The gateway's
 * Deployment runs as written (its image is built from this checkout under synth's reference) when
 * a test asks for it; otherwise it is left out, and the test runs the gateway on the host with the
 * admin kubeconfig, reaching the pods at their bridge IPs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { DEFAULT_FUNCTION_IMAGE } from '../../constructs/python-function.js';
import type { Manifest } from '../../constructs/synthesize-manifests.js';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { ClusterClient } from '../cluster/cluster-client.js';
import { applyServerSide, ensureCrd, platformFor } from '../cluster/platform-objects.js';
import { waitFor } from '../cluster/wait.js';

export const FUNCTION_SELECTOR = 'faas.poorman.dev/function';
const GATEWAY_DEPLOYMENT = 'faas-gateway';

export interface RealPlatformOptions {
  /** Run the synthesized gateway Deployment as a real pod. @default false */
  readonly gateway?: boolean;
}

export function withRuntimeImage(manifests: readonly Manifest[], image: string, options: RealPlatformOptions = {}): Manifest[] {
  return manifests
    .filter((m) => (options.gateway || !(m.kind === 'Deployment' && m.metadata.name === GATEWAY_DEPLOYMENT)) && m.kind !== 'CustomResourceDefinition')
    .map((m) => {
      if (m.kind !== 'Deployment' || m.metadata.name === GATEWAY_DEPLOYMENT) return m;
      const copy = structuredClone(m) as any;
      for (const c of copy.spec.template.spec.containers) {
        if (c.image !== DEFAULT_FUNCTION_IMAGE) throw new Error(`${m.metadata.name} runs ${c.image}, not the default function image`);
        c.image = image;
      }
      return copy;
    });
}

export async function applyOnRealNode(
  cluster: ClusterClient,
  namespace: string,
  functions: readonly FunctionDefinition[],
  image: string,
  options: RealPlatformOptions = {},
): Promise<Manifest[]> {
  await ensureCrd(cluster);
  const manifests = withRuntimeImage(platformFor(namespace, functions), image, options);
  await applyServerSide(cluster, manifests);
  return manifests;
}

/** The pods of one function, as the API server has them. */
export async function podsOf(cluster: ClusterClient, namespace: string, fn: string): Promise<any[]> {
  return (await cluster.getJson(['pods', '-n', namespace, '-l', `${FUNCTION_SELECTOR}=${fn}`])).items;
}

export function isReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Resolves the first Ready pod of `fn`; a real pod start under load can take minutes. */
export async function readyPod(cluster: ClusterClient, namespace: string, fn: string): Promise<any> {
  let ready: any;
  await waitFor(`a Ready pod of ${fn}`, async () => {
    ready = (await podsOf(cluster, namespace, fn)).find(isReady);
    return ready !== undefined;
  }, { deadlineMs: 180_000 });
  return ready;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const faasBin = new URL('../../bin/faas.js', import.meta.url).pathname;

/** The `faas` CLI against the test cluster's namespace, as a user runs it. */
export function faasCli(cluster: ClusterClient, namespace: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [faasBin, ...faasTarget(cluster, namespace, args)],
      { env: { ...process.env, FAAS_FUNCTIONS_DIR: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

/** A long-running `faas` command (`logs -f`), its output collected as it comes. */
export function spawnFaasCli(cluster: ClusterClient, namespace: string, args: readonly string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [faasBin, ...faasTarget(cluster, namespace, args)], {
    env: { ...process.env, FAAS_FUNCTIONS_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

function faasTarget(cluster: ClusterClient, namespace: string, args: readonly string[]): string[] {
  return [...args, '-n', namespace, '--kubeconfig', cluster.kubeconfigPath];
}
