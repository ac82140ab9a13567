/**
 * Bundles the gateway (and the function controller, which runs from the same image) into
 * single ESM files that start with plain `node` and no node_modules:
 *
 *   dist/gateway/gateway.mjs                      gateway process (the image's default command)
 *   dist/gateway/controller.mjs                   function controller process
 *   dist/gateway/package.json                     name and version, read by /system/info
 *   dist/gateway/gateway/bootstrap/bootstrap.py   the Python bootstrap, where the code looks for it
 *   dist/gateway/ui/app.js, app.css               the web UI (build-ui.ts), served at /ui/
 */
import { rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { writeUi, type UiFile } from './build-ui.js';
import { shipAsset, urlAssets } from './url-assets.js';

/** Entry module → bundle file name. */
export const GATEWAY_ENTRIES: Readonly<Record<string, string>> = {
  gateway: 'gateway/main.ts',
  controller: 'gateway/controller/main.ts',
};

/** The bootstrap is read by a path walk, not a `new URL`, so it is always shipped. */
const ALWAYS_SHIPPED = ['gateway/bootstrap/bootstrap.py'];

/**
 * Some dependencies are CommonJS and call `require` for Node built-ins; an ESM bundle has no
 * `require` of its own, so it gets one bound to the bundle's address.
 */
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** How the gateway is compiled for the image; bench/proxy.ts and bench/rss.ts build what they measure the same way. */
export const GATEWAY_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  // The package supports Node 22.19 and newer; the image runs the current LTS.
  target: 'node22',
  format: 'esm',
  // Identifiers stay as written, so stack traces and logs name real functions. Mangling them and
  // restoring `.name` with keepNames cost 11 MB of idle RSS (bench/rss.ts: 71.6 vs 60.6 MB) for
  // 0.8 MB less file, which an image does not need.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: REQUIRE_SHIM },
  // No `process.env.NODE_ENV` define: settings are read at run time, like the sources do.
  logLevel: 'warning',
} as const satisfies BuildOptions;

export interface BundleResult {
  readonly outdir: string;
  readonly files: readonly string[];
  /** Every file esbuild read, relative to the package root. */
  readonly inputs: readonly string[];
  /** The web UI's files, written to `ui/` in the bundle's folder. */
  readonly ui: readonly UiFile[];
}

export async function bundleGateway(root: string, outdir = join(root, 'dist', 'gateway')): Promise<BundleResult> {
  await rm(outdir, { recursive: true, force: true });
  const assets = new Set<string>(ALWAYS_SHIPPED);
  const result = await build({
    ...GATEWAY_BUILD_OPTIONS,
    absWorkingDir: root,
    entryPoints: Object.entries(GATEWAY_ENTRIES).map(([out, input]) => ({ in: input, out })),
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    plugins: [urlAssets(root, assets)],
  });
  for (const asset of assets) await shipAsset(root, outdir, asset);
  const ui = await writeUi(root, join(outdir, 'ui'));
  return {
    outdir,
    files: [...Object.keys(result.metafile.outputs), ...assets, ...ui.files.map((file) => relative(root, join(outdir, 'ui', file.name)))],
    inputs: [...new Set([...Object.keys(result.metafile.inputs), ...assets, ...ui.inputs])],
    ui: ui.files,
  };
}
