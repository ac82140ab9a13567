import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runFaas } from './run-faas.js';

/** What real bash completes for the words typed so far (the last one is being completed). */
async function bashComplete(script: string, typed: string[]): Promise<string[]> {
  const program = `${script}\nCOMP_WORDS=(${typed.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${typed.length - 1}; _faas_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('bash', ['--norc', '-c', program], (error, out) => (error ? reject(error) : resolve(out))),
  );
  return stdout.split('\n').filter(Boolean);
}

// Each call starts Node and compiles the CLI; on two shared cores that can take seconds (the unit tier's backstop is long).
describe('faas completion and -o (subprocess)', () => {
  it('bash completes commands, their options and -o values, from the real program', async () => {
    const run = await runFaas(['completion', 'bash']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('complete -o default -F _faas_complete faas pmfaas');
    expect(await bashComplete(run.stdout, ['faas', 'de'])).toEqual(['dev', 'deploy', 'describe', 'delete']);
    expect(await bashComplete(run.stdout, ['pmfaas', 'list', '--pa'])).toEqual(['--password']);
    expect(await bashComplete(run.stdout, ['faas', 'describe', 'x', '-o', ''])).toEqual(['table', 'wide', 'json', 'yaml']);
    expect(await bashComplete(run.stdout, ['faas', 'completion', ''])).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
  });

  it('writes zsh and fish scripts and refuses another shell', async () => {
    const zsh = await runFaas(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef faas pmfaas\nautoload -U \+X bashcompinit/);
    const fish = await runFaas(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c pmfaas -n '__fish_use_subcommand' -a deploy");
    expect(fish.stdout).toContain("complete -c faas -n '__fish_seen_subcommand_from list' -l output -s o -x -a 'table wide json yaml'");
    const tcsh = await runFaas(['completion', 'tcsh']);
    expect(tcsh.code).toBe(1);
    expect(tcsh.stderr).toContain('Allowed choices are bash, zsh, fish');
  });

  it('prints the same data as YAML with -o yaml, and more columns with -o wide', async () => {
    const json = await runFaas(['validate', '-o', 'json', 'test/fixtures/spec/valid/api.py']);
    const yaml = await runFaas(['validate', '-o', 'yaml', 'test/fixtures/spec/valid/api.py']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    const wide = await runFaas(['validate', '-o', 'wide', 'test/fixtures/spec/valid/api.py']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+FILE.*CPU\s+SECRETS\s+HASH$/);
    const bad = await runFaas(['list', '-o', 'xml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Allowed choices are table, wide, json, yaml');
  });

  it('prints the client version, and says when no gateway answers', async () => {
    const client = await runFaas(['version', '--client', '-o', 'json']);
    expect(JSON.parse(client.stdout)).toEqual({ client: { version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version } });
    const none = await runFaas(['version', '--gateway', 'http://127.0.0.1:9']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('not reachable: cannot reach the gateway at http://127.0.0.1:9');
  });
});
