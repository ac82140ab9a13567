/** One proxied call as it moves through the request path; each layer fills in what it learns. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';
import type { FunctionActivity } from '../core/activity.js';

/** Told once, when the client's response closes: answered, failed or abandoned. */
export interface CloseListener {
  closed(exchange: Exchange): void;
}

export class Exchange {
  /** Function name, once routed. */
  name = '';
  definition: FunctionDefinition | undefined = undefined;
  /** What the function sees: the path after `/function/<name>`, query included, always starting with `/`. */
  upstreamPath = '/';
  /** What the gateway took off the client's path before `upstreamPath`: `[GATEWAY_PATH_PREFIX]/function/<name>`. */
  forwardedPrefix = '';
  /** X-Call-Id: the caller's, or one the gateway made; '' before the call-id layer. */
  callId = '';
  /** X-Start-Time: Unix nanoseconds when the call arrived. */
  startTime = '';
  /** Base URL of the instance chosen for this call. */
  endpoint = '';
  /** The function's in-flight entry while the count layer holds this call open. */
  inFlight: FunctionActivity | undefined = undefined;
  /** A protocol switch (WebSocket): the bytes that came after its head, to send on once switched. */
  upgradeHead: Buffer | undefined = undefined;
  /** The function answered the switch with 101; the call lasts until either socket closes. */
  upgraded = false;
  /** Made by this gateway's async worker: bounded by the function's async timeout, not its sync one. */
  async = false;
  /**
   * Who wants to hear of the close, in the order they asked. One 'close' listener on the response
   * for all the layers: each `res.once` costs a wrapper and a closure per call, and an event with
   * several listeners copies its listener array on every emit.
   */
  private readonly closeListeners: CloseListener[] = [];

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** performance.now() when the request arrived. */
    readonly startedAt: number,
  ) {
    // A response emits 'close' once, so `on` is enough and skips the wrapper `once` builds.
    res.on('close', () => this.closed());
  }

  /** Calls `listener.closed(this)` when the response closes. */
  onClose(listener: CloseListener): void {
    this.closeListeners.push(listener);
  }

  private closed(): void {
    for (const listener of this.closeListeners) listener.closed(this);
  }
}

/**
 * Marks a call made by this gateway's own async worker; its value is a secret of the process, so
 * a client cannot claim the longer timeout. Never forwarded to a function.
 */
export const ASYNC_WORKER_HEADER = 'x-faas-async-worker';

/** A layer of the request path: takes the exchange and either answers it or hands it on. */
export type Step = (exchange: Exchange) => void;
