/**
 * Objects → one multi-document YAML file, in the same dialect as cdk8s's own `Yaml.stringify`
 * (YAML 1.1, so `yes`/`on` stay quoted for kubectl; no line folding), without its alias
 * detection: resolved objects never share a node, and tracking every node for anchors costs a
 * tenth of a thousand-function synth.
 */
import { stringify } from 'yaml';

export function manifestsYaml(manifests: readonly object[]): string {
  return manifests
    .map((manifest) => stringify(manifest, { keepUndefined: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false }))
    .join('---\n');
}
