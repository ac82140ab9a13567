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
import { InputPlaceholders } from './input-placeholders.js';

/** The Pulumi type token of {@link PoormanFaas}. */
export const POORMAN_FAAS_TYPE = 'poorman-faas:index:PoormanFaas';

/** The gateway props, with what a user may take from another resource as a Pulumi input. */
export interface PoormanFaasGatewayArgs extends Omit<NonNullable<PoormanFaasProps['gateway']>, 'image' | 'adminSecretName' | 'env'> {
  /** Gateway container image, e.g. an image a `docker.Image` just pushed. @default `ghcr.io/poorman-faas/poorman-faas-gateway:<package version>` */
  readonly image?: pulumi.Input<string>;
  /** Name of the admin Secret, e.g. a `k8s.core.v1.Secret`'s `metadata.name`. @default 'faas-admin' */
  readonly adminSecretName?: pulumi.Input<string>;
  /** Extra environment variables of the gateway. @default {} */
  readonly env?: Record<string, pulumi.Input<string>>;
}

/**
 * Arguments of {@link PoormanFaas}: the platform construct's props plus where the functions are.
 * The namespace, the images and the gateway's strings also take another resource's outputs.
 */
export interface PoormanFaasArgs extends Omit<PoormanFaasProps, 'namespace' | 'image' | 'gateway'> {
  /** Namespace of the gateway and every function, e.g. a `k8s.core.v1.Namespace`'s `metadata.name` (then set `createNamespace: false`). @default 'faas' */
  readonly namespace?: pulumi.Input<string>;
  /** Image of the function pods. @default 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim' */
  readonly image?: pulumi.Input<string>;
  /** The gateway's props. */
  readonly gateway?: PoormanFaasGatewayArgs;
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
  readonly namespace: pulumi.Input<string>;
  readonly gatewayServiceName: string;
  readonly functionNames: string[];
  readonly resources: pulumi.CustomResource[];
}

/** What the constructor hands to {@link PoormanFaas.initialize}. */
interface InitializeArgs {
  readonly name: string;
  readonly args: PoormanFaasArgs;
}

export class PoormanFaas extends pulumi.ComponentResource<Built> {
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
    // The SDK runs initialize (reading the folder, creating the children) and registers the
    // outputs once it is done; the arguments are not the component's inputs (PULUMI_NODEJS_SKIP_COMPONENT_INPUTS).
    super(POORMAN_FAAS_TYPE, name, { name, args } satisfies InitializeArgs as pulumi.Inputs, opts);
    const building = this.getData();
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
  }

  protected override async initialize(props: pulumi.Inputs): Promise<Built> {
    const { name, args } = props as InitializeArgs;
    const placeholders = new InputPlaceholders();
    const manifests = await poormanFaasManifests(withPlaceholders(args, placeholders));
    const gatewayService = manifests.find((m) => m.kind === 'Service' && m.metadata.name === GATEWAY_NAME);
    if (gatewayService?.metadata.namespace === undefined) {
      throw new Error(`the synthesized manifests have no gateway Service '${GATEWAY_NAME}' with a namespace`);
    }
    const namespace = gatewayService.metadata.namespace;
    const resources = this.createChildren(name, manifests, namespace, placeholders);
    return {
      namespace: placeholders.resolve(namespace, 'the namespace') as pulumi.Input<string>,
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
  private createChildren(name: string, manifests: readonly Manifest[], namespace: string, placeholders: InputPlaceholders): pulumi.CustomResource[] {
    const namespaces = new Map<string, pulumi.Resource>();
    const crds = new Map<string, pulumi.Resource>();
    const customGroups = new Set([FUNCTION_GROUP, MONITORING_GROUP]);
    for (const m of manifests) if (m.kind === 'CustomResourceDefinition') customGroups.add(crdGroup(m));

    const ordered = [...manifests].sort((a, b) => rank(a) - rank(b));
    return ordered.map((manifest) => {
      const dependsOn: pulumi.Resource[] = [];
      const ns = manifest.metadata.namespace;
      const nsResource = ns === undefined ? undefined : namespaces.get(ns);
      if (nsResource !== undefined) dependsOn.push(nsResource);
      const crd = crds.get(apiGroup(manifest.apiVersion));
      if (crd !== undefined) dependsOn.push(crd);

      const where = `${manifest.kind} ${manifest.metadata.name}`;
      // Stacks made before child names left out the namespace keep their objects.
      const before = earlierChildName(name, manifest);
      const aliases = before === undefined || placeholders.holds(before) ? [] : [{ name: before }];
      const resolved = placeholders.resolve(manifest, where) as Manifest;
      const child = kubernetesResource(childName(name, manifest, namespace), resolved, customGroups, { parent: this, dependsOn, aliases });
      if (manifest.kind === 'Namespace' && manifest.apiVersion === 'v1') namespaces.set(manifest.metadata.name, child);
      if (manifest.kind === 'CustomResourceDefinition') crds.set(crdGroup(manifest), child);
      return child;
    });
  }
}

/** The args as the constructs take them: each Pulumi input that is not a plain string stood in for. */
function withPlaceholders(args: PoormanFaasArgs, placeholders: InputPlaceholders): PoormanFaasManifestArgs {
  const { namespace, image, gateway, ...rest } = args;
  const stand = placeholders.stand.bind(placeholders);
  const gatewayProps =
    gateway === undefined
      ? undefined
      : {
          ...gateway,
          image: stand('gateway.image', gateway.image),
          adminSecretName: stand('gateway.adminSecretName', gateway.adminSecretName),
          env: gateway.env === undefined ? undefined : Object.fromEntries(Object.entries(gateway.env).map(([key, value]) => [key, stand(`gateway.env.${key}`, value)])),
        };
  return { ...rest, namespace: stand('namespace', namespace), image: stand('image', image), gateway: gatewayProps };
}

/** {@link poormanFaasManifests}'s arguments: plain props and where the functions are. */
export interface PoormanFaasManifestArgs extends PoormanFaasProps {
  readonly functionsDir?: string;
}

/**
 * The objects {@link PoormanFaas} creates: the functions folder read (unless `functions` is given)
 * and synthesized by the constructs. Rejects with every problem of every script, or the bad prop.
 */
export async function poormanFaasManifests(args: PoormanFaasManifestArgs): Promise<Manifest[]> {
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

/**
 * `<component>:<name>`, unique per kind, which the URN adds; the same whatever the platform's
 * namespace is called, so renaming it (or taking it from an Output) keeps every child's name.
 * The platform's Namespace is `<component>:namespace`; an object in another namespace keeps it
 * in its name.
 */
export function childName(component: string, manifest: Manifest, platformNamespace: string): string {
  const { name, namespace } = manifest.metadata;
  if (manifest.kind === 'Namespace' && manifest.apiVersion === 'v1' && name === platformNamespace) return `${component}:namespace`;
  return namespace === undefined || namespace === platformNamespace ? `${component}:${name}` : `${component}:${namespace}/${name}`;
}

/** The child's name before 0.1.0's names left the namespace out, for `aliases`. */
function earlierChildName(component: string, manifest: Manifest): string | undefined {
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
