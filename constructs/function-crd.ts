/**
 * The `Function` CustomResourceDefinition: a Function object carries a script and its settings
 * (the spec the gateway reads) and the replica counts and last invocation the gateway writes.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FunctionSpecSchema } from './spec/schema.js';
import { toStructuralSchema, type StructuralSchema } from './function-crd-schema.js';
import { FUNCTION_CRD_NAME, FUNCTION_GROUP, FUNCTION_KIND, FUNCTION_PLURAL, FUNCTION_VERSION } from './function-api.js';
import { clusterScoped } from './cluster-scoped.js';
import { platformLabels } from './labels.js';

/** Properties of {@link FunctionCrd}. */
export interface FunctionCrdProps {
  /**
   * Extra labels on the CRD object.
   * @default {}
   */
  readonly labels?: Record<string, string>;
}

/** The `functions.faas.poorman.dev` CRD: namespaced, status subresource, `kubectl get functions` columns. */
export class FunctionCrd extends Construct {
  /** The CRD object itself. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: FunctionCrdProps = {}) {
    super(scope, id);
    this.apiObject = clusterScoped(
      new ApiObject(this, 'Resource', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: {
          name: FUNCTION_CRD_NAME,
          labels: { ...platformLabels('faas-functions', 'crd'), ...props.labels },
        },
        spec: {
          group: FUNCTION_GROUP,
          scope: 'Namespaced',
          names: {
            kind: FUNCTION_KIND,
            listKind: `${FUNCTION_KIND}List`,
            plural: FUNCTION_PLURAL,
            singular: 'function',
            shortNames: ['fn'],
            categories: ['faas'],
          },
          versions: [
            {
              name: FUNCTION_VERSION,
              served: true,
              storage: true,
              subresources: { status: {} },
              additionalPrinterColumns: PRINTER_COLUMNS,
              schema: { openAPIV3Schema: functionOpenApiSchema() },
            },
          ],
        },
      }),
    );
  }
}

/** What `kubectl get functions` shows; the `-o wide` ones have priority 1. */
const PRINTER_COLUMNS = [
  { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas', description: 'Replicas asked for now (0 when asleep).' },
  { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Replicas that accept requests.' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why the function is or is not ready (the Ready condition\'s reason), from the controller.' },
  { name: 'Min', type: 'integer', jsonPath: '.spec.minReplicas', description: 'Replicas kept when idle.' },
  { name: 'Max', type: 'integer', jsonPath: '.spec.maxReplicas', description: 'Autoscaler ceiling.' },
  { name: 'Idle-Timeout', type: 'string', jsonPath: '.spec.idleTimeout', priority: 1, description: 'Idle time before scaling to zero.' },
  { name: 'Last-Invocation', type: 'date', jsonPath: '.status.lastInvocation', priority: 1, description: 'When a request was last served.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The whole object's schema: spec from the one spec definition, status written here. */
export function functionOpenApiSchema(): StructuralSchema {
  return {
    type: 'object',
    description: 'A Python function: a PEP 723 script and how the platform runs it.',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        ...toStructuralSchema(FunctionSpecSchema as unknown as Record<string, unknown>),
        // Across two fields, so no per-field keyword can say it; the API server refuses the object.
        'x-kubernetes-validations': [
          {
            rule: 'self.minReplicas <= self.maxReplicas',
            // A static message: the API server's cost estimate refuses string building over this schema.
            message: 'minReplicas must be <= maxReplicas; lower minReplicas or raise maxReplicas',
            fieldPath: '.minReplicas',
            reason: 'FieldValueInvalid',
          },
        ],
      },
      status: FUNCTION_STATUS_SCHEMA,
    },
  };
}

/** Written by the gateway (and a controller): what `kubectl get functions` reports. */
const FUNCTION_STATUS_SCHEMA: StructuralSchema = {
  type: 'object',
  description: 'Observed state, written by the gateway.',
  properties: {
    replicas: { type: 'integer', format: 'int32', minimum: 0, description: 'Replicas asked for now (0 when asleep).' },
    readyReplicas: { type: 'integer', format: 'int32', minimum: 0, description: 'Replicas that accept requests.' },
    lastInvocation: { type: 'string', format: 'date-time', description: 'When a request was last served.' },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0, description: 'The spec generation this status describes.' },
    conditions: {
      type: 'array',
      description: 'Standard conditions (metav1.Condition), one per type.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      items: {
        type: 'object',
        required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
        properties: {
          type: { type: 'string', maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' },
          status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
          observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
          lastTransitionTime: { type: 'string', format: 'date-time' },
          reason: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' },
          message: { type: 'string', maxLength: 32768 },
        },
      },
    },
  },
};
