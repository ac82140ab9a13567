/** Go-style durations (`500ms`, `30s`, `2m`, `1h30m`), the form `idle-timeout` and `timeout` take. */
import { DURATION_PATTERN } from './schema.js';

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const WHOLE = new RegExp(DURATION_PATTERN);
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

/** Seconds in `text`, or `undefined` when it is not a duration of that form. */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) seconds += Number(amount) * SECONDS_PER_UNIT[unit!]!;
  // Millisecond parts add binary fractions; three decimals is the finest unit there is.
  return Math.round(seconds * 1000) / 1000;
}
