import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../../gateway/backends/kubernetes/kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'faas-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(currentContext: string): string {
  const file = join(dir, `${currentContext || 'none'}.yaml`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'dev', context: { cluster: 'c', user: 'u' } }, { name: 'prod', context: { cluster: 'c', user: 'u' } }],
      'current-context': currentContext,
    }),
  );
  return file;
}

describe('loadKubeConfig', () => {
  it('uses the current context, or the one asked for', () => {
    expect(loadKubeConfig({ kubeconfig: kubeconfig('dev') }).getCurrentContext()).toBe('dev');
    expect(loadKubeConfig({ kubeconfig: kubeconfig('dev'), context: 'prod' }).getCurrentContext()).toBe('prod');
  });

  it('names an unknown context and lists the known ones', () => {
    expect(() => loadKubeConfig({ kubeconfig: kubeconfig('dev'), context: 'staging' })).toThrowError(
      "no context 'staging' in the kubeconfig; known contexts: dev, prod",
    );
  });

  it('says how to pick a context when there is no current one', () => {
    expect(() => loadKubeConfig({ kubeconfig: kubeconfig('') })).toThrowError(/kubectl config use-context <name>/);
  });

  it('says which kubeconfig it could not read', () => {
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing.yaml') })).toThrowError(/cannot read the kubeconfig .*missing\.yaml/);
  });

  it('without any kubeconfig says that no cluster is configured and how to point at one', () => {
    const home = join(dir, 'empty-home');
    expect(() => loadKubeConfig({ env: { HOME: home } })).toThrowError(
      `no Kubernetes cluster is configured: there is no kubeconfig at ${join(home, '.kube', 'config')}; set KUBECONFIG to a kubeconfig file, pass --kubeconfig <file>`,
    );
    expect(() => loadKubeConfig({ env: { HOME: home, KUBECONFIG: join(dir, 'nowhere.yaml') } })).toThrowError(/no Kubernetes cluster is configured: there is no kubeconfig at .*nowhere\.yaml/);
  });

  it.each([['describe', 'greet'], ['logs', 'greet'], ['delete', 'greet'], ['deploy']])('`faas %s` without a kubeconfig says so, not a TLS error', { timeout: 60_000 }, async (...args) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(dir, 'empty-home'), NO_COLOR: '1' };
    delete env.KUBECONFIG;
    delete env.KUBERNETES_SERVICE_HOST;
    const stderr = await new Promise<string>((resolve) => execFile(process.execPath, ['bin/faas.js', ...args], { env }, (_error, _stdout, err) => resolve(err)));
    expect(stderr).toContain('no Kubernetes cluster is configured');
    expect(stderr).not.toContain('skipTLSVerify');
  });
});
