#!/usr/bin/env node
// In a clone the TypeScript sources are the truth (a lib/ left by an earlier build may be stale);
// an installed package ships only lib/, so it runs that.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sources = fileURLToPath(new URL('../infra/cli/main.ts', import.meta.url));
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(sources).href);
} else {
  await import(new URL('../lib/infra/cli/main.js', import.meta.url).href);
}
