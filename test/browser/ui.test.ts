/**
 * The web UI in real headless Chromium against `faas dev` with real functions run by uv: log in,
 * list, wake a sleeping function from Invoke, deploy a broken script and see its line, deploy the
 * fixed one, call it, delete it; refusals without a session, framing, and script injection through
 * a function's output and logs. Each page is saved as a screenshot under test-results/ui-screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser } from './browser.js';
import { startFaasDev, type FaasDev } from './faas-dev.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ui-functions', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/ui-screenshots/', import.meta.url));

let dev: FaasDev;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dev = await startFaasDev(FIXTURE);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

async function logIn(page: Page): Promise<void> {
  await page.goto(`${dev.url}/ui/`);
  await page.waitForURL(/\/ui\/login$/);
  // Keyboard only: the password field has focus, Enter submits.
  await page.locator('#password').focus();
  await page.keyboard.type(dev.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/ui\/$/);
}

describe('web UI without a session', () => {
  it('refuses every UI page, file and JSON, and the admin API, to a browser that has not logged in', async () => {
    const refused = async (path: string, init: RequestInit = {}) => (await fetch(`${dev.url}${path}`, { redirect: 'manual', ...init })).status;
    // The app's page sends the browser to the login form; everything else is a 401.
    expect(await refused('/ui/')).toBe(303);
    expect((await fetch(`${dev.url}/ui/`, { redirect: 'manual' })).headers.get('location')).toBe('/ui/login');
    for (const path of ['/ui/assets/app.js', '/ui/api/functions', '/ui/api/functions/hello', '/ui/api/functions/hello/logs', '/ui/api/functions/hello/logs?follow=1', '/ui/api/nothing', '/system/functions']) {
      expect([path, await refused(path)]).toEqual([path, 401]);
    }
    expect(await refused('/ui/api/validate', { method: 'POST', body: '{"name":"x","source":""}' })).toBe(401);
    // Only the login form and its stylesheet are served to anybody.
    expect(await refused('/ui/login')).toBe(200);
    expect(await refused('/ui/assets/app.css')).toBe(200);
  });

  it('refuses a wrong password without a cookie, and a write from a session without the UI header (another site\'s form)', async () => {
    const wrong = await fetch(`${dev.url}/ui/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Wrong user or password');

    const right = await fetch(`${dev.url}/ui/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: dev.password }) });
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^faas_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${dev.url}/ui/api/functions`, { headers: { cookie: session } })).status).toBe(200);
    // A form posted from elsewhere carries the cookie at most, never the header: refused.
    const forged = await fetch(`${dev.url}/system/scale-function/hello`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json' }, body: '{"replicas":1}' });
    expect(forged.status).toBe(401);
    const otherOrigin = await fetch(`${dev.url}/system/scale-function/hello`, {
      method: 'POST',
      headers: { cookie: session, 'x-faas-ui': '1', origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{"replicas":0}',
    });
    expect(otherOrigin.status).toBe(401);
    // Basic auth keeps working for scripts, on the UI's JSON too.
    const basic = `Basic ${Buffer.from(`admin:${dev.password}`).toString('base64')}`;
    expect((await fetch(`${dev.url}/ui/api/functions/hello`, { headers: { authorization: basic } })).status).toBe(200);
  });

  it('cannot be framed by another origin', async () => {
    const ui = `${dev.url}/ui/login`;
    const headers = (await fetch(ui)).headers;
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');

    // Given a page on another origin that frames the UI
    const other: Server = createServer((_req, res) => res.end(`<!doctype html><title>other</title><iframe id="f" src="${ui}"></iframe>`));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const page = await browser.context.newPage();
    try {
      const refusedFrame = page.waitForEvent('console', (message) => /frame|ancestor/i.test(message.text()));
      await page.goto(`http://localhost:${(other.address() as AddressInfo).port}/`);
      await refusedFrame;
      // Then the frame shows nothing of the UI: no login form inside it.
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame).toBeDefined();
      expect(await frame!.locator('#password').count()).toBe(0);
    } finally {
      await page.close();
      other.close();
    }
  });
});

describe('web UI, logged in', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.context.newPage();
    await logIn(page);
  });
  afterAll(async () => page?.close());

  it('lists the functions with their status', async () => {
    const row = page.locator('tr[data-function="hello"]');
    await row.waitFor();
    expect(await row.locator('.badge').textContent()).toBe('asleep');
    expect(await page.locator('tr[data-function="hostile-output"]').count()).toBe(1);
    expect(await page.locator('tr[data-function="crash-at-start"] .badge').textContent()).toBe('asleep');
    await page.getByPlaceholder('Search by name…').fill('hos');
    await page.locator('tr[data-function="hello"]').waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByPlaceholder('Search by name…').fill('');
    await row.waitFor();
    await shot(page, '01-functions');

    // By keyboard: type in the search box, Tab past the status filter to the first match, Enter opens it.
    await page.getByPlaceholder('Search by name…').focus();
    await page.keyboard.type('hel');
    await page.locator('tr[data-function="crash-at-start"]').waitFor({ state: 'detached' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('hello');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/functions\/hello$/);
    // Focus moves once the new page has rendered.
    await page.waitForFunction('document.activeElement && document.activeElement.id === "main"');
  });

  it('wakes a sleeping function from the Invoke page and shows the status change', async () => {
    await page.goto(`${dev.url}/ui/#/invoke/hello`);
    const status = page.locator('.status-now .badge');
    expect(await status.textContent()).toBe('asleep');
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Body', { exact: true }).fill('ping');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.result .status').filter({ hasText: '200' }).waitFor();
    await page.locator('.result dd', { hasText: 'streaming…' }).waitFor({ state: 'detached' });
    expect(await page.locator('pre.body').textContent()).toBe('hello from the fixture');
    expect(await page.locator('.result').textContent()).toMatch(/Woke the functionyes, waited \d/);
    // The list refreshes every 2 s: the badge turns ready without reloading the page.
    await page.locator('.status-now .badge', { hasText: 'ready' }).waitFor();
    await shot(page, '02-invoke-woke');

    // A second call finds it ready.
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.result', { hasText: 'no, it was ready' }).waitFor();

    // Queued instead: 202 and the call's id.
    await page.getByLabel('Asynchronous').check();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.result .status', { hasText: '202' }).waitFor();
    await page.locator('.result summary').click();
    expect(await page.locator('table.headers th', { hasText: 'x-call-id' }).count()).toBe(1);
    await page.getByLabel('Asynchronous').uncheck();
  });

  it('shows one function: settings, chart, cold start, script and live logs', async () => {
    await page.goto(`${dev.url}/ui/#/functions/hello`);
    await page.locator('#fn-title .badge', { hasText: 'ready' }).waitFor();
    expect(await page.locator('dl.settings').textContent()).toContain('idle-timeout5m');
    await page.locator('.log-line', { hasText: 'hello was called with 4 bytes' }).first().waitFor();
    expect(await page.locator('pre.code').textContent()).toContain('def handle(req):');
    expect(await page.locator('pre.code .hljs-keyword').count()).toBeGreaterThan(0);
    expect(await page.locator('.chart rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('section[aria-labelledby="cold-title"] tbody tr').count()).toBe(1);
    await shot(page, '03-function');
  });

  it('shows a broken script\'s problem at its line before deploying, then deploys the fixed one, calls it and deletes it', async () => {
    await page.goto(`${dev.url}/ui/#/deploy`);
    await page.getByLabel('Name').fill('greeter');
    const broken = ['# /// script', '# dependencies = []', '#', '# [tool.faas]', '# min-replicas = "lots"', '# ///', 'def handle(req):', '    return "hi " + (req or "there")', ''].join('\n');
    await page.getByRole('textbox', { name: 'Script' }).fill(broken);
    const problem = page.locator('ul.problems li').first();
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/^line 5min-replicas: .+/);
    expect(await page.locator('.gl.bad').textContent()).toBe('5');
    expect(await page.getByRole('button', { name: 'Deploy', exact: true }).isDisabled()).toBe(true);
    await shot(page, '04-deploy-problem');

    // The fixed script comes as a file, as from a laptop's folder.
    await page.getByLabel('Or upload a .py file').setInputFiles({ name: 'greeter.py', mimeType: 'text/x-python', buffer: Buffer.from(broken.replace('"lots"', '0')) });
    await page.getByText('No problems found: ready to deploy.').waitFor();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.waitForURL(/#\/functions\/greeter$/);
    await page.locator('#fn-title', { hasText: 'greeter' }).waitFor();

    await page.goto(`${dev.url}/ui/#/invoke/greeter`);
    await page.getByLabel('Body', { exact: true }).fill('UI');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('pre.body', { hasText: 'hi UI' }).waitFor();

    await page.goto(`${dev.url}/ui/#/functions/greeter`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    await shot(page, '05-delete-confirm');
    // Escape says no: nothing is deleted.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/#\/$/);
    await page.locator('tr[data-function="hello"]').waitFor();
    expect(await page.locator('tr[data-function="greeter"]').count()).toBe(0);
  });

  it('shows a function\'s HTML and script output as text, in the answer and in the logs, and runs none of it', async () => {
    await page.goto(`${dev.url}/ui/#/invoke/hostile-output`);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('pre.body', { hasText: '<script>window.__pwned' }).waitFor();
    await page.goto(`${dev.url}/ui/#/functions/hostile-output`);
    await page.locator('.log-line', { hasText: '<img src="x" onerror=' }).waitFor();
    await shot(page, '06-hostile-output');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main script, main img, main b').count()).toBe(0);
  });

  it('sends a JSON body and a file, and pretty-prints a JSON answer', async () => {
    await page.goto(`${dev.url}/ui/#/invoke/json-echo`);
    await page.getByLabel('JSON').check();
    await page.getByLabel('Body', { exact: true }).fill('{"a": [1, 2]}');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.result dd', { hasText: 'streaming…' }).waitFor({ state: 'detached' });
    await page.locator('pre.body', { hasText: '"size"' }).waitFor();
    expect(await page.locator('pre.body').textContent()).toBe(JSON.stringify({ size: 13, json: { a: [1, 2] } }, null, 2));
    // A JSON body that does not parse is stopped before it is sent.
    await page.getByLabel('Body', { exact: true }).fill('{"a": ');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('The body is not valid JSON').waitFor();

    await page.getByLabel('File', { exact: true }).check();
    await page.locator('input[type="file"]').setInputFiles({ name: 'five.txt', mimeType: 'text/plain', buffer: Buffer.from('12345') });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('pre.body', { hasText: '"size": 5' }).waitFor();
    await shot(page, '03b-invoke-json');
  });

  it('shows a function that fails to start as failing, with the reason and its traceback', async () => {
    await page.goto(`${dev.url}/ui/#/invoke/crash-at-start`);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.result .status', { hasText: '502' }).waitFor();
    await page.locator('.status-now .badge', { hasText: 'failing to start' }).waitFor();
    await page.goto(`${dev.url}/ui/#/functions/crash-at-start`);
    await page.locator('#fn-title .badge', { hasText: 'failing to start' }).waitFor();
    expect(await page.locator('main .error').first().textContent()).toMatch(/Failing to start: exited with code 1 during start/);
    expect(await page.locator('pre.tail').textContent()).toContain('RuntimeError: DATABASE_URL is not set');
    await shot(page, '07-failing-function');
    await page.goto(`${dev.url}/ui/#/`);
    await page.locator('tr[data-function="crash-at-start"] .reason', { hasText: 'exited with code 1' }).waitFor();
  });

  it('shows a name with HTML in it as text when it is refused', async () => {
    await page.goto(`${dev.url}/ui/#/deploy`);
    await page.getByLabel('Name').fill('<img src=x onerror="window.__pwned=1">');
    await page.locator('ul.problems li', { hasText: 'name' }).first().waitFor();
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
  });
});

describe('web UI at 1000 functions', () => {
  it('lists a thousand functions a page at a time, and search and the status filter narrow them', async () => {
    const many = mkdtempSync(join(tmpdir(), 'ui-many-'));
    for (let i = 0; i < 1000; i++) {
      writeFileSync(join(many, `fn_${String(i).padStart(4, '0')}.py`), `# /// script\n# dependencies = []\n# ///\ndef handle(req):\n    return "fn ${i}"\n`);
    }
    const big = await startFaasDev(many);
    const page = await browser.context.newPage();
    try {
      await page.goto(`${big.url}/ui/login`);
      await page.locator('#password').fill(big.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('1000 functions;').waitFor();
      expect(await page.locator('tbody tr').count()).toBe(100);
      await page.getByRole('button', { name: 'Show 100 more of 900' }).click();
      expect(await page.locator('tbody tr').count()).toBe(200);
      await page.getByPlaceholder('Search by name…').fill('fn-09');
      await page.getByText('100 of 1000 functions match').waitFor();
      await shot(page, '11-thousand-functions');
      await page.getByPlaceholder('Search by name…').fill('fn-0999');
      await page.getByText('1 of 1000 functions match').waitFor();
      expect(await page.locator('tbody tr').getAttribute('data-function')).toBe('fn-0999');
      await page.getByLabel('Status').selectOption('ready');
      await page.getByText('0 of 1000 functions match').waitFor();
      await page.getByRole('button', { name: 'Show all' }).click();
      await page.getByText('1000 functions;').waitFor();
    } finally {
      await page.close();
      await big.stop();
      rmSync(many, { recursive: true, force: true });
    }
  });
});

describe('web UI on a phone, dark', () => {
  it('reads at a phone width in dark mode', async () => {
    const phone = await launchBrowser({ colorScheme: 'dark', viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.context.newPage();
      await page.goto(`${dev.url}/ui/login`);
      await shot(page, '08-phone-login-dark');
      await logIn(page);
      await page.locator('tr[data-function="hello"]').waitFor();
      await shot(page, '09-phone-functions-dark');
      await page.goto(`${dev.url}/ui/#/functions/hello`);
      await page.locator('#fn-title .badge').waitFor();
      await shot(page, '10-phone-function-dark');
      const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(background).toBe('rgb(17, 19, 24)');
      // Nothing wider than the screen but the tables' own scrolling boxes.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    } finally {
      await phone.close();
    }
  });
});
