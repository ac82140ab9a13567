/**
 * One real node beside the test cluster's control plane: containerd (with runc and the CNI
 * bridge) and a kubelet registered as `faas-node-0`, both built by test/nodes/setup. Pods run as
 * real containers; their IPs (on a bridge of this machine) answer from the host. The node's
 * address is put on `lo`, so its kubelet is reachable only from this machine; so is the
 * `kubernetes` Service's address, forwarded to the API server, so pods reach it in-cluster.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ClusterClient } from '../cluster/cluster-client.js';
import { onExit } from '../cluster/exit-cleanup.js';
import { ManagedProcess } from '../cluster/managed-process.js';
import { isAlive } from '../cluster/stale-clusters.js';
import { freePort, httpOk, waitFor } from '../cluster/wait.js';
import { buildGatewayImage } from './gateway-image.js';
import { forwardService } from './kubernetes-service.js';
import { readSweepRecord, recordMachineState, sweep, type SweepRecord } from './node-sweep.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const WORK_DIR_PREFIX = 'poorman-faas-node-';

export const REAL_NODE = 'faas-node-0';
/** From the benchmarking range (RFC 2544), which no real network here uses. */
const NODE_IP = '198.18.0.1';
const POD_CIDR = '198.19.0.0/24';
const BRIDGE = 'faas-cni0';

/** Plain data for test files. */
export interface RealNodeInfo {
  readonly name: string;
  /** The image that stands in for the default function image, imported into the node. */
  readonly runtimeImage: string;
  /** The gateway image built from this checkout, imported under the reference synth writes. */
  readonly gatewayImage: string;
  readonly workDir: string;
}

export interface RealNode {
  readonly info: RealNodeInfo;
  stop(): Promise<void>;
}

export const PAUSE_IMAGE = readText('pause-image');
export const RUNTIME_IMAGE = readText('runtime-image');

function readText(name: string): string {
  return readFileSync(join(here, name), 'utf8').trim();
}

/** Runs test/nodes/setup and returns its cache dir (bin/, images/). */
export async function ensureNodeBinaries(): Promise<string> {
  try {
    const { stdout } = await run(join(here, 'setup'), [], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim().split('\n').at(-1)!;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`test/nodes/setup failed: ${String(error)}\n${stderr.split('\n').slice(-30).join('\n')}`);
  }
}

/** Sweeps what a node of a dead run left; refuses to start beside a live one (they would share sysctls). */
function reapStaleNodes(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const record = readSweepRecord(dir);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, 'owner'), 'utf8').trim());
    } catch {
      // No owner file: a start that died at once.
    }
    if (owner && isAlive(owner)) {
      throw new Error(`a real test node of process ${owner} is running (${dir}); one node per machine, wait for that run to end`);
    }
    if (record) sweep(record);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startRealNode(cluster: ClusterClient, nodeDir: string): Promise<RealNode> {
  reapStaleNodes();
  const bin = join(nodeDir, 'bin');
  const workDir = mkdtempSync(join(tmpdir(), WORK_DIR_PREFIX));
  writeFileSync(join(workDir, 'owner'), String(process.pid));
  const apiService = (await cluster.getJson(['service', 'kubernetes', '-n', 'default'])).spec;
  const record: SweepRecord = recordMachineState({
    workDir,
    binDir: bin,
    cgroupRoot: `/${WORK_DIR_PREFIX}${process.pid}`,
    links: [BRIDGE],
    addresses: [
      { address: `${NODE_IP}/32`, dev: 'lo' },
      { address: `${apiService.clusterIP}/32`, dev: 'lo' },
    ],
  });
  const unregister = onExit(() => {
    sweep(record);
    rmSync(workDir, { recursive: true, force: true });
  });
  const processes: ManagedProcess[] = [];
  let forward: Awaited<ReturnType<typeof forwardService>> | undefined;
  let stopped = false;
  const stop = async (keepLogs = false) => {
    if (stopped) return;
    stopped = true;
    for (const p of [...processes].reverse()) await p.stop();
    await forward?.close();
    sweep(record);
    unregister();
    if (!keepLogs) rmSync(workDir, { recursive: true, force: true });
  };
  try {
    execFileSync('ip', ['addr', 'add', `${NODE_IP}/32`, 'dev', 'lo']);
    execFileSync('ip', ['addr', 'add', `${apiService.clusterIP}/32`, 'dev', 'lo']);
    const api = new URL(cluster.info.server);
    forward = await forwardService(apiService.clusterIP, apiService.ports[0].port, { host: api.hostname, port: Number(api.port) });
    for (const h of readdirSync('/sys/fs/cgroup')) {
      // The kubelet checks that its cgroup root exists in every hierarchy.
      if (h !== 'unified') mkdirSync(join('/sys/fs/cgroup', h, record.cgroupRoot), { recursive: true });
    }
    const socket = join(workDir, 'containerd.sock');
    await startContainerd(processes, bin, workDir, socket);
    const gateway = await buildGatewayImage(workDir);
    await importImages(bin, socket, [join(nodeDir, 'images', 'pause.tar'), join(nodeDir, 'images', 'runtime.tar'), gateway.tarball]);
    rmSync(gateway.tarball);
    const kubelet = await startKubelet(processes, bin, workDir, socket, record.cgroupRoot, cluster);
    await cluster.waitForNodeReady(REAL_NODE, kubelet);
    return { info: { name: REAL_NODE, runtimeImage: RUNTIME_IMAGE, gatewayImage: gateway.reference, workDir }, stop: () => stop() };
  } catch (error) {
    await stop(true).catch(() => undefined);
    throw error;
  }
}

