/**
 * A function's name: where it comes from (the script's file name) and which names the
 * Kubernetes objects built for it get, so that a valid name never makes an invalid object.
 */
import { DNS1123_LABEL_PATTERN } from './schema.js';

/** Names of the objects the constructs create for one function. */
export interface DerivedNames {
  /** Deployment running the function's pods. */
  readonly deployment: string;
  /** Service the gateway proxies to (a DNS-1035 label: must start with a letter). */
  readonly service: string;
  /** HorizontalPodAutoscaler scaling the Deployment on CPU. */
  readonly horizontalPodAutoscaler: string;
  /** `Function` object (faas.poorman.dev) carrying the spec and status. */
  readonly function: string;
  /** ConfigMap holding the script and the bootstrap. */
  readonly configMap: string;
}

/** Every derived object name, given the function name. */
export function derivedNames(name: string): DerivedNames {
  return {
    deployment: name,
    service: name,
    horizontalPodAutoscaler: name,
    function: name,
    configMap: `${name}-code`,
  };
}

/**
 * Each derived name is also the value of the `app.kubernetes.io/name` label and of the
 * Service's DNS label, both capped at 63 characters.
 */
const OBJECT_NAME_LIMIT = 63;

/** Longest function name whose every derived object name still fits. */
export const MAX_FUNCTION_NAME_LENGTH =
  OBJECT_NAME_LIMIT - Math.max(...Object.values(derivedNames('')).map((suffix) => suffix.length));

/** Prefix kept for the platform's own objects (gateway, controller), so a function can never collide with them. */
export const RESERVED_NAME_PREFIX = 'faas-';

const LABEL = new RegExp(DNS1123_LABEL_PATTERN);

/** The file's stem lower-cased, `_` turned into `-` (`My_Func.py` → `my-func`). */
export function functionNameFromStem(stem: string): string {
  return stem.toLowerCase().replaceAll('_', '-');
}

/** `undefined` when `name` is a usable function name, else what is wrong with it and how to fix it. */
export function functionNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the function name is empty; name the script like `hello.py`';
  if (name.length > MAX_FUNCTION_NAME_LENGTH) {
    return `the function name '${name}' is ${name.length} characters; the longest derived object name ('${derivedNames(name).configMap}') must fit in ${OBJECT_NAME_LIMIT}, so use at most ${MAX_FUNCTION_NAME_LENGTH}`;
  }
  if (!LABEL.test(name)) {
    return `the function name '${name}' is not a DNS-1123 label; use only a-z, 0-9 and '-' (or '_' in the file name), starting and ending with a letter or digit`;
  }
  if (!/^[a-z]/.test(name)) {
    return `the function name '${name}' must start with a letter, because its Service name must (DNS-1035); rename the file, e.g. 'fn-${name}'`;
  }
  if (name.startsWith(RESERVED_NAME_PREFIX)) {
    return `the function name '${name}' starts with '${RESERVED_NAME_PREFIX}', which is reserved for the platform's own objects; rename it, e.g. '${name.slice(RESERVED_NAME_PREFIX.length)}'`;
  }
  return undefined;
}
