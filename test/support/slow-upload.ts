/** A client that uploads a body slowly and stops writing as soon as an answer arrives. */
import { request } from 'node:http';

export interface SlowUpload {
  readonly status: number;
  readonly body: string;
  /** Chunks written before the answer came; fewer than asked means the answer did not wait for the body. */
  readonly chunksSent: number;
}

export function slowUpload(url: string, options: { chunks: number; everyMs: number; headers?: Record<string, string> }): Promise<SlowUpload> {
  const piece = Buffer.from('0123456789');
  return new Promise((resolve, reject) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-length': String(piece.length * options.chunks), ...options.headers } }, (res) => {
      clearTimeout(timer);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body, chunksSent: sent });
        req.destroy();
      });
    });
    // The gateway may close the connection while a chunk is on its way: that is an answer too.
    req.on('error', (error) => (sent < options.chunks ? undefined : reject(error)));
    const next = () => {
      if (req.destroyed) return;
      req.write(piece);
      sent++;
      if (sent < options.chunks) timer = setTimeout(next, options.everyMs);
      else req.end();
    };
    next();
  });
}
