/**
 * Does a script's lock still match its metadata? uv records in the lock what it resolved for
 * (`requires-python` and the `[manifest]` requirements) and calls a lock stale when those differ
 * from the script. This compares the same fields in-process, so synth, the admin API and the
 * controller (where uv is not installed) refuse a stale lock with the file and the fix. Markers
 * and `[tool.uv]` settings are left to uv itself: every build runs `uv sync --locked`, which
 * refuses any lock it would change.
 */
import { parse } from 'smol-toml';
import { parsePipRequirementsLine } from 'pip-requirements-js';
import type { LockedFields } from './script-lock.js';

/** Why `lock` does not match `fields`, or undefined when it does. `lockFile` is named in the message. */
export function lockMismatch(fields: LockedFields, lock: string, lockFile: string): string | undefined {
  let document: Record<string, unknown>;
  try {
    document = parse(lock) as Record<string, unknown>;
  } catch (error) {
    return `${lockFile} is not a uv lock (${(error as Error).message.split('\n')[0]}); write it again with \`faas lock\``;
  }
  const manifest = document.manifest as { requirements?: unknown } | undefined;
  const locked = Array.isArray(manifest?.requirements) ? manifest.requirements : [];
  if (typeof document.version !== 'number') return `${lockFile} has no 'version', so it is not a lock uv wrote; write it again with \`faas lock\``;

  const wanted = new Map(fields.dependencies.map((requirement) => [requirementKey(requirement), requirement]));
  const have = new Set(locked.map(lockedKey));
  const added = [...wanted].filter(([key]) => !have.has(key)).map(([, requirement]) => requirement);
  const removed = [...have].filter((key) => !wanted.has(key));
  const changes = [
    ...added.map((requirement) => `'${requirement}' is not in it`),
    ...removed.map((key) => `it still has '${key}'`),
  ];
  const lockedPython = typeof document['requires-python'] === 'string' ? document['requires-python'] : undefined;
  // A script without `requires-python` gets uv's default in its lock, so only a stated one is compared.
  if (fields.requiresPython !== undefined && normalizeSpecifiers(fields.requiresPython) !== normalizeSpecifiers(lockedPython ?? '')) {
    changes.push(`it was resolved for requires-python '${lockedPython ?? ''}', the script asks '${fields.requiresPython}'`);
  }
  if (changes.length === 0) return undefined;
  return `${lockFile} does not match the script's dependencies (${changes.join('; ')}); run \`faas lock\` to resolve them again, and commit the lock`;
}

/** `name[extras]specifiers`, normalized as uv writes them into the manifest. */
function requirementKey(requirement: string): string {
  const parsed = parsePipRequirementsLine(requirement);
  if (parsed === null || (parsed.type !== 'ProjectName' && parsed.type !== 'ProjectURL')) return requirement;
  const specifier = parsed.type === 'ProjectName' ? (parsed.versionSpec ?? []).map(({ operator, version }) => `${operator}${version}`).join(',') : '';
  return key(parsed.name, parsed.extras ?? [], specifier);
}

function lockedKey(entry: unknown): string {
  const { name, extras, specifier } = (entry ?? {}) as { name?: unknown; extras?: unknown; specifier?: unknown };
  return key(String(name ?? ''), Array.isArray(extras) ? extras.map(String) : [], typeof specifier === 'string' ? specifier : '');
}

function key(name: string, extras: readonly string[], specifier: string): string {
  const extrasPart = extras.length === 0 ? '' : `[${extras.map(normalizeName).sort().join(',')}]`;
  return `${normalizeName(name)}${extrasPart}${normalizeSpecifiers(specifier)}`;
}

/** PEP 503: names compare lower-cased with runs of `-`, `_`, `.` as one `-`. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function normalizeSpecifiers(specifiers: string): string {
  return specifiers
    .split(',')
    .map((clause) => clause.replace(/\s+/g, ''))
    .filter((clause) => clause !== '')
    .sort()
    .join(',');
}
