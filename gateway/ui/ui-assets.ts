/**
 * The UI's built files (app.js, app.css), held in memory once first asked for, with a gzipped copy
 * and an ETag. Bundled gateway: the folder `ui/` beside the bundle; compiled package (lib/, which
 * `faas dev` runs): the folder `built/` beside this module; TypeScript sources (a clone, `faas dev`): built from ui/ on first use, so what is
 * served is always what the sources say. Nothing is read before a browser asks.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface UiAsset {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** build/build-ui.ts, typed here so the compiled package does not take in the build scripts. */
interface BuildUi {
  buildUi(root: string): Promise<{ files: Array<{ name: string; contents: Uint8Array }> }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const fromSources = import.meta.url.endsWith('.ts');

/** The folder beside the compiled module (lib/gateway/ui/) that `npm run build` fills. */
export const LIB_UI_FOLDER = 'built';

/** Where built files may be: beside the bundle (dist/gateway/ui), or beside the compiled module. */
const BUILT_FOLDERS = [join(here, 'ui'), join(here, LIB_UI_FOLDER)];

export class UiAssets {
  private loading: Promise<ReadonlyMap<string, UiAsset>> | undefined;

  /** @param folder built files to serve; by default found as above. */
  constructor(private readonly folder?: string) {}

  async get(name: string): Promise<UiAsset | undefined> {
    this.loading ??= this.load();
    this.loading.catch(() => (this.loading = undefined));
    return (await this.loading).get(name);
  }

  private async load(): Promise<ReadonlyMap<string, UiAsset>> {
    const files = await this.files();
    return new Map(
      files
        .filter((file) => CONTENT_TYPES[extension(file.name)] !== undefined)
        .map((file) => {
          const body = Buffer.from(file.contents);
          const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
          return [file.name, { body, gzip: gzipSync(body), etag, contentType: CONTENT_TYPES[extension(file.name)]! }];
        }),
    );
  }

  private async files(): Promise<Array<{ name: string; contents: Uint8Array }>> {
    const root = join(here, '..', '..');
    if (this.folder === undefined && fromSources && existsSync(join(root, 'ui', 'src'))) {
      // Only in a clone: the build script and esbuild are there, not in the image.
      const { buildUi } = (await import(pathToFileURL(join(root, 'build', 'build-ui.ts')).href)) as BuildUi;
      return (await buildUi(root)).files;
    }
    const folder = this.folder ?? BUILT_FOLDERS.find((candidate) => existsSync(join(candidate, 'app.js')));
    if (folder === undefined) throw new Error(`the UI is not built: none of ${BUILT_FOLDERS.join(', ')} has app.js; run \`npm run build\``);
    const names = await readdir(folder);
    return Promise.all(names.map(async (name) => ({ name, contents: await readFile(join(folder, name)) })));
  }
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot);
}
