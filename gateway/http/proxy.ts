/**
 * The innermost layer: forwards the call to the chosen endpoint over undici's kept-alive pools,
 * streaming both bodies with backpressure and no buffering. Small named steps (after httpxy's
 * web-incoming): upstream headers, body, response headers, then the stream. The function's
 * timeout bounds the wait for its answer (504); a body over the limit is cut (413); a client that
 * leaves aborts the upstream call.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { tooLarge } from './body-limit.js';
import { GatewayError, sendError } from './errors.js';
import { ASYNC_WORKER_HEADER, type CloseListener, type Exchange, type Step } from './exchange.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those undici sets itself; never forwarded either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  ASYNC_WORKER_HEADER,
]);

/**
 * Bit n set: some header we look for by name is n characters long. Most headers (content-type,
 * user-agent, accept…) are ruled out by their length alone, without lower-casing a copy of the name.
 */
const NOTABLE_LENGTHS = [...HOP_BY_HOP, 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-prefix', 'x-call-id', 'x-start-time'].reduce((bits, name) => bits | (1 << name.length), 0);

/** The name lower-cased when it may be one we look for, '' when its length rules that out. */
function notable(name: string): string {
  return name.length < 32 && (NOTABLE_LENGTHS >>> name.length) & 1 ? name.toLowerCase() : '';
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE', 'TRACE']);

export interface ProxyDeps {
  readonly dispatcher: Dispatcher;
  /** 0: no limit. */
  readonly maxBodyBytes: number;
}

/** What the gateway tells the function about the call it takes part in (OpenFaaS's headers). */
export interface CallIdentity {
  readonly callId: string;
  readonly startTime: string;
}

/**
 * Request headers for the function: hop-by-hop dropped, the client's Host kept, x-forwarded-*
 * added when absent, and `x-forwarded-prefix` extended by the part of the path the gateway took
 * off (`/function/<name>`), so that the function builds URLs that lead back through the gateway.
 * With `call`, X-Call-Id and X-Start-Time are the gateway's (a client's X-Start-Time is dropped).
 * Trace context (`traceparent`, `tracestate`) passes through untouched: the gateway records no span.
 */
export function upstreamHeaders(req: IncomingMessage, forwardedPrefix = '', call?: CallIdentity): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  const connection = req.headers.connection;
  // Headers the client named in Connection are hop-by-hop too; the common single token needs no set.
  const connectionListed =
    connection !== undefined && !/^\s*(keep-alive|close)\s*$/i.test(connection)
      ? new Set(connection.toLowerCase().split(',').map((token) => token.trim()))
      : undefined;
  let hasFor = false;
  let hasProto = false;
  let hasHost = false;
  let prefix = forwardedPrefix;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = connectionListed === undefined ? notable(name) : name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || connectionListed?.has(lower)) continue;
    if (lower === 'x-forwarded-for') hasFor = true;
    else if (lower === 'x-forwarded-proto') hasProto = true;
    else if (lower === 'x-forwarded-host') hasHost = true;
    else if (lower === 'x-forwarded-prefix') {
      // A proxy in front took its own prefix off before ours.
      prefix = raw[i + 1]!.replace(/\/+$/, '') + prefix;
      continue;
    } else if (call !== undefined && (lower === 'x-call-id' || lower === 'x-start-time')) continue;
    out.push(name, raw[i + 1]!);
  }
  if (!hasFor && req.socket.remoteAddress) out.push('x-forwarded-for', req.socket.remoteAddress);
  if (!hasProto) out.push('x-forwarded-proto', (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  if (!hasHost && req.headers.host) out.push('x-forwarded-host', req.headers.host);
  if (prefix !== '') out.push('x-forwarded-prefix', prefix);
  if (call !== undefined) out.push('x-call-id', call.callId, 'x-start-time', call.startTime);
  return out;
}

/** Response headers for the client, as a flat list that keeps repeated headers (set-cookie). */
function downstreamHeaders(raw: Buffer[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    if (HOP_BY_HOP.has(notable(name))) continue;
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return !BODYLESS_METHODS.has(req.method ?? 'GET');
}

const CLIENT_GONE = new Error('client closed the connection');

/**
 * One forwarded call: undici's dispatch handler, bound to the client's request and response.
 * Methods rather than closures, and listeners only when needed, so a call allocates little.
 */
class ProxyCall implements Dispatcher.DispatchHandler, CloseListener {
  private controller: Dispatcher.DispatchController | undefined;
  private waitingForDrain = false;
  private failure: GatewayError | undefined;
  private received = 0;
  private finished = false;
  /** Bounds the exchange until both the request body is in and the answer's head is out. */
  private deadline: NodeJS.Timeout | undefined;
  private answered = false;
  private abortPending = false;

  constructor(
    private readonly exchange: Exchange,
    private readonly maxBodyBytes: number,
  ) {}

  start(dispatcher: Dispatcher): void {
    const { req, definition } = this.exchange;
    const timeoutMs = ((this.exchange.async ? definition?.asyncTimeoutSeconds : definition?.timeoutSeconds) ?? 30) * 1000;
    const withBody = hasBody(req);
    // A chunked body has no length to check up front: count it as it streams, only for those.
    const counted = withBody && this.maxBodyBytes > 0 && req.headers['content-length'] === undefined;
    this.exchange.onClose(this);
    // undici's timeouts start once the request is sent: a body that trickles in would hold the
    // call open without bound. The function's timeout covers the upload and the wait for the answer.
    if (timeoutMs > 0) this.deadline = setTimeout(() => this.expire(timeoutMs), timeoutMs);
    if (withBody && !req.complete) req.once('end', () => this.answered && this.clearDeadline());
    dispatcher.dispatch(
      {
        origin: this.exchange.endpoint,
        path: this.exchange.upstreamPath,
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: upstreamHeaders(req, this.exchange.forwardedPrefix, this.exchange),
        // undici streams async iterables; its typings list only Readable.
        body: counted ? (this.limited(req) as unknown as Readable) : withBody ? req : null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      this,
    );
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.exchange.res.destroyed) controller.abort(CLIENT_GONE);
    else if (this.abortPending) controller.abort(this.failure!);
    else this.controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, _headers: unknown, statusText?: string): void {
    const res = this.exchange.res;
    if (res.destroyed) {
      controller.abort(CLIENT_GONE);
      return;
    }
    this.answered = true;
    if (this.exchange.req.complete) this.clearDeadline();
    // The raw list keeps repeated headers (set-cookie) and the function's spelling of names.
    res.writeHead(statusCode, statusText ?? '', downstreamHeaders(controller.rawHeaders as Buffer[]));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const res = this.exchange.res;
    if (res.write(chunk)) return;
    // The client reads slower than the function writes: undici pauses until 'drain' resumes it.
    // Listened for only from the first time it happens; most answers fit the socket's buffer.
    controller.pause();
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      res.on('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.finished = true;
    this.clearDeadline();
    this.exchange.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finished = true;
    this.clearDeadline();
    const { res, name } = this.exchange;
    if (res.destroyed || error === CLIENT_GONE) return;
    if (this.failure !== undefined) {
      sendError(res, this.failure, true);
      return;
    }
    const code = (error as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      sendError(res, this.timedOut(true));
      return;
    }
    sendError(res, new GatewayError('upstream_error', `function "${name}" failed while answering: ${error.message}${code ? ` (${code})` : ''}`, name));
  }

  private expire(timeoutMs: number): void {
    this.deadline = undefined;
    if (this.finished) return;
    this.failure = this.timedOut(this.exchange.req.complete, timeoutMs);
    if (this.controller) this.controller.abort(this.failure);
    else this.abortPending = true;
  }

  /** 504 once the body is in (the function is slow), 408 while it still arrives (the client is). */
  private timedOut(bodyComplete: boolean, timeoutMs?: number): GatewayError {
    const { name, definition } = this.exchange;
    const key = this.exchange.async ? 'async-timeout' : 'timeout';
    const timeout = (this.exchange.async ? definition?.asyncTimeout : definition?.timeout) ?? (timeoutMs === undefined ? '?' : `${timeoutMs / 1000}s`);
    return bodyComplete
      ? new GatewayError('upstream_timeout', `function "${name}" did not answer within its ${key} of ${timeout}: make it faster or raise ${key} in its [tool.faas]`, name)
      : new GatewayError('request_timeout', `the request body to function "${name}" was still arriving when its ${key} of ${timeout} passed: send it faster, or raise ${key} in its [tool.faas]`, name);
  }

  private clearDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private async *limited(body: IncomingMessage): AsyncGenerator<Buffer> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      this.received += chunk.length;
      if (this.received > this.maxBodyBytes) {
        this.failure = tooLarge(this.exchange.name, this.maxBodyBytes);
        throw this.failure;
      }
      yield chunk;
    }
  }

  /** The client's response closed: if the function is still answering, stop it. */
  closed(): void {
    this.clearDeadline();
    if (!this.finished) this.controller?.abort(CLIENT_GONE);
  }
}

export function createProxy(deps: ProxyDeps): Step {
  const { dispatcher, maxBodyBytes } = deps;
  return (exchange) => new ProxyCall(exchange, maxBodyBytes).start(dispatcher);
}

