/**
 * `faas synth --format helm`: the plain synth output as a Helm chart whose `helm template`
 * renders exactly those objects. The chart is synthesized, not hand-written: it has no values,
 * because the functions folder and the synth settings are the source of truth; change those and
 * synthesize again.
 *
 * cdk8s-cli's own `--format helm` copies manifests into templates/ as they are, so a `{{` in a
 * function's script (an f-string, a Jinja template) would be read as a template action. Here every
 * `{{` in a template is escaped, and CRDs go to crds/, which Helm installs before the templates
 * and never renders (a Function object could not be validated before its CRD exists).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export interface HelmChartOptions {
  /** Chart name: a lower-case DNS label. */
  readonly name: string;
  /** Chart version (SemVer 2). */
  readonly version: string;
  /** The app version shown by `helm list`: the package version that synthesized it. */
  readonly appVersion: string;
  readonly description?: string;
}

export interface HelmChartFiles {
  /** Chart-relative path → text. */
  readonly files: ReadonlyMap<string, string>;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const CHART_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Text that Go's text/template renders back to itself: each `{{` becomes an action printing `{{`. */
export function escapeTemplate(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}

/** The chart's files for the multi-document YAML that plain synth wrote. */
export function helmChartFiles(manifestYaml: string, options: HelmChartOptions): HelmChartFiles {
  if (!CHART_NAME.test(options.name)) {
    throw new Error(`chart name '${options.name}' must be lower-case letters, digits and '-', starting and ending with a letter or digit`);
  }
  if (!SEMVER.test(options.version)) {
    throw new Error(`chart version '${options.version}' is not SemVer 2 (write it like 1.2.3 or 1.2.3-rc.1)`);
  }
  const files = new Map<string, string>();
  files.set(
    'Chart.yaml',
    stringify({
      apiVersion: 'v2',
      name: options.name,
      description: options.description ?? 'Poorman FaaS: a folder of PEP 723 Python scripts as scale-to-zero functions.',
      type: 'application',
      version: options.version,
      appVersion: options.appVersion,
    }),
  );
  files.set(
    'values.yaml',
    '# This chart is synthesized by `faas synth --format helm` and takes no values: change the\n' +
      '# functions folder or the synth settings (faas.config.json, flags) and synthesize again.\n{}\n',
  );
  const documents = parseAllDocuments(manifestYaml);
  if (!Array.isArray(documents)) throw new Error('the synthesized manifests are empty');
  let index = 0;
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`the synthesized manifests are not valid YAML: ${document.errors[0]!.message}`);
    const object = document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (object === null) continue;
    const kind = object.kind?.toLowerCase() ?? 'object';
    const name = [object.metadata?.namespace, object.metadata?.name].filter(Boolean).join('-');
    const file = `${String(++index).padStart(4, '0')}-${kind}-${name}.yaml`;
    const text = document.toString();
    if (object.kind === 'CustomResourceDefinition') files.set(`crds/${file}`, text);
    else files.set(`templates/${file}`, escapeTemplate(text));
  }
  return { files };
}

/** Writes the chart into `dir`, replacing what a previous synth left there. */
export async function writeHelmChart(dir: string, manifestYaml: string, options: HelmChartOptions): Promise<string[]> {
  const { files } = helmChartFiles(manifestYaml, options);
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return [...files.keys()];
}
