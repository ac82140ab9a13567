import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `deploy-test-${process.pid}`;
const faasBin = new URL('../../bin/faas.js', import.meta.url).pathname;
const fixture = new URL('../fixtures/deploy-functions', import.meta.url).pathname;
const KINDS = 'functions.faas.poorman.dev,horizontalpodautoscalers,deployments,services,configmaps';

let project: string;

/** Runs the real CLI in the test project, against the test cluster's kubeconfig. */
function faas(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [faasBin, ...args, '--kubeconfig', cluster.kubeconfigPath],
      { cwd: project, env: { ...process.env, FAAS_FUNCTIONS_DIR: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

async function deployJson(): Promise<any> {
  // The CRD is cluster-wide and other files of this tier apply it with kubectl, so this file's
  // deploys take its fields over the way a user switching tools would be told to.
  const result = await faas(['deploy', '-o', 'json', '--force-conflicts']);
  expect(result.stderr + result.stdout).not.toMatch(/^faas: /m);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** `kind/name` → resourceVersion of every function object in the namespace. */
async function versions(selector = 'faas.poorman.dev/function'): Promise<Map<string, string>> {
  const list = await cluster.getJson([KINDS, '-n', namespace, '-l', selector]);
  return new Map(list.items.map((o: any) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
}

beforeAll(() => {
  // given a project with two functions and its own namespace
  project = mkdtempSync(join(tmpdir(), 'faas-deploy-'));
  cpSync(fixture, join(project, 'functions'), { recursive: true });
  writeFileSync(join(project, 'faas.config.json'), JSON.stringify({ namespace }));
});

afterAll(async () => {
  await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  rmSync(project, { recursive: true, force: true });
});

describe('faas deploy against a real API server', () => {
  it('creates the platform and every function, then waits for the gateway', async () => {
    const result = await deployJson();
    expect(result.namespace).toBe(namespace);
    expect(result.functions).toEqual(['alpha', 'beta']);
    const namespaced = result.applied.filter((a: any) => a.namespace === namespace);
    expect(namespaced.length).toBeGreaterThan(10);
    expect(namespaced.every((a: any) => a.action === 'created')).toBe(true);
    expect(result.gateway.done).toBe(true);
    const objects = await versions();
    expect([...objects.keys()].sort()).toEqual(
      ['ConfigMap/alpha-code', 'ConfigMap/beta-code', 'Deployment/alpha', 'Deployment/beta', 'Function/alpha', 'Function/beta',
        'HorizontalPodAutoscaler/alpha', 'HorizontalPodAutoscaler/beta', 'Service/alpha', 'Service/beta'].sort(),
    );
  });

  it('changes nothing when deployed again unchanged', async () => {
    const before = await versions('app.kubernetes.io/part-of=poorman-faas');
    const result = await deployJson();
    expect(result.applied.filter((a: any) => a.action !== 'unchanged')).toEqual([]);
    expect(result.pruned).toEqual([]);
    expect(await versions('app.kubernetes.io/part-of=poorman-faas')).toEqual(before);
  });

  it('prunes a function removed from the folder and leaves the others untouched', async () => {
    const alphaBefore = await versions('faas.poorman.dev/function=alpha');
    // a ConfigMap of a function that `faas deploy` never applied (made by kubectl) is not its to prune
    await cluster.kubectl(['-n', namespace, 'create', 'configmap', 'gamma-code', '--from-literal=x=1']);
    await cluster.kubectl(['-n', namespace, 'label', 'configmap', 'gamma-code', 'app.kubernetes.io/part-of=poorman-faas', 'faas.poorman.dev/function=gamma']);
    rmSync(join(project, 'functions', 'beta.py'));

    const result = await deployJson();

    expect(result.functions).toEqual(['alpha']);
    expect(result.pruned.map((p: any) => `${p.kind}/${p.name}`).sort()).toEqual(
      ['ConfigMap/beta-code', 'Deployment/beta', 'Function/beta', 'HorizontalPodAutoscaler/beta', 'Service/beta'],
    );
    expect((await versions('faas.poorman.dev/function=beta')).size).toBe(0);
    expect(await versions('faas.poorman.dev/function=alpha')).toEqual(alphaBefore);
    expect((await versions('faas.poorman.dev/function=gamma')).size).toBe(1);
  });
  it('prints what it did as a table and a summary line', async () => {
    const result = await faas(['deploy', '--force-conflicts']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^KIND +NAMESPACE +NAME +RESULT$/m);
    expect(result.stdout).toMatch(/^Deployment +deploy-test-\d+ +alpha +unchanged$/m);
    expect(result.stdout).toMatch(new RegExp(`^1 function in namespace ${namespace} on context .+: \\d+ unchanged; gateway ready \\(1 of 1 replicas available\\)$`, 'm'));
    // progress goes to stderr, as plain lines when it is not a terminal
    expect(result.stderr).toMatch(/^deploying .*functions to context /m);
    expect(result.stderr).toMatch(/^waiting for the gateway/m);
  });
});

describe('faas describe, logs and delete', () => {
  it('describes a deployed function as JSON and as text', async () => {
    const json = await faas(['describe', 'alpha', '-n', namespace, '-o', 'json']);
    expect(json.code).toBe(0);
    const description = JSON.parse(json.stdout);
    expect(description.spec.maxReplicas).toBe(3);
    expect(description.objects.map((o: any) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Function', 'HorizontalPodAutoscaler', 'Service']);
    const text = await faas(['describe', 'alpha', '-n', namespace]);
    expect(text.stdout).toMatch(/^Name: +alpha$/m);
    expect(text.stdout).toMatch(/^KIND +NAME +AGE$/m);
    expect(text.stdout).toMatch(/^Max replicas: +3$/m);
  });

  it('says a function is unknown rather than printing nothing', async () => {
    for (const command of ['describe', 'delete', 'logs']) {
      const result = await faas([command, 'nope', '-n', namespace]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/function 'nope'/);
    }
  });

  it('deletes every object of one function', async () => {
    const result = await faas(['delete', 'alpha', '-n', namespace, '-o', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).deleted).toHaveLength(5);
    expect((await versions('faas.poorman.dev/function=alpha')).size).toBe(0);
  });
});

describe('faas deploy with bad input', () => {
  it('names an unknown context and lists the known ones', async () => {
    const result = await faas(['deploy', '--context', 'no-such-context']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no context 'no-such-context' in the kubeconfig; known contexts: /);
  });

  it('stops on a broken script before applying anything', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'faas-broken-'));
    writeFileSync(join(broken, 'bad.py'), '# /// script\n# [tool.faas]\n# min-replicas = "many"\n# ///\n');
    const result = await faas(['deploy', '-f', broken]);
    rmSync(broken, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.py:3: /);
  });

  it('refuses a timeout that is not a duration', async () => {
    const result = await faas(['deploy', '--timeout', 'soon']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--timeout 'soon' is not a duration/);
  });
});
