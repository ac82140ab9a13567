/**
 * Where synth reads functions from and writes manifests to, and the few platform settings a
 * project usually pins. Precedence: command-line flag, then environment variable, then
 * `faas.config.json` in the working directory, then the default.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { PoormanFaasProps } from '../constructs/poorman-faas-chart.js';

export const CONFIG_FILE = 'faas.config.json';

const MonitorKindSchema = Type.Union([Type.Literal('ServiceMonitor'), Type.Literal('PodMonitor')]);
const MonitorSchema = Type.Object(
  {
    kind: Type.Optional(MonitorKindSchema),
    labels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'For the Prometheus\'s monitor selector, such as { "release": "kube-prometheus-stack" }.' })),
    interval: Type.Optional(Type.String({ minLength: 1, description: 'Scrape interval, a Prometheus duration such as 30s.' })),
  },
  { additionalProperties: false },
);

/** `faas.config.json`: every key optional. */
export const FaasConfigSchema = Type.Object(
  {
    functionsDir: Type.Optional(Type.String({ minLength: 1, description: 'Folder of PEP 723 scripts. Env: FAAS_FUNCTIONS_DIR.' })),
    outDir: Type.Optional(Type.String({ minLength: 1, description: 'Where synth writes the YAML. Env: FAAS_OUT_DIR.' })),
    namespace: Type.Optional(Type.String({ minLength: 1, description: 'Namespace of the gateway and the functions.' })),
    gatewayImage: Type.Optional(Type.String({ minLength: 1, description: 'Gateway container image.' })),
    functionImage: Type.Optional(Type.String({ minLength: 1, description: 'Image with Python and uv for function pods.' })),
    functionWorkloads: Type.Optional(Type.Union([Type.Literal('synth'), Type.Literal('controller')])),
    createNamespace: Type.Optional(Type.Boolean({ description: 'Write the Namespace; false when it is managed elsewhere.' })),
    createCrd: Type.Optional(Type.Boolean({ description: 'Write the Function CRD (cluster-scoped); false to deploy with namespace-scoped rights once it is installed.' })),
    metricsMonitor: Type.Optional(
      Type.Union([MonitorKindSchema, MonitorSchema], {
        description: 'A prometheus-operator monitor for the gateway\'s /metrics: "ServiceMonitor", "PodMonitor", or { "kind", "labels", "interval" }.',
      }),
    ),
    grafanaDashboard: Type.Optional(Type.Boolean({ description: 'A ConfigMap with the Grafana dashboard for Grafana\'s sidecar.' })),
  },
  { additionalProperties: false },
);
export type FaasConfig = Static<typeof FaasConfigSchema>;

export interface SynthSettings {
  readonly functionsDir: string;
  readonly outDir: string;
  readonly props: PoormanFaasProps;
}

/** Flags as given on the command line; unset ones fall through to env, file, default. */
export interface SynthFlags {
  readonly functions?: string;
  readonly out?: string;
}

export function synthSettings(flags: SynthFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SynthSettings {
  const config = readConfig(resolve(cwd, CONFIG_FILE));
  return {
    functionsDir: flags.functions ?? nonEmpty(env.FAAS_FUNCTIONS_DIR) ?? config.functionsDir ?? 'functions',
    // `cdk8s synth` passes its output folder as CDK8S_OUTDIR and expects the files there.
    outDir: flags.out ?? nonEmpty(env.CDK8S_OUTDIR) ?? nonEmpty(env.FAAS_OUT_DIR) ?? config.outDir ?? 'dist',
    props: {
      ...(config.namespace === undefined ? {} : { namespace: config.namespace }),
      ...(config.gatewayImage === undefined ? {} : { gateway: { image: config.gatewayImage } }),
      ...(config.functionImage === undefined ? {} : { image: config.functionImage }),
      ...(config.functionWorkloads === undefined ? {} : { functionWorkloads: config.functionWorkloads }),
      ...(config.createNamespace === undefined ? {} : { createNamespace: config.createNamespace }),
      ...(config.createCrd === undefined ? {} : { createCrd: config.createCrd }),
      ...(config.metricsMonitor === undefined ? {} : { metricsMonitor: typeof config.metricsMonitor === 'string' ? { kind: config.metricsMonitor } : config.metricsMonitor }),
      ...(config.grafanaDashboard === undefined ? {} : { grafanaDashboard: config.grafanaDashboard }),
    },
  };
}

function readConfig(file: string): FaasConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message}); fix the syntax or delete the file`);
  }
  const problems = [...Value.Errors(FaasConfigSchema, parsed)].map((problem) => {
    const where = problem.path === '' ? 'the file' : `'${problem.path.slice(1).replaceAll('/', '.')}'`;
    // A union's own message ("expected union value") says nothing of what it takes; its description does.
    const takes = problem.type === ValueErrorType.Union && typeof problem.schema.description === 'string' ? ` (${problem.schema.description})` : '';
    return `${file}: ${where} ${problem.message.toLowerCase()}${takes}`;
  });
  if (problems.length > 0) {
    const keys = Object.keys(FaasConfigSchema.properties).join(', ');
    throw new Error(`${problems.join('\n')}\n(known keys: ${keys})`);
  }
  return parsed as FaasConfig;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
