import { Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { manifestsYaml } from '../../../infra/manifests-yaml.js';
import { FunctionsFolder } from '../../../constructs/functions-folder.js';
import { synthesizeManifests } from '../../../constructs/synthesize-manifests.js';

describe('manifestsYaml', () => {
  it('writes the same bytes as cdk8s for the example functions', async () => {
    const manifests = synthesizeManifests({ functions: await FunctionsFolder.load('functions') });
    expect(manifestsYaml(manifests)).toBe(Yaml.stringify(...manifests));
  });

  it('quotes YAML 1.1 booleans so kubectl reads them back as strings', () => {
    expect(manifestsYaml([{ data: { a: 'yes', b: 'on' } }, { kind: 'x' }])).toBe('data:\n  a: "yes"\n  b: "on"\n---\nkind: x\n');
  });
});
