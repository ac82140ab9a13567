/**
 * The labels every object carries (DESIGN.md, "Rules every object follows"), in one place so
 * constructs, the gateway's selectors and the tests agree on the exact keys.
 */

/** Product name shared by every object, as `app.kubernetes.io/part-of`. */
export const PART_OF = 'poorman-faas';

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** Which function an object belongs to; the gateway and `faas` select on it. */
export const LABEL_FUNCTION = 'faas.poorman.dev/function';
/** `function` on every function pod: the NetworkPolicy selects all of them with it. */
export const LABEL_ROLE = 'faas.poorman.dev/role';

/** The pod template annotation that changes with the script, so a redeploy rolls the pods. */
export const ANNOTATION_SOURCE_HASH = 'faas.poorman.dev/source-hash';

export const ROLE_FUNCTION = 'function';
export const ROLE_GATEWAY = 'gateway';

/** Who applied the objects; `faas` for the CLI and cdk8s app, a controller sets its own. */
export const MANAGED_BY = 'poorman-faas';

/** Labels of a platform object (namespace, CRD, gateway): `name` is the object's app, `component` its role. */
export function platformLabels(name: string, component: string): Record<string, string> {
  return {
    [LABEL_NAME]: name,
    [LABEL_COMPONENT]: component,
    [LABEL_PART_OF]: PART_OF,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
}

/** Labels of every object that belongs to one function. */
export function functionLabels(name: string): Record<string, string> {
  return {
    [LABEL_NAME]: name,
    [LABEL_PART_OF]: PART_OF,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_FUNCTION]: name,
  };
}

/**
 * The selector of one function's pods. Kept to labels that never change for the life of a
 * function, because a Deployment's selector is immutable once applied.
 */
export function functionSelector(name: string): Record<string, string> {
  return { [LABEL_FUNCTION]: name, [LABEL_ROLE]: ROLE_FUNCTION };
}

/** The selector of the gateway's pods; immutable for the same reason. */
export function gatewaySelector(): Record<string, string> {
  return { [LABEL_NAME]: 'faas-gateway', [LABEL_ROLE]: ROLE_GATEWAY };
}
