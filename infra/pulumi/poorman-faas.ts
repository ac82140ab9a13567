/**
 * The whole platform as one Pulumi component. It builds the manifests with the same construct
 * code as `cdk8s synth` and `faas deploy` (synthesizeManifests) and hands each object to the
 * Kubernetes provider as it is, so Pulumi and cdk8s cannot drift apart.
 */
import { isAbsolute, resolve } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { FunctionsFolder } from '../../constructs/functions-folder.js';
import type { PoormanFaasProps } from '../../constructs/poorman-faas-chart.js';
import { synthesizeManifests, type Manifest } from '../../constructs/synthesize-manifests.js';
import { FUNCTION_API_VERSION, FUNCTION_GROUP, FUNCTION_KIND } from '../../constructs/function-api.js';
import { GATEWAY_NAME, GATEWAY_PORT } from '../../constructs/gateway.js';
import { MONITORING_GROUP } from '../../constructs/gateway-monitor.js';
import { apiGroup, kubernetesResource } from './kubernetes-resource.js';

/** The Pulumi type token of {@link PoormanFaas}. */
export const POORMAN_FAAS_TYPE = 'poorman-faas:index:PoormanFaas';

/** Arguments of {@link PoormanFaas}: the platform construct's props plus where the functions are. */
export interface PoormanFaasArgs extends PoormanFaasProps {
  /**
   * Folder of PEP 723 scripts, read when the program runs. Ignored when `functions` is given. A
   * relative path is relative to the Pulumi project (the folder of `Pulumi.yaml`), not to the
   * working directory the language host gives the program.
   * @default 'functions'
   */
  readonly functionsDir?: string;
}

/** What the component built, for its outputs. */
interface Built {
  readonly namespace: string;
  readonly gatewayServiceName: string;
  readonly functionNames: string[];
  readonly resources: pulumi.CustomResource[];
}

export class PoormanFaas extends pulumi.ComponentResource {
  /** Namespace of the gateway and every function. */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the gateway's Service. */
  public readonly gatewayServiceName: pulumi.Output<string>;
  /** The gateway's URL inside the cluster: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
  public readonly gatewayUrl: pulumi.Output<string>;
  /** Every deployed function, sorted. */
  public readonly functionNames: pulumi.Output<string[]>;
  /** One Kubernetes resource per synthesized object, in creation order. */
  public readonly resources: Promise<pulumi.CustomResource[]>;

  public constructor(name: string, args: PoormanFaasArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super(POORMAN_FAAS_TYPE, name, {}, opts);
    // Reading the folder is asynchronous; the outputs wait for it, and so does the engine, so every
    // child is registered before the component's outputs are.
    const building = this.build(name, args);
    this.resources = building.then((b) => b.resources);
    // A failed build is reported once, through the outputs below; no second unhandled rejection.
    this.resources.catch(() => undefined);
    // The outputs wait for every child's registration, so whoever reads them depends on all of them.
    const built = pulumi
      .output(building)
      .apply(({ resources, ...outputs }) => pulumi.all(resources.map((resource) => resource.urn)).apply(() => outputs));
    this.namespace = built.namespace;
    this.gatewayServiceName = built.gatewayServiceName;
    this.gatewayUrl = pulumi.interpolate`http://${built.gatewayServiceName}.${built.namespace}.svc.cluster.local:${GATEWAY_PORT}`;
    this.functionNames = built.functionNames;
    this.registerOutputs({
      namespace: this.namespace,
      gatewayServiceName: this.gatewayServiceName,
      gatewayUrl: this.gatewayUrl,
      functionNames: this.functionNames,
    });
  }

  private async build(name: string, args: PoormanFaasArgs): Promise<Built> {
    const manifests = await poormanFaasManifests(args);
    const resources = this.createChildren(name, manifests);
    const gatewayService = manifests.find((m) => m.kind === 'Service' && m.metadata.name === GATEWAY_NAME);
    if (gatewayService?.metadata.namespace === undefined) {
      throw new Error(`the synthesized manifests have no gateway Service '${GATEWAY_NAME}' with a namespace`);
    }
    return {
      namespace: gatewayService.metadata.namespace,
      gatewayServiceName: gatewayService.metadata.name,
      functionNames: manifests
        .filter((m) => m.apiVersion === FUNCTION_API_VERSION && m.kind === FUNCTION_KIND)
        .map((m) => m.metadata.name)
        .sort(),
      resources,
    };
  }

  /**
   * One child per manifest. The order the API server needs is stated as dependencies, not left to
   * retries: namespaced objects after their Namespace, custom objects after their CRD.
   */
  private createChildren(name: string, manifests: readonly Manifest[]): pulumi.CustomResource[] {
    const namespaces = new Map<string, pulumi.Resource>();
    const crds = new Map<string, pulumi.Resource>();
    const customGroups = new Set([FUNCTION_GROUP, MONITORING_GROUP]);
    for (const m of manifests) if (m.kind === 'CustomResourceDefinition') customGroups.add(crdGroup(m));

    const ordered = [...manifests].sort((a, b) => rank(a) - rank(b));
    return ordered.map((manifest) => {
      const dependsOn: pulumi.Resource[] = [];
      const ns = manifest.metadata.namespace;
      const namespace = ns === undefined ? undefined : namespaces.get(ns);
      if (namespace !== undefined) dependsOn.push(namespace);
      const crd = crds.get(apiGroup(manifest.apiVersion));
      if (crd !== undefined) dependsOn.push(crd);

      const child = kubernetesResource(childName(name, manifest), manifest, customGroups, { parent: this, dependsOn });
      if (manifest.kind === 'Namespace' && manifest.apiVersion === 'v1') namespaces.set(manifest.metadata.name, child);
      if (manifest.kind === 'CustomResourceDefinition') crds.set(crdGroup(manifest), child);
      return child;
    });
  }
}

/**
 * The objects {@link PoormanFaas} creates: the functions folder read (unless `functions` is given)
 * and synthesized by the constructs. Rejects with every problem of every script, or the bad prop.
 */
export async function poormanFaasManifests(args: PoormanFaasArgs): Promise<Manifest[]> {
  const { functionsDir = 'functions', ...props } = args;
  const functions = props.functions ?? (await FunctionsFolder.load(resolve(projectRoot(), functionsDir)));
  return synthesizeManifests({ ...props, functions });
}

/**
 * The folder of `Pulumi.yaml`. The language host runs the program in the program's own folder
 * (`main:`), so only the engine knows the project's; outside a Pulumi run (no root given, where
 * the SDK answers a placeholder) the working directory stands in.
 */
function projectRoot(): string {
  const root = pulumi.getRootDirectory();
  return isAbsolute(root) ? root : process.cwd();
}

/** `<component>:<namespace>/<name>` or `<component>:<name>`; unique per kind, which the URN adds. */
export function childName(component: string, manifest: Manifest): string {
  const { name, namespace } = manifest.metadata;
  return namespace === undefined ? `${component}:${name}` : `${component}:${namespace}/${name}`;
}

/** Namespaces and CRDs are created before the objects that need them. */
function rank(manifest: Manifest): number {
  if (manifest.kind === 'Namespace') return 0;
  if (manifest.kind === 'CustomResourceDefinition') return 1;
  return 2;
}

function crdGroup(crd: Manifest): string {
  const group = (crd.spec as { group?: unknown } | undefined)?.group;
  if (typeof group !== 'string') throw new Error(`the CustomResourceDefinition '${crd.metadata.name}' has no spec.group`);
  return group;
}
