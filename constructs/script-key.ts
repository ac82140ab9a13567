/**
 * Where a function's script sits in a pod, shared by the constructs (its ConfigMap key) and the
 * gateway (the file a pool pod is specialized with), with no cdk8s import so the gateway can use it.
 */
import { posix } from 'node:path';
import type { FunctionDefinition } from './spec/function-definition.js';

/** The bootstrap's key beside the script; no script may take it. */
export const BOOTSTRAP_FILE = 'bootstrap.py';

/** The image function pods (and pool pods) run. */
export const DEFAULT_FUNCTION_IMAGE = 'ghcr.io/astral-sh/uv:python3.12-bookworm-slim';

/** The script's own file name when it is a usable ConfigMap key, else `<name>.py`: it imports under the same module name as in `faas dev`. */
export function scriptKey(definition: FunctionDefinition): string {
  const base = posix.basename(definition.file.replaceAll('\\', '/'));
  return /^[-._a-zA-Z0-9]+\.py$/.test(base) && base !== BOOTSTRAP_FILE ? base : `${definition.name}.py`;
}
