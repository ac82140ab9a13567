import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_HOST_NODE_PREFIX, WARM_TEST_HOST_NODE_PREFIX } from './kwok-stages.js';
import { writeKubeconfig } from './kubeconfig.js';
import { createTestHost, type TestHost } from './test-host.js';
import type { ManagedProcess } from './managed-process.js';
import { waitFor } from './wait.js';

/** What a test needs to reach a running cluster; plain data, so it crosses processes. */
export interface ClusterInfo {
  readonly server: string;
  /** Cluster-admin kubeconfig. */
  readonly kubeconfigPath: string;
  readonly caCertPath: string;
  readonly binDir: string;
  /** Temporary directory holding logs, certificates and etcd's data. */
  readonly workDir: string;
  /** The fake node that takes every pod not placed on a test host. */
  readonly defaultNode: string;
}

/** Label that tells kwok to manage a node. */
export const KWOK_NODE_LABEL = 'poorman-faas.test/kwok';
const TEST_HOST_KEY = 'poorman-faas.test/test-host';

/** A test host with its fake node: pods placed there get the host's IP. */
export interface ClusterTestHost extends TestHost {
  readonly nodeName: string;
  /** Spread into a pod spec to schedule it on this host's node. */
  readonly placement: {
    readonly nodeSelector: Record<string, string>;
    readonly tolerations: { key: string; operator: 'Equal'; value: string; effect: 'NoSchedule' }[];
  };
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `apply -f -`). */
  readonly input?: string;
  /** Impersonates this user (`--as`), e.g. `system:serviceaccount:ns:name`. */
  readonly as?: string;
  /** Another kubeconfig than the admin one, e.g. from kubeconfigFor(). */
  readonly kubeconfig?: string;
}

/** The node object kwok turns into a Ready node; its InternalIP is what the Stages hand out. */
export function nodeManifest(name: string, ip: string, extra: { labels?: object; spec?: object } = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { [KWOK_NODE_LABEL]: 'true', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...extra.labels },
    },
    spec: { ...extra.spec },
    status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
  };
}

export class ClusterClient {
  private readonly hosts = new Set<ClusterTestHost>();

  constructor(readonly info: ClusterInfo) {}

  get server(): string {
    return this.info.server;
  }

  get kubeconfigPath(): string {
    return this.info.kubeconfigPath;
  }

  /** Runs the cluster's own kubectl (as cluster-admin by default); resolves stdout, rejects with stderr. */
  kubectl(args: readonly string[], opts: KubectlOptions = {}): Promise<string> {
    const full = ['--kubeconfig', opts.kubeconfig ?? this.info.kubeconfigPath, ...(opts.as ? ['--as', opts.as] : []), ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(join(this.info.binDir, 'kubectl'), full, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(stdout);
        else reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Parses `kubectl get ... -o json`. */
  async getJson<T = any>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.kubectl(['get', ...args, '-o', 'json'])) as T;
  }

  /** A bound token of an existing service account (TokenRequest), for RBAC tests. */
  async tokenFor(namespace: string, serviceAccount: string, duration = '1h'): Promise<string> {
    return (await this.kubectl(['create', 'token', serviceAccount, '-n', namespace, `--duration=${duration}`])).trim();
  }

  /** A kubeconfig that acts as the service account; returns its path. */
  async kubeconfigFor(namespace: string, serviceAccount: string): Promise<string> {
    const dir = join(this.info.workDir, 'kubeconfigs');
    await mkdir(dir, { recursive: true });
    const token = await this.tokenFor(namespace, serviceAccount);
    return writeKubeconfig(join(dir, `${namespace}.${serviceAccount}.json`), this.info.server, this.info.caCertPath,
      `${namespace}/${serviceAccount}`, { token });
  }

  /**
   * Creates a test host and a Ready fake node for it. The node is tainted, so
   * only pods that carry `placement` land there; with `taint: false` (and the
   * default node cordoned) every new pod does, manifests left as they are.
   *
   * Its pods run and stay not Ready until runPodProcesses (pod-processes.ts) starts their
   * containers; with `warm: true` kwok makes them Ready at once instead, for a test that checks
   * the host and kwok's placement with a process of its own (`host.exec`), not a pod's.
   */
  async createTestHost(name: string, opts: { taint?: boolean; warm?: boolean } = {}): Promise<ClusterTestHost> {
    const nodeName = `${opts.warm ? WARM_TEST_HOST_NODE_PREFIX : TEST_HOST_NODE_PREFIX}${name}`;
    const host = await createTestHost(name);
    const placement = {
      nodeSelector: { 'kubernetes.io/hostname': nodeName },
      tolerations: [{ key: TEST_HOST_KEY, operator: 'Equal' as const, value: name, effect: 'NoSchedule' as const }],
    };
    const result: ClusterTestHost = {
      ...host,
      nodeName,
      placement,
      destroy: async () => {
        this.hosts.delete(result);
        await this.kubectl(['delete', 'node', nodeName, '--ignore-not-found', '--wait=false']).catch(() => undefined);
        await host.destroy();
      },
    };
    this.hosts.add(result);
    try {
      const node = nodeManifest(nodeName, host.ip, {
        labels: { [TEST_HOST_KEY]: name },
        spec: opts.taint === false ? {} : { taints: [{ key: TEST_HOST_KEY, value: name, effect: 'NoSchedule' }] },
      });
      await this.kubectl(['create', '-f', '-'], { input: JSON.stringify(node) });
      await this.waitForNodeReady(nodeName);
    } catch (error) {
      await result.destroy();
      throw error;
    }
    return result;
  }

  /** `process` is the kwok that should make it Ready, for its log on failure. */
  async waitForNodeReady(nodeName: string, process?: ManagedProcess): Promise<void> {
    await waitFor(`node ${nodeName} to be Ready`, async () => {
      const node = await this.getJson(['node', nodeName]);
      const ready = node.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
      const addressed = node.status?.addresses?.some((a: any) => a.type === 'InternalIP');
      // Node lifecycle lifts this taint once it has seen the node Ready.
      const tainted = node.spec?.taints?.some((t: any) => t.key === 'node.kubernetes.io/not-ready');
      return Boolean(ready && addressed && !tainted);
    }, { process });
  }

  /** Destroys the test hosts made through this client. */
  async destroyTestHosts(): Promise<void> {
    await Promise.all([...this.hosts].map((host) => host.destroy()));
  }
}
