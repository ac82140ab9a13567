/**
 * The whole request path of a function call in one place, innermost first:
 * proxy (or, for a protocol switch, the tunnel) ← wake (until ready) ← count (in flight, last seen)
 * ← body limit ← metrics/log ← route ← call id.
 * Routing comes before metrics so that metrics are only ever labelled with functions that exist;
 * the call id comes first so that even a 404 carries one.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { FunctionCatalog } from '../backends/backend.js';
import type { Activity } from '../core/activity.js';
import type { Waker } from '../core/wake.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { withBodyLimit } from './body-limit.js';
import { withCallId } from './call-id-layer.js';
import { withActivity } from './count-layer.js';
import type { Step } from './exchange.js';
import { withMetrics } from './metrics-layer.js';
import { createProxy } from './proxy.js';
import { withRoute } from './router.js';
import { createUpgradeTunnel } from './upgrade-tunnel.js';
import { withWake } from './wake-layer.js';

export interface RequestPathDeps {
  readonly catalog: FunctionCatalog;
  readonly dispatcher: Dispatcher;
  readonly waker: Waker;
  readonly activity: Activity;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly namespace: string;
  readonly pathPrefix: string;
  readonly maxBodyBytes: number;
  readonly recordInvocation?: (name: string, at: Date) => void;
}

export function buildRequestPath(deps: RequestPathDeps): Step {
  const proxy = createProxy({ dispatcher: deps.dispatcher, maxBodyBytes: deps.maxBodyBytes });
  const tunnel = createUpgradeTunnel();
  const forward: Step = (exchange) => (exchange.upgradeHead === undefined ? proxy(exchange) : tunnel(exchange));
  const woken = withWake(forward, deps.waker);
  const counted = withActivity(woken, deps.activity);
  const limited = withBodyLimit(counted, deps.maxBodyBytes);
  const measured = withMetrics(limited, deps);
  return withCallId(withRoute(measured, deps));
}
