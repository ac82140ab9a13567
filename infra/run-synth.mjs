#!/usr/bin/env node
/**
 * `npm run synth`: runs infra/main.ts from a bundle that esbuild rebuilds only when a source is
 * newer, because loading ~40 TypeScript files through a transpiling loader costs more than the
 * synth of a small folder. Without esbuild (an install without dev dependencies) it falls back to
 * tsx. Plain JavaScript on purpose: this file must start without any loader.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'infra', 'main.ts');
const cacheDir = join(root, '.cache', 'synth');
const bundle = join(cacheDir, 'main.mjs');
const inputsFile = join(cacheDir, 'inputs.json');

/** The bundle, if it exists and no input changed since it was built. */
function freshBundle() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return inputs.every((input) => statSync(join(root, input)).mtimeMs <= built) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

async function build() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  mkdirSync(cacheDir, { recursive: true });
  // A private temp name, then rename: two synths at once never read a half-written bundle.
  const temp = `${bundle}.${process.pid}.tmp.mjs`;
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: temp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    metafile: true,
    logLevel: 'error',
    absWorkingDir: root,
  });
  writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(Object.keys(result.metafile.inputs)));
  renameSync(temp, bundle);
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  return bundle;
}

const compiled = freshBundle() ?? (await build());
if (compiled !== undefined) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
