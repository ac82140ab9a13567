/**
 * One running instance of a function: the bootstrap under the script's interpreter, in a
 * process group of its own so that stopping it stops whatever the script started too.
 * The bootstrap binds port 0 and reports `ready <port>` on an inherited socket (fd 3): no
 * port race, no polling. The same socket tells the bootstrap when the gateway is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { BackendLogger } from './backend-logger.js';
import { functionEnvironment } from './function-environment.js';
import { LineTail } from './line-tail.js';
import { OutputLines } from './output-lines.js';

export interface FunctionProcessOptions {
  readonly name: string;
  /** Interpreter of the script's environment. */
  readonly python: string;
  readonly bootstrapPath: string;
  readonly scriptPath: string;
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

const READY_LINE = /^ready (\d{1,5})$/;
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
  /** Settles once: the base URL when ready, a StartError otherwise. */
  readonly ready: Promise<string>;
  /** Resolves when the process has exited, with how it ended. */
  readonly exited: Promise<string>;
  private readonly child: ChildProcess;
  private readonly stderrTail = new LineTail(STDERR_TAIL_LINES);
  private exitDescription: string | undefined;
  private stopping = false;

  constructor(private readonly options: FunctionProcessOptions) {
    this.child = spawn(options.python, [options.bootstrapPath, options.scriptPath], {
      env: functionEnvironment(process.env, { ...options.env, FAAS_READY_FD: '3' }),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.pid = this.child.pid ?? -1;
    this.pipeOutput('stdout', this.child.stdout);
    this.pipeOutput('stderr', this.child.stderr);
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
    this.ready = this.waitReady();
    this.ready.catch(() => undefined);
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
      if (!graceful) this.options.logger.warn({ pid: this.pid, graceMs }, 'did not stop within the grace period; killing its process group');
      // Children of the script that outlived it or ignored SIGTERM share the group.
      signalGroup(this.pid, 'SIGKILL');
    }
    await this.exited;
  }

  private pipeOutput(stream: 'stdout' | 'stderr', readable: Readable | null): void {
    if (!readable) return;
    const log = this.options.logger.child({ stream });
    const lines = new OutputLines({
      ...OUTPUT_BOUNDS,
      onLine: (line) => {
        if (stream === 'stderr') this.stderrTail.push(line);
        log.info({}, line);
        this.options.onOutput?.(stream, line, this.pid);
      },
      onDropped: (count, bytes) => {
        const note = `dropped ${count} lines (${bytes} bytes) of output: the function wrote faster than its log takes`;
        log.warn({ droppedLines: count, droppedBytes: bytes }, note);
        this.options.onOutput?.(stream, `[gateway] ${note}`, this.pid);
      },
    });
    readable.on('data', (chunk: Buffer) => lines.push(chunk));
    readable.once('end', () => lines.end());
  }

  private async waitReady(): Promise<string> {
    const signal = this.child.stdio[3] as Readable | null;
    const port = new Promise<number>((resolve) => {
      if (!signal) return;
      createInterface({ input: signal }).once('line', (line) => {
        const match = READY_LINE.exec(line.trim());
        if (match) resolve(Number(match[1]));
      });
    });
    const outcome = await within(Promise.race([port, this.exited.then(() => 'exited' as const)]), this.options.startTimeoutMs);
    if (typeof outcome === 'number') {
      return `http://127.0.0.1:${outcome}`;
    }
    if (outcome === false) {
      await this.stop(2_000);
      throw new StartError(
        `did not report ready within ${this.options.startTimeoutMs / 1000}s; a script that serves itself must listen on $PORT`,
        this.stderrTail.text(),
      );
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
