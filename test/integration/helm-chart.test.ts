/**
 * `faas synth --format helm` checked by the real helm (built from its Go module by
 * test/support/build-helm): the chart lints, and `helm template` renders exactly the objects
 * that the plain `faas synth` writes, even when a script contains template delimiters.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/packed-package.js';

const run = promisify(execFile);

/** Objects of a multi-document YAML text, as canonical JSON strings in a stable order. */
function objects(text: string): string[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((object) => object !== null)
    .map((object) => JSON.stringify(object, (_key, value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value)))
    .sort();
}

async function faas(cwd: string, ...args: string[]): Promise<string> {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const { stdout } = await run(tsx, [join(REPO_ROOT, 'infra/cli/main.ts'), ...args], { cwd });
  return stdout;
}

describe('faas synth --format helm', () => {
  let helm: string;
  let temp: string;
  let chart: string;
  let plain: string;

  beforeAll(async () => {
    const built = await run('bash', [join(REPO_ROOT, 'test/support/build-helm')], { maxBuffer: 64 * 1024 * 1024 });
    helm = built.stdout.trim().split('\n').at(-1)!;
    temp = await mkdtemp(join(tmpdir(), 'faas-helm-'));
    const functions = join(temp, 'functions');
    await mkdir(functions);
    await writeFile(
      join(functions, 'braces.py'),
      [
        '# /// script',
        '# requires-python = ">=3.11"',
        '# [tool.faas]',
        '# env = { TEMPLATE = "{{ .Values.nothing }}" }',
        '# ///',
        '# A Go template would read {{ .Release.Name }} and {{- trim }} as actions.',
        'def handle(req):',
        '    return f"{{{req}}}"',
        '',
      ].join('\n'),
    );
    await writeFile(join(functions, 'hello.py'), 'def handle(req):\n    return "hello " + req\n');
    await faas(temp, 'synth', '--functions', functions, '--out', join(temp, 'plain'), '--gateway-image', 'registry.example/gateway:1');
    await faas(temp, 'synth', '--functions', functions, '--out', join(temp, 'helm'), '--gateway-image', 'registry.example/gateway:1', '--format', 'helm', '--chart-version', '1.2.3');
    plain = await readFile(join(temp, 'plain', 'poorman-faas.k8s.yaml'), 'utf8');
    chart = join(temp, 'helm', 'poorman-faas');
  });

  afterAll(async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('passes helm lint', async () => {
    const { stdout } = await run(helm, ['lint', '--strict', chart]);
    expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders with helm template exactly the objects of the plain synth', async () => {
    const { stdout } = await run(helm, ['template', 'poorman-faas', chart, '--include-crds'], { maxBuffer: 64 * 1024 * 1024 });
    const rendered = objects(stdout);
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered).toEqual(objects(plain));
  });

  it('keeps template delimiters in scripts as they are', async () => {
    const { stdout } = await run(helm, ['template', 'poorman-faas', chart], { maxBuffer: 64 * 1024 * 1024 });
    const texts = objects(stdout).join('\n');
    expect(texts).toContain('{{ .Release.Name }} and {{- trim }}');
    expect(texts).toContain('{{{req}}}');
    expect(texts).toContain('{{ .Values.nothing }}');
  });

  it('puts the CRD where Helm installs it before the Function objects', async () => {
    const crd = await run(helm, ['show', 'crds', chart]);
    expect(objects(crd.stdout).map((o) => JSON.parse(o).kind)).toEqual(['CustomResourceDefinition']);
    const chartYaml = await run(helm, ['show', 'chart', chart]);
    expect(chartYaml.stdout).toMatch(/^version: 1\.2\.3$/m);
  });
});
