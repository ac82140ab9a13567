import { describe, expect, it } from 'vitest';
import { mergeConditions, sameConditions, type Condition } from '../../../../gateway/controller/conditions.js';

const at = (iso: string) => new Date(iso);

describe('conditions', () => {
  const ready = { type: 'Ready', status: 'True', reason: 'Available', message: '1 of 1 replicas available' } as const;

  it('keeps lastTransitionTime while the status holds, so an unchanged object gives an identical status', () => {
    const first = mergeConditions(undefined, [ready], 1, at('2026-01-01T00:00:00.123Z'));
    expect(first).toEqual([{ ...ready, observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' }]);
    const again = mergeConditions(first, [ready], 1, at('2026-01-01T01:00:00Z'));
    expect(sameConditions(first, again)).toBe(true);
  });

  it('moves lastTransitionTime when the status flips, and not for a new reason alone', () => {
    const first: Condition[] = mergeConditions(undefined, [ready], 1, at('2026-01-01T00:00:00Z'));
    const asleep = mergeConditions(first, [{ ...ready, reason: 'ScaledToZero', message: 'asleep' }], 1, at('2026-01-01T00:05:00Z'));
    expect(asleep[0]!.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(sameConditions(first, asleep)).toBe(false);
    const failed = mergeConditions(asleep, [{ ...ready, status: 'False', reason: 'Starting' }], 2, at('2026-01-01T00:06:00Z'));
    expect(failed[0]).toMatchObject({ lastTransitionTime: '2026-01-01T00:06:00Z', observedGeneration: 2 });
  });

  it('counts a condition gone or added as a change', () => {
    const both = mergeConditions(undefined, [ready, { type: 'Reconciled', status: 'True', reason: 'Applied', message: '' }], 1, at('2026-01-01T00:00:00Z'));
    expect(sameConditions(both.slice(0, 1), both)).toBe(false);
    expect(sameConditions(undefined, both)).toBe(false);
  });
});
