/**
 * The Python bootstrap that serves a function (gateway/bootstrap/bootstrap.py). It ships in
 * every function's ConfigMap next to the script, so pods need nothing but the stock uv image.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the bootstrap inside the package. */
export const BOOTSTRAP_PATH = 'gateway/bootstrap/bootstrap.py';

/** The bootstrap's text and its sha256, read once per process. */
export interface BootstrapSource {
  readonly text: string;
  readonly sha256: string;
}

let cached: BootstrapSource | undefined;

/** Reads the bootstrap on first use, from the package this module belongs to. */
export function bootstrapSource(): BootstrapSource {
  if (cached === undefined) {
    const file = join(packageRoot(), BOOTSTRAP_PATH);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `cannot read the function bootstrap at ${file} (${(error as NodeJS.ErrnoException).code}); ` +
          `it ships with the package as ${BOOTSTRAP_PATH}: reinstall the package, or pass 'bootstrapSource' to the construct`,
      );
    }
    cached = bootstrapFromText(text);
  }
  return cached;
}

/** Wraps a bootstrap given as text (a controller or Pulumi program may embed its own). */
export function bootstrapFromText(text: string): BootstrapSource {
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * The package root: the nearest folder upwards holding the bootstrap. Found by walking up rather
 * than by a fixed `../`, so the same code works from sources, from `lib/` and from a bundle.
 */
function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, BOOTSTRAP_PATH))) return dir;
    if (dirname(dir) === dir) return join(start, '..');
  }
}
