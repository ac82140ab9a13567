/**
 * Open-loop load at a fixed rate (what wrk2 does; Debian has no wrk2): requests are due on a
 * schedule and latency counts from when each was due, so a stalled server cannot hide its queue.
 * Usage: constant-rate.ts URL RATE SECONDS CONNECTIONS → prints {sent, ok, p50, p90, p99, max} in ms.
 */
import { Pool } from 'undici';

const [url, rateArg, secondsArg, connectionsArg] = process.argv.slice(2);
if (!url || !rateArg) throw new Error('usage: constant-rate.ts URL RATE [SECONDS] [CONNECTIONS]');
const rate = Number(rateArg);
const seconds = Number(secondsArg ?? 10);
const target = new URL(url);
const pool = new Pool(target.origin, { connections: Number(connectionsArg ?? 50), pipelining: 1 });
const path = target.pathname + target.search;
const latencies: number[] = [];
let ok = 0;
let failed = 0;
let sent = 0;

const start = performance.now();
const total = Math.floor(rate * seconds);
const warmup = Math.floor(rate * Math.min(1, seconds / 5));

/** A bare dispatch handler, lighter than request(): the loader must cost less than what it measures. */
function fire(due: number, index: number): void {
  let status = 0;
  pool.dispatch(
    { path, method: 'GET' },
    {
      // undici 8 refuses a handler that lacks any of these: every call would fail at dispatch.
      onRequestStart() {},
      onResponseData() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseEnd() {
        if (index < warmup) return;
        latencies.push(performance.now() - due);
        if (status === 200) ok++;
        else failed++;
      },
      onResponseError() {
        if (index >= warmup) failed++;
      },
    },
  );
}

await new Promise<void>((resolve) => {
  const tick = (): void => {
    const now = performance.now();
    const dueCount = Math.min(total, Math.floor(((now - start) / 1000) * rate));
    while (sent < dueCount) {
      fire(start + (sent / rate) * 1000, sent);
      sent++;
    }
    if (sent >= total) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const deadline = performance.now() + 10_000;
while (ok + failed < total - warmup && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
await pool.close();
latencies.sort((a, b) => a - b);
const at = (q: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN).toFixed(3));
console.log(JSON.stringify({ rate, measured: latencies.length, ok, failed, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) }));
