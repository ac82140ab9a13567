/**
 * Each script's Python environment, prepared by uv once and then reused: `uv sync --script`
 * installs the PEP 723 dependencies (uv caches them across runs), `uv python find --script`
 * names the interpreter of that environment. Starts then run that interpreter directly,
 * so a cold start pays for Python, not for uv resolving against the package index again.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
import type { BackendLogger } from './backend-logger.js';
import { LineTail } from './line-tail.js';

export interface UvEnvironmentsOptions {
  /** The uv executable. */
  readonly uvPath: string;
  /** `UV_CACHE_DIR` for uv; unset keeps uv's own default, shared with the user's other uv runs. */
  readonly cacheDir?: string;
  /** Longest time one `uv sync` may take (first installs download packages). */
  readonly installTimeoutMs: number;
  readonly logger: BackendLogger;
}

/** uv could not prepare the environment; `logTail` is what uv said. */
export class EnvironmentError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

const HAS_METADATA_BLOCK = /^# \/\/\/ script\r?$/m;

export class UvEnvironments {
  private readonly interpreters = new Map<string, Promise<string>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: UvEnvironmentsOptions) {}

  /** The interpreter to run `def` with; prepares its environment on first use. */
  async interpreter(def: FunctionDefinition): Promise<string> {
    const key = JSON.stringify([def.file, def.requiresPython ?? null, def.dependencies, HAS_METADATA_BLOCK.test(def.source)]);
    let pending = this.interpreters.get(key);
    if (pending) {
      const python = await pending.catch(() => undefined);
      // uv may have pruned the environment since (`uv cache prune`): prepare it again.
      if (python !== undefined && (await exists(python))) return python;
      if (this.interpreters.get(key) === pending) this.interpreters.delete(key);
    }
    pending = this.interpreters.get(key);
    if (!pending) {
      pending = this.prepare(def);
      this.interpreters.set(key, pending);
      // A failure is not cached: the next start tries uv again.
      pending.catch(() => {
        if (this.interpreters.get(key) === pending) this.interpreters.delete(key);
      });
    }
    return pending;
  }

  /** Kills any uv still running; later calls fail. */
  close(): void {
    this.abort.abort();
  }

  private async prepare(def: FunctionDefinition): Promise<string> {
    const log = this.options.logger.child({ function: def.name, stream: 'uv' });
    if (!HAS_METADATA_BLOCK.test(def.source)) {
      // No PEP 723 block: uv runs such a script with a plain interpreter, and so do we.
      return (await this.uv(['python', 'find'], def, log)).trim();
    }
    // Compiled at install, the packages' bytecode is never compiled on a cold start.
    await this.uv(['sync', '--compile-bytecode', '--script', def.file], def, log);
    return (await this.uv(['python', 'find', '--script', def.file], def, log)).trim();
  }

  private uv(args: string[], def: FunctionDefinition, log: BackendLogger): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    if (this.options.cacheDir !== undefined) env.UV_CACHE_DIR = this.options.cacheDir;
    return new Promise((resolve, reject) => {
      execFile(
        this.options.uvPath,
        args,
        { env, timeout: this.options.installTimeoutMs, signal: this.abort.signal, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const tail = new LineTail(40);
          tail.push(stderr);
          for (const line of tail.lines()) log.info({}, line);
          if (!error) return resolve(stdout);
          const command = `uv ${args.join(' ')}`;
          const cause = error as NodeJS.ErrnoException & { killed?: boolean };
          if (cause.code === 'ENOENT') {
            return reject(new EnvironmentError(`uv was not found at '${this.options.uvPath}'; install it (pip install uv) or set the uv path`, ''));
          }
          if (cause.name === 'AbortError') return reject(new EnvironmentError(`${command} was cancelled: the backend is stopping`, tail.text()));
          if (cause.killed) {
            return reject(
              new EnvironmentError(`${command} took longer than ${this.options.installTimeoutMs / 1000}s; check the network or the package index, or raise the install timeout`, tail.text()),
            );
          }
          reject(new EnvironmentError(`uv could not prepare the environment of ${def.file}: ${uvProblem(tail) ?? `${command} failed`}; fix the script's dependencies`, tail.text()));
        },
      );
    });
  }
}

/** uv's `error:` and `cause:` lines in one sentence: the cause names the package that failed. */
function uvProblem(tail: LineTail): string | undefined {
  const lines = tail.lines().map((line) => line.trim()).filter((line) => line !== '');
  const problem = lines
    .filter((line) => /^(error|cause|caused by):/i.test(line))
    .map((line) => line.replace(/^(error|cause|caused by):\s*/i, '').replace(/[.;]$/, ''));
  return problem.length > 0 ? problem.join(': ') : lines.at(-1);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
