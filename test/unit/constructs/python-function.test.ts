import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PythonFunction } from '../../../constructs/python-function.js';
import { BOOTSTRAP, definition, script } from './definitions.js';

type Manifest = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

function synth(props: Partial<ConstructorParameters<typeof PythonFunction>[2]> & { stem?: string; text?: string } = {}) {
  const { stem = 'hello', text, ...rest } = props;
  const chart = Testing.chart();
  const fn = new PythonFunction(chart, 'fn', { definition: definition(stem, text), bootstrapSource: BOOTSTRAP, ...rest });
  const objects = Testing.synth(chart) as Manifest[];
  const byKind = (kind: string) => objects.find((object) => object.kind === kind)!;
  return { fn, objects, byKind };
}

describe('PythonFunction', () => {
  it('writes a ConfigMap, Deployment, Service, HPA and Function object with the derived names', () => {
    const { objects } = synth();
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toStrictEqual([
      'ConfigMap/hello-code',
      'Deployment/hello',
      'Service/hello',
      'HorizontalPodAutoscaler/hello',
      'Function/hello',
    ]);
  });

  it('exposes port 8080 through a Service selecting only this function', () => {
    expect(synth().byKind('Service')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'hello',
        namespace: 'faas',
        labels: {
          'app.kubernetes.io/name': 'hello',
          'app.kubernetes.io/part-of': 'poorman-faas',
          'app.kubernetes.io/managed-by': 'poorman-faas',
          'faas.poorman.dev/function': 'hello',
        },
      },
      spec: {
        type: 'ClusterIP',
        selector: { 'faas.poorman.dev/function': 'hello', 'faas.poorman.dev/role': 'function' },
        ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
      },
    });
  });

  it('autoscales on CPU from 1 to max-replicas even when the function may sleep', () => {
    const { byKind } = synth({ text: script(['min-replicas = 0', 'max-replicas = 7']) });
    expect(byKind('HorizontalPodAutoscaler').spec).toStrictEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' },
      minReplicas: 1,
      maxReplicas: 7,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  it('keeps min-replicas as the autoscaler floor when it is above 1', () => {
    const { byKind } = synth({ text: script(['min-replicas = 2', 'max-replicas = 4']) });
    expect(byKind('HorizontalPodAutoscaler').spec.minReplicas).toBe(2);
  });

  it('leaves spec.replicas out, so re-applying never resets a live count', () => {
    for (const min of [0, 1, 3]) {
      const { byKind } = synth({ text: script([`min-replicas = ${min}`, 'max-replicas = 5']) });
      expect(byKind('Deployment').spec).not.toHaveProperty('replicas');
    }
  });

  it('changes the pod template hash when the script changes, and only then', () => {
    const hash = (text: string) =>
      synth({ text }).byKind('Deployment').spec.template.metadata.annotations['faas.poorman.dev/source-hash'];
    const before = hash(script([], 'def handle(req):\n    return req\n'));
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(script([], 'def handle(req):\n    return req\n'))).toBe(before);
    expect(hash(script([], 'def handle(req):\n    return req.upper()\n'))).not.toBe(before);
  });

  it('changes the pod template hash when the bootstrap changes', () => {
    const hash = (bootstrapSource: string) =>
      synth({ bootstrapSource }).byKind('Deployment').spec.template.metadata.annotations['faas.poorman.dev/source-hash'];
    expect(hash('# one\n')).not.toBe(hash('# two\n'));
  });

  it('puts the script in its ConfigMap under its own file name', () => {
    const text = script([], 'def handle(req):\n    return "hi"\n');
    expect(synth({ stem: 'my_func', text }).byKind('ConfigMap').data).toStrictEqual({ 'my_func.py': text });
  });

  it('projects the script and the shared bootstrap read-only into one folder', () => {
    const pod = synth().byKind('Deployment').spec.template.spec;
    expect(pod.volumes[0]).toStrictEqual({
      name: 'code',
      projected: {
        defaultMode: 0o444,
        sources: [{ configMap: { name: 'hello-code' } }, { configMap: { name: 'faas-bootstrap' } }],
      },
    });
    expect(pod.containers[0].volumeMounts[0]).toStrictEqual({ name: 'code', mountPath: '/var/faas/code', readOnly: true });
  });

  it('installs the PEP 723 dependencies with uv and serves the script with the bootstrap', () => {
    const container = synth().byKind('Deployment').spec.template.spec.containers[0];
    expect(container.command).toStrictEqual([
      '/bin/sh',
      '-c',
      'uv sync --script "$1" && exec "$(uv python find --script "$1")" "$2" "$1"',
      'faas-function',
      '/var/faas/code/hello.py',
      '/var/faas/code/bootstrap.py',
    ]);
    expect(container.image).toBe('ghcr.io/astral-sh/uv:python3.12-bookworm-slim');
  });

  it('probes the port every second, so a waking function turns ready without waiting a period', () => {
    const container = synth().byKind('Deployment').spec.template.spec.containers[0];
    expect(container.startupProbe).toStrictEqual({ tcpSocket: { port: 'http' }, periodSeconds: 1, failureThreshold: 600, timeoutSeconds: 1 });
    expect(container.readinessProbe).toStrictEqual({ tcpSocket: { port: 'http' }, periodSeconds: 1, failureThreshold: 3, timeoutSeconds: 1 });
    expect(container).not.toHaveProperty('livenessProbe');
  });

  it('leaves the last log lines of a failed container in its status, for the gateway to report', () => {
    const container = synth().byKind('Deployment').spec.template.spec.containers[0];
    expect(container.terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  it('runs a script without a PEP 723 block on the image Python', () => {
    const container = synth({ text: 'def handle(req):\n    return req\n' }).byKind('Deployment').spec.template.spec.containers[0];
    expect(container.command[2]).toBe('exec "$(uv python find)" "$2" "$1"');
  });

  it('sets requests from the spec and a memory limit, and keeps uv off the read-only root', () => {
    const container = synth({ text: script(['memory = "256Mi"', 'cpu = "250m"']) }).byKind('Deployment').spec.template.spec.containers[0];
    expect(container.resources).toStrictEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    const env = Object.fromEntries(container.env.map((variable: { name: string; value: string }) => [variable.name, variable.value]));
    expect(env).toMatchObject({ PORT: '8080', FAAS_FUNCTION: 'hello', UV_CACHE_DIR: '/var/faas/runtime/uv-cache', HOME: '/var/faas/runtime' });
  });

  it('passes the script env, and the platform variables win over a clash', () => {
    const container = synth({ text: script(['env = { GREETING = "hi", PORT = "9999" }']) }).byKind('Deployment').spec.template.spec.containers[0];
    const names = container.env.map((variable: { name: string }) => variable.name);
    expect(names.slice(0, 2)).toStrictEqual(['GREETING', 'PORT']);
    expect(container.env.findLast((variable: { name: string }) => variable.name === 'PORT').value).toBe('8080');
  });

  it('mounts each secret read-only under /var/faas/secrets/<name>', () => {
    const pod = synth({ text: script(['secrets = ["db-password", "api-key"]']) }).byKind('Deployment').spec.template.spec;
    expect(pod.containers[0].volumeMounts.slice(3)).toStrictEqual([
      { name: 'secret-0', mountPath: '/var/faas/secrets/db-password', readOnly: true },
      { name: 'secret-1', mountPath: '/var/faas/secrets/api-key', readOnly: true },
    ]);
    expect(pod.volumes.slice(3)).toStrictEqual([
      { name: 'secret-0', secret: { secretName: 'db-password', defaultMode: 0o440 } },
      { name: 'secret-1', secret: { secretName: 'api-key', defaultMode: 0o440 } },
    ]);
  });

  it('keeps serving briefly after endpoints drop it, then gives requests in flight the function timeout', () => {
    const pod = synth({ text: script(['timeout = "2m"']) }).byKind('Deployment').spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(133);
    expect(pod.containers[0].lifecycle).toStrictEqual({ preStop: { exec: { command: ['sleep', '3'] } } });
  });

  it('carries the whole spec in the Function object', () => {
    const text = script(['min-replicas = 1', 'max-replicas = 3', 'env = { A = "b" }']);
    expect(synth({ text }).byKind('Function')).toStrictEqual({
      apiVersion: 'faas.poorman.dev/v1alpha1',
      kind: 'Function',
      metadata: {
        name: 'hello',
        namespace: 'faas',
        labels: {
          'app.kubernetes.io/name': 'hello',
          'app.kubernetes.io/part-of': 'poorman-faas',
          'app.kubernetes.io/managed-by': 'poorman-faas',
          'faas.poorman.dev/function': 'hello',
        },
      },
      spec: {
        requiresPython: '>=3.11',
        dependencies: [],
        minReplicas: 1,
        maxReplicas: 3,
        idleTimeout: '5m',
        timeout: '30s',
        memory: '128Mi',
        cpu: '100m',
        env: { A: 'b' },
        secrets: [],
        asyncTimeout: '5m',
        asyncAttempts: 5,
        asyncMaxDelay: '1m',
        asyncMaxInflight: 10,
        asyncCallbackTimeout: '10s',
        asyncCallbackAttempts: 3,
        source: text,
      },
    });
  });

  it('refuses bad props, naming the field and the value', () => {
    const chart = Testing.chart();
    const ok = definition('hello');
    expect(() => new PythonFunction(chart, 'a', { definition: ok, namespace: 'Bad_NS', bootstrapSource: BOOTSTRAP })).toThrowError(
      "'namespace' ('Bad_NS') must be a DNS-1123 label",
    );
    expect(() => new PythonFunction(chart, 'b', { definition: ok, targetCpuUtilization: 0, bootstrapSource: BOOTSTRAP })).toThrowError(
      "'targetCpuUtilization' (0) must be a whole number >= 1",
    );
    expect(() => new PythonFunction(chart, 'c', { definition: ok, runtimeVolumeSize: 'lots', bootstrapSource: BOOTSTRAP })).toThrowError(
      "'runtimeVolumeSize' ('lots') must be a Kubernetes quantity",
    );
    expect(() => new PythonFunction(chart, 'd', { definition: { ...ok, minReplicas: 3, maxReplicas: 1 }, bootstrapSource: BOOTSTRAP })).toThrowError(
      "'definition.minReplicas' (3) must be <= 'definition.maxReplicas' (1)",
    );
    expect(() => new PythonFunction(chart, 'e', { definition: { ...ok, name: 'faas-x' }, bootstrapSource: BOOTSTRAP })).toThrowError(
      "'definition.name' ('faas-x')",
    );
  });
});
