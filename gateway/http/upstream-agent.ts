/**
 * The connection pools to function instances: undici's Agent (a kept-alive pool per origin,
 * pipelining 1, no cap on connections). Imported from its own module because undici's package root
 * also loads fetch, WebSocket and cookies, which pull in Node's own bundled undici: about 9 MB of
 * resident memory the proxy never uses.
 */
import type { Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';

export function createUpstreamAgent(): Dispatcher {
  return new Agent({ pipelining: 1, connections: null });
}
