/**
 * When a function was created, where the backend keeps it as a file (the local backend's
 * functions/ folder): the script's birth time. Elsewhere it is unknown and left out, as
 * OpenFaaS allows; never an empty string, which faas-cli cannot parse.
 */
import { statSync } from 'node:fs';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';

export function createdAt(def: FunctionDefinition): string | undefined {
  try {
    const stat = statSync(def.file);
    // Filesystems without birth times report 0; the last change is the next best answer.
    const ms = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } catch {
    return undefined;
  }
}
