/**
 * The gateway endpoints the UI uses, the same any script can: the admin API (`/system/...`) and
 * the UI's read-only JSON (`/ui/api/...`). The browser's session cookie authenticates; the
 * `x-faas-ui` header marks the UI's own writes, which a form on another site cannot send.
 */

const meta = document.querySelector<HTMLMetaElement>('meta[name="faas-path-prefix"]');
export const PREFIX = meta?.content ?? '';

/** As the admin API's `status` says it (gateway/core/function-state.ts). */
export type Status = 'asleep' | 'starting' | 'ready' | 'failing';

export interface CallWindow {
  calls: number;
  errors: number;
  errorRate: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface FunctionRow {
  name: string;
  status: Status;
  statusMessage: string;
  reason?: string;
  replicas: { ready: number; desired: number };
  invocations: number;
  recent: CallWindow & { lastCallAt?: number; lastStatus?: number; coldStarts: number };
}

export interface FunctionList {
  backend: 'local' | 'kubernetes';
  windowSeconds: number;
  slotSeconds: number;
  now: number;
  functions: FunctionRow[];
  invalid: Array<{ name: string; problems: string[] }>;
}

export interface FunctionDetail extends FunctionRow {
  logTail?: string;
  settings: {
    requiresPython: string | null;
    dependencies: string[];
    minReplicas: number;
    maxReplicas: number;
    idleTimeout: string;
    timeout: string;
    memory: string;
    cpu: string;
    env: Record<string, string>;
    secrets: string[];
  };
  source: string;
  sourceHash: string;
  series: Array<CallWindow & { at: number }>;
  coldStarts: Array<{ at: number; seconds?: number; failure?: string }>;
  logs: boolean;
}

export interface LogLine {
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
  instance?: string;
}

export interface Validation {
  ok: boolean;
  name: string;
  problems: Array<{ line: number; key?: string; message: string }>;
}

/** A refused call, with the gateway's message and its per-problem lines. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

export function url(path: string): string {
  return `${PREFIX}${path}`;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(url(path), {
    method,
    credentials: 'same-origin',
    headers: { 'x-faas-ui': '1', ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (response.status === 401) {
    location.assign(url('/ui/login'));
    throw new ApiError(401, 'logged out');
  }
  if (!response.ok) {
    const error = parsed as { message?: string; errors?: string[] } | undefined;
    throw new ApiError(response.status, error?.message ?? `${method} ${path} answered ${response.status}`, error?.errors ?? []);
  }
  return parsed as T;
}

export const api = {
  functions: () => request<FunctionList>('GET', '/ui/api/functions'),
  function: (name: string) => request<FunctionDetail>('GET', `/ui/api/functions/${encodeURIComponent(name)}`),
  validate: (name: string, source: string) => request<Validation>('POST', '/ui/api/validate', { name, source }),
  deploy: (name: string, source: string) => request<{ message: string }>('POST', '/system/functions', { service: name, source }),
  scale: (name: string, replicas: number) => request<unknown>('POST', `/system/scale-function/${encodeURIComponent(name)}`, { serviceName: name, replicas }),
  remove: (name: string) => request<unknown>('DELETE', '/system/functions', { functionName: name }),
  info: () => request<{ provider?: { provider?: string; orchestration?: string } }>('GET', '/system/info'),
};

export function logsUrl(name: string): string {
  return url(`/ui/api/functions/${encodeURIComponent(name)}/logs?follow=1`);
}
