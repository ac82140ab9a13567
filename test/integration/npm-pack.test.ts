/**
 * The npm package as a user gets it: `npm pack` of this work tree, installed into a fresh
 * project of its own, whose cdk8s app uses the constructs and synthesizes, and whose `faas dev`
 * serves its functions. The package is the library and the CLI; the gateway bundle is the
 * image's, built by the Dockerfile, and does not ship.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { packedPackage, REPO_ROOT, type PackedPackage } from '../support/packed-package.js';
import { startFaasDev } from '../browser/faas-dev.js';

const run = promisify(execFile);
const quiet = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' };

type Exports = Record<string, string | Record<string, string>>;

let packed: PackedPackage;
let version: string;
let exportsMap: Exports;

beforeAll(async () => {
  packed = await packedPackage();
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; exports: Exports };
  version = pkg.version;
  exportsMap = pkg.exports;
});

describe('npm pack', () => {
  it('contains every file the exports and the bin need', () => {
    const targets = Object.values(exportsMap).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
    for (const target of targets) expect(packed.files, `exports target ${target}`).toContain(target.replace(/^\.\//, ''));
    for (const file of [
      'bin/faas.js',
      'lib/infra/cli/main.js',
      'lib/gateway/bootstrap/bootstrap.py',
      'lib/gateway/ui/built/app.js',
      'lib/gateway/ui/built/app.css',
      'CHANGELOG.md',
    ]) {
      expect(packed.files).toContain(file);
    }
  });

  it('leaves out tests, fixtures, benchmarks, sources and other projects', () => {
    const unwanted = packed.files.filter(
      (file) =>
        /(^|\/)(test|tests|fixtures|bench|build|node_modules|__pycache__|\.github)\//.test(file) ||
        /\.test\.[cm]?[jt]s$/.test(file) ||
        (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) ||
        /\.(pyc|tgz|map)$/.test(file) ||
        /^(Dockerfile|tsconfig.*\.json|vitest.*|Makefile)$/.test(file),
    );
    expect(unwanted).toEqual([]);
    // Everything is under the two shipped folders, plus the files npm always adds.
    const stray = packed.files.filter((file) => !/^(lib|bin)\//.test(file) && !/^(package\.json|README(\.md)?|CHANGELOG\.md|LICENSE.*)$/i.test(file));
    expect(stray).toEqual([]);
  });

  it('leaves the gateway bundle to the image: the tarball is smaller than the bundle alone', () => {
    expect(packed.files.filter((file) => file.startsWith('dist/') || file.endsWith('.mjs'))).toEqual([]);
    const tarball = statSync(packed.tarball).size;
    const bundle = statSync(join(packed.root, 'dist', 'gateway', 'gateway.mjs')).size;
    console.log(`npm pack: ${(tarball / 1024).toFixed(0)} KiB tarball, ${packed.files.length} files; the gateway bundle it leaves out: ${(bundle / 1024).toFixed(0)} KiB`);
    expect(tarball).toBeLessThan(bundle);
  });
});

describe('a project of its own that installs the tarball', () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'faas-user-app-'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-functions', private: true, type: 'module' }));
    // Everything is in npm's cache already (this repository installed the same versions).
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', packed.tarball, 'cdk8s', 'constructs'], {
      cwd: project,
      env: quiet,
      maxBuffer: 64 * 1024 * 1024,
    });
    await mkdir(join(project, 'functions'));
    await writeFile(
      join(project, 'functions', 'hello_world.py'),
      [
        '# /// script',
        '# requires-python = ">=3.11"',
        '#',
        '# [tool.faas]',
        '# max-replicas = 3',
        '# ///',
        'def handle(req):',
        '    return f"hello {req}"',
        '',
      ].join('\n'),
    );
  });

  it('synthesizes its own cdk8s app with the constructs, run by plain node', async () => {
    await writeFile(
      join(project, 'app.mjs'),
      [
        "import { App } from 'cdk8s';",
        "import { FunctionsFolder, PoormanFaasChart } from 'poorman-faas';",
        "const app = new App({ outdir: 'out' });",
        "new PoormanFaasChart(app, 'shop', { namespace: 'shop', functions: await FunctionsFolder.load('functions') });",
        'app.synth();',
      ].join('\n'),
    );
    await run(process.execPath, ['app.mjs'], { cwd: project });
    const objects = parseAllDocuments(await readFile(join(project, 'out', 'shop.k8s.yaml'), 'utf8')).map(
      (doc) => doc.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> },
    );
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Namespace/shop',
        'CustomResourceDefinition/functions.faas.poorman.dev',
        'Deployment/faas-gateway',
        'Service/faas-gateway',
        'Deployment/hello-world',
        'Service/hello-world',
        'Function/hello-world',
      ]),
    );
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'faas-gateway')!;
    expect(gateway.spec.template.spec.containers[0].image).toBe(`ghcr.io/poorman-faas/poorman-faas-gateway:${version}`);
    // The bootstrap comes from the installed package and rides along in the function's ConfigMap.
    const bootstrap = await readFile(join(project, 'node_modules/poorman-faas/lib/gateway/bootstrap/bootstrap.py'), 'utf8');
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'shop' && o.data !== undefined)!;
    expect(Object.values(configMap.data!)).toContain(bootstrap);
  });

  it('type-checks a TypeScript app against the shipped declarations', async () => {
    await writeFile(
      join(project, 'app.ts'),
      [
        "import { App, Chart } from 'cdk8s';",
        "import { Platform, type PlatformProps } from 'poorman-faas';",
        "const props: PlatformProps = { namespace: 'team-a', gateway: { replicas: 2 } };",
        "const chart = new Chart(new App(), 'platform');",
        "const platform: Platform = new Platform(chart, 'faas', props);",
        'const ns: string = platform.namespace;',
        'export { ns };',
      ].join('\n'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['app.ts'] }),
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project })).resolves.toBeDefined();
  });

  it('does not download Pulumi for a cdk8s user: it is an optional peer of poorman-faas/pulumi', () => {
    expect(existsSync(join(project, 'node_modules', '@pulumi', 'pulumi'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'cdk8s-plus-34'))).toBe(true);
  });

  it('serves the web UI from the compiled package: the built files it ships, not sources it lacks', async () => {
    const assets = join(project, 'node_modules', 'poorman-faas', 'lib', 'gateway', 'ui', 'ui-assets.js');
    const script = `const { UiAssets } = await import(${JSON.stringify(assets)}); const app = await new UiAssets().get('app.js'); console.log(app.contentType, app.body.length > 10000, app.gzip.length < app.body.length);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    expect(stdout.trim()).toBe('text/javascript; charset=utf-8 true true');
  });

  it('runs `faas dev` from the installed package: serves a function and the web UI from lib/', async () => {
    const dev = await startFaasDev(join(project, 'functions'), 'pack-test-password', join(project, 'node_modules', 'poorman-faas', 'bin', 'faas.js'));
    try {
      const call = await fetch(`${dev.url}/function/hello-world`, { method: 'POST', body: 'packed' });
      expect(await call.text()).toBe('hello packed');
      const auth = { authorization: `Basic ${Buffer.from(`admin:${dev.password}`).toString('base64')}` };
      const app = await fetch(`${dev.url}/ui/assets/app.js`, { headers: auth });
      expect(app.status).toBe(200);
      expect(await app.text()).toBe(await readFile(join(project, 'node_modules', 'poorman-faas', 'lib', 'gateway', 'ui', 'built', 'app.js'), 'utf8'));
    } finally {
      await dev.stop();
    }
  });

  it('gets the faas command, which runs from the compiled package', async () => {
    const { stdout } = await run(join(project, 'node_modules', '.bin', 'faas'), ['--version'], { cwd: project });
    expect(stdout.trim()).toBe(version);
  });
});
