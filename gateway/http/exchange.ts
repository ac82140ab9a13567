/** One proxied call as it moves through the request path; each layer fills in what it learns. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionDefinition } from '../../constructs/spec/function-definition.js';

export class Exchange {
  /** Function name, once routed. */
  name = '';
  definition: FunctionDefinition | undefined = undefined;
  /** What the function sees: the path after `/function/<name>`, query included, always starting with `/`. */
  upstreamPath = '/';
  /** Base URL of the instance chosen for this call. */
  endpoint = '';

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** performance.now() when the request arrived. */
    readonly startedAt: number,
  ) {}
}

/** A layer of the request path: takes the exchange and either answers it or hands it on. */
export type Step = (exchange: Exchange) => void;
