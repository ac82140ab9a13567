/**
 * The product's own objects in the test cluster: synthesized by the same constructs as `npm run
 * synth`, applied the way a user applies them (server-side apply, the CRD established first).
 */
import { readFileSync } from 'node:fs';
import { synthesizeManifests, type Manifest } from '../../constructs/synthesize-manifests.js';
import { loadFunction } from '../../constructs/spec/load-function.js';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { ClusterClient } from './cluster-client.js';

export const CRD_NAME = 'functions.faas.poorman.dev';

/** A function definition from a script's text; the file name only appears in error messages. */
export function functionFrom(file: string, text = readFileSync(file, 'utf8')): FunctionDefinition {
  const loaded = loadFunction(file, text);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.function;
}

/** The platform and functions for one test namespace. */
export function platformFor(namespace: string, functions: readonly FunctionDefinition[]): Manifest[] {
  return synthesizeManifests({ namespace, functions });
}

/** Applies objects with server-side apply; the CRD (if any) goes first and must be Established. */
export async function applyServerSide(cluster: ClusterClient, manifests: readonly object[]): Promise<string> {
  const crds = manifests.filter((m) => (m as Manifest).kind === 'CustomResourceDefinition');
  const rest = manifests.filter((m) => (m as Manifest).kind !== 'CustomResourceDefinition');
  let out = '';
  if (crds.length > 0) {
    out += await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: list(crds) });
    await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds.map((c) => `crd/${(c as Manifest).metadata.name}`)]);
  }
  if (rest.length > 0) out += await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: list(rest) });
  return out;
}

/** Applies the Function CRD alone (cluster-wide, shared by every test file). */
export async function ensureCrd(cluster: ClusterClient): Promise<void> {
  const crd = synthesizeManifests({}).filter((m) => m.kind === 'CustomResourceDefinition');
  await applyServerSide(cluster, crd);
}

function list(items: readonly object[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}
