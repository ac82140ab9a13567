/**
 * What the UI's read-only JSON shows of each function's recent traffic, kept by the gateway itself
 * (no Prometheus needed): calls, server errors and a latency histogram per 10-second slot over the
 * last 5 minutes, and the last cold starts with their durations. Memory is bounded: a fixed ring of
 * slots (8 KiB) per function that was called, a fixed number of cold starts, nothing per call.
 */

export const SLOT_MS = 10_000;
export const SLOTS = 30;
const RECENT_COLD_STARTS = 10;
/** Latency bounds grow by a fifth from 1 ms to about 5 minutes: percentiles are within 10% of the truth. */
const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 64 }, (_, i) => 1.2 ** i);

interface Slot {
  /** Start of the slot, ms since the epoch; a slot whose start is older than the window is stale. */
  start: number;
  calls: number;
  errors: number;
  readonly latency: Uint32Array;
}

export interface ColdStart {
  /** When it was asked for, ms since the epoch. */
  readonly at: number;
  /** Until the first ready endpoint; undefined when the start failed. */
  readonly seconds?: number;
  /** Why it failed, when it did. */
  readonly failure?: string;
}

interface FunctionCalls {
  readonly slots: Slot[];
  lastCallAt: number | undefined;
  lastStatus: number | undefined;
  readonly coldStarts: ColdStart[];
  coldStartsTotal: number;
  startingAt: number | undefined;
}

export interface CallWindow {
  readonly calls: number;
  readonly errors: number;
  /** Share of calls answered 5xx, 0..1; 0 when there were none. */
  readonly errorRate: number;
  /** Estimated from the histogram; undefined without calls. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

export interface CallSummary extends CallWindow {
  readonly lastCallAt?: number;
  readonly lastStatus?: number;
  readonly coldStarts: number;
}

export interface SeriesPoint extends CallWindow {
  /** Start of the slot, ms since the epoch. */
  readonly at: number;
}

export class RecentCalls {
  private readonly byName = new Map<string, FunctionCalls>();

  constructor(private readonly now: () => number = Date.now) {}

  call(name: string, status: number, seconds: number): void {
    const entry = this.entry(name);
    const now = this.now();
    const slot = this.slot(entry, now);
    slot.calls++;
    if (status >= 500) slot.errors++;
    slot.latency[bucketOf(seconds * 1000)]!++;
    entry.lastCallAt = now;
    entry.lastStatus = status;
  }

  coldStart(name: string): void {
    const entry = this.entry(name);
    entry.startingAt = this.now();
    entry.coldStartsTotal++;
  }

  coldStartReady(name: string, seconds: number): void {
    const entry = this.entry(name);
    this.remember(entry, { at: entry.startingAt ?? this.now() - seconds * 1000, seconds });
  }

  coldStartFailed(name: string, reason: string): void {
    const entry = this.byName.get(name);
    if (entry?.startingAt === undefined) return;
    this.remember(entry, { at: entry.startingAt, failure: reason });
  }

  forget(name: string): void {
    this.byName.delete(name);
  }

  summary(name: string): CallSummary {
    const entry = this.byName.get(name);
    if (!entry) return { ...window([]), coldStarts: 0 };
    const live = this.liveSlots(entry);
    return {
      ...window(live),
      coldStarts: entry.coldStartsTotal,
      ...(entry.lastCallAt !== undefined && { lastCallAt: entry.lastCallAt }),
      ...(entry.lastStatus !== undefined && { lastStatus: entry.lastStatus }),
    };
  }

  /** One point per slot of the window, oldest first, empty slots included. */
  series(name: string): SeriesPoint[] {
    const entry = this.byName.get(name);
    const current = slotStart(this.now());
    const points: SeriesPoint[] = [];
    for (let i = SLOTS - 1; i >= 0; i--) {
      const at = current - i * SLOT_MS;
      const slot = entry?.slots.find((s) => s.start === at);
      points.push({ at, ...window(slot ? [slot] : []) });
    }
    return points;
  }

  /** Newest first. */
  coldStarts(name: string): readonly ColdStart[] {
    return [...(this.byName.get(name)?.coldStarts ?? [])].reverse();
  }

  private remember(entry: FunctionCalls, start: ColdStart): void {
    entry.startingAt = undefined;
    entry.coldStarts.push(start);
    if (entry.coldStarts.length > RECENT_COLD_STARTS) entry.coldStarts.shift();
  }

  private entry(name: string): FunctionCalls {
    let entry = this.byName.get(name);
    if (!entry) {
      entry = { slots: Array.from({ length: SLOTS }, emptySlot), lastCallAt: undefined, lastStatus: undefined, coldStarts: [], coldStartsTotal: 0, startingAt: undefined };
      this.byName.set(name, entry);
    }
    return entry;
  }

  private slot(entry: FunctionCalls, now: number): Slot {
    const start = slotStart(now);
    const slot = entry.slots[Math.floor(start / SLOT_MS) % SLOTS]!;
    if (slot.start !== start) {
      slot.start = start;
      slot.calls = 0;
      slot.errors = 0;
      slot.latency.fill(0);
    }
    return slot;
  }

  private liveSlots(entry: FunctionCalls): Slot[] {
    const oldest = slotStart(this.now()) - (SLOTS - 1) * SLOT_MS;
    return entry.slots.filter((slot) => slot.start >= oldest && slot.calls > 0);
  }
}

function emptySlot(): Slot {
  return { start: -1, calls: 0, errors: 0, latency: new Uint32Array(LATENCY_BOUNDS_MS.length + 1) };
}

function slotStart(ms: number): number {
  return ms - (ms % SLOT_MS);
}

function bucketOf(ms: number): number {
  let low = 0;
  let high = LATENCY_BOUNDS_MS.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (LATENCY_BOUNDS_MS[mid]! >= ms) high = mid;
    else low = mid + 1;
  }
  return low;
}

function window(slots: readonly Slot[]): CallWindow {
  let calls = 0;
  let errors = 0;
  const merged = new Uint32Array(LATENCY_BOUNDS_MS.length + 1);
  for (const slot of slots) {
    calls += slot.calls;
    errors += slot.errors;
    for (let i = 0; i < merged.length; i++) merged[i]! += slot.latency[i]!;
  }
  if (calls === 0) return { calls, errors, errorRate: 0 };
  return { calls, errors, errorRate: errors / calls, p50Ms: quantile(merged, calls, 0.5), p99Ms: quantile(merged, calls, 0.99) };
}

/** Linear inside the bucket that holds the rank, as Prometheus's histogram_quantile does. */
function quantile(histogram: Uint32Array, total: number, q: number): number {
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i]!;
    if (count > 0 && seen + count >= rank) {
      const low = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const high = LATENCY_BOUNDS_MS[i] ?? low;
      return low + (high - low) * ((rank - seen) / count);
    }
    seen += count;
  }
  return LATENCY_BOUNDS_MS.at(-1)!;
}