async function startContainerd(processes: ManagedProcess[], bin: string, workDir: string, socket: string): Promise<ManagedProcess> {
  const cni = join(workDir, 'cni');
  mkdirSync(join(cni, 'net.d'), { recursive: true });
  writeFileSync(
    join(cni, 'net.d', '10-bridge.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'faas-test',
      plugins: [
        {
          type: 'bridge',
          bridge: BRIDGE,
          isGateway: true,
          // Pods reach this machine's own addresses (the kubernetes Service's among them) through the bridge.
          isDefaultGateway: true,
          // No iptables here, and traffic stays on the machine: nothing to masquerade.
          ipMasq: false,
          ipam: { type: 'host-local', ranges: [[{ subnet: POD_CIDR }]], dataDir: join(cni, 'ipam') },
        },
        { type: 'loopback' },
      ],
    }),
  );
  const config = join(workDir, 'containerd.toml');
  writeFileSync(
    config,
    `version = 3
root = "${workDir}/containerd/root"
state = "${workDir}/containerd/state"
[grpc]
  address = "${socket}"
[ttrpc]
  address = "${socket}.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "${workDir}/containerd/opt"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "${PAUSE_IMAGE}"
[plugins.'io.containerd.cri.v1.runtime']
  # Root here lacks CAP_SYS_RESOURCE: runc may only raise oom_score_adj.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "${bin}/runc"
        Root = "${workDir}/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["${bin}/cni"]
    conf_dir = "${cni}/net.d"
`,
  );
  // containerd finds its shim on PATH.
  const p = new ManagedProcess('containerd', join(workDir, 'containerd.log'), '/usr/bin/env', [
    `PATH=${bin}:${process.env.PATH}`,
    join(bin, 'containerd'),
    `--config=${config}`,
  ]);
  processes.push(p);
  await waitFor('containerd to serve', async () => {
    await run(join(bin, 'ctr'), ['--address', socket, 'version']);
    return true;
  }, { process: p });
  return p;
}

async function importImages(bin: string, socket: string, tarballs: readonly string[]): Promise<void> {
  for (const tarball of tarballs) {
    await run(join(bin, 'ctr'), ['--address', socket, '-n', 'k8s.io', 'images', 'import', '--platform', 'linux/amd64', tarball]);
  }
}

async function startKubelet(
  processes: ManagedProcess[],
  bin: string,
  workDir: string,
  socket: string,
  cgroupRoot: string,
  cluster: ClusterClient,
): Promise<ManagedProcess> {
  const [port, healthz] = [await freePort(), await freePort()];
  const config = join(workDir, 'kubelet.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      // This machine has cgroup v1, and no systemd to drive cgroups.
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      cgroupRoot,
      containerRuntimeEndpoint: `unix://${socket}`,
      address: NODE_IP,
      port,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: healthz,
      // The API server calls it for logs and exec with no client certificate; only this machine reaches it.
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      authorization: { mode: 'AlwaysAllow' },
      podLogsDir: join(workDir, 'pod-logs'),
      failSwapOn: false,
      makeIPTablesUtilChains: false,
      resolvConf: '',
      // The imported images have no registry to come back from.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      serializeImagePulls: false,
      syncFrequency: '5s',
    }),
  );
  const p = new ManagedProcess('kubelet', join(workDir, 'kubelet.log'), join(bin, 'kubelet'), [
    `--config=${config}`,
    `--kubeconfig=${cluster.kubeconfigPath}`,
    `--root-dir=${join(workDir, 'kubelet')}`,
    `--hostname-override=${REAL_NODE}`,
    `--node-ip=${NODE_IP}`,
    `--cert-dir=${join(workDir, 'kubelet-pki')}`,
  ]);
  processes.push(p);
  await waitFor('the kubelet to be healthy', () => httpOk(`http://127.0.0.1:${healthz}/healthz`), { process: p });
  return p;
}
