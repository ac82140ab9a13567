#!/usr/bin/env node
// Runs the CLI from its TypeScript sources when no compiled build is present, so a clone works without a build step.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../lib/infra/cli/main.js', import.meta.url));
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../infra/cli/main.ts', import.meta.url).href);
}
