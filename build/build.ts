/**
 * `npm run build`: compiles the package into lib/ (constructs, CLI, gateway, Pulumi component,
 * with type declarations), ships the non-TypeScript files the compiled code reads (the web UI's
 * built files among them, for `faas dev`), and bundles the gateway into dist/gateway/ for the
 * image. Starts from empty folders so nothing stale ships. The npm package ships lib/ and bin/
 * only: nothing there runs the bundle. `--gateway-only` makes the bundle alone, which is all the
 * image needs.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeUi } from './build-ui.js';
import { bundleGateway, GATEWAY_ENTRIES } from './bundle-gateway.js';
import { LIB_UI_FOLDER } from '../gateway/ui/ui-assets.js';
import { shipAsset, shipLibAssets } from './url-assets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'lib');

/** Files the constructs read by a path walk rather than a `new URL`, so no scan finds them. */
const LIB_ASSETS = ['gateway/bootstrap/bootstrap.py'];

async function modulesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => join(e.parentPath, e.name));
}

async function compileLibrary(): Promise<void> {
  await rm(lib, { recursive: true, force: true });

  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (compiled.status !== 0) {
    console.error('build: the TypeScript compiler reported errors (above); nothing was bundled');
    process.exit(1);
  }
  for (const path of LIB_ASSETS) await shipAsset(root, lib, path);
  const shipped = await shipLibAssets(root, lib, await modulesUnder(lib));
  console.log(`lib/  compiled; shipped ${[...new Set([...LIB_ASSETS, ...shipped])].join(', ')}`);
}

const withLibrary = !process.argv.includes('--gateway-only');
if (withLibrary) await compileLibrary();

const bundle = await bundleGateway(root);
if (withLibrary) {
  const uiFolder = join(lib, 'gateway', 'ui', LIB_UI_FOLDER);
  await mkdir(uiFolder, { recursive: true });
  for (const file of bundle.ui) await writeFile(join(uiFolder, file.name), file.contents);
}
for (const name of Object.keys(GATEWAY_ENTRIES)) {
  const file = join(bundle.outdir, `${name}.mjs`);
  console.log(`${relative(root, file)}  ${((await stat(file)).size / 1024).toFixed(0)} KiB`);
}
console.log(`${relative(root, join(bundle.outdir, 'ui'))}/\n${describeUi(bundle.ui).replace(/^/gm, '  ')}`);
