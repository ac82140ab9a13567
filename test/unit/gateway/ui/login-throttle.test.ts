import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../../gateway/ui/login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses an address past its failures until the window is over, and forgets it on success', () => {
    let now = 0;
    const throttle = new LoginThrottle({ failures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('10.0.0.1')).toBe(0);
      throttle.failed('10.0.0.1');
    }
    now = 15_000;
    expect(throttle.retryAfter('10.0.0.1')).toBe(45);
    expect(throttle.retryAfter('10.0.0.2')).toBe(0);
    now = 60_000;
    expect(throttle.retryAfter('10.0.0.1')).toBe(0);
    throttle.failed('10.0.0.2');
    throttle.failed('10.0.0.2');
    throttle.succeeded('10.0.0.2');
    throttle.failed('10.0.0.2');
    expect(throttle.retryAfter('10.0.0.2')).toBe(0);
  });

  it('keeps at most its bound of addresses, dropping the oldest', () => {
    const throttle = new LoginThrottle({ failures: 1, maxAddresses: 2 });
    throttle.failed('a');
    throttle.failed('b');
    throttle.failed('c');
    expect([throttle.retryAfter('a'), throttle.retryAfter('b'), throttle.retryAfter('c')]).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(throttle.retryAfter('b')).toBeGreaterThan(0);
  });
});
