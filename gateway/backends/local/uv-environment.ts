/**
 * Each function's Python environment, built once per environment hash and then only read.
 *
 * A script without dependencies runs on the interpreter uv finds for it (`uv python find`,
 * honouring its `requires-python`). A script with dependencies runs from its lock: the hash of
 * the lock, that interpreter's version and its platform names a folder under `dir`; the first
 * start builds it (`uv venv`, then `uv sync --script --active --locked --compile-bytecode`, so the
 * packages' byte-code is compiled once, at build) into a temporary folder renamed into place
 * when complete. Every later start, in this gateway or the next, only execs `<env>/bin/python`:
 * no uv, no package index. `--locked` makes uv refuse a lock it would change rather than
 * resolve again.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
import { environmentHash } from '../../../constructs/environment/environment-hash.js';
import type { BackendLogger } from './backend-logger.js';
import { EnvironmentError, runUv } from './run-uv.js';

export { EnvironmentError } from './run-uv.js';

export interface UvEnvironmentsOptions {
  /** The uv executable. */
  readonly uvPath: string;
  /** `UV_CACHE_DIR` for uv; unset keeps uv's own default, shared with the user's other uv runs. */
  readonly cacheDir?: string;
  /** Where built environments live, one folder per environment hash. */
  readonly dir: string;
  /** Longest time one uv step may take (a first build downloads packages). */
  readonly installTimeoutMs: number;
  readonly logger: BackendLogger;
}

/** What a function runs on. */
export interface PreparedEnvironment {
  readonly python: string;
  /** The environment hash; for a script without dependencies, that of its bare interpreter. */
  readonly hash: string;
}

const HAS_METADATA_BLOCK = /^# \/\/\/ script\r?$/m;
/** The interpreter's exact version and platform, in one line. */
const DESCRIBE_PYTHON = 'import sys, sysconfig; print(sys.version.split()[0], sysconfig.get_platform())';

export class UvEnvironments {
  private readonly prepared = new Map<string, Promise<PreparedEnvironment>>();
  private readonly abort = new AbortController();
  /** uv runs in this gateway, for the figures and tests that count them. */
  uvRuns = 0;

  constructor(private readonly options: UvEnvironmentsOptions) {}

  /** The interpreter to run `def` with; finds or builds its environment on first use. */
  async interpreter(def: FunctionDefinition): Promise<string> {
    return (await this.environment(def)).python;
  }

  async environment(def: FunctionDefinition): Promise<PreparedEnvironment> {
    const key = JSON.stringify([def.file, def.requiresPython ?? null, HAS_METADATA_BLOCK.test(def.source), def.lock ?? null]);
    let pending = this.prepared.get(key);
    if (pending) {
      const environment = await pending.catch(() => undefined);
      // Removed since (a cleaned cache folder): prepare it again.
      if (environment !== undefined && (await exists(environment.python))) return environment;
      if (this.prepared.get(key) === pending) this.prepared.delete(key);
    }
    pending = this.prepared.get(key);
    if (!pending) {
      pending = this.prepare(def);
      this.prepared.set(key, pending);
      // A failure is not cached: the next start tries again.
      pending.catch(() => {
        if (this.prepared.get(key) === pending) this.prepared.delete(key);
      });
    }
    return pending;
  }

  /** Kills any uv still running; later calls fail. */
  close(): void {
    this.abort.abort();
  }

  private async prepare(def: FunctionDefinition): Promise<PreparedEnvironment> {
    const log = this.options.logger.child({ function: def.name, stream: 'uv' });
    // A script without a PEP 723 block gets a plain interpreter from uv, as `uv run` gives it.
    const findArgs = HAS_METADATA_BLOCK.test(def.source) ? ['python', 'find', '--script', def.file] : ['python', 'find'];
    const base = (await this.uv(findArgs, def, log, 'find a Python for')).trim();
    const [version, platform] = (await this.describe(base, def)).split(' ');
    if (def.lock === undefined) return { python: base, hash: environmentHash(undefined, version!, platform!) };

    const hash = environmentHash(def.lock, version!, platform!);
    const folder = join(this.options.dir, hash);
    const python = join(folder, 'bin', 'python');
    if (await exists(python)) return { python, hash };

    await mkdir(this.options.dir, { recursive: true });
    const building = join(this.options.dir, `.${hash}.${process.pid}.${randomBytes(4).toString('hex')}`);
    log.info({ environment: hash }, `building environment ${hash} from ${def.file}.lock`);
    try {
      await this.uv(['venv', '--quiet', '--python', base, building], def, log, 'create the environment of');
      await this.uv(['sync', '--script', def.file, '--active', '--locked', '--compile-bytecode'], def, log, 'install the locked dependencies of', { VIRTUAL_ENV: building });
      // Another gateway may have finished the same environment first; either copy is the same.
      await rename(building, folder).catch(async (error: NodeJS.ErrnoException) => {
        if (!(await exists(python))) throw error;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    return { python, hash };
  }

  private async describe(python: string, def: FunctionDefinition): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(python, ['-I', '-c', DESCRIBE_PYTHON], { timeout: 30_000, signal: this.abort.signal }, (error, stdout) => {
        if (error) reject(new EnvironmentError(`the Python uv found for ${def.file} (${python}) does not run: ${error.message}`, ''));
        else resolve(stdout.trim());
      });
    });
  }

  private uv(args: string[], def: FunctionDefinition, log: BackendLogger, doing: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
    this.uvRuns++;
    const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
    if (this.options.cacheDir !== undefined) env.UV_CACHE_DIR = this.options.cacheDir;
    return runUv(args, {
      uvPath: this.options.uvPath,
      env,
      timeoutMs: this.options.installTimeoutMs,
      signal: this.abort.signal,
      onLine: (line) => log.info({}, line),
      doing: `${doing} ${def.file}`,
      fix: def.lock === undefined ? "fix the script's requires-python" : `fix the script's dependencies and lock them again with \`faas lock ${def.name}\``,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
