/**
 * The gateway's settings, read from the environment once at start. `GATEWAY_SETTINGS` is their one
 * source: the names, defaults and meanings here are what `readConfig` applies and what `npm run
 * docs` writes into the README's settings table. A bad value stops the gateway with a message
 * naming the variable. Admin credentials (FAAS_ADMIN_*) are read by the admin API's own module.
 */
import { DEFAULT_NAMESPACE } from '../constructs/function-api.js';
import { parseDuration } from '../constructs/spec/durations.js';
import { parseByteSize } from './byte-size.js';

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly backend: 'local' | 'kubernetes';
  readonly namespace: string;
  readonly logLevel: string;
  readonly reaperPollMs: number;
  readonly reaperTimeToLiveMs: number;
  readonly pathPrefix: string;
  readonly coldStartTimeoutMs: number;
  readonly startRetryBackoffMs: number;
  readonly maxBodyBytes: number;
  readonly wakeQueueLimit: number;
  readonly shutdownGraceMs: number;
  /** '': the default place. */
  readonly asyncStore: string;
  readonly asyncMaxQueued: number;
  readonly warmPoolSize: number;
  readonly warmPoolRetentionMs: number;
  readonly warmPoolSecretFile: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

export interface GatewaySetting<T> {
  readonly variable: string;
  /** As written in the environment; an unset or blank variable takes it. */
  readonly default: string;
  /** How the README shows the default, when not as written. */
  readonly defaultShown?: string;
  readonly meaning: string;
  /** The value of `raw`; throws ConfigError naming `variable` when it is not one. */
  readonly parse: (raw: string, variable: string) => T;
}

/** Milliseconds. A bare number is seconds, so that `0` (off) needs no unit. */
function duration(raw: string, variable: string): number {
  const text = raw.trim();
  const seconds = parseDuration(/^[0-9]+(\.[0-9]+)?$/.test(text) ? `${text}s` : text);
  if (seconds === undefined) {
    throw new ConfigError(`${variable}=${JSON.stringify(raw)} is not a duration: write it like 500ms, 30s, 2m or 1h30m (a bare number means seconds)`);
  }
  return Math.round(seconds * 1000);
}

function wholeNumber(max = Number.MAX_SAFE_INTEGER) {
  return (raw: string, variable: string): number => {
    const value = Number(raw);
    if (!/^\s*[0-9]+\s*$/.test(raw) || value > max) throw new ConfigError(`${variable}=${JSON.stringify(raw)} must be a whole number from 0 to ${max}`);
    return value;
  };
}

function byteSize(raw: string, variable: string): number {
  const size = parseByteSize(raw);
  if ('problem' in size) throw new ConfigError(`${variable}=${JSON.stringify(raw)} is not a size: ${size.problem}`);
  return size.bytes;
}

function text(raw: string): string {
  return raw;
}

function pathPrefix(raw: string, variable: string): string {
  const value = raw.trim();
  if (value === '' || value === '/') return '';
  if (!value.startsWith('/') || value.includes('?') || value.includes('#')) {
    throw new ConfigError(`${variable}=${JSON.stringify(value)} must be a path starting with "/" such as /faas`);
  }
  return value.replace(/\/+$/, '');
}

function backendKind(raw: string, variable: string): 'local' | 'kubernetes' {
  if (raw === 'local' || raw === 'kubernetes') return raw;
  throw new ConfigError(`${variable}=${JSON.stringify(raw)} must be "local" (uv processes) or "kubernetes"`);
}

