/**
 * The connection pools to function instances: undici's Agent (a kept-alive pool per origin,
 * pipelining 1, no cap on connections).
 */
import { Agent, type Dispatcher } from 'undici';

export function createUpstreamAgent(): Dispatcher {
  return new Agent({ pipelining: 1, connections: null });
}
