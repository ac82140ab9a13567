/**
 * Sizes written as Kubernetes quantities: `10M` is 10^7 bytes, `10Mi` is 10·2^20. A lower-case
 * `m` is milli in a quantity, which means nothing for bytes and is mostly meant as `M` or `Mi`, so
 * it is refused with both readings rather than guessed; so are other spellings such as `10MB`.
 */
const FACTORS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export type ByteSize = { readonly bytes: number } | { readonly problem: string };

/** Bytes in `text` (`1048576`, `512Ki`, `10M`, `1Gi`), or what is wrong with it. */
export function parseByteSize(text: string): ByteSize {
  const match = /^([0-9]+)([a-zA-Z]*)$/.exec(text.trim());
  if (!match) return { problem: 'write bytes (1048576) or a Kubernetes quantity (512Ki, 10M, 10Mi, 1Gi)' };
  const [, amount, unit] = match as unknown as [string, string, string];
  const factor = FACTORS[unit];
  if (factor !== undefined) return { bytes: Number(amount) * factor };
  const letter = /^([kmgt])i?b?$/i.exec(unit)?.[1];
  if (letter !== undefined) {
    const decimal = letter === 'k' || letter === 'K' ? 'k' : letter.toUpperCase();
    const binary = `${letter.toUpperCase()}i`;
    return { problem: `"${unit}" is ambiguous: write ${amount}${decimal} (${amount}×${FACTORS[decimal]} bytes) or ${amount}${binary} (${amount}×${FACTORS[binary]} bytes)` };
  }
  return { problem: `"${unit}" is not a unit: use k, M, G, T (powers of 1000) or Ki, Mi, Gi, Ti (powers of 1024)` };
}
