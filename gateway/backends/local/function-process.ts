/**
 * One running instance of a function: the bootstrap under the script's interpreter, in a
 * process group of its own so that stopping it stops whatever the script started too.
 * The bootstrap binds port 0 and reports `ready <port>` on an inherited socket (fd 3): no
 * port race, no polling. The same socket tells the bootstrap when the gateway is gone.
 *
 * A warm pool process (`pool`) starts without a script: the bootstrap imports what the
 * environment's scripts import, says `pool-ready`, and waits on the same socket for one
 * specialization (`specialize`), after which it is that function's instance like any other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { BackendLogger } from './backend-logger.js';
import { functionEnvironment } from './function-environment.js';
import { LineTail } from './line-tail.js';
import { OutputLines } from './output-lines.js';

export interface FunctionProcessOptions {
  readonly name: string;
  /** Interpreter of the script's environment. */
  readonly python: string;
  readonly bootstrapPath: string;
  /** The script to serve; absent for a pool process, which gets one by `specialize`. */
  readonly scriptPath?: string;
  /** A pool process: the scripts whose imports it loads ahead (none: only what serving needs). */
  readonly pool?: { readonly scripts: readonly string[] };
  /** The function's own environment; of the gateway's, only what Python needs here is added (function-environment.ts). */
  readonly env: Readonly<Record<string, string>>;
  /** Longest time from spawn to `ready`; past it the process is stopped and the start fails. */
  readonly startTimeoutMs: number;
  readonly logger: BackendLogger;
  /** Each line the process wrote (after the bounds below), and each note of lines dropped. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', line: string, pid: number) => void;
}

/** The process did not become ready; `logTail` holds its last stderr lines. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(message);
    this.name = 'StartError';
  }
}

/** What a function's process needs to become that function, sent to a pool process. */
export interface Specialization {
  readonly name: string;
  readonly scriptPath: string;
  /** The function's own environment, applied before its script is imported. */
  readonly env: Readonly<Record<string, string>>;
  readonly startTimeoutMs: number;
  readonly logger: BackendLogger;
  /** Where the function's output lines go from now on (its log history). */
  readonly onOutput?: FunctionProcessOptions['onOutput'];
}

const READY_LINE = /^ready (\d{1,5})$/;
const POOL_READY_LINE = 'pool-ready';
const IMPORTED_PREFIX = 'imported ';
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** What one process may teach its pool: whatever a script imports, its pool's list stays bounded. */
const MAX_LEARNED_MODULES = 500;
/**
 * What the gateway holds of a function's output: lines up to 16 KiB, and 1 MiB/s of them (256 KiB at
 * once) per stream; the rest is cut or dropped with a count, so no output can grow the gateway.
 */
const OUTPUT_BOUNDS = { maxLineBytes: 16 * 1024, bytesPerSecond: 1024 * 1024, burstBytes: 256 * 1024 };
const STDERR_TAIL_LINES = 50;
/** Lets the last stderr lines arrive after the exit, without waiting on a grandchild that holds the pipe. */
const OUTPUT_SETTLE_MS = 300;

export class FunctionProcess {
  readonly pid: number;
  /** Resolves when the process has exited, with how it ended. */
  readonly exited: Promise<string>;
  /** A pool process: settles once its imports are done (a StartError if it died first). */
  readonly poolReady: Promise<void> | undefined;
  /** A specialized pool process: the modules its script and server loaded that the pool had not. */
  readonly imported: Promise<readonly string[]>;
  private readyUrl: Promise<string> | undefined;
  private readonly child: ChildProcess;
  private readonly stderrTail = new LineTail(STDERR_TAIL_LINES);
  private readonly port: Promise<number>;
  private exitDescription: string | undefined;
  private stopping = false;
  private logger: BackendLogger;
  private onOutput: FunctionProcessOptions['onOutput'];
  private streamLoggers = new Map<'stdout' | 'stderr', BackendLogger>();

