/** A real X-Callback-Url receiver on 127.0.0.1 port 0 that keeps every result it is sent. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export class CallbackReceiver {
  readonly received: Received[] = [];
  private readonly waiters: Array<() => void> = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.end('ok');
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/result`;
    return this;
  }

  /** Every result with this X-Call-Id so far. */
  of(id: string): Received[] {
    return this.received.filter((r) => r.headers['x-call-id'] === id);
  }

  /** The first result with this X-Call-Id, once it arrives. */
  async first(id: string): Promise<Received> {
    return (await this.until(() => this.of(id)[0]))!;
  }

  /** Waits until `check` returns something, looking again after each result that arrives. */
  async until<T>(check: () => T | undefined | false): Promise<T> {
    for (;;) {
      const found = check();
      if (found !== undefined && found !== false) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }
}
