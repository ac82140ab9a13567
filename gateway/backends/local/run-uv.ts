/**
 * One uv command, its failure turned into a sentence a person can act on: uv's own `error:` and
 * `cause:` lines, which name the package or the file that failed.
 */
import { execFile } from 'node:child_process';
import { LineTail } from './line-tail.js';

/** uv could not do what was asked; `logTail` is what uv said. */
export class EnvironmentError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

export interface RunUvOptions {
  readonly uvPath: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Each line uv writes to stderr, as it is read. */
  readonly onLine?: (line: string) => void;
  /** What failed, for the message: "uv could not <doing>: ...". */
  readonly doing: string;
  /** Appended to a failure uv explains: what the user should change. */
  readonly fix: string;
}

/** uv's stdout; rejects with an EnvironmentError. */
export function runUv(args: readonly string[], options: RunUvOptions): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    execFile(options.uvPath, args, { env, timeout: options.timeoutMs, signal: options.signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const tail = new LineTail(40);
      tail.push(stderr);
      for (const line of tail.lines()) options.onLine?.(line);
      if (!error) return resolve(stdout);
      const command = `uv ${args.join(' ')}`;
      const cause = error as NodeJS.ErrnoException & { killed?: boolean };
      if (cause.code === 'ENOENT') {
        return reject(new EnvironmentError(`uv was not found at '${options.uvPath}'; install it (pip install uv) or set the uv path`, ''));
      }
      if (cause.name === 'AbortError') return reject(new EnvironmentError(`${command} was cancelled: the backend is stopping`, tail.text()));
      if (cause.killed) {
        return reject(new EnvironmentError(`${command} took longer than ${options.timeoutMs / 1000}s; check the network or the package index, or raise the install timeout`, tail.text()));
      }
      reject(new EnvironmentError(`uv could not ${options.doing}: ${uvProblem(tail) ?? `${command} failed`}; ${options.fix}`, tail.text()));
    });
  });
}

/** uv's `error:` and `cause:` lines in one sentence: the cause names the package that failed. */
function uvProblem(tail: LineTail): string | undefined {
  const lines = tail.lines().map((line) => line.trim()).filter((line) => line !== '');
  const problem = lines
    .filter((line) => /^(error|cause|caused by):/i.test(line))
    .map((line) => line.replace(/^(error|cause|caused by):\s*/i, '').replace(/[.;]$/, ''));
  return problem.length > 0 ? problem.join(': ') : lines.at(-1);
}
