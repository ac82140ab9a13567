/**
 * Builds the web UI (ui/, Preact + TypeScript) with esbuild into app.js and app.css: minified, one
 * file each, nothing fetched from elsewhere at run time. `npm run build` writes them under
 * dist/gateway/ui/ (the image and the package ship that folder); a gateway run from the sources
 * builds them in memory instead, so a clone never serves a stale UI.
 *
 *   npx tsx build/build-ui.ts        prints each file's size, raw and gzipped
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface UiFile {
  /** `app.js`, `app.css`. */
  readonly name: string;
  readonly contents: Uint8Array;
}

export interface UiBuild {
  readonly files: readonly UiFile[];
  /** Every file esbuild read, relative to the package root. */
  readonly inputs: readonly string[];
}

export async function buildUi(root: string): Promise<UiBuild> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [{ in: 'ui/src/main.tsx', out: 'app' }],
    outdir: join(root, 'ui-out'),
    write: false,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    tsconfig: join(root, 'ui', 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
  });
  return {
    files: result.outputFiles.map((file) => ({ name: file.path.slice(file.path.lastIndexOf('/') + 1), contents: file.contents })),
    inputs: [...Object.keys(result.metafile.inputs), 'ui/tsconfig.json'],
  };
}

export async function writeUi(root: string, outdir: string): Promise<UiBuild> {
  const built = await buildUi(root);
  const { files } = built;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  for (const file of files) await writeFile(join(outdir, file.name), file.contents);
  return built;
}

/** `app.js 38.2 KiB (gzip 14.1 KiB)` per file, and the first page's gzipped total. */
export function describeUi(files: readonly UiFile[]): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  let total = 0;
  const lines = files.map((file) => {
    const gzipped = gzipSync(file.contents).length;
    total += gzipped;
    return `${file.name.padEnd(8)} ${kib(file.contents.length)} (gzip ${kib(gzipped)})`;
  });
  return [...lines, `first page: ${kib(total)} gzipped (target ≤ 150 KiB), index.html not counted (under 1 KiB)`].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  console.log(describeUi((await buildUi(root)).files));
}
