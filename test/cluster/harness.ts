/**
 * The cluster tier's entry point. The global setup calls startCluster(); test
 * files reach that cluster with `new ClusterClient(inject('cluster'))`:
 *
 *   await cluster.kubectl(['apply', '-f', '-'], { input: manifestJson });
 *   const host = await cluster.createTestHost('echo');
 *   // give the pod spec host.placement: its pod IP becomes host.ip
 *   host.exec('python3', ['-m', 'http.server', '8080', '--bind', host.ip]);
 *   await host.destroy();
 */
import { rmSync } from 'node:fs';
import { readFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from './binaries.js';
import { onExit } from './exit-cleanup.js';
import { ClusterClient, KWOK_NODE_LABEL, nodeManifest, type ClusterInfo } from './cluster-client.js';
import { kwokConfig } from './kwok-stages.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ManagedProcess } from './managed-process.js';
import { createPki, type Pki } from './pki.js';
import { reapStaleClusters, recordOwner, recordProcessGroup, WORK_DIR_PREFIX } from './stale-clusters.js';
import { freePort, httpOk, waitFor } from './wait.js';

export { ClusterClient, type ClusterInfo, type ClusterTestHost, type KubectlOptions } from './cluster-client.js';
export type { TestHost } from './test-host.js';

export interface ClusterOptions {
  /** Where the binaries are; by default test/cluster/setup builds or finds them. */
  readonly binDir?: string;
  /** Keep logs, certificates and etcd's data after stop(); also FAAS_CLUSTER_KEEP=1. */
  readonly keepWorkDir?: boolean;
}

/** A running cluster: a client plus the means to stop it. */
export interface Cluster extends ClusterClient {
  /** Stops every process and test host and removes the work dir; safe to call twice. */
  stop(): Promise<void>;
}

const SERVICE_CIDR = '10.96.0.0/12';
const FIRST_SERVICE_IP = '10.96.0.1';
// Documentation ranges (RFC 5737): addresses the API server accepts in
// EndpointSlices that never belong to a real machine. Tests that send traffic
// to pods place them on a test host instead.
const DEFAULT_NODE_IP = '192.0.2.10';
const DEFAULT_POD_CIDR = '198.51.100.0/24';
const DEFAULT_NODE = 'kwok-node-0';

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
 * on free 127.0.0.1 ports, plus one fake node, and waits until a pod could run.
 * On failure everything started so far is stopped and the error carries the
 * failing process's log.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const binDir = opts.binDir ?? (await ensureBinaries());
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binDir, opts);
    } catch (error) {
      // A port found free can be taken by another run before our process binds it.
      if (attempt === 3 || !/address already in use/i.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(binDir: string, opts: ClusterOptions): Promise<Cluster> {
  reapStaleClusters();
  const workDir = await mkdtemp(join(tmpdir(), WORK_DIR_PREFIX));
  recordOwner(workDir);
  const keep = opts.keepWorkDir ?? process.env.FAAS_CLUSTER_KEEP === '1';
  // A kept dir loses its owner file, so no later start mistakes it for a leftover.
  const releaseWorkDir = (keepDir: boolean) =>
    rmSync(keepDir ? join(workDir, 'owner') : workDir, { recursive: true, force: true });
  const unregister = onExit(() => releaseWorkDir(keep));
  const processes: ManagedProcess[] = [];
  let client: ClusterClient | undefined;
  let stopped = false;

  const stop = async (keepDir = keep): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await client?.destroyTestHosts();
    for (const p of [...processes].reverse()) await p.stop();
    releaseWorkDir(keepDir);
    unregister();
  };

  const start = (name: string, args: string[]): ManagedProcess => {
    const p = new ManagedProcess(name, join(workDir, `${name}.log`), join(binDir, name), args);
    processes.push(p);
    if (p.child.pid !== undefined) recordProcessGroup(workDir, p.child.pid);
    return p;
  };

  try {
    await mkdir(join(workDir, 'pki'));
    const pki = await createPki(join(workDir, 'pki'), FIRST_SERVICE_IP);
    const etcdUrl = await startEtcd(start, workDir);
    const server = await startApiServer(start, pki, etcdUrl);
    const kubeconfigPath = await writeKubeconfig(join(workDir, 'admin.kubeconfig'), server, pki.caCert, 'admin', {
      clientCertificate: pki.adminCert,
      clientKey: pki.adminKey,
    });
    const info: ClusterInfo = { server, kubeconfigPath, caCertPath: pki.caCert, binDir, workDir, defaultNode: DEFAULT_NODE };
    client = new ClusterClient(info);
    const kwok = await startControlPlane(start, pki, kubeconfigPath, workDir);
    await createDefaultNode(client, kwok);
    await waitFor('the default service account', async () => {
      await client!.kubectl(['get', 'serviceaccount', 'default', '-n', 'default']);
      return true;
    }, { process: processes.find((p) => p.name === 'kube-controller-manager') });
    return Object.assign(client, { stop: () => stop() }) as Cluster;
  } catch (error) {
    // The error names a log in the work dir; keep it for reading.
    await stop(true).catch(() => undefined);
    throw error;
  }
}

type Starter = (name: string, args: string[]) => ManagedProcess;

async function startEtcd(start: Starter, workDir: string): Promise<string> {
  const [client, peer] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const etcd = start('etcd', [
    '--name=test',
    `--data-dir=${join(workDir, 'etcd')}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=test=${peerUrl}`,
    // Throwaway data: durability only costs time on a shared disk.
    '--unsafe-no-fsync',
  ]);
  await waitFor('etcd to be healthy', () => httpOk(`${clientUrl}/health`), { process: etcd });
  return clientUrl;
}

async function startApiServer(start: Starter, pki: Pki, etcdUrl: string): Promise<string> {
  const port = await freePort();
  const apiserver = start('kube-apiserver', [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    // 127.0.0.1 is not a valid endpoint for the kubernetes Service; with no
    // reconciler it is never written there.
    '--endpoint-reconciler-type=none',
    // A real node's name is no DNS name here; logs and exec reach its kubelet by address.
    '--kubelet-preferred-address-types=InternalIP,Hostname',
  ]);
  const server = `https://127.0.0.1:${port}`;
  const tls = {
    ca: await readFile(pki.caCert),
    cert: await readFile(pki.adminCert),
    key: await readFile(pki.adminKey),
  };
  await waitFor('kube-apiserver to be ready', () => httpOk(`${server}/readyz`, tls), { process: apiserver });
  return server;
}

/** Starts the controllers, the scheduler and kwok; returns kwok. */
async function startControlPlane(start: Starter, pki: Pki, kubeconfig: string, workDir: string): Promise<ManagedProcess> {
  const [kcmPort, schedulerPort] = [await freePort(), await freePort()];
  const kcm = start('kube-controller-manager', [
    `--kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${kcmPort}`,
    '--leader-elect=false',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
  ]);
  const scheduler = start('kube-scheduler', [
    `--kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${schedulerPort}`,
    '--leader-elect=false',
  ]);
  const kwokConfigPath = join(workDir, 'kwok.yaml');
  await writeFile(kwokConfigPath, kwokConfig());
  const kwok = start('kwok', [
    `--kubeconfig=${kubeconfig}`,
    `--config=${kwokConfigPath}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-label-selector=${KWOK_NODE_LABEL}=true`,
    // Lease heartbeats keep node lifecycle from tainting the fake nodes.
    '--node-lease-duration-seconds=40',
    `--cidr=${DEFAULT_POD_CIDR}`,
  ]);
  const insecure = { insecure: true };
  await Promise.all([
    waitFor('kube-controller-manager to be healthy', () => httpOk(`https://127.0.0.1:${kcmPort}/healthz`, insecure), { process: kcm }),
    waitFor('kube-scheduler to be healthy', () => httpOk(`https://127.0.0.1:${schedulerPort}/healthz`, insecure), { process: scheduler }),
  ]);
  kwok.assertRunning();
  return kwok;
}

async function createDefaultNode(client: ClusterClient, kwok: ManagedProcess): Promise<void> {
  const node = nodeManifest(DEFAULT_NODE, DEFAULT_NODE_IP, { spec: { podCIDR: DEFAULT_POD_CIDR, podCIDRs: [DEFAULT_POD_CIDR] } });
  await client.kubectl(['create', '-f', '-'], { input: JSON.stringify(node) });
  await client.waitForNodeReady(DEFAULT_NODE, kwok);
}
