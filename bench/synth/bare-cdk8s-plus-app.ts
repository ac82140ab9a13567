/**
 * The reference for bench/synth: a plain cdk8s-plus app of the same size as the generated
 * folder (ConfigMap + Deployment + Service + HPA per function), with none of this project's
 * code, so the bench can show what the platform's constructs cost on top of cdk8s itself.
 *
 * Usage: tsx bench/synth/bare-cdk8s-plus-app.ts <count> <outdir>
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';

const count = Number(process.argv[2] ?? '1000');
const outdir = process.argv[3] ?? 'bench/.work/synth/bare-dist';
if (!Number.isInteger(count) || count < 1) {
  throw new Error(`count (${process.argv[2]}) must be a positive integer`);
}

const app = new App({ outdir, yamlOutputType: undefined });
const chart = new Chart(app, 'bare', { namespace: 'faas' });
for (let i = 0; i < count; i++) {
  const name = `fn-${i}`;
  const code = new kplus.ConfigMap(chart, `${name}-code`, {
    metadata: { name: `${name}-code` },
    data: { 'function.py': `print(${i})\n`, 'bootstrap.py': '# bootstrap\n' },
  });
  const deployment = new kplus.Deployment(chart, name, {
    metadata: { name },
    replicas: undefined,
    securityContext: { user: 65532, group: 65532, ensureNonRoot: true },
    containers: [
      {
        image: 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim',
        portNumber: 8080,
        command: ['uv', 'run', '--no-project', '--script', '/var/faas/code/bootstrap.py'],
        envVariables: { PORT: kplus.EnvValue.fromValue('8080') },
        resources: {
          cpu: { request: kplus.Cpu.millis(100) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(128) },
        },
        volumeMounts: [{ path: '/var/faas/code', volume: kplus.Volume.fromConfigMap(chart, `${name}-vol`, code) }],
      },
    ],
  });
  deployment.exposeViaService({ name, ports: [{ port: 8080, targetPort: 8080 }] });
  new kplus.HorizontalPodAutoscaler(chart, `${name}-hpa`, {
    metadata: { name },
    target: deployment,
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(80))],
  });
}
app.synth();
