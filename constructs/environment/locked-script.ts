/**
 * The script a builder gives uv alongside a lock: only a PEP 723 block, written from the lock's
 * own `[manifest]` and `requires-python`, so it is a pure function of the lock. Every function
 * with the same lock therefore gets the same builder input, and `uv sync --locked` accepts it,
 * since its requirements are exactly the ones the lock was resolved for.
 */
import { parse, stringify } from 'smol-toml';

interface ManifestEntry {
  readonly name: string;
  readonly extras?: readonly string[];
  readonly specifier?: string;
  readonly marker?: string;
  readonly url?: string;
}

export function lockedScript(lock: string): string {
  const document = parse(lock) as { 'requires-python'?: string; manifest?: { requirements?: ManifestEntry[] } };
  const requirements = (document.manifest?.requirements ?? []).map(requirementOf);
  const block = stringify({
    ...(document['requires-python'] === undefined ? {} : { 'requires-python': document['requires-python'] }),
    dependencies: requirements,
  });
  const lines = block.split('\n').filter((line) => line !== '');
  return ['# /// script', ...lines.map((line) => `# ${line}`), '# ///', ''].join('\n');
}

function requirementOf(entry: ManifestEntry): string {
  const extras = entry.extras && entry.extras.length > 0 ? `[${entry.extras.join(',')}]` : '';
  const version = entry.url !== undefined ? ` @ ${entry.url}` : (entry.specifier ?? '');
  const marker = entry.marker === undefined ? '' : ` ; ${entry.marker}`;
  return `${entry.name}${extras}${version}${marker}`;
}
