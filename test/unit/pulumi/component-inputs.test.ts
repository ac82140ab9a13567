import { beforeAll, describe, expect, it } from 'vitest';
import * as pulumi from '@pulumi/pulumi';
import { recordResources, valueOf, type Registered } from './mock-monitor.js';
import { FunctionsFolder } from '../../../constructs/functions-folder.js';
import { synthesizeManifests, type Manifest } from '../../../constructs/synthesize-manifests.js';
import { InputPlaceholders } from '../../../infra/pulumi/input-placeholders.js';

const fixture = new URL('../../fixtures/deploy-functions', import.meta.url).pathname;

/** The resources one PoormanFaas registers, once its outputs are known. */
async function register(args: import('../../../infra/pulumi/poorman-faas.js').PoormanFaasArgs): Promise<{ registered: Registered[]; faas: import('../../../infra/pulumi/poorman-faas.js').PoormanFaas }> {
  const registered = await recordResources();
  const { PoormanFaas } = await import('../../../infra/pulumi/poorman-faas.js');
  const faas = new PoormanFaas('faas', { ...args, functionsDir: fixture });
  await valueOf(faas.functionNames);
  return { registered: registered.filter((r) => r.type.startsWith('kubernetes:')), faas };
}

const key = (kind: string, namespace: string | undefined, name: string) => `${kind} ${namespace ?? '-'}/${name}`;

describe('PoormanFaas with arguments that are other resources’ outputs', () => {
  let registered: Registered[];
  let faas: import('../../../infra/pulumi/poorman-faas.js').PoormanFaas;
  let cdk8s: Manifest[];

  beforeAll(async () => {
    // given a namespace, images, the admin Secret's name and an env value that other resources produce
    ({ registered, faas } = await register({
      namespace: pulumi.output('team-b'),
      image: Promise.resolve('registry.test/uv:3'),
      gateway: { image: pulumi.output('registry.test/gw:3'), adminSecretName: pulumi.output('team-b-admin'), env: { LOG_LEVEL: pulumi.output('debug') }, replicas: 2 },
    }));
    // and the same values as plain strings, synthesized by cdk8s
    cdk8s = synthesizeManifests({
      namespace: 'team-b',
      image: 'registry.test/uv:3',
      gateway: { image: 'registry.test/gw:3', adminSecretName: 'team-b-admin', env: { LOG_LEVEL: 'debug' }, replicas: 2 },
      functions: await FunctionsFolder.load(fixture),
    });
  });

  it('creates the objects cdk8s writes for the plain values, field for field', () => {
    const byKey = new Map(registered.map((r) => {
      const metadata = r.inputs.metadata as { name: string; namespace?: string };
      return [key(r.type.split(':').pop()!, metadata.namespace, metadata.name), r];
    }));
    expect(byKey.size).toBe(cdk8s.length);
    for (const manifest of cdk8s) {
      const twin = byKey.get(key(manifest.kind, manifest.metadata.namespace, manifest.metadata.name));
      expect(twin, `${manifest.kind} ${manifest.metadata.name}`).toBeDefined();
      for (const [field, value] of Object.entries(manifest)) expect(twin!.inputs[field], `${manifest.kind} ${manifest.metadata.name}: ${field}`).toEqual(value);
    }
  });

  it('leaves no stand-in value in any object', () => {
    expect(JSON.stringify(registered.map((r) => r.inputs))).not.toContain('pmfaas-input-');
  });

  it('outputs the namespace and the URL from the real value', async () => {
    expect(await valueOf(faas.namespace)).toBe('team-b');
    expect(await valueOf(faas.gatewayUrl)).toBe('http://faas-gateway.team-b.svc.cluster.local:8080');
  });
});

describe('PoormanFaas child names', () => {
  it('are the same whatever the namespace is called', async () => {
    const names = async (namespace: string) => (await register({ namespace })).registered.map((r) => `${r.type} ${r.name}`).sort();
    const a = await names('team-a');
    expect(a).toContain('kubernetes:core/v1:Namespace faas:namespace');
    expect(a).toContain('kubernetes:apps/v1:Deployment faas:faas-gateway');
    expect(await names('team-b')).toEqual(a);
  });
});

describe('InputPlaceholders', () => {
  it('fills a stand-in inside a longer string with the real value', async () => {
    const placeholders = new InputPlaceholders();
    const stand = placeholders.stand('namespace', pulumi.output('shop'));
    const resolved = placeholders.resolve({ url: `http://gw.${stand}.svc` }, 'Deployment gw') as { url: pulumi.Output<string> };
    expect(await valueOf(resolved.url)).toBe('http://gw.shop.svc');
  });

  it('passes a plain string through', () => {
    expect(new InputPlaceholders().stand('image', 'registry.test/a:1')).toBe('registry.test/a:1');
  });

  it('refuses a stand-in that was cut on its way into a field, naming the argument', () => {
    const placeholders = new InputPlaceholders();
    const stand = placeholders.stand('namespace', pulumi.output('shop'));
    expect(() => placeholders.resolve({ name: stand.slice(0, -2) }, 'ClusterRole x')).toThrowError(
      /^ClusterRole x: a value given as a Pulumi Output \(namespace\) is changed on its way into this field, so it cannot be filled in later; pass that argument as a plain string$/,
    );
  });
});
