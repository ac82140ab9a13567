/** The last lines written to a stream: what a failed start shows its waiters. */
export class LineTail {
  private readonly kept: string[] = [];

  constructor(private readonly size: number) {}

  /** Adds one line, or every line of a block of text. */
  push(text: string): void {
    for (const line of text.split(/\r?\n/)) {
      this.kept.push(line);
      if (this.kept.length > this.size) this.kept.shift();
    }
    while (this.kept.length > 0 && this.kept.at(-1) === '') this.kept.pop();
  }

  lines(): readonly string[] {
    return this.kept;
  }

  text(): string {
    return this.kept.join('\n');
  }
}
