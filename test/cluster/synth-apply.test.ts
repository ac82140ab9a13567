/**
 * Everything `npm run synth` writes for functions/ is accepted by a real API server with
 * server-side apply, applying it again changes nothing, and Function objects list with the
 * CRD's printer columns.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { applyManifests } from '../../infra/deploy/apply-manifests.js';
import { ClusterClient } from './harness.js';
import { applyServerSide } from './platform-objects.js';

const run = promisify(execFile);
const cluster = new ClusterClient(inject('cluster'));
const outDir = mkdtempSync(join(tmpdir(), 'synth-apply-'));
const NAMESPACE = 'faas';
let objects: any[] = [];

/** `kind/namespace/name` → resourceVersion of every synthesized object, read back from the server. */
async function resourceVersions(): Promise<Record<string, string>> {
  const live = JSON.parse(await cluster.kubectl(['get', '-f', join(outDir, 'poorman-faas.k8s.yaml'), '-o', 'json']));
  const items: any[] = live.kind === 'List' ? live.items : [live];
  return Object.fromEntries(
    items.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion as string]),
  );
}

describe('npm run synth applied to a real API server', () => {
  beforeAll(async () => {
    // Given what a user's `npm run synth` writes for the project's functions folder
    await run('node', ['infra/run-synth.mjs'], { env: { ...process.env, FAAS_OUT_DIR: outDir, FAAS_FUNCTIONS_DIR: 'functions' } });
    const text = readFileSync(join(outDir, 'poorman-faas.k8s.yaml'), 'utf8');
    objects = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
  });

  afterAll(async () => {
    await cluster.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('is accepted object by object with server-side apply, CRD established first', async () => {
    const output = await applyServerSide(cluster, objects);

    const applied = output.split('\n').filter((line) => line.trim() !== '');
    expect(applied).toHaveLength(objects.length);
    expect(applied.every((line) => line.endsWith('serverside-applied'))).toBe(true);
    const kinds = new Set(objects.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(
      ['ConfigMap', 'CustomResourceDefinition', 'Deployment', 'Function', 'HorizontalPodAutoscaler', 'Namespace',
        'NetworkPolicy', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'].sort(),
    );
    const live = await resourceVersions();
    expect(Object.keys(live)).toHaveLength(objects.length);
  });

  it('changes nothing when applied again', async () => {
    const before = await resourceVersions();

    await applyServerSide(cluster, objects);
    const diff = await cluster.kubectl(['diff', '--server-side', '-f', join(outDir, 'poorman-faas.k8s.yaml')]);

    expect(await resourceVersions()).toEqual(before);
    expect(diff).toBe('');
  });

  it('lists Function objects with the printer columns of the CRD', async () => {
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition');
    const columns: any[] = crd.spec.versions[0].additionalPrinterColumns;
    const functions = objects.filter((o) => o.kind === 'Function').map((o) => o.metadata.name).sort();

    const table = await cluster.kubectl(['get', 'functions', '-n', NAMESPACE, '-o', 'wide']);

    const [header, ...rows] = table.trim().split('\n');
    const headings = header!.trim().split(/\s{2,}/);
    expect(headings).toEqual(['NAME', ...columns.map((c) => String(c.name).toUpperCase())]);
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual(functions);
    expect(functions.length).toBeGreaterThan(0);
  });

  it('is taken over by faas deploy from kubectl without losing a field', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);

    // Taking over as a user switching tools would (--force-conflicts): the gateway's fieldRef is an
    // atomic struct the API server completes with apiVersion, so a second manager conflicts on it.
    const applied = await applyManifests(kc, objects, { forceConflicts: true });

    expect(applied).toHaveLength(objects.length);
    // What faas deploy sent is what synth wrote: the CRD's defaults and the NetworkPolicy's peers are still there.
    const live = async (kind: string, name: string, ns?: string) => cluster.getJson([kind, name, ...(ns ? ['-n', ns] : [])]);
    const policy = objects.find((o) => o.kind === 'NetworkPolicy');
    expect((await live('networkpolicy', policy.metadata.name, NAMESPACE)).spec).toEqual(policy.spec);
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition');
    const liveCrd = await live('crd', crd.metadata.name);
    expect(liveCrd.spec.versions[0].schema).toEqual(crd.spec.versions[0].schema);
    expect(JSON.stringify(crd.spec.versions[0].schema)).toContain('"default"');
  });
});
