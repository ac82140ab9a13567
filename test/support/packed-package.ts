/**
 * The package as `npm pack` makes it, from a copy of this work tree: built by its own `prepack`
 * (`npm run build`) in a temporary folder, so tests never write lib/ or dist/ into the checkout
 * (bin/faas.js prefers a compiled lib/ over the sources). Cached by the content of the sources,
 * so the test files that need it share one build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PackedPackage {
  /** The built copy of the work tree (lib/ and dist/ inside). */
  readonly root: string;
  /** The `npm pack` tarball. */
  readonly tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  readonly files: readonly string[];
}

/** Tracked and untracked files of the work tree, minus what .gitignore excludes. */
async function sourceFiles(): Promise<string[]> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split('\0')
    .filter((file) => file !== '')
    .sort();
}

let pending: Promise<PackedPackage> | undefined;

export function packedPackage(): Promise<PackedPackage> {
  pending ??= pack();
  return pending;
}

async function pack(): Promise<PackedPackage> {
  // Read once: others may be editing the work tree, and a file may vanish between list and read.
  const contents = new Map<string, { data: Buffer; mode: number }>();
  const hash = createHash('sha256');
  for (const file of await sourceFiles()) {
    const source = join(REPO_ROOT, file);
    try {
      const [data, info] = await Promise.all([readFile(source), stat(source)]);
      contents.set(file, { data, mode: info.mode });
      hash.update(file).update('\0').update(data);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const dir = join(tmpdir(), `poorman-faas-pack-${hash.digest('hex').slice(0, 16)}`);
  const done = join(dir, 'packed.json');
  if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8')) as PackedPackage;

  const work = `${dir}.${process.pid}`;
  await rm(work, { recursive: true, force: true });
  const root = join(work, 'src');
  for (const [file, { data, mode }] of contents) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), data, { mode });
  }
  await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const out = join(work, 'out');
  await mkdir(out);
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  // `prepack` output can precede the JSON on stdout; the report is the last top-level array.
  const report = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as { filename: string; files: { path: string }[] }[];
  const final = {
    root: join(dir, 'src'),
    tarball: join(dir, 'out', report[0]!.filename),
    files: report[0]!.files.map((file) => file.path).sort(),
  };
  await rm(dir, { recursive: true, force: true });
  await rename(work, dir);
  await pruneOldPacks(dir);
  await writeFile(done, JSON.stringify(final));
  return final;
}

/** Builds of earlier work-tree states: kept an hour, in case another run still reads one. */
async function pruneOldPacks(keep: string): Promise<void> {
  const cutoff = Date.now() - 3_600_000;
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith('poorman-faas-pack-') || path === keep) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true });
  }
}
