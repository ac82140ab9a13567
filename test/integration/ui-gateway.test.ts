/**
 * The web UI's gateway side over real uv processes, under GATEWAY_PATH_PREFIX: login and its
 * cookie, the shell and files at the prefix, the JSON a script reads with Basic auth, the live logs
 * as server-sent events, validation by line, and a failing start's reason in the list.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMount } from '../../gateway/admin/admin-mount.js';
import { LocalBackend } from '../../gateway/backends/local/local-backend.js';
import { readConfig } from '../../gateway/config.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { Sessions } from '../../gateway/ui/sessions.js';
import { uiMount } from '../../gateway/ui/ui-mount.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const credentials = { user: 'admin', password: 'ui-pass' };
const basic = `Basic ${Buffer.from('admin:ui-pass').toString('base64')}`;
const work = mkdtempSync(join(tmpdir(), 'ui-gateway-'));
let gateway: RunningGateway;
let base: string;

beforeAll(async () => {
  copyFileSync(join(FIXTURES, 'ui-functions/hello.py'), join(work, 'hello.py'));
  copyFileSync(join(FIXTURES, 'functions-broken/crash_at_import.py'), join(work, 'crash_at_import.py'));
  writeFileSync(join(work, 'broken_block.py'), '# /// script\n# [tool.faas]\n# timeout = 5\n# ///\n');
  const backend = new LocalBackend({ functionsDir: work, logger: pino({ level: 'silent' }), watch: false });
  const config = readConfig({}, { port: 0, host: '127.0.0.1', reaperPollMs: 0, pathPrefix: '/faas', startRetryBackoffMs: 60_000 });
  const sessions = new Sessions();
  gateway = await startGateway({ config, backend, logger: pino({ level: 'silent' }), admin: adminMount({ credentials, sessions }), ui: uiMount({ credentials, sessions }) });
  base = `${gateway.url}/faas`;
});

afterAll(async () => {
  await gateway?.close();
  rmSync(work, { recursive: true, force: true });
});

async function logIn(headers: Record<string, string> = {}): Promise<string> {
  const answer = await fetch(`${base}/ui/login`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams({ user: 'admin', password: 'ui-pass' }) });
  expect(answer.status).toBe(303);
  expect(answer.headers.get('location')).toBe('/faas/ui/');
  return answer.headers.get('set-cookie')!;
}

describe('the web UI under GATEWAY_PATH_PREFIX', () => {
  it('serves login, shell and files at the prefix, with the cookie scoped to it and Secure behind TLS', async () => {
    expect((await fetch(`${base}/ui`, { redirect: 'manual' })).headers.get('location')).toBe('/faas/ui/');
    expect((await fetch(`${base}/ui/`, { redirect: 'manual' })).headers.get('location')).toBe('/faas/ui/login');
    expect(await (await fetch(`${base}/ui/login`)).text()).toContain('action="/faas/ui/login"');

    const cookie = await logIn();
    expect(cookie).toMatch(/; Path=\/faas; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(await logIn({ 'x-forwarded-proto': 'https' })).toMatch(/; Secure$/);

    const session = cookie.split(';')[0]!;
    const shell = await fetch(`${base}/ui/`, { headers: { cookie: session } });
    const html = await shell.text();
    expect(html).toContain('<script type="module" src="/faas/ui/assets/app.js"></script>');
    expect(html).toContain('<meta name="faas-path-prefix" content="/faas">');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    const app = await fetch(`${base}/ui/assets/app.js`, { headers: { cookie: session, 'accept-encoding': 'gzip' } });
    expect([app.status, app.headers.get('content-type'), app.headers.get('content-encoding')]).toEqual([200, 'text/javascript; charset=utf-8', 'gzip']);
    expect((await app.text()).length).toBeGreaterThan(10_000);
    const again = await fetch(`${base}/ui/assets/app.js`, { headers: { cookie: session, 'if-none-match': app.headers.get('etag')! } });
    expect(again.status).toBe(304);

    // Logged out, the cookie is cleared and the session refused.
    const out = await fetch(`${base}/ui/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session } });
    expect(out.headers.get('set-cookie')).toMatch(/^faas_session=; Path=\/faas; .*Max-Age=0/);
    expect((await fetch(`${base}/ui/api/functions`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('lists functions for a script with Basic auth: a failing start with its reason, a script that does not load apart', async () => {
    expect((await fetch(`${base}/function/crash-at-import`)).status).toBe(502);
    const list = (await (await fetch(`${base}/ui/api/functions`, { headers: { authorization: basic } })).json()) as any;
    expect(list).toMatchObject({ backend: 'local', windowSeconds: 300, slotSeconds: 10 });
    const crash = list.functions.find((f: { name: string }) => f.name === 'crash-at-import');
    expect(crash).toMatchObject({ status: 'failing', replicas: { ready: 0 }, invocations: 1, recent: { calls: 1, errors: 1, errorRate: 1, coldStarts: 1, lastStatus: 502 } });
    expect(crash.reason).toMatch(/exited with code 1 during start/);
    expect(list.functions.find((f: { name: string }) => f.name === 'hello')).toMatchObject({ status: 'asleep', invocations: 0 });
    expect(list.invalid).toEqual([{ name: 'broken-block', problems: [expect.stringMatching(/broken_block\.py:3: .timeout. must be a string/)] }]);

    const detail = (await (await fetch(`${base}/ui/api/functions/crash-at-import`, { headers: { authorization: basic } })).json()) as any;
    expect(detail.logTail).toMatch(/ValueError/);
    expect(detail.coldStarts).toEqual([{ at: expect.any(Number), failure: expect.stringMatching(/exited with code 1/) }]);
    expect(detail.series).toHaveLength(30);
    expect((await fetch(`${base}/ui/api/functions/nope`, { headers: { authorization: basic } })).status).toBe(404);
  });

  it('streams a function\'s output as server-sent events: the kept lines, then each new one', async () => {
    expect(await (await fetch(`${base}/function/hello`, { method: 'POST', body: 'abc' })).text()).toBe('hello from the fixture');
    const leave = new AbortController();
    const events = await fetch(`${base}/ui/api/functions/hello/logs?follow=1`, { headers: { authorization: basic }, signal: leave.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    const until = async (text: string) => {
      while (!seen.includes(text)) seen += (await reader.read()).value ?? '';
    };
    await until('hello was called with 3 bytes');
    await fetch(`${base}/function/hello`, { method: 'POST', body: 'abcdef' });
    await until('hello was called with 6 bytes');
    leave.abort();
    const line = JSON.parse(seen.split('\n').find((l) => l.includes('6 bytes'))!.slice('data: '.length));
    expect(line).toMatchObject({ stream: 'stdout', text: 'hello was called with 6 bytes', instance: expect.stringMatching(/^\d+$/) });

    const kept = (await (await fetch(`${base}/ui/api/functions/hello/logs`, { headers: { authorization: basic } })).json()) as any;
    expect(kept.lines.map((l: { text: string }) => l.text)).toEqual(expect.arrayContaining(['hello was called with 3 bytes', 'hello was called with 6 bytes']));
  });

  it('validates a script by line without deploying it, Python syntax included', async () => {
    const check = async (body: unknown) => (await (await fetch(`${base}/ui/api/validate`, { method: 'POST', headers: { authorization: basic }, body: JSON.stringify(body) })).json()) as any;
    expect(await check({ name: 'fine', source: '# /// script\n# dependencies = []\n# ///\ndef handle(req):\n    return req\n' })).toEqual({ ok: true, name: 'fine', problems: [] });
    const bad = await check({ name: 'Bad_Name', source: '# /// script\n# [tool.faas]\n# memory = "lots"\n# ///\ndef handle(req)\n    return req\n' });
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p: { line: number; key?: string }) => [p.line, p.key])).toEqual([
      [0, 'name'],
      [3, 'memory'],
      [5, undefined],
    ]);
    expect(bad.problems[2].message).toMatch(/Python syntax error/);
    const list = (await (await fetch(`${base}/ui/api/functions`, { headers: { authorization: basic } })).json()) as any;
    expect(list.functions.map((f: { name: string }) => f.name)).not.toContain('fine');
    expect((await fetch(`${base}/ui/api/validate`, { method: 'POST', headers: { authorization: basic }, body: '{"name": 1}' })).status).toBe(400);
  });

  // Last: it leaves this test's address throttled.
  it('answers 429 to an address that keeps guessing, the right password included, until the minute is over', async () => {
    const attempt = (password: string) => fetch(`${base}/ui/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password }) });
    for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    const refused = await attempt('ui-pass');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await refused.text()).toContain('Too many wrong passwords');
    // Scripts with Basic auth are not the form's business.
    expect((await fetch(`${base}/ui/api/functions`, { headers: { authorization: basic } })).status).toBe(200);
  });
});
