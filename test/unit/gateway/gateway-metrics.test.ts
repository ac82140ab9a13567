import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../gateway/metrics/gateway-metrics.js';

describe('gateway_functions_seconds', () => {
  it('tells apart calls of 20 s, 45 s and 90 s, which function timeouts and cold starts reach', async () => {
    const metrics = new GatewayMetrics({ serviceCounts: () => [] });
    for (const seconds of [20, 45, 90]) metrics.invocation('slow', 200, seconds);
    const text = await metrics.text();
    const bucket = (le: string) => Number(new RegExp(`gateway_functions_seconds_bucket\\{le="${le}",function_name="slow",code="200"\\} ([0-9]+)`).exec(text)?.[1]);
    expect(bucket('10')).toBe(0);
    expect(bucket('30')).toBe(1);
    expect(bucket('60')).toBe(2);
    expect(bucket('120')).toBe(3);
  });
});

describe('call buckets against timeouts', () => {
  it('gives a 5-minute and a 30-minute timeout (plus a 60 s cold start) a bucket of their own below +Inf', async () => {
    const metrics = new GatewayMetrics({ serviceCounts: () => [] });
    for (const seconds of [300 + 60, 1800 + 60]) metrics.invocation('long', 200, seconds);
    const text = await metrics.text();
    const bucket = (le: string) => Number(new RegExp(`gateway_functions_seconds_bucket\\{le="${le}",function_name="long",code="200"\\} ([0-9]+)`).exec(text)?.[1]);
    expect(bucket('300')).toBe(0);
    expect(bucket('600')).toBe(1);
    expect(bucket('1800')).toBe(1);
    expect(bucket('3600')).toBe(2);
  });
});
