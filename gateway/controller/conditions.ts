/** metav1.Condition, as `kubectl describe function` prints it. */
export interface Condition {
  readonly type: 'Ready' | 'Reconciled';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/**
 * Keeps lastTransitionTime when a condition's status did not flip, so an unchanged object
 * yields an identical status and the controller writes nothing.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  generation: number,
  now: Date,
): Condition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : rfc3339(now);
    return { ...c, observedGeneration: generation, lastTransitionTime };
  });
}

/** Kubernetes stores seconds precision; comparing against what it gives back needs the same form. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[]): boolean {
  if (!a || a.length !== b.length) return false;
  return b.every((c) => {
    const o = a.find((x) => x.type === c.type);
    return (
      o !== undefined &&
      o.status === c.status &&
      o.reason === c.reason &&
      o.message === c.message &&
      o.observedGeneration === c.observedGeneration &&
      o.lastTransitionTime === c.lastTransitionTime
    );
  });
}
