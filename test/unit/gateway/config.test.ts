import { describe, expect, it } from 'vitest';
import { parseDuration, readConfig } from '../../../gateway/config.js';

describe('readConfig', () => {
  it('gives every setting its documented default', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 8080,
      backend: 'local',
      namespace: 'faas',
      logLevel: 'info',
      reaperPollMs: 5000,
      reaperTimeToLiveMs: 300_000,
      pathPrefix: '',
      coldStartTimeoutMs: 60_000,
      maxBodyBytes: 10 * 1024 * 1024,
    });
  });

  it('reads durations, sizes and a prefix from the environment, and 0 stays 0', () => {
    const config = readConfig({ REAPER_POLL_EVERY: '0', COLD_START_TIMEOUT: '1m30s', MAX_BODY_BYTES: '512Ki', GATEWAY_PATH_PREFIX: '/faas/', WAKE_QUEUE_LIMIT: '0' });
    expect(config.reaperPollMs).toBe(0);
    expect(config.coldStartTimeoutMs).toBe(90_000);
    expect(config.maxBodyBytes).toBe(512 * 1024);
    expect(config.pathPrefix).toBe('/faas');
    expect(config.wakeQueueLimit).toBe(0);
  });

  it.each([
    [{ PORT: '70000' }, 'PORT="70000" must be a whole number from 0 to 65535'],
    [{ REAPER_POLL_EVERY: '5 minutes' }, 'REAPER_POLL_EVERY="5 minutes" is not a duration'],
    [{ MAX_BODY_BYTES: 'lots' }, 'MAX_BODY_BYTES="lots" is not a size'],
    [{ GATEWAY_BACKEND: 'docker' }, 'GATEWAY_BACKEND="docker" must be "local"'],
    [{ GATEWAY_PATH_PREFIX: 'faas' }, 'GATEWAY_PATH_PREFIX="faas" must be a path starting with "/"'],
  ])('refuses %o naming the variable and the fix', (env, message) => {
    expect(() => readConfig(env)).toThrowError(message);
  });

  it('parses Go-style durations and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2.5')).toBe(2500);
    expect(parseDuration('5x')).toBeUndefined();
  });
});
