import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const pipelineFiles = ['.github/workflows/deploy.yml', '.gitlab-ci.yml'];

function run(file: string, args: string[], cwd = root): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr }),
    );
  });
}

describe('the GitHub workflows, linted by actionlint', () => {
  let actionlint: string;
  beforeAll(() => {
    // Built from its Go module into the cache by the setup script.
    actionlint = execFileSync(join(root, 'test/pipelines/setup'), { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  });

  it('finds no problem in any workflow of the repository', async () => {
    const result = await run(actionlint, ['-no-color']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports an untrusted expression in a script, so a clean run means something', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faas-actionlint-'));
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n');
    const result = await run(actionlint, ['-no-color', bad]);
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/potentially untrusted/);
  });
});

describe('the GitLab pipeline, checked by gitlab-ci-local against the GitLab CI schema', () => {
  let repo: string;
  const gitlabCiLocal = join(root, 'node_modules/gitlab-ci-local/src/index.js');
  const list = (...variables: string[]) =>
    run(process.execPath, [gitlabCiLocal, '--list', ...variables.flatMap((v) => ['--variable', v])], repo);

  beforeAll(() => {
    // gitlab-ci-local reads the pipeline of a git checkout on the default branch.
    repo = mkdtempSync(join(tmpdir(), 'faas-gitlab-'));
    cpSync(join(root, '.gitlab-ci.yml'), join(repo, '.gitlab-ci.yml'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://gitlab.example/group/functions.git');
    git('add', '.');
    git('-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', 'commit', '-qm', 'pipeline');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('validates, and on main runs the checks then faas deploy', async () => {
    const result = await list();
    expect(result.output).toMatch(/json schema validated/);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^validate and synthesize +check/m);
    expect(result.output).toMatch(/^deploy +deploy/m);
    expect(result.output).not.toMatch(/^pulumi up/m);
  });

  it('runs pulumi up instead when DEPLOY_WITH=pulumi', async () => {
    const result = await list('DEPLOY_WITH=pulumi');
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^pulumi up +deploy/m);
    expect(result.output).not.toMatch(/^deploy +deploy/m);
  });

  it('refuses a pipeline the schema does not allow, so a clean run means something', async () => {
    const original = readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8');
    writeFileSync(join(repo, '.gitlab-ci.yml'), original.replace('resource_group: production', 'resource_group: [production]'));
    const result = await list();
    writeFileSync(join(repo, '.gitlab-ci.yml'), original);
    expect(result.output).toMatch(/Invalid \.gitlab-ci\.yml configuration/);
  });
});

describe('the commands the pipelines run', () => {
  const commands = new Set(
    // `npx faas <command>` and the options it is given, values left out.
    pipelineFiles.flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/npx faas ([a-z]+)((?: --?[a-z-]+(?: [^\s-][^\s]*)?)*)/g)].map((m) =>
        [m[1], ...(m[2]!.match(/(?<= )--?[a-z-]+/g) ?? [])].join(' '),
      ),
    ),
  );

  it('are found in both pipelines', () => {
    expect([...commands].map((c) => c.split(' ')[0])).toEqual(expect.arrayContaining(['validate', 'synth', 'deploy']));
  });

  it.each([...commands])('faas %s exists with those options, as run locally', async (command) => {
    const [name, ...rest] = command.split(' ');
    const help = await run(process.execPath, [join(root, 'bin/faas.js'), name!, '--help']);
    expect(help.code).toBe(0);
    for (const flag of rest.filter((word) => word.startsWith('-'))) expect(help.output).toContain(flag);
  });
});
