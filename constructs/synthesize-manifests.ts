/**
 * The manifests as plain objects, in-process: for the Pulumi component, a controller and tests,
 * which need the objects rather than YAML files.
 */
import { App } from 'cdk8s';
import { PoormanFaasChart, type PoormanFaasProps } from './poorman-faas-chart.js';

/** A Kubernetes object as `kubectl apply` would read it. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

/** Every object of the platform and the given functions, in apply order (namespace and CRD first). */
export function synthesizeManifests(props: PoormanFaasProps = {}): Manifest[] {
  // Never written to disk: `outdir` is only where App.synth() would write, which is not called.
  const app = new App({ outdir: '.' });
  const chart = new PoormanFaasChart(app, 'poorman-faas', props);
  return chart.toJson() as Manifest[];
}