  constructor(private readonly options: FunctionProcessOptions) {
    this.logger = options.logger;
    this.onOutput = options.onOutput;
    const args = options.pool ? ['--pool', ...options.pool.scripts] : [options.scriptPath ?? ''];
    this.child = spawn(options.python, [options.bootstrapPath, ...args], {
      env: functionEnvironment(process.env, { ...options.env, FAAS_READY_FD: '3' }),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.pid = this.child.pid ?? -1;
    this.pipeOutput('stdout', this.child.stdout);
    this.pipeOutput('stderr', this.child.stderr);
    const { port, poolReady, imported } = this.readSignals();
    this.port = port;
    this.imported = imported;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitDescription = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve(this.exitDescription);
      });
      this.child.once('error', (error) => {
        // spawn failed: there will be no 'exit'.
        if (this.child.pid === undefined) resolve((this.exitDescription = `could not be started: ${error.message}`));
      });
    });
    if (options.pool) {
      this.poolReady = this.waitPoolReady(poolReady);
      this.poolReady.catch(() => undefined);
    } else {
      this.awaitReady(options.startTimeoutMs);
    }
  }

  /** Settles once: the base URL when ready, a StartError otherwise. A pool process has it once specialized. */
  get ready(): Promise<string> {
    if (!this.readyUrl) throw new Error('a pool process has no function until it is specialized');
    return this.readyUrl;
  }

  private awaitReady(startTimeoutMs: number): void {
    this.readyUrl = this.waitReady(startTimeoutMs);
    this.readyUrl.catch(() => undefined);
  }

  /** Makes a ready pool process the instance of one function; `ready` then tells how its start went. */
  specialize(to: Specialization): void {
    if (!this.options.pool || this.readyUrl) throw new Error('only a pool process, once, can be specialized');
    this.logger = to.logger;
    this.onOutput = to.onOutput;
    this.streamLoggers.clear();
    const signal = this.child.stdio[3] as Writable | null;
    signal?.write(`${JSON.stringify({ path: to.scriptPath, env: to.env })}\n`);
    this.awaitReady(to.startTimeoutMs);
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.exitDescription === undefined;
  }

  /** SIGTERM to the group (the bootstrap drains), SIGKILL to whatever is left after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.pid > 0) {
      signalGroup(this.pid, 'SIGTERM');
      const graceful = await within(this.exited, graceMs);
      if (!graceful) this.logger.warn({ pid: this.pid, graceMs }, 'did not stop within the grace period; killing its process group');
      // Children of the script that outlived it or ignored SIGTERM share the group.
      signalGroup(this.pid, 'SIGKILL');
    }
    await this.exited;
  }

  /** The process's logger for one stream; a specialized pool process logs as its function. */
  private log(stream: 'stdout' | 'stderr'): BackendLogger {
    let log = this.streamLoggers.get(stream);
    if (!log) this.streamLoggers.set(stream, (log = this.logger.child({ stream })));
    return log;
  }

  private pipeOutput(stream: 'stdout' | 'stderr', readable: Readable | null): void {
    if (!readable) return;
    const lines = new OutputLines({
      ...OUTPUT_BOUNDS,
      onLine: (line) => {
        if (stream === 'stderr') this.stderrTail.push(line);
        this.log(stream).info({}, line);
        this.onOutput?.(stream, line, this.pid);
      },
      onDropped: (count, bytes) => {
        const note = `dropped ${count} lines (${bytes} bytes) of output: the function wrote faster than its log takes`;
        this.log(stream).warn({ droppedLines: count, droppedBytes: bytes }, note);
        this.onOutput?.(stream, `[gateway] ${note}`, this.pid);
      },
    });
    readable.on('data', (chunk: Buffer) => lines.push(chunk));
    readable.once('end', () => lines.end());
  }

  /** The bootstrap's lines on fd 3: `pool-ready` (a pool process), `ready <port>`, then `imported <modules>` (a specialized one). */
  private readSignals(): { port: Promise<number>; poolReady: Promise<void>; imported: Promise<readonly string[]> } {
    const signal = this.child.stdio[3] as Readable | null;
    let portSeen!: (port: number) => void;
    let poolSeen!: () => void;
    let importedSeen!: (modules: readonly string[]) => void;
    const port = new Promise<number>((resolve) => (portSeen = resolve));
    const poolReady = new Promise<void>((resolve) => (poolSeen = resolve));
    const imported = new Promise<readonly string[]>((resolve) => (importedSeen = resolve));
    if (signal) {
      const lines = createInterface({ input: signal });
      lines.on('line', (line) => {
        const text = line.trim();
        const match = READY_LINE.exec(text);
        if (match) {
          portSeen(Number(match[1]));
          if (!this.options.pool) lines.close();
        } else if (text === POOL_READY_LINE) {
          poolSeen();
        } else if (text.startsWith(IMPORTED_PREFIX)) {
          importedSeen(text.slice(IMPORTED_PREFIX.length).split(' ').filter((name) => MODULE_NAME.test(name)).slice(0, MAX_LEARNED_MODULES));
          lines.close();
        }
      });
    }
    return { port, poolReady, imported };
  }

  private async waitPoolReady(poolReady: Promise<void>): Promise<void> {
    const outcome = await within(Promise.race([poolReady.then(() => 'ready' as const), this.exited.then(() => 'exited' as const)]), this.options.startTimeoutMs);
    if (outcome === 'ready') return;
    if (outcome === false) {
      await this.stop(2_000);
      throw new StartError(`the pool process did not finish its imports within ${this.options.startTimeoutMs / 1000}s`, this.stderrTail.text());
    }
    await within(once(this.child, 'close'), OUTPUT_SETTLE_MS);
    throw new StartError(`the pool process ${this.exitDescription} while importing`, this.stderrTail.text());
  }

  private async waitReady(startTimeoutMs: number): Promise<string> {
    const outcome = await within(Promise.race([this.port, this.exited.then(() => 'exited' as const)]), startTimeoutMs);
    if (typeof outcome === 'number') {
      return `http://127.0.0.1:${outcome}`;
    }
    if (outcome === false) {
      await this.stop(2_000);
      throw new StartError(`did not report ready within ${startTimeoutMs / 1000}s; a script that serves itself must listen on $PORT`, this.stderrTail.text());
    }
    await within(once(this.child, 'close'), OUTPUT_SETTLE_MS);
    const why = this.stopping ? 'was stopped before it was ready' : `${this.exitDescription} during start`;
    throw new StartError(why, this.stderrTail.text());
  }
}

/** The promise's value, or false when `ms` passes first; the timer never outlives the race. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
