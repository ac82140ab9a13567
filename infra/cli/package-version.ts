import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's version, from the nearest package.json up the tree (sources and the compiled `lib/` differ in depth). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return '0.0.0';
      dir = parent;
    }
  }
}
