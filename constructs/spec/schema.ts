/**
 * The one definition of a function's spec. Everything else derives from it:
 * the TypeScript types, the `[tool.faas]` keys a script may set (kebab-case of these
 * property names), the Function CRD's openAPIV3Schema, validation messages, the admin
 * API's validation and the README's reference table.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Kubernetes resource quantity, as the API server's own quantity regex accepts it. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
/** Go-style duration without sign: `500ms`, `30s`, `2m`, `1h30m`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
/** DNS-1123 label: what a Secret name or function name must be. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1123 subdomain: what a PriorityClass or an image pull Secret may be called. */
export const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A Kubernetes label key: an optional DNS subdomain prefix and `/`, then a name. */
export const LABEL_KEY_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
/** A Kubernetes label value (empty allowed). */
export const LABEL_VALUE_PATTERN = '^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$';

/** One toleration of a function's pods, as the pod spec has it. */
const TolerationSchema = Type.Object(
  {
    key: Type.Optional(Type.String({ pattern: LABEL_KEY_PATTERN, description: 'The taint key; none with `Exists` tolerates every taint.' })),
    operator: Type.Optional(Type.Union([Type.Literal('Exists'), Type.Literal('Equal')], { description: 'How `value` is matched.' })),
    value: Type.Optional(Type.String({ description: 'The taint value, with `Equal`.' })),
    effect: Type.Optional(Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')], { description: 'The taint effect tolerated; none: all.' })),
    tolerationSeconds: Type.Optional(Type.Integer({ minimum: 0, description: 'With `NoExecute`: how long the pod stays once the taint appears.' })),
  },
  { additionalProperties: false },
);

/** The `[tool.faas]` table: how the platform runs a function. Every key is optional. */
export const FaasSettingsSchema = Type.Object(
  {
    minReplicas: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 0,
      description: 'Replicas kept running when idle; 0 lets the function sleep until its next request.',
    }),
    maxReplicas: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 5,
      description: 'Ceiling for the CPU autoscaler (HPA).',
    }),
    idleTimeout: Type.String({
      pattern: DURATION_PATTERN,
      default: '5m',
      description: 'With min-replicas 0: how long without a request before the function is scaled to zero.',
      examples: ['2m', '90s', '1h'],
    }),
    timeout: Type.String({
      pattern: DURATION_PATTERN,
      default: '30s',
      description: 'Per-request limit; the gateway answers 504 past it.',
      examples: ['30s', '500ms', '5m'],
    }),
    memory: Type.String({
      pattern: QUANTITY_PATTERN,
      default: '128Mi',
      description: 'Memory request and limit of each replica (Kubernetes quantity).',
      examples: ['128Mi', '1Gi'],
    }),
    cpu: Type.String({
      pattern: QUANTITY_PATTERN,
      default: '100m',
      description: 'CPU request of each replica (Kubernetes quantity); the HPA scales on it. No CPU limit is set.',
      examples: ['100m', '1'],
    }),
    env: Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
      default: {},
      description: 'Environment variables of the function process.',
      examples: [{ GREETING: 'hi' }],
    }),
    secrets: Type.Array(Type.String({ pattern: DNS1123_LABEL_PATTERN, maxLength: 253 }), {
      default: [],
      uniqueItems: true,
      description: 'Kubernetes Secrets mounted read-only under /var/faas/secrets/<name> (a folder of files in dev).',
      examples: [['db-password']],
    }),
    // Optional in the type though filled by default: a spec leaves out the placement it does not set.
    nodeSelector: Type.Optional(Type.Record(Type.String({ pattern: LABEL_KEY_PATTERN, maxLength: 317 }), Type.String({ pattern: LABEL_VALUE_PATTERN, maxLength: 63 }), {
      default: {},
      description: 'Node labels a replica\'s node must have (`nodeSelector`), e.g. a GPU node pool. Such a function never wakes in a warm pool pod.',
      examples: [{ 'cloud.google.com/gke-accelerator': 'nvidia-l4' }],
    })),
    tolerations: Type.Optional(Type.Array(TolerationSchema, {
      default: [],
      description: 'Taints the replicas tolerate (`tolerations`, each a table `{ key, operator, value, effect, tolerationSeconds }` as in the pod spec), e.g. a tainted GPU pool. Such a function never wakes in a warm pool pod.',
      examples: [[{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]],
    })),
    imagePullSecrets: Type.Optional(Type.Array(Type.String({ pattern: DNS1123_SUBDOMAIN_PATTERN, maxLength: 253 }), {
      default: [],
      uniqueItems: true,
      description: 'Secrets (`kubernetes.io/dockerconfigjson`) the kubelet pulls the function image with, for an image in a private registry.',
      examples: [['registry-credentials']],
    })),
    priorityClassName: Type.Optional(
      Type.String({
        pattern: DNS1123_SUBDOMAIN_PATTERN,
        maxLength: 253,
        description: 'PriorityClass of the replicas (`priorityClassName`). Unset: the cluster\'s default priority.',
        examples: ['gpu-inference'],
      }),
    ),
    asyncTimeout: Type.String({
      pattern: DURATION_PATTERN,
      default: '5m',
      description: 'Per-call limit of an asynchronous call (`/async-function/`); at least `timeout`. Past it the attempt counts as failed (504) and is retried.',
      examples: ['5m', '1h'],
    }),
    asyncAttempts: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 5,
      description: 'Asynchronous calls: attempts at most, the first included, when the function answers 429, 502, 503 or 504 or cannot be reached; then the call becomes a dead letter.',
    }),
    asyncMaxDelay: Type.String({
      pattern: DURATION_PATTERN,
      default: '1m',
      description: 'Asynchronous calls: the longest wait between two attempts (1 s before the second, doubling up to this).',
      examples: ['1m', '10s'],
    }),
    asyncMaxInflight: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 10,
      description: 'Asynchronous calls of this function running at once, so a deep queue never floods it (OpenFaaS\'s `max_inflight`).',
    }),
    asyncCallbackTimeout: Type.String({
      pattern: DURATION_PATTERN,
      default: '10s',
      description: 'How long the `X-Callback-Url` receiver has to answer one POST of the result.',
      examples: ['10s'],
    }),
    asyncCallbackAttempts: Type.Integer({
      minimum: 1,
      maximum: 20,
      default: 3,
      description: 'POSTs of the result to `X-Callback-Url` at most (0.5 s before the second, doubling); a 2xx–4xx answer other than 429 ends them.',
    }),
  },
  { additionalProperties: false },
);

