/**
 * faas deploy by someone who holds rights in one namespace only: with `createNamespace` and
 * `createCrd` off in faas.config.json it writes nothing cluster-scoped, and with them on the API
 * server's refusal names the object it could not create.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';
import { ensureCrd } from './platform-objects.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `team-only-${process.pid}`;
const faasBin = new URL('../../bin/faas.js', import.meta.url).pathname;
const fixture = new URL('../fixtures/deploy-functions', import.meta.url).pathname;

let project: string;
let kubeconfig: string;

function faas(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [faasBin, ...args, '--kubeconfig', kubeconfig],
      { cwd: project, env: { ...process.env, FAAS_FUNCTIONS_DIR: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  // given a cluster admin who installed the CRD and made a namespace with a deployer in it
  await ensureCrd(cluster);
  await cluster.kubectl(['create', 'namespace', namespace]);
  await cluster.kubectl(['create', 'serviceaccount', 'deployer', '-n', namespace]);
  await cluster.kubectl(['create', 'role', 'everything-here', '-n', namespace, '--verb=*', '--resource=*.*']);
  await cluster.kubectl(['create', 'rolebinding', 'deployer', '-n', namespace, '--role=everything-here', `--serviceaccount=${namespace}:deployer`]);
  kubeconfig = await cluster.kubeconfigFor(namespace, 'deployer');
  project = mkdtempSync(join(tmpdir(), 'faas-team-'));
  cpSync(fixture, join(project, 'functions'), { recursive: true });
});

afterAll(async () => {
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  rmSync(project, { recursive: true, force: true });
});

describe('faas deploy with namespace-scoped rights only', () => {
  it('is refused where the platform would create the namespace and the CRD, naming what it could not create', async () => {
    writeFileSync(join(project, 'faas.config.json'), JSON.stringify({ namespace }));
    const result = await faas(['deploy', '-o', 'json']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/forbidden/i);
    expect(result.stderr).toMatch(/namespaces|customresourcedefinitions/);
  });

  it('deploys the gateway and every function with createNamespace and createCrd off', async () => {
    writeFileSync(join(project, 'faas.config.json'), JSON.stringify({ namespace, createNamespace: false, createCrd: false }));
    const result = await faas(['deploy', '-o', 'json']);
    expect(result.stderr).not.toMatch(/^faas: /m);
    expect(result.code).toBe(0);
    const deployed = JSON.parse(result.stdout);
    expect(deployed.functions).toEqual(['alpha', 'beta']);
    expect(deployed.applied.length).toBeGreaterThan(10);
    expect(deployed.applied.every((a: { namespace?: string }) => a.namespace === namespace)).toBe(true);
    const live = await cluster.getJson(['functions.faas.poorman.dev', '-n', namespace]);
    expect(live.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort()).toEqual(['alpha', 'beta']);
  });
});
