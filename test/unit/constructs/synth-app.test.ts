import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { synthApp, synthSummary } from '../../../infra/synth-app.js';
import { synthSettings } from '../../../infra/synth-settings.js';
import { FunctionsFolderError } from '../../../constructs/functions-folder.js';

const run = promisify(execFile);
const BROKEN = 'test/fixtures/constructs/broken-functions';
const GOOD = 'test/fixtures/constructs/good-functions';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'faas-synth-test-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('synthApp', () => {
  it('writes the platform and every function to one YAML file', async () => {
    const result = await synthApp(synthSettings({ functions: GOOD, out: work }, {}, work));
    expect(result).toStrictEqual({ file: join(work, 'poorman-faas.k8s.yaml'), dashboardFile: join(work, 'grafana', 'poorman-faas-dashboard.json'), functionsDir: GOOD, functions: 1, objects: 14 });
    const docs = parseAllDocuments(readFileSync(result.file, 'utf8')).map((doc) => doc.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.filter((doc) => doc.metadata.name === 'ok').map((doc) => doc.kind)).toStrictEqual([
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'Function',
    ]);
    expect(docs.map((doc) => doc.metadata.name)).toContain('ok-code');
  });

  it('writes the platform alone for an empty folder, and says how to add a function', async () => {
    const result = await synthApp(synthSettings({ functions: work, out: join(work, 'out') }, {}, work));
    expect(result.functions).toBe(0);
    expect(synthSummary(result)).toBe(
      `wrote ${result.file}: 9 objects for 0 functions, and the Grafana dashboard ${result.dashboardFile}\nno *.py scripts in ${work}, so only the platform; create one with: faas new hello`,
    );
  });

  it('stops with every problem of every script and writes nothing', async () => {
    const failure = synthApp(synthSettings({ functions: BROKEN, out: work }, {}, work));
    await expect(failure).rejects.toBeInstanceOf(FunctionsFolderError);
    await expect(failure).rejects.toThrowError(
      `2 problems in the functions folder ${BROKEN}; fix them and run again:\n` +
        `${BROKEN}/typo.py:5: unknown key 'memroy' in [tool.faas]; did you mean 'memory'?\n` +
        `${BROKEN}/zero_max.py:5: 'max-replicas' is 0; it must be at least 1`,
    );
    expect(existsSync(join(work, 'poorman-faas.k8s.yaml'))).toBe(false);
  });

  it('exits 1 from npm run synth with file:line messages', async () => {
    const failure = run('npm', ['run', '--silent', 'synth'], { env: { ...process.env, FAAS_FUNCTIONS_DIR: BROKEN, FAAS_OUT_DIR: work } });
    await expect(failure).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`${BROKEN}/typo.py:5: unknown key 'memroy'`) });
  });
});

describe('synthSettings', () => {
  it('defaults to functions/ and dist/', () => {
    expect(synthSettings({}, {}, work)).toStrictEqual({ functionsDir: 'functions', outDir: 'dist', props: {} });
  });

  it('prefers flags, then the environment, then faas.config.json', () => {
    writeFileSync(join(work, 'faas.config.json'), JSON.stringify({ functionsDir: 'from-file', outDir: 'file-out', namespace: 'team-a', functionWorkloads: 'controller' }));
    expect(synthSettings({}, {}, work)).toStrictEqual({
      functionsDir: 'from-file',
      outDir: 'file-out',
      props: { namespace: 'team-a', functionWorkloads: 'controller' },
    });
    expect(synthSettings({}, { FAAS_FUNCTIONS_DIR: 'from-env', FAAS_OUT_DIR: 'env-out' }, work)).toMatchObject({ functionsDir: 'from-env', outDir: 'env-out' });
    expect(synthSettings({ functions: 'flag', out: 'flag-out' }, { FAAS_FUNCTIONS_DIR: 'from-env' }, work)).toMatchObject({ functionsDir: 'flag', outDir: 'flag-out' });
  });

  it('leaves the Namespace and the CRD out when faas.config.json says so, and nothing cluster-scoped stays', async () => {
    writeFileSync(join(work, 'faas.config.json'), JSON.stringify({ namespace: 'team-a', createNamespace: false, createCrd: false }));
    const settings = synthSettings({ functions: GOOD, out: join(work, 'out') }, {}, work);
    expect(settings.props).toStrictEqual({ namespace: 'team-a', createNamespace: false, createCrd: false });
    const docs = parseAllDocuments(readFileSync((await synthApp(settings)).file, 'utf8')).map((doc) => doc.toJS() as { kind: string; metadata: { namespace?: string } });
    expect(docs.length).toBeGreaterThan(5);
    expect(docs.filter((doc) => doc.metadata.namespace !== 'team-a').map((doc) => doc.kind)).toStrictEqual([]);
  });

  it('writes where cdk8s synth asks', () => {
    expect(synthSettings({}, { CDK8S_OUTDIR: 'cdk8s-out', FAAS_OUT_DIR: 'env-out' }, work).outDir).toBe('cdk8s-out');
  });

  it('names the file and the key of a bad faas.config.json', () => {
    writeFileSync(join(work, 'faas.config.json'), JSON.stringify({ functionDir: 'x' }));
    expect(() => synthSettings({}, {}, work)).toThrowError(/faas\.config\.json: .*(functionDir|unexpected property).*\n\(known keys: functionsDir, outDir/s);
    writeFileSync(join(work, 'faas.config.json'), '{ "functionsDir": ');
    expect(() => synthSettings({}, {}, work)).toThrowError(/faas\.config\.json: not valid JSON/);
  });
});
