import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordResources, valueOf, type Registered } from './mock-monitor.js';

const fixture = new URL('../../fixtures/deploy-functions', import.meta.url).pathname;

describe('the Pulumi program (infra/pulumi/program.ts) with stack config', () => {
  let registered: Registered[];
  let program: typeof import('../../../infra/pulumi/program.js');

  beforeAll(async () => {
    // given the stack config a user sets with `pulumi config set`
    registered = await recordResources({ namespace: 'faas-test', functionsDir: fixture, gatewayImage: 'registry.test/gateway:1', functionImage: 'registry.test/uv:1' });
    // when the program runs
    program = await import('../../../infra/pulumi/program.js');
    await valueOf(program.functionNames);
  });

  it('exports the namespace, the gateway Service and its in-cluster URL', async () => {
    expect(await valueOf(program.namespace)).toBe('faas-test');
    expect(await valueOf(program.gatewayServiceName)).toBe('faas-gateway');
    expect(await valueOf(program.gatewayUrl)).toBe('http://faas-gateway.faas-test.svc.cluster.local:8080');
  });

  it('exports every function of the configured folder', async () => {
    expect(await valueOf(program.functionNames)).toEqual(['alpha', 'beta']);
  });

  it('registers one PoormanFaas component', () => {
    expect(registered.filter((r) => r.type === 'poorman-faas:index:PoormanFaas').map((r) => r.name)).toEqual(['faas']);
  });

  it('puts the configured images on the gateway and the function pods', () => {
    const image = (name: string) => {
      const deployment = registered.find((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name === `faas:${name}`);
      const spec = deployment?.inputs.spec as { template: { spec: { containers: { image: string }[] } } };
      return spec.template.spec.containers[0]!.image;
    };
    expect(image('faas-gateway')).toBe('registry.test/gateway:1');
    expect(image('alpha')).toBe('registry.test/uv:1');
  });
});

// A second import of the whole program (Pulumi SDK included) takes seconds on a loaded machine: no time limit.
describe('the Pulumi program with the defaults Pulumi.yaml declares', { timeout: 0 }, () => {
  it("takes an empty image setting as the constructs' default", async () => {
    // given `pulumi config` as a new stack has it: every declared key, images empty
    vi.resetModules();
    const registered = await recordResources({ namespace: 'faas', functionsDir: fixture, gatewayImage: '', functionImage: '' });
    const program = await import('../../../infra/pulumi/program.js');
    await valueOf(program.functionNames);
    const { DEFAULT_FUNCTION_IMAGE } = await import('../../../constructs/python-function.js');
    const { defaultGatewayImage } = await import('../../../constructs/gateway-image.js');
    const image = (name: string) =>
      (registered.find((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name === `faas:${name}`)?.inputs.spec as any).template.spec.containers[0].image;
    expect(image('alpha')).toBe(DEFAULT_FUNCTION_IMAGE);
    expect(image('faas-gateway')).toBe(defaultGatewayImage());
  });
});

// Each case starts a Node process with tsx, seconds on a loaded machine: no time limit.
describe('the Pulumi program started the way the language host starts it', { timeout: 0 }, () => {
  let project: string;
  beforeAll(() => {
    // given a project folder (where Pulumi.yaml is) holding functions/, and the program's folder
    // inside it, which the language host makes the working directory
    project = mkdtempSync(join(tmpdir(), 'faas-pulumi-project-'));
    cpSync(fixture, join(project, 'functions'), { recursive: true });
    mkdirSync(join(project, 'infra', 'pulumi'), { recursive: true });
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  /** Runs program-child.ts in its own process with that working directory, root and stack config. */
  async function runProgram(config: Record<string, string>): Promise<{ functionNames: string[]; types: string[] }> {
    const child = fileURLToPath(new URL('./program-child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), child], {
      cwd: join(project, 'infra', 'pulumi'),
      env: {
        ...process.env,
        PULUMI_NODEJS_ROOT_DIRECTORY: project,
        PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([key, value]) => [`poorman-faas:${key}`, value]))),
      },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }

  it("reads a relative functionsDir from the project's folder, not the working directory", async () => {
    // when the stack config says `functionsDir: functions`, the default Pulumi.yaml declares
    const { functionNames } = await runProgram({ namespace: 'faas', functionsDir: 'functions', gatewayImage: '', functionImage: '' });
    // then the program finds <project>/functions
    expect(functionNames).toEqual(['alpha', 'beta']);
  });

  it('creates the controller, its admission policy and only Function objects per function in controller mode', async () => {
    const { functionNames, types } = await runProgram({ functionsDir: 'functions', functionWorkloads: 'controller' });
    expect(functionNames).toEqual(['alpha', 'beta']);
    expect(types).toContain('kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy');
    expect(types).toContain('kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding');
    expect(types.filter((t) => t === 'kubernetes:faas.poorman.dev/v1alpha1:Function')).toHaveLength(2);
    // the gateway and the controller; no Deployment per function
    expect(types.filter((t) => t === 'kubernetes:apps/v1:Deployment')).toHaveLength(2);
  });

  it('names the setting when functionWorkloads is neither synth nor controller', async () => {
    await expect(runProgram({ functionsDir: 'functions', functionWorkloads: 'operator' })).rejects.toThrowError(
      /'functionWorkloads' \('operator'\) must be 'synth' or 'controller'/,
    );
  });
});
