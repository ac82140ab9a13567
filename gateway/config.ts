/**
 * The gateway's settings, read from the environment once at start. Each variable has a default
 * and says what 0 means; a bad value stops the gateway with a message naming the variable.
 * Admin credentials (FAAS_ADMIN_*) are read by the admin API's own credentials module.
 */
import { DEFAULT_NAMESPACE } from '../constructs/function-api.js';

export interface GatewayConfig {
  /** PORT — where the gateway listens. 0 picks a free port. Default 8080. */
  readonly port: number;
  /** HOST — the address to bind. Default 127.0.0.1 for `faas dev`, 0.0.0.0 in the image (set by the manifest). */
  readonly host: string;
  /** GATEWAY_BACKEND — `local` (uv processes) or `kubernetes`. Default local. */
  readonly backend: 'local' | 'kubernetes';
  /** K8S_NAMESPACE — where functions live; `/function/<name>.<namespace>` must name it (or `openfaas-fn`). Default faas. */
  readonly namespace: string;
  /** LOG_LEVEL — pino level. Default info. */
  readonly logLevel: string;
  /** REAPER_POLL_EVERY — how often the reaper looks for idle functions. 0 turns the reaper off. Default 5s. */
  readonly reaperPollMs: number;
  /** REAPER_TIME_TO_LIVE — idle time before reaping for a function whose idle-timeout is 0. 0 means never reap those. Default 5m. */
  readonly reaperTimeToLiveMs: number;
  /** GATEWAY_PATH_PREFIX — a prefix stripped before routing (`/faas` when mounted under an ingress path). Default none. */
  readonly pathPrefix: string;
  /** COLD_START_TIMEOUT — how long a request waits for a sleeping function to become ready (504 past it). 0 means wait without bound. Default 60s, since a first start installs dependencies. */
  readonly coldStartTimeoutMs: number;
  /** START_RETRY_BACKOFF — after a failed start, requests get the same 502 for this long before a new start is tried. 0 retries at once. Default 2s. */
  readonly startRetryBackoffMs: number;
  /** MAX_BODY_BYTES — the largest request body proxied (413 past it). 0 means no limit. Default 10 MiB. */
  readonly maxBodyBytes: number;
  /** WAKE_QUEUE_LIMIT — how many requests may wait for one function to wake (503 past it). 0 means no limit. Default 10000. */
  readonly wakeQueueLimit: number;
  /** SHUTDOWN_GRACE — how long SIGTERM waits for in-flight requests before stopping functions anyway. Default 30s. */
  readonly shutdownGraceMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/y;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `2m`, `1h30m`, or a bare number of seconds; returns milliseconds. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (trimmed === '') return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < trimmed.length) {
    const match = DURATION_PART.exec(trimmed);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return Math.round(total);
}

function duration(env: Env, key: string, fallback: string): number {
  const raw = env[key] ?? fallback;
  const ms = parseDuration(raw);
  if (ms === undefined) {
    throw new ConfigError(`${key}=${JSON.stringify(raw)} is not a duration: write it like 500ms, 30s, 2m or 1h30m (a bare number means seconds)`);
  }
  return ms;
}

function integer(env: Env, key: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConfigError(`${key}=${JSON.stringify(raw)} must be a whole number from 0 to ${max}`);
  }
  return value;
}

function bytes(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const match = /^([0-9]+)\s*(|k|ki|m|mi|g|gi)b?$/i.exec(raw.trim());
  if (!match) throw new ConfigError(`${key}=${JSON.stringify(raw)} is not a size: write bytes (1048576) or with a unit (512Ki, 10Mi, 1Gi)`);
  const unit = match[2]!.toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

function pathPrefix(env: Env): string {
  const raw = (env.GATEWAY_PATH_PREFIX ?? '').trim();
  if (raw === '' || raw === '/') return '';
  if (!raw.startsWith('/') || raw.includes('?') || raw.includes('#')) {
    throw new ConfigError(`GATEWAY_PATH_PREFIX=${JSON.stringify(raw)} must be a path starting with "/" such as /faas`);
  }
  return raw.replace(/\/+$/, '');
}

function backendKind(env: Env): 'local' | 'kubernetes' {
  const raw = env.GATEWAY_BACKEND ?? 'local';
  if (raw === 'local' || raw === 'kubernetes') return raw;
  throw new ConfigError(`GATEWAY_BACKEND=${JSON.stringify(raw)} must be "local" (uv processes) or "kubernetes"`);
}

/** Reads every setting from `env`; `overrides` win (the CLI's flags). Throws ConfigError on a bad value. */
export function readConfig(env: Env, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const config: GatewayConfig = {
    port: integer(env, 'PORT', 8080, 65535),
    host: env.HOST ?? '127.0.0.1',
    backend: backendKind(env),
    namespace: env.K8S_NAMESPACE || DEFAULT_NAMESPACE,
    logLevel: env.LOG_LEVEL || 'info',
    reaperPollMs: duration(env, 'REAPER_POLL_EVERY', '5s'),
    reaperTimeToLiveMs: duration(env, 'REAPER_TIME_TO_LIVE', '5m'),
    pathPrefix: pathPrefix(env),
    coldStartTimeoutMs: duration(env, 'COLD_START_TIMEOUT', '60s'),
    startRetryBackoffMs: duration(env, 'START_RETRY_BACKOFF', '2s'),
    maxBodyBytes: bytes(env, 'MAX_BODY_BYTES', 10 * 1024 * 1024),
    wakeQueueLimit: integer(env, 'WAKE_QUEUE_LIMIT', 10_000),
    shutdownGraceMs: duration(env, 'SHUTDOWN_GRACE', '30s'),
  };
  return { ...config, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
