/**
 * Which Kubernetes warm pool a function wakes from, shared by synth (which makes one pool
 * Deployment per key) and the gateway (which claims from it). A pool pod runs the function image's
 * own Python with the bootstrap pre-imported, so today only a function that needs nothing beyond
 * that Python can wake in one: no dependencies, no mounted Secrets (a running pod cannot gain a
 * volume), no `PYTHON*` variable (read as the interpreter starts). The key is the environment's
 * identity (`environmentHash` without a lock: the image's Python on its platform), so built
 * environments, once pods mount them by hash, key their own pools the same way.
 */
import { environmentHash } from './environment/environment-hash.js';
import type { FunctionDefinition } from './spec/function-definition.js';
import { placementSpec } from './spec/spec-conversion.js';

/** The platform the function images are built for. */
const PLATFORM = 'linux/amd64';

/** The Python version an image runs, read from its tag (`uv:python3.12-bookworm-slim` → `3.12`); else the image itself. */
function imagePython(image: string): string {
  return /python(\d+\.\d+(?:\.\d+)?)/.exec(image)?.[1] ?? image;
}

/** The pool key (a label value), or undefined when `def` must start its own interpreter. */
export function warmPoolKey(def: FunctionDefinition, image: string): string | undefined {
  if (def.dependencies.length > 0 || def.secrets.length > 0) return undefined;
  // A pool pod runs wherever the pool was scheduled, not on the nodes this function asks for.
  if (Object.keys(placementSpec(def)).length > 0) return undefined;
  if (Object.keys(def.env).some((name) => name.startsWith('PYTHON'))) return undefined;
  return environmentHash(undefined, imagePython(image), PLATFORM);
}
