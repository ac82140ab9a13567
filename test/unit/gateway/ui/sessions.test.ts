import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Sessions } from '../../../../gateway/ui/sessions.js';

function request(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}

describe('Sessions', () => {
  it('accepts a live session for reads, and for writes only with the UI header from the same origin', () => {
    const sessions = new Sessions();
    const token = sessions.create();
    const cookie = `other=1; faas_session=${token}`;
    expect(sessions.authorizes(request('GET', { cookie }))).toBe(true);
    expect(sessions.authorizes(request('POST', { cookie }))).toBe(false);
    expect(sessions.authorizes(request('POST', { cookie, 'x-faas-ui': '1', host: 'gw:8080' }))).toBe(true);
    expect(sessions.authorizes(request('POST', { cookie, 'x-faas-ui': '1', host: 'gw:8080', origin: 'http://gw:8080' }))).toBe(true);
    expect(sessions.authorizes(request('DELETE', { cookie, 'x-faas-ui': '1', host: 'gw:8080', origin: 'http://elsewhere:8080' }))).toBe(false);
    expect(sessions.authorizes(request('GET', { cookie: 'faas_session=made-up' }))).toBe(false);
    expect(sessions.authorizes(request('GET', {}))).toBe(false);
  });

  it('ends sessions at logout, at expiry, and the oldest past the bound', () => {
    let now = 0;
    const sessions = new Sessions({ ttlMs: 1000, maxSessions: 2, now: () => now });
    const first = sessions.create();
    const second = sessions.create();
    sessions.end(second);
    expect(sessions.valid(second)).toBe(false);
    const third = sessions.create();
    const fourth = sessions.create();
    expect(sessions.valid(first)).toBe(false);
    expect(sessions.valid(third)).toBe(true);
    now = 1000;
    expect(sessions.valid(fourth)).toBe(false);
  });
});
