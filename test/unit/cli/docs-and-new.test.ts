import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_END, REFERENCE_START, referenceMarkdown } from '../../../constructs/spec/reference-table.js';
import { FAAS_SETTING_KEYS } from '../../../constructs/spec/setting-keys.js';
import { GATEWAY_SETTINGS, readConfig } from '../../../gateway/config.js';
import { SETTINGS_END, SETTINGS_START, settingsMarkdown } from '../../../gateway/settings-table.js';
import { runFaas } from './run-faas.js';
import { fixtureLock } from '../../support/script-locks.js';

// Each call starts Node; on two shared cores that can take seconds (the unit tier's backstop is long).

describe('faas docs', () => {
  it("prints a row for every [tool.faas] key of the schema, with its default and example", async () => {
    const run = await runFaas(['docs']);
    expect(run.code).toBe(0);
    for (const { key, schema } of FAAS_SETTING_KEYS) {
      expect(run.stdout).toMatch(new RegExp(`^\\| \`${key}\` \\|.*\\| ${schema.description!.slice(0, 20).replace(/[()]/g, '\\$&')}`, 'm'));
    }
    expect(run.stdout).toContain('| `idle-timeout` | string (duration) | `"5m"` |');
    expect(run.stdout).toContain('`{ GREETING = "hi" }`');
  });

  it("README's reference section is exactly what `faas docs` prints (run `npm run docs` after changing the schema)", async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf(REFERENCE_START) + REFERENCE_START.length, readme.indexOf(REFERENCE_END));
    const run = await runFaas(['docs']);
    expect(section).toBe(`\n${run.stdout}`);
    expect(run.stdout).toBe(`${referenceMarkdown()}\n`);
  });

  it('--write replaces only the marked section and says when a file has no markers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faas-docs-'));
    try {
      const readme = join(dir, 'README.md');
      await writeFile(readme, `# Title\n\nintro\n\n${REFERENCE_START}\nold text\n${REFERENCE_END}\n\nmore\n`);
      expect((await runFaas(['docs', '--write', readme])).code).toBe(0);
      expect(await readFile(readme, 'utf8')).toBe(`# Title\n\nintro\n\n${REFERENCE_START}\n${referenceMarkdown()}\n${REFERENCE_END}\n\nmore\n`);
      expect((await runFaas(['docs', '--write', readme])).stdout).toContain('is up to date');

      await writeFile(readme, '# No markers\n');
      const run = await runFaas(['docs', '--write', readme]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`add a line '${REFERENCE_START}' and '${REFERENCE_END}', or '${SETTINGS_START}'`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('faas new', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faas-new-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a template with every [tool.faas] key that validates to the defaults', async () => {
    const created = await runFaas(['new', 'my_thing', '--functions', dir]);
    expect(created.code).toBe(0);
    const text = await readFile(join(dir, 'my_thing.py'), 'utf8');
    // A key without a default is there too, commented out with its example.
    for (const { key } of FAAS_SETTING_KEYS) expect(text).toMatch(new RegExp(`^# (# )?${key} = `, 'm'));
    expect(text).toContain('def handle(req');

    const validated = await runFaas(['validate', '-o', 'json', join(dir, 'my_thing.py')]);
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout)).toEqual([
      expect.objectContaining({ name: 'my-thing', requiresPython: '>=3.11', dependencies: [], minReplicas: 0, maxReplicas: 5, idleTimeout: '5m', timeout: '30s', memory: '128Mi', cpu: '100m', env: {}, secrets: [] }),
    ]);
  });

  it.each([
    ['fastapi', ['fastapi', 'uvicorn'], 'app = FastAPI()', 'fastapi-uvicorn'],
    ['flask', ['flask'], 'app = Flask(__name__)', 'flask'],
  ] as const)('writes a %s template with its dependencies that validates once locked', async (style, dependencies, code, lock) => {
    const created = await runFaas(['new', `web-${style}`, '--style', style, '--functions', dir]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`lock its dependencies with: faas lock web-${style} --functions ${dir}`);
    expect(await readFile(join(dir, `web-${style}.py`), 'utf8')).toContain(code);
    const unlocked = await runFaas(['validate', join(dir, `web-${style}.py`)]);
    expect(unlocked.code).toBe(1);
    expect(unlocked.stdout).toContain(`run \`faas lock web-${style}\``);
    // What `faas lock` writes for these dependencies (its own test runs uv for real).
    await writeFile(join(dir, `web-${style}.py.lock`), fixtureLock(lock));
    const validated = await runFaas(['validate', '-o', 'json', join(dir, `web-${style}.py`)]);
    expect(JSON.parse(validated.stdout)).toEqual([expect.objectContaining({ name: `web-${style}`, dependencies })]);
  });

  it('refuses an unknown style, listing the known ones', async () => {
    const run = await runFaas(['new', 'web', '--style', 'django', '--functions', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown style 'django'; use one of handle, fastapi, flask");
  });

  it('refuses to overwrite an existing script', async () => {
    await writeFile(join(dir, 'keep.py'), 'mine\n');
    const run = await runFaas(['new', 'keep', '--functions', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('keep.py already exists');
    expect(await readFile(join(dir, 'keep.py'), 'utf8')).toBe('mine\n');
  });

  it('refuses a name that cannot be a function name, saying why', async () => {
    const run = await runFaas(['new', 'faas-gateway', '--functions', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("starts with 'faas-', which is reserved");
  });
});

describe('gateway settings in the README', () => {
  it('the settings table is exactly what GATEWAY_SETTINGS generates (run `npm run docs` after changing gateway/config.ts)', async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf(SETTINGS_START) + SETTINGS_START.length, readme.indexOf(SETTINGS_END));
    expect(section).toBe(`\n${settingsMarkdown()}\n`);
    for (const setting of Object.values(GATEWAY_SETTINGS)) expect(section).toContain(`| \`${setting.variable}\` |`);
  });

  it('every default written in the table is what readConfig applies', () => {
    const defaults = readConfig({});
    const fromTable = readConfig(Object.fromEntries(Object.values(GATEWAY_SETTINGS).map((setting) => [setting.variable, setting.default])));
    expect(fromTable).toEqual(defaults);
  });
});