/** Top-level PEP 723 fields the platform reads, besides `[tool.faas]`. */
export const ScriptRequirementsSchema = Type.Object({
  requiresPython: Type.Optional(
    Type.String({
      description: 'PEP 723 `requires-python`: the Python versions uv may pick. Unset: the image\'s Python.',
      examples: ['>=3.11'],
    }),
  ),
  dependencies: Type.Array(Type.String({ minLength: 1 }), {
    default: [],
    description: 'PEP 723 `dependencies`: PEP 508 requirements uv installs before the first start.',
    examples: [['fastapi', 'uvicorn']],
  }),
});

/**
 * `spec` of a Function object (faas.poorman.dev/v1alpha1): the script's requirements, its
 * `[tool.faas]` settings and its source, so that a Function object alone is enough to run it.
 */
export const FunctionSpecSchema = Type.Composite([
  ScriptRequirementsSchema,
  FaasSettingsSchema,
  Type.Object({
    source: Type.String({
      minLength: 1,
      maxLength: 262144,
      description: 'The Python script itself, PEP 723 block included.',
    }),
    lock: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1048576,
        description: "The script's lock, as `uv lock --script` writes it beside the script (`<script>.lock`); required when `dependencies` is not empty, and must match them.",
      }),
    ),
  }),
]);

export type FaasSettings = Static<typeof FaasSettingsSchema>;
export type Toleration = Static<typeof TolerationSchema>;
export type FunctionSpec = Static<typeof FunctionSpecSchema>;
