import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../gateway/config.js';

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

  it('reads durations in the Go form the function spec uses, a bare number as seconds', () => {
    const config = readConfig({ REAPER_POLL_EVERY: '500ms', REAPER_TIME_TO_LIVE: '1h30m', COLD_START_TIMEOUT: '2.5', SHUTDOWN_GRACE: '1.5h' });
    expect(config.reaperPollMs).toBe(500);
    expect(config.reaperTimeToLiveMs).toBe(5_400_000);
    expect(config.coldStartTimeoutMs).toBe(2500);
    expect(config.shutdownGraceMs).toBe(5_400_000);
    expect(() => readConfig({ SHUTDOWN_GRACE: '5x' })).toThrowError('SHUTDOWN_GRACE="5x" is not a duration');
  });

  it.each([
    ['10M', 10_000_000],
    ['10Mi', 10 * 1024 ** 2],
    ['512k', 512_000],
    ['512Ki', 512 * 1024],
    ['1G', 1e9],
    ['1Gi', 1024 ** 3],
    ['1048576', 1_048_576],
    ['0', 0],
  ])('reads MAX_BODY_BYTES=%s as a Kubernetes quantity: %d bytes', (raw, bytes) => {
    expect(readConfig({ MAX_BODY_BYTES: raw }).maxBodyBytes).toBe(bytes);
  });

  it.each([
    ['10m', '"m" is ambiguous: write 10M (10×1000000 bytes) or 10Mi (10×1048576 bytes)'],
    ['10MB', '"MB" is ambiguous'],
    ['10mi', '"mi" is ambiguous'],
    ['10K', '"K" is ambiguous: write 10k'],
    ['10x', '"x" is not a unit'],
    ['-1', 'write bytes'],
  ])('refuses MAX_BODY_BYTES=%s rather than guess', (raw, message) => {
    expect(() => readConfig({ MAX_BODY_BYTES: raw })).toThrowError(message);
  });
});
