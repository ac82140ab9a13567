/**
 * OpenFaaS's call identity: `X-Call-Id` (the caller's own, else a new UUID) and `X-Start-Time`
 * (Unix nanoseconds when the gateway took the call), sent to the function and set on the answer.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CALL_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Call-Id or a new one; a problem to answer 400 with when the caller's is malformed. */
export function callIdOf(req: IncomingMessage): { id: string; problem?: undefined } | { id?: undefined; problem: string } {
  const given = req.headers['x-call-id'];
  const id = Array.isArray(given) ? given[0] : given;
  if (id === undefined) return { id: randomUUID() };
  if (CALL_ID.test(id)) return { id };
  return { problem: `X-Call-Id ${JSON.stringify(id.slice(0, 140))} must be 1 to 128 letters, digits or . _ : -; leave it out to get one` };
}

/** `performance.now()` reading → Unix time in nanoseconds, as OpenFaaS writes X-Start-Time. */
export function unixNanos(performanceNow: number): string {
  const ms = performance.timeOrigin + performanceNow;
  const whole = Math.floor(ms);
  return `${whole}${String(Math.floor((ms - whole) * 1e6)).padStart(6, '0')}`;
}
