import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { FunctionsFolder } from '../../../constructs/functions-folder.js';
import { Platform } from '../../../constructs/platform.js';
import { BOOTSTRAP, definition } from './definitions.js';

type Manifest = { kind: string; metadata: { name: string; namespace?: string } };

describe('FunctionsFolder', () => {
  it('makes one function per definition', () => {
    const chart = Testing.chart();
    const folder = new FunctionsFolder(chart, 'fns', { functions: [definition('a'), definition('b')], bootstrapSource: BOOTSTRAP });
    expect([...folder.functions.keys()]).toStrictEqual(['a', 'b']);
    expect((Testing.synth(chart) as Manifest[]).filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name)).toStrictEqual(['a', 'b']);
  });

  it('writes only the Function objects when a controller runs the workloads', () => {
    const chart = Testing.chart();
    new FunctionsFolder(chart, 'fns', { functions: [definition('a')], functionWorkloads: 'controller' });
    expect((Testing.synth(chart) as Manifest[]).map((object) => `${object.kind}/${object.metadata.name}`)).toStrictEqual(['Function/a']);
  });

  it('refuses two functions with one name and an unknown workload owner', () => {
    expect(() => new FunctionsFolder(Testing.chart(), 'fns', { functions: [definition('a'), definition('a')], bootstrapSource: BOOTSTRAP })).toThrowError(
      "'functions' has two functions named 'a' (functions/a.py); rename one file",
    );
    expect(() => new FunctionsFolder(Testing.chart(), 'fns', { functionWorkloads: 'kubelet' as never })).toThrowError(
      "'functionWorkloads' ('kubelet') must be 'synth' or 'controller'",
    );
  });

  it("takes its Chart's namespace when none is given, as every cdk8s object does", () => {
    const chart = new Chart(Testing.app(), 'team', { namespace: 'team-a' });
    const platform = new Platform(chart, 'platform', { bootstrapSource: BOOTSTRAP });
    new FunctionsFolder(chart, 'fns', { functions: [definition('a')], bootstrapSource: BOOTSTRAP });
    const objects = Testing.synth(chart) as { kind: string; metadata: { name: string; namespace?: string }; subjects?: { namespace: string }[] }[];
    expect(platform.namespace).toBe('team-a');
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('team-a');
    const namespaced = objects.filter((o) => !['Namespace', 'CustomResourceDefinition'].includes(o.kind));
    expect(namespaced.length).toBeGreaterThan(10);
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['team-a']));
    expect(objects.find((o) => o.kind === 'RoleBinding')?.subjects?.map((s) => s.namespace)).toEqual(['team-a']);
  });

  it('refuses functions in another namespace than the platform of the same app', () => {
    const chart = Testing.chart();
    new Platform(chart, 'platform', { namespace: 'faas', bootstrapSource: BOOTSTRAP });
    new FunctionsFolder(chart, 'fns', { namespace: 'other', functions: [definition('a')], bootstrapSource: BOOTSTRAP });
    expect(() => Testing.synth(chart)).toThrowError(
      "the functions are in namespace 'other' but the Platform in this app is in 'faas'; the gateway serves only its own namespace",
    );
  });

  it('loads the example folder, and says how to fix a folder that is not there', async () => {
    expect((await FunctionsFolder.load('functions')).length).toBeGreaterThan(0);
    await expect(FunctionsFolder.load('no/such/folder')).rejects.toThrowError(
      "the functions folder 'no/such/folder' does not exist; create it with a script (faas new hello)",
    );
  });
});
