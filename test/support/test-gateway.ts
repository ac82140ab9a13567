/** Starts the real gateway on 127.0.0.1 port 0 over a given backend, with quiet logs. */
import { pino } from 'pino';
import type { Backend } from '../../gateway/backends/backend.js';
import { readConfig, type GatewayConfig } from '../../gateway/config.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/server.js';

export async function startTestGateway(
  backend: Backend,
  overrides: Partial<GatewayConfig> = {},
  options: Partial<Pick<GatewayOptions, 'admin' | 'reapPermit' | 'asyncQueue' | 'asyncTiming' | 'logger'>> = {},
): Promise<RunningGateway> {
  const config = readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0, ...overrides });
  return startGateway({ config, backend, logger: pino({ level: 'silent' }), ...options });
}

/** fetch() that never throws on a status, returning status, headers and the body parsed when JSON. */
export async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