/** Every setting, in the order the README lists them. */
export const GATEWAY_SETTINGS: { readonly [K in keyof GatewayConfig]: GatewaySetting<GatewayConfig[K]> } = {
  port: { variable: 'PORT', default: '8080', meaning: 'where the gateway listens; `0` picks a free port', parse: wholeNumber(65535) },
  host: { variable: 'HOST', default: '127.0.0.1', defaultShown: '`127.0.0.1` (`0.0.0.0` in the image)', meaning: 'the address to bind', parse: text },
  backend: { variable: 'GATEWAY_BACKEND', default: 'local', meaning: '`local` (uv processes over `FUNCTIONS_DIR`, default `functions`) or `kubernetes`', parse: backendKind },
  namespace: { variable: 'K8S_NAMESPACE', default: DEFAULT_NAMESPACE, meaning: 'the namespace served; `/function/<name>.<namespace>` must name it (or `openfaas-fn`)', parse: text },
  logLevel: { variable: 'LOG_LEVEL', default: 'info', meaning: 'pino level; logs are JSON lines', parse: text },
  reaperPollMs: { variable: 'REAPER_POLL_EVERY', default: '5s', meaning: 'how often idle functions are looked for; `0` turns the reaper off', parse: duration },
  reaperTimeToLiveMs: { variable: 'REAPER_TIME_TO_LIVE', default: '5m', meaning: 'idle time for a function whose `idle-timeout` is 0; `0` never reaps those', parse: duration },
  pathPrefix: { variable: 'GATEWAY_PATH_PREFIX', default: '', defaultShown: 'none', meaning: 'a prefix stripped before routing, e.g. `/faas` when mounted under an ingress path', parse: pathPrefix },
  coldStartTimeoutMs: { variable: 'COLD_START_TIMEOUT', default: '60s', meaning: 'how long a call waits for a sleeping function to become ready (504 past it; a first start installs dependencies); `0` waits without bound', parse: duration },
  startRetryBackoffMs: { variable: 'START_RETRY_BACKOFF', default: '2s', meaning: 'after a failed start, calls get the same 502 for this long before a new start is tried; `0` retries at once', parse: duration },
  maxBodyBytes: { variable: 'MAX_BODY_BYTES', default: '10Mi', meaning: 'largest request body proxied (413 past it), a Kubernetes quantity: `10M` is 10^7 bytes, `10Mi` 10·2^20, `10m` is refused; `0` means no limit', parse: byteSize },
  wakeQueueLimit: { variable: 'WAKE_QUEUE_LIMIT', default: '10000', meaning: 'calls that may wait for one function to wake (503 past it); `0` means no limit', parse: wholeNumber() },
  shutdownGraceMs: { variable: 'SHUTDOWN_GRACE', default: '30s', meaning: 'on SIGTERM, how long in-flight calls may finish before functions are stopped', parse: duration },
  asyncStore: { variable: 'ASYNC_STORE', default: '', defaultShown: '`.faas/async.sqlite` beside the functions folder', meaning: 'local backend: the SQLite file of the async queue', parse: text },
  warmPoolSize: {
    variable: 'WARM_POOL_SIZE',
    default: '1',
    meaning: 'warm, pre-imported processes (pods in Kubernetes) kept per pool key, which a wake from zero is handed to instead of starting Python; `0` turns the pool off',
    parse: wholeNumber(100),
  },
  warmPoolRetentionMs: {
    variable: 'WARM_POOL_RETENTION',
    default: '10m',
    meaning: 'a pool no wake took from for this long scales to zero (the next wake starts the usual way and refills it); `0` keeps pools forever',
    parse: duration,
  },
  warmPoolSecretFile: {
    variable: 'WARM_POOL_SECRET_FILE',
    default: '',
    defaultShown: 'none: no pool in Kubernetes',
    meaning: 'Kubernetes backend: the file holding the warm pool\'s shared secret (the `faas-pool` Secret\'s `secret` key, mounted), with which the gateway signs a pool pod\'s specialization',
    parse: text,
  },
  asyncMaxQueued: { variable: 'ASYNC_MAX_QUEUED', default: '100000', meaning: 'calls the async queue holds at most (503 with `Retry-After` past it); `0` means no limit', parse: wholeNumber() },
};

/** Reads every setting from `env`; `overrides` win (the CLI's flags). Throws ConfigError on a bad value. */
export function readConfig(env: Env, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const config = Object.fromEntries(
    Object.entries(GATEWAY_SETTINGS).map(([key, setting]: [string, GatewaySetting<unknown>]) => {
      const raw = env[setting.variable];
      return [key, setting.parse(raw === undefined || raw.trim() === '' ? setting.default : raw, setting.variable)];
    }),
  ) as unknown as GatewayConfig;
  return { ...config, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
