import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { onExit } from './exit-cleanup.js';

/** A long-running child in its own process group, logging to a file. */
export class ManagedProcess {
  readonly child: ChildProcess;
  private exited = false;
  private spawnError: Error | undefined;
  private readonly unregister: () => void;

  constructor(
    readonly name: string,
    readonly logPath: string,
    command: string,
    args: readonly string[],
  ) {
    const log = openSync(logPath, 'a');
    try {
      // A group of its own, so stop() also reaches anything the child spawned.
      this.child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    this.child.on('exit', () => {
      this.exited = true;
    });
    this.child.on('error', (error) => {
      this.exited = true;
      this.spawnError = error;
    });
    this.unregister = onExit(() => this.signal('SIGKILL'));
  }

  get running(): boolean {
    return !this.exited;
  }

  /** The last lines of the log, for error messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Throws with the log's tail if the process has died. */
  assertRunning(): void {
    if (this.spawnError) throw new Error(`${this.name} did not start: ${this.spawnError.message}`);
    if (!this.running) {
      throw new Error(`${this.name} exited (code ${this.child.exitCode}); log ${this.logPath}:\n${this.tail()}`);
    }
  }

  /** SIGTERM, then SIGKILL if the group has not gone after graceMs. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.running) {
      const exit = once(this.child, 'exit');
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    }
    // Children of the group may outlive its leader.
    this.signal('SIGKILL');
    this.unregister();
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}
