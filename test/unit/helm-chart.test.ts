import { describe, expect, it } from 'vitest';
import { escapeTemplate, helmChartFiles } from '../../infra/helm-chart.js';

const manifests = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata:',
  '  name: functions.faas.poorman.dev',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: hello',
  '  namespace: faas',
  'data:',
  '  main.py: |',
  '    print(f"{{x}}")',
  '',
].join('\n');

describe('helmChartFiles', () => {
  const options = { name: 'poorman-faas', version: '1.0.0', appVersion: '0.1.0' };

  it('puts CRDs in crds/ as they are and every other object in templates/, escaped', () => {
    const { files } = helmChartFiles(manifests, options);
    expect([...files.keys()].sort()).toEqual([
      'Chart.yaml',
      'crds/0001-customresourcedefinition-functions.faas.poorman.dev.yaml',
      'templates/0002-configmap-faas-hello.yaml',
      'values.yaml',
    ]);
    expect(files.get('templates/0002-configmap-faas-hello.yaml')).toContain('print(f"{{ "{{" }}x}}")');
    expect(files.get('Chart.yaml')).toMatch(/^apiVersion: v2$/m);
    expect(files.get('Chart.yaml')).toMatch(/^appVersion: 0\.1\.0$/m);
  });

  it('rejects a chart version that is not SemVer 2', () => {
    expect(() => helmChartFiles(manifests, { ...options, version: '1.0' })).toThrowError(
      "chart version '1.0' is not SemVer 2 (write it like 1.2.3 or 1.2.3-rc.1)",
    );
  });

  it('rejects a chart name Helm would refuse', () => {
    expect(() => helmChartFiles(manifests, { ...options, name: 'Poorman_FaaS' })).toThrowError("chart name 'Poorman_FaaS' must be");
  });

  it('names the YAML problem of a broken manifest', () => {
    expect(() => helmChartFiles('kind: [', options)).toThrowError(/the synthesized manifests are not valid YAML/);
  });
});

describe('escapeTemplate', () => {
  it('turns each {{ into an action that prints {{, and leaves }} alone', () => {
    expect(escapeTemplate('a {{ b }} {{{c}}}')).toBe('a {{ "{{" }} b }} {{ "{{" }}{c}}}');
  });
});
