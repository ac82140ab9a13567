/**
 * One synthesized manifest → the @pulumi/kubernetes resource of its kind, taking the manifest as
 * it is. The shapes come from the constructs; this file only picks the resource type, so Pulumi
 * state shows `kubernetes:apps/v1:Deployment` and friends rather than untyped objects.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { Manifest } from '../../constructs/synthesize-manifests.js';

type ResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** Every built-in kind the platform synthesizes, by `apiVersion/kind`. */
const BUILT_IN: Readonly<Record<string, ResourceClass>> = {
  'v1/Namespace': k8s.core.v1.Namespace,
  'v1/ServiceAccount': k8s.core.v1.ServiceAccount,
  'v1/ConfigMap': k8s.core.v1.ConfigMap,
  'v1/Secret': k8s.core.v1.Secret,
  'v1/Service': k8s.core.v1.Service,
  'apps/v1/Deployment': k8s.apps.v1.Deployment,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/v1/Role': k8s.rbac.v1.Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': k8s.rbac.v1.RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': k8s.rbac.v1.ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': k8s.rbac.v1.ClusterRoleBinding,
  'networking.k8s.io/v1/NetworkPolicy': k8s.networking.v1.NetworkPolicy,
  'coordination.k8s.io/v1/Lease': k8s.coordination.v1.Lease,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': k8s.apiextensions.v1.CustomResourceDefinition,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
};

/** `group` of an apiVersion; '' for the core group (`v1`). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * Creates the resource for `manifest`. `customGroups` are the API groups of the CRDs in the same
 * set: their objects become `CustomResource`s; any other kind missing from the table is an error
 * rather than a guess at a type token the provider may not know.
 */
export function kubernetesResource(
  name: string,
  manifest: Manifest,
  customGroups: ReadonlySet<string>,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const gvk = `${manifest.apiVersion}/${manifest.kind}`;
  const resourceClass = BUILT_IN[gvk];
  if (resourceClass !== undefined) return new resourceClass(name, manifest as never, opts);
  if (customGroups.has(apiGroup(manifest.apiVersion))) {
    return new k8s.apiextensions.CustomResource(name, manifest as k8s.apiextensions.CustomResourceArgs, opts);
  }
  throw new Error(
    `the manifest ${gvk} '${manifest.metadata.name}' has no Pulumi resource type here; ` +
      `add '${gvk}' to BUILT_IN in infra/pulumi/kubernetes-resource.ts (a built-in kind) ` +
      'or include its CustomResourceDefinition in the same manifests (a custom kind)',
  );
}
