import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../../infra/kube/kube-context.js';

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
});
