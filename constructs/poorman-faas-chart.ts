/**
 * The whole product in one Chart: the platform and every function. The cdk8s app, `faas synth`,
 * the Pulumi component and a controller all build this same chart, so they cannot disagree on
 * what an object looks like.
 */
import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { Platform, type PlatformProps } from './platform.js';
import { FunctionsFolder, type FunctionsFolderProps } from './functions-folder.js';

/** Properties of {@link PoormanFaasChart}. */
export interface PoormanFaasProps extends PlatformProps, Omit<FunctionsFolderProps, 'namespace'> {}

/** Properties of {@link PoormanFaasChart}: the product's props plus the usual Chart ones. */
export interface PoormanFaasChartProps extends PoormanFaasProps, Omit<ChartProps, 'namespace'> {}

/** Platform + functions. Every object names its namespace itself, so the Chart has none. */
export class PoormanFaasChart extends Chart {
  public readonly platform: Platform;
  public readonly functions: FunctionsFolder;

  public constructor(scope: Construct, id: string, props: PoormanFaasChartProps = {}) {
    const { namespace, createNamespace, createCrd, gateway, controller, metricsMonitor, grafanaDashboard, labels, disableResourceNameHashes, ...folder } = props;
    super(scope, id, { labels, disableResourceNameHashes: disableResourceNameHashes ?? true });
    const { bootstrapSource, image } = folder;
    // Whoever writes only Function objects needs the controller that turns them into workloads.
    const controllerProps = controller ?? (folder.functionWorkloads === 'controller' ? { functionImage: image } : undefined);
    this.platform = new Platform(this, 'Platform', { namespace, createNamespace, createCrd, gateway, bootstrapSource, controller: controllerProps, metricsMonitor, grafanaDashboard });
    this.functions = new FunctionsFolder(this, 'Functions', { ...folder, namespace: this.platform.namespace });
  }
}
