/**
 * Guessing the admin password through the login form is slowed to a crawl: past 10 failures from
 * one address within a minute, that address gets 429 until the minute is over. The table is
 * bounded (the oldest address goes first), so a flood of addresses cannot grow the gateway.
 */

export interface ThrottleOptions {
  /** @default 10 */
  readonly failures?: number;
  /** @default 60000 */
  readonly windowMs?: number;
  /** @default 1024 */
  readonly maxAddresses?: number;
  readonly now?: () => number;
}

export class LoginThrottle {
  private readonly byAddress = new Map<string, { since: number; failures: number }>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.limit = options.failures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 1024;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `address` may try again; 0 when it may now. */
  retryAfter(address: string): number {
    const entry = this.current(address);
    if (!entry || entry.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((entry.since + this.windowMs - this.now()) / 1000));
  }

  failed(address: string): void {
    const entry = this.current(address);
    if (entry) {
      entry.failures++;
      return;
    }
    while (this.byAddress.size >= this.maxAddresses) this.byAddress.delete(this.byAddress.keys().next().value!);
    this.byAddress.set(address, { since: this.now(), failures: 1 });
  }

  succeeded(address: string): void {
    this.byAddress.delete(address);
  }

  private current(address: string): { since: number; failures: number } | undefined {
    const entry = this.byAddress.get(address);
    if (entry && this.now() - entry.since >= this.windowMs) {
      this.byAddress.delete(address);
      return undefined;
    }
    return entry;
  }
}
