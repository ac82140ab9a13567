/**
 * A function's logs over HTTP: a JSON array of the kept lines, or with `?follow=1` server-sent
 * events, one `data:` line per log line, for as long as the browser listens. A reader that stops
 * reading is cut off once 1 MiB waits for it, so a stalled tab cannot grow the gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionLogs, LogLine } from '../backends/backend.js';
import { UI_HEADERS } from './ui-headers.js';

const MAX_UNREAD_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/** Open follows per gateway; each holds a listener and a socket. */
export const MAX_FOLLOWERS = 32;

/** How many follows one gateway has open. */
export class LogFollowers {
  open = 0;
}

export async function sendLogs(req: IncomingMessage, res: ServerResponse, logs: FunctionLogs, name: string, follow: boolean, followers: LogFollowers): Promise<void> {
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  if (!follow) {
    const lines: LogLine[] = [];
    await logs.logs(name, (line) => lines.push(line), { follow: false, signal: abort.signal });
    const body = JSON.stringify({ function: name, lines });
    res.writeHead(200, { ...UI_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (followers.open >= MAX_FOLLOWERS) {
    const body = JSON.stringify({ error: 'too_many_log_streams', message: `${MAX_FOLLOWERS} log streams are open on this gateway; close a tab that follows logs and retry`, function: name });
    res.writeHead(503, { ...UI_HEADERS, 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
    res.end(body);
    return;
  }
  followers.open++;
  res.writeHead(200, { ...UI_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  res.write(': following\n\n');
  const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS).unref();
  req.socket.setTimeout(0);
  try {
    await logs.logs(
      name,
      (line) => {
        if (abort.signal.aborted) return;
        if (res.writableLength > MAX_UNREAD_BYTES) {
          res.destroy();
          return;
        }
        res.write(`data: ${JSON.stringify(line)}\n\n`);
      },
      { follow: true, signal: abort.signal },
    );
    if (!res.destroyed) res.end('event: end\ndata: {}\n\n');
  } finally {
    clearInterval(heartbeat);
    followers.open--;
  }
}
