/**
 * The last lines each local function wrote, for the UI's logs: the process output the gateway
 * already reads (bounded per line by OutputLines), kept per function up to a line count and a byte
 * budget, with live listeners. A removed function's lines go with it.
 */
import type { FunctionLogs, LogLine, LogRequest } from '../backend.js';

export interface OutputHistoryLimits {
  readonly lines: number;
  readonly bytes: number;
}

/** 200 lines or 64 KiB per function, whichever is reached first. */
export const OUTPUT_HISTORY_LIMITS: OutputHistoryLimits = { lines: 200, bytes: 64 * 1024 };

interface History {
  readonly lines: LogLine[];
  bytes: number;
  readonly listeners: Set<(line: LogLine) => void>;
}

export class OutputHistory implements FunctionLogs {
  private readonly byName = new Map<string, History>();

  constructor(
    private readonly limits: OutputHistoryLimits = OUTPUT_HISTORY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  add(name: string, stream: LogLine['stream'], text: string, instance?: string): void {
    const history = this.history(name);
    // A line alone over the budget is kept cut to it, so the newest output always shows.
    const kept = text.length > this.limits.bytes ? text.slice(0, this.limits.bytes) : text;
    const line: LogLine = { at: this.now(), stream, text: kept, ...(instance !== undefined && { instance }) };
    history.lines.push(line);
    history.bytes += kept.length;
    while (history.lines.length > this.limits.lines || history.bytes > this.limits.bytes) {
      history.bytes -= history.lines.shift()!.text.length;
    }
    for (const listener of history.listeners) listener(line);
  }

  forget(name: string): void {
    const history = this.byName.get(name);
    if (history && history.listeners.size === 0) this.byName.delete(name);
    else history?.lines.splice(0);
  }

  async logs(name: string, onLine: (line: LogLine) => void, request: LogRequest): Promise<void> {
    const history = this.history(name);
    for (const line of [...history.lines]) onLine(line);
    if (!request.follow || request.signal.aborted) return;
    history.listeners.add(onLine);
    await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }));
    history.listeners.delete(onLine);
  }

  private history(name: string): History {
    let history = this.byName.get(name);
    if (!history) {
      history = { lines: [], bytes: 0, listeners: new Set() };
      this.byName.set(name, history);
    }
    return history;
  }
}
