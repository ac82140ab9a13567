/** `faas synth`: write the manifests of the platform and every function to one YAML file. */
import type { Command } from 'commander';
import { synthApp, synthSummary } from '../../synth-app.js';
import { synthSettings } from '../../synth-settings.js';
import { synthHelm } from '../../helm-synth.js';
import { packageVersion } from '../package-version.js';

export function register(program: Command): void {
  program
    .command('synth')
    .description('write the Kubernetes manifests (platform + functions) to <out>/poorman-faas.k8s.yaml')
    .option('--functions <dir>', 'functions folder (default: $FAAS_FUNCTIONS_DIR, "functionsDir" in faas.config.json, or functions)')
    .option('--out <dir>', 'output folder (default: $FAAS_OUT_DIR, "outDir" in faas.config.json, or dist)')
    .option('--gateway-image <image>', 'gateway container image (default: "gatewayImage" in faas.config.json, or the image released with this version)')
    .option('--format <format>', 'plain: one YAML file; helm: a chart in <out>/poorman-faas whose `helm template` renders the same objects', 'plain')
    .option('--chart-version <semver>', 'chart version for --format helm (default: the package version)')
    .action(async (options: { functions?: string; out?: string; gatewayImage?: string; format: string; chartVersion?: string }) => {
      let settings = synthSettings(options);
      if (options.gatewayImage !== undefined) {
        settings = { ...settings, props: { ...settings.props, gateway: { ...settings.props.gateway, image: options.gatewayImage } } };
      }
      if (options.format !== 'plain' && options.format !== 'helm') throw new Error(`--format '${options.format}' must be plain or helm`);
      if (options.format === 'helm') {
        const chart = await synthHelm(settings, { version: options.chartVersion ?? packageVersion(), appVersion: packageVersion() });
        console.log(`wrote the chart ${chart.dir} (${chart.files.length} files) for ${chart.functions} functions`);
        console.log(`install it with: helm install poorman-faas ${chart.dir}`);
        return;
      }
      if (options.chartVersion !== undefined) throw new Error('--chart-version applies to --format helm only');
      const result = await synthApp(settings);
      console.log(synthSummary(result));
      console.log(`apply it with: kubectl apply --server-side -f ${result.file}`);
    });
}
