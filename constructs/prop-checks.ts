/**
 * Checks for construct props: each returns the value when it is good and otherwise throws an
 * error naming the prop, the value, and what would be accepted, so a bad prop fails at the line
 * that set it rather than as an API server rejection at apply time.
 */
import { DNS1123_LABEL_PATTERN, QUANTITY_PATTERN } from './spec/schema.js';

const DNS1123_LABEL = new RegExp(DNS1123_LABEL_PATTERN);
const QUANTITY = new RegExp(QUANTITY_PATTERN);

/** A DNS-1123 label: lower-case letters, digits and `-`, at most 63 characters. */
export function checkDnsLabel(field: string, value: string, maxLength = 63): string {
  if (!DNS1123_LABEL.test(value) || value.length > maxLength) {
    throw new Error(
      `'${field}' ('${value}') must be a DNS-1123 label of at most ${maxLength} characters: ` +
        'lower-case letters, digits and "-", starting and ending with a letter or digit',
    );
  }
  return value;
}

/** A Kubernetes quantity such as `128Mi`, `100m` or `1`. */
export function checkQuantity(field: string, value: string): string {
  if (!QUANTITY.test(value)) {
    throw new Error(`'${field}' ('${value}') must be a Kubernetes quantity such as '128Mi', '100m' or '1'`);
  }
  return value;
}

/** An integer >= `min`. */
export function checkWholeNumber(field: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`'${field}' (${value}) must be a whole number >= ${min}`);
  }
  return value;
}

/** An absolute path inside the container. */
export function checkAbsolutePath(field: string, value: string): string {
  if (!value.startsWith('/')) {
    throw new Error(`'${field}' ('${value}') must be an absolute path such as '/var/faas/code'`);
  }
  return value;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Environment variable names: a shell identifier each, and none of the `reserved` ones. */
export function checkEnvNames(field: string, env: Readonly<Record<string, string>>, reserved: readonly string[] = []): Readonly<Record<string, string>> {
  for (const name of Object.keys(env)) {
    if (!ENV_NAME.test(name)) {
      throw new Error(`'${field}' has the variable name '${name}'; use letters, digits and '_', not starting with a digit`);
    }
    if (reserved.includes(name)) {
      throw new Error(`'${field}' sets '${name}', which the platform sets itself; remove it (reserved: ${reserved.join(', ')})`);
    }
  }
  return env;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new Error(`'${field}' ('${value}') must be one of ${allowed.map((option) => `'${option}'`).join(', ')}`);
  }
  return value;
}
