/**
 * Files that modules find with `new URL('../x', import.meta.url)`: the Python bootstrap, the
 * package's own package.json. They must ship wherever the code ships.
 *
 * In lib/ the compiled module keeps its place in the tree, so the file only has to be copied to
 * the same relative place. In a bundle `import.meta.url` is the bundle's own address, so the
 * esbuild plugin below also rewrites each path to `./<path from the package root>`.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'esbuild';

const URL_OF_FILE = /new URL\(\s*(['"])(\.\.?\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** The files a module's text refers to, as absolute paths resolved from the module's folder. */
export function referencedFiles(source: string, modulePath: string): string[] {
  return [...source.matchAll(URL_OF_FILE)].map((match) => resolve(dirname(modulePath), match[2]!));
}

/** `target` relative to `root` with `/`, or an error when it lies outside or does not exist. */
function packagePath(root: string, modulePath: string, target: string): string {
  const fromRoot = relative(root, target).split(sep).join('/');
  const where = relative(root, modulePath);
  if (fromRoot.startsWith('../')) throw new Error(`${where}: ${target} lies outside the package, so it cannot ship with it`);
  if (!existsSync(target)) throw new Error(`${where}: refers to ${fromRoot}, which does not exist`);
  return fromRoot;
}

/**
 * Copies one asset from the package root to the same path under `outRoot`. package.json is cut
 * down to what running code reads (name, version, module type): the scripts, dependencies and
 * exports of the whole package mean nothing to a copy of part of it.
 */
export async function shipAsset(root: string, outRoot: string, path: string): Promise<void> {
  const target = join(outRoot, path);
  await mkdir(dirname(target), { recursive: true });
  if (path === 'package.json') {
    const { name, version, license } = JSON.parse(await readFile(join(root, path), 'utf8')) as Record<string, unknown>;
    await writeFile(target, `${JSON.stringify({ name, version, license, private: true, type: 'module' }, null, 2)}\n`);
  } else {
    await copyFile(join(root, path), target);
  }
}

/** esbuild plugin: rewrites `new URL` file references of this package's modules; adds each path to `found`. */
export function urlAssets(root: string, found: Set<string>): Plugin {
  return {
    name: 'url-assets',
    setup(build) {
      // Only this package's own TypeScript: dependencies are resolved by Node's rules, not by path.
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const contents = source.replace(URL_OF_FILE, (_match, quote: string, path: string) => {
          const fromRoot = packagePath(root, args.path, resolve(dirname(args.path), path));
          found.add(fromRoot);
          return `new URL(${quote}./${fromRoot}${quote}, import.meta.url)`;
        });
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * For compiled modules under `libRoot` (mirroring the sources under `root`): ships every file
 * they refer to that the compiler did not emit. Returns the paths shipped.
 */
export async function shipLibAssets(root: string, libRoot: string, modules: readonly string[]): Promise<string[]> {
  const shipped = new Set<string>();
  for (const module of modules) {
    for (const target of referencedFiles(await readFile(module, 'utf8'), module)) {
      const path = relative(libRoot, target).split(sep).join('/');
      packagePath(root, module, join(root, path));
      if (path === 'package.json' || !existsSync(target)) shipped.add(path);
    }
  }
  for (const path of shipped) await shipAsset(root, libRoot, path);
  return [...shipped];
}
