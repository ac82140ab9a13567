import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterClient } from './harness.js';

// test/pulumi/setup builds the CLI, the Node.js language host and the Kubernetes provider at the
// versions of the npm packages, or exits 3 naming each one the module proxy will not serve.
const root = new URL('../..', import.meta.url).pathname;
const setup = spawnSync(join(root, 'test/pulumi/setup'), { encoding: 'utf8' });
if (setup.status !== 0 && setup.status !== 3) throw new Error(`test/pulumi/setup failed:\n${setup.stderr}`);
const binDir = setup.stdout.trim().split('\n').at(-1)!;
const unavailable = setup.status === 3 ? setup.stderr.split('\n').filter((l) => l.includes('cannot build')).join('; ') : '';

const cluster = new ClusterClient(inject('cluster'));
const namespace = `pulumi-test-${process.pid}`;
const stack = `cluster-test-${process.pid}`;
// Commands that read stack config take it from the work dir, not a Pulumi.<stack>.yaml in the repository.
const CONFIG_COMMANDS = new Set(['config', 'up', 'preview', 'destroy']);
const KINDS = 'functions.faas.poorman.dev,horizontalpodautoscalers,deployments,services,configmaps';
let work: string;

function pulumi(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    PATH: `${binDir}${delimiter}${process.env.PATH}`,
    PULUMI_HOME: join(work, 'home'),
    PULUMI_BACKEND_URL: `file://${join(work, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: '',
    // Nothing may be downloaded: every plugin is the one built by test/pulumi/setup.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    KUBECONFIG: cluster.kubeconfigPath,
  };
  return new Promise((resolve) => {
    const configFile = CONFIG_COMMANDS.has(args[0]!) ? ['--config-file', join(work, `Pulumi.${stack}.yaml`)] : [];
    const full = [...args, ...configFile, '--cwd', root, '--stack', stack, '--non-interactive'];
    execFile(join(binDir, 'pulumi'), full, { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

async function ok(args: string[]): Promise<string> {
  const result = await pulumi(args);
  expect(result.code, `pulumi ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/**
 * What a write of Pulumi's would move, per object: its generation (spec), labels, annotations and
 * field managers. Not the resourceVersion, which kube-controller-manager moves on every status
 * write it makes meanwhile (the HPAs' `FailedGetResourceMetric` without a metrics server).
 */
async function writtenState(selector: string): Promise<Map<string, unknown>> {
  const list = await cluster.getJson([KINDS, '-n', namespace, '-l', selector, '--show-managed-fields']);
  return new Map(
    list.items.map((o: any) => [
      `${o.kind}/${o.metadata.name}`,
      {
        generation: o.metadata.generation,
        labels: o.metadata.labels,
        annotations: o.metadata.annotations,
        managers: o.metadata.managedFields
          .filter((f: any) => f.subresource !== 'status' && f.manager !== 'kube-controller-manager')
          .map((f: any) => `${f.manager}/${f.operation}`)
          .sort(),
      },
    ]),
  );
}

function startWork(): void {
  work = mkdtempSync(join(tmpdir(), 'faas-pulumi-'));
  mkdirSync(join(work, 'state'));
}

async function endWork(): Promise<void> {
  await pulumi(['stack', 'rm', '--yes', '--force']);
  // `stack init` writes the stack's settings file next to Pulumi.yaml whatever --config-file says.
  rmSync(join(root, `Pulumi.${stack}.yaml`), { force: true });
  rmSync(work, { recursive: true, force: true });
}

describe('the Pulumi CLI built from Go modules', () => {
  beforeAll(startWork);
  afterAll(endWork);

  it('reads Pulumi.yaml and its config declarations, defaults included', async () => {
    await ok(['stack', 'init', '--no-select']);
    await ok(['config', 'set', 'namespace', 'team-a']);
    const config = JSON.parse(await ok(['config', '--json']));
    expect(config['poorman-faas:namespace'].value).toBe('team-a');
    expect(config['poorman-faas:functionsDir'].value).toBe('functions');
    expect(config['poorman-faas:gatewayImage'].value).toBe('');
  });
});

describe.skipIf(unavailable !== '')(`pulumi up against a real API server${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    startWork();
    cpSync(new URL('../fixtures/deploy-functions', import.meta.url).pathname, join(work, 'functions'), { recursive: true });
    await ok(['stack', 'init', '--no-select']);
    await ok(['config', 'set', 'namespace', namespace]);
    // Relative, as a user writes it in Pulumi.<stack>.yaml: against the folder of Pulumi.yaml.
    await ok(['config', 'set', 'functionsDir', relative(root, join(work, 'functions'))]);
  });

  afterAll(endWork);

  it('creates the platform and both functions', async () => {
    await ok(['up', '--yes', '--skip-preview']);
    expect((await writtenState('faas.poorman.dev/function')).size).toBe(10);
    expect(JSON.parse(await ok(['stack', 'output', 'functionNames', '--json']))).toEqual(['alpha', 'beta']);
  });

  it('changes nothing on a second up', async () => {
    const before = await writtenState('app.kubernetes.io/part-of=poorman-faas');
    await ok(['preview', '--expect-no-changes']);
    await ok(['up', '--yes', '--expect-no-changes']);
    expect(await writtenState('app.kubernetes.io/part-of=poorman-faas')).toEqual(before);
  });

  it('deletes a function removed from the folder and leaves the other untouched', async () => {
    const alpha = await writtenState('faas.poorman.dev/function=alpha');
    rmSync(join(work, 'functions', 'beta.py'));
    await ok(['up', '--yes', '--skip-preview']);
    expect((await writtenState('faas.poorman.dev/function=beta')).size).toBe(0);
    expect(await writtenState('faas.poorman.dev/function=alpha')).toEqual(alpha);
  });

  it('removes everything on destroy', async () => {
    await ok(['destroy', '--yes', '--skip-preview']);
    const phase = await cluster.kubectl(['get', 'namespace', namespace, '-o', 'jsonpath={.status.phase}', '--ignore-not-found']);
    expect(['', 'Terminating']).toContain(phase.trim());
  });
});
