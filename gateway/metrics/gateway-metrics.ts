/**
 * Prometheus metrics under OpenFaaS's names, so its dashboards and alerts work unchanged, plus
 * cold-start timing and prom-client's process metrics (`process_*`, `nodejs_*`). One registry per
 * gateway (not prom-client's global), so several gateways can live in one process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RecentCalls } from '../core/recent-calls.js';

interface InvocationSeries {
  readonly count: { inc(): void };
  readonly seconds: { observe(value: number): void };
}

interface FunctionSeries {
  readonly started: { inc(): void };
  /** Calls since the gateway started, every status code. */
  total: number;
  readonly byCode: Map<number, InvocationSeries>;
}

/**
 * Seconds. A call lasts at most its cold start (`COLD_START_TIMEOUT`, 60 s) plus its `timeout`
 * (30 s by default, minutes for long jobs), so the buckets reach an hour: a 5-minute or 30-minute
 * timeout still has a bucket of its own and a quantile near it is not guessed from +Inf.
 */
export const CALL_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface ServiceCounts {
  /** name → ready replicas, read at scrape time. */
  serviceCounts(): Iterable<readonly [string, number]>;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly started: Counter<'function_name'>;
  /** The last minutes of the same calls and cold starts, for the UI's JSON. */
  readonly recent = new RecentCalls();
  private readonly invocations: Counter<'function_name' | 'code'>;
  private readonly durations: Histogram<'function_name' | 'code'>;
  private readonly coldStarts: Counter<'function_name'>;
  private readonly coldStartSeconds: Histogram<'function_name'>;
  private readonly poolWakes: Counter<'function_name' | 'outcome'>;
  /**
   * Label children cached per function, then code: the hot path skips prom-client's label checks
   * and builds no key string.
   */
  private readonly series = new Map<string, FunctionSeries>();

  constructor(services: ServiceCounts) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.started = new Counter({
      name: 'gateway_function_invocation_started',
      help: 'Function invocations started, counted when the call reaches its function route',
      labelNames: ['function_name'],
      registers,
    });
    this.invocations = new Counter({
      name: 'gateway_function_invocation_total',
      help: 'Function invocations by function and HTTP status code',
      labelNames: ['function_name', 'code'],
      registers,
    });
    this.durations = new Histogram({
      name: 'gateway_functions_seconds',
      help: 'Function call duration seen at the gateway, cold starts included',
      labelNames: ['function_name', 'code'],
      // Function timeouts reach minutes and cold starts a minute: prom-client's default buckets stop at 10 s.
      buckets: CALL_SECONDS_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'gateway_service_count',
      help: 'Ready replicas per function',
      labelNames: ['function_name'],
      registers,
      collect() {
        this.reset();
        for (const [name, ready] of services.serviceCounts()) this.set({ function_name: name }, ready);
      },
    });
    this.coldStarts = new Counter({
      name: 'gateway_cold_starts_total',
      help: 'Starts of a function from zero triggered by a request',
      labelNames: ['function_name'],
      registers,
    });
    this.coldStartSeconds = new Histogram({
      name: 'gateway_cold_start_seconds',
      help: 'Time from scale-up request to the first ready endpoint',
      labelNames: ['function_name'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    });
    this.poolWakes = new Counter({
      name: 'gateway_warm_pool_wakes_total',
      help: 'Wakes from zero by how they started: claimed (a warm pool instance was specialized) or fallback (none was free; the usual start)',
      labelNames: ['function_name', 'outcome'],
      registers,
    });
  }

  /** A wake from zero handed a warm pool instance (`claimed`), or started the usual way because none was free (`fallback`). */
  poolWake(name: string, outcome: 'claimed' | 'fallback'): void {
    this.poolWakes.inc({ function_name: name, outcome });
  }

  /** A call to `name` begins (before any wake); `invocation` counts its end. */
  invocationStarted(name: string): void {
    this.forFunction(name).started.inc();
  }

  invocation(name: string, code: number, seconds: number): void {
    const forFunction = this.forFunction(name);
    let series = forFunction.byCode.get(code);
    if (series === undefined) {
      const codeLabel = String(code);
      series = { count: this.invocations.labels(name, codeLabel), seconds: this.durations.labels(name, codeLabel) };
      forFunction.byCode.set(code, series);
    }
    series.count.inc();
    series.seconds.observe(seconds);
    forFunction.total++;
    this.recent.call(name, code, seconds);
  }

  private forFunction(name: string): FunctionSeries {
    let forFunction = this.series.get(name);
    if (forFunction === undefined) {
      forFunction = { started: this.started.labels(name), total: 0, byCode: new Map() };
      this.series.set(name, forFunction);
    }
    return forFunction;
  }

  coldStart(name: string): void {
    this.coldStarts.inc({ function_name: name });
    this.recent.coldStart(name);
  }

  coldStartReady(name: string, seconds: number): void {
    this.coldStartSeconds.observe({ function_name: name }, seconds);
    this.recent.coldStartReady(name, seconds);
  }

  /** All calls of `name` since the gateway started, every status code (the admin API's invocationCount). */
  invocationCount(name: string): number {
    return this.series.get(name)?.total ?? 0;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
