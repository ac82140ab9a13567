import { beforeAll, describe, expect, it, vi } from 'vitest';
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
      const deployment = registered.find((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name === `faas:faas-test/${name}`);
      const spec = deployment?.inputs.spec as { template: { spec: { containers: { image: string }[] } } };
      return spec.template.spec.containers[0]!.image;
    };
    expect(image('faas-gateway')).toBe('registry.test/gateway:1');
    expect(image('alpha')).toBe('registry.test/uv:1');
  });
});

describe('the Pulumi program with the defaults Pulumi.yaml declares', () => {
  it("takes an empty image setting as the constructs' default", async () => {
    // given `pulumi config` as a new stack has it: every declared key, images empty
    vi.resetModules();
    const registered = await recordResources({ namespace: 'faas', functionsDir: fixture, gatewayImage: '', functionImage: '' });
    const program = await import('../../../infra/pulumi/program.js');
    await valueOf(program.functionNames);
    const { DEFAULT_FUNCTION_IMAGE } = await import('../../../constructs/python-function.js');
    const { defaultGatewayImage } = await import('../../../constructs/gateway-image.js');
    const image = (name: string) =>
      (registered.find((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name === `faas:faas/${name}`)?.inputs.spec as any).template.spec.containers[0].image;
    expect(image('alpha')).toBe(DEFAULT_FUNCTION_IMAGE);
    expect(image('faas-gateway')).toBe(defaultGatewayImage());
  });
});
