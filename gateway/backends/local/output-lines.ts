/**
 * A function's stdout or stderr as log lines, with the gateway's memory bounded whatever the
 * function writes: a line longer than `maxLineBytes` is cut and marked, and past a byte budget per
 * second lines are dropped and counted rather than queued for a logger that cannot keep up.
 */

export interface OutputLinesOptions {
  /** Longest line kept; the rest of it is counted, not held. */
  readonly maxLineBytes: number;
  /** Bytes of lines passed on per second, on average; past it lines are dropped with a count. */
  readonly bytesPerSecond: number;
  /** How many bytes may pass at once before the budget applies. */
  readonly burstBytes: number;
  readonly onLine: (line: string) => void;
  /** Lines the budget dropped since the last report: said when a line passes again, at most a second after a drop, and at the end. */
  readonly onDropped: (lines: number, bytes: number) => void;
  readonly now?: () => number;
}

const NEWLINE = 0x0a;
const DROP_REPORT_MS = 1000;

export class OutputLines {
  private readonly parts: Buffer[] = [];
  private held = 0;
  private cut = 0;
  private tokens: number;
  private refilledAt: number;
  private droppedLines = 0;
  private droppedBytes = 0;
  private reportTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: OutputLinesOptions) {
    this.now = options.now ?? Date.now;
    this.tokens = options.burstBytes;
    this.refilledAt = this.now();
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end !== -1 && this.held === 0 && this.cut === 0) {
        // The usual case, a whole line inside the chunk: nothing is copied, and a dropped one costs no allocation.
        if (this.admit(end - start)) this.pass(chunk.toString('utf8', start, Math.min(end, start + this.options.maxLineBytes)), end - start);
        start = end + 1;
        continue;
      }
      this.hold(chunk, start, end === -1 ? chunk.length : end);
      if (end === -1) return;
      this.finishLine();
      start = end + 1;
    }
  }

  /** The stream ended: its last line, if unterminated, and any drop count still owed. */
  end(): void {
    if (this.held > 0 || this.cut > 0) this.finishLine();
    this.reportDrops();
  }

  private hold(chunk: Buffer, from: number, to: number): void {
    const room = this.options.maxLineBytes - this.held;
    const kept = Math.min(room, to - from);
    if (kept > 0) {
      // A copy: a slice would pin the whole chunk of the pipe in memory.
      this.parts.push(Buffer.from(chunk.subarray(from, from + kept)));
      this.held += kept;
    }
    this.cut += to - from - Math.max(kept, 0);
  }

  private finishLine(): void {
    const parts = this.parts.splice(0);
    const held = this.held;
    this.held = 0;
    const size = held + this.cut;
    this.cut = 0;
    if (this.admit(size)) this.pass(Buffer.concat(parts, held).toString('utf8'), size);
  }

  /** Whether a line of `size` bytes fits the budget; a line that does not is counted as dropped. */
  private admit(size: number): boolean {
    if (this.take(Math.min(size, this.options.maxLineBytes) + 1)) return true;
    this.droppedLines++;
    this.droppedBytes += size + 1;
    // A flood that never eases is still reported, once a second.
    this.reportTimer ??= setTimeout(() => this.reportDrops(), DROP_REPORT_MS).unref();
    return false;
  }

  /** Passes on a line that was `size` bytes long, marked when it was cut. */
  private pass(text: string, size: number): void {
    let line = text;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const cut = size - this.options.maxLineBytes;
    if (cut > 0) line += ` … [line cut: ${cut} more bytes]`;
    this.reportDrops();
    this.options.onLine(line);
  }

  private take(cost: number): boolean {
    const now = this.now();
    const { bytesPerSecond, burstBytes } = this.options;
    this.tokens = Math.min(burstBytes, this.tokens + ((now - this.refilledAt) / 1000) * bytesPerSecond);
    this.refilledAt = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  private reportDrops(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    if (this.droppedLines === 0) return;
    this.options.onDropped(this.droppedLines, this.droppedBytes);
    this.droppedLines = 0;
    this.droppedBytes = 0;
  }
}
