/**
 * The packed package in fresh TypeScript projects, one per module resolution a user's stock
 * tsconfig may have: node10 (CommonJS, as `cdk8s init` and `pulumi new` write it), node16 and
 * bundler. Each compiles a cdk8s app and a Pulumi program that import `poorman-faas` and
 * `poorman-faas/pulumi`, then runs what it compiled: the app synthesizes, the program registers
 * its resources with Pulumi's mocks.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { packedPackage, REPO_ROOT } from '../support/packed-package.js';

const run = promisify(execFile);
const quiet = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' };
const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

async function devVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return pkg.devDependencies[name]!.replace(/^\^/, '');
}

/** What each resolution's stock tsconfig says, and the module type its output runs as. */
const MODES = {
  node10: { type: 'commonjs', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', target: 'es2020', esModuleInterop: true } },
  node16: { type: 'module', compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022' } },
  bundler: { type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' } },
} as const;

const APP = [
  "import { App } from 'cdk8s';",
  "import { FunctionsFolder, PoormanFaasChart } from 'poorman-faas';",
  'async function main(): Promise<void> {',
  "  const app = new App({ outdir: 'dist' });",
  "  new PoormanFaasChart(app, 'shop', { namespace: 'shop', functions: await FunctionsFolder.load('../functions') });",
  '  app.synth();',
  '}',
  'void main();',
].join('\n');

const PROGRAM = [
  "import { PoormanFaas, type PoormanFaasArgs } from 'poorman-faas/pulumi';",
  "const args: PoormanFaasArgs = { namespace: 'shop', functionsDir: '../functions' };",
  "const faas = new PoormanFaas('faas', args);",
  'export const functionNames = faas.functionNames;',
].join('\n');

/** Sets Pulumi's mocks, then loads the compiled program and prints what it registered. */
const MOCK_RUNNER = (type: 'commonjs' | 'module') =>
  [
    type === 'module' ? "import * as pulumi from '@pulumi/pulumi';" : "const pulumi = require('@pulumi/pulumi');",
    'const kinds = [];',
    'async function main() {',
    '  await pulumi.runtime.setMocks({ newResource: (a) => { kinds.push(a.type); return { id: a.name, state: a.inputs }; }, call: (a) => a.inputs }, "p", "s", false);',
    type === 'module' ? "  const program = await import('./out/program.js');" : "  const program = require('./out/program.js');",
    '  const names = await new Promise((resolve) => program.functionNames.apply(resolve));',
    '  console.log(JSON.stringify({ names, kinds }));',
    '}',
    'main();',
  ].join('\n');

describe('fresh TypeScript projects with stock tsconfigs, per module resolution', () => {
  let project: string;

  beforeAll(async () => {
    const packed = await packedPackage();
    project = await mkdtemp(join(tmpdir(), 'faas-resolution-'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-platform', private: true }));
    // Everything is in npm's cache already (this repository installed the same versions).
    const pulumi = [`@pulumi/pulumi@${await devVersion('@pulumi/pulumi')}`, `@pulumi/kubernetes@${await devVersion('@pulumi/kubernetes')}`];
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', packed.tarball, 'cdk8s', 'constructs', ...pulumi], {
      cwd: project,
      env: quiet,
      maxBuffer: 64 * 1024 * 1024,
    });
    await mkdir(join(project, 'functions'));
    await writeFile(
      join(project, 'functions', 'hello.py'),
      ['# /// script', '# requires-python = ">=3.11"', '# ///', 'def handle(req):', '    return req', ''].join('\n'),
    );
  });

  describe.each(Object.entries(MODES))('%s', (mode, { type, compilerOptions }) => {
    let dir: string;

    beforeAll(async () => {
      dir = join(project, mode);
      await mkdir(dir);
      await writeFile(join(dir, 'package.json'), JSON.stringify({ private: true, type }));
      await writeFile(join(dir, 'app.ts'), APP);
      await writeFile(join(dir, 'program.ts'), PROGRAM);
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { ...compilerOptions, strict: true, skipLibCheck: true, outDir: 'out', types: [] }, files: ['app.ts', 'program.ts'] }),
      );
      await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).catch((error: { stdout: string }) => {
        throw new Error(`tsc in the ${mode} project failed:\n${error.stdout}`);
      });
    });

    it('synthesizes the cdk8s app it compiled', async () => {
      await run(process.execPath, ['out/app.js'], { cwd: dir });
      const kinds = parseAllDocuments(await readFile(join(dir, 'dist', 'shop.k8s.yaml'), 'utf8')).map((doc) => (doc.toJS() as { kind: string }).kind);
      expect(kinds).toEqual(expect.arrayContaining(['Namespace', 'CustomResourceDefinition', 'Deployment', 'Function']));
    });

    it('runs the Pulumi program it compiled, registering the component and its children', async () => {
      await writeFile(join(dir, 'mocks.js'), MOCK_RUNNER(type));
      const { stdout } = await run(process.execPath, ['mocks.js'], { cwd: dir });
      const { names, kinds } = JSON.parse(stdout) as { names: string[]; kinds: string[] };
      expect(names).toEqual(['hello']);
      expect(kinds).toEqual(expect.arrayContaining(['poorman-faas:index:PoormanFaas', 'kubernetes:apps/v1:Deployment', 'kubernetes:faas.poorman.dev/v1alpha1:Function']));
    });
  });
});
