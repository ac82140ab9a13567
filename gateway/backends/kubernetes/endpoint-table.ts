import type { V1EndpointSlice } from '@kubernetes/client-node';
import { FUNCTION_LABEL } from './api-names.js';

/**
 * Ready addresses of each function, kept from EndpointSlice events. A function's endpoints are
 * the union of its slices (a Service may have several), so every slice is kept by name.
 */
export class EndpointTable {
  private readonly slices = new Map<string, { readonly fn: string; readonly urls: readonly string[] }>();
  private readonly byFunction = new Map<string, readonly string[]>();

  /** Applies one event; returns the function whose ready set changed, if any. */
  apply(event: 'add' | 'update' | 'delete', slice: V1EndpointSlice): string | undefined {
    const sliceName = slice.metadata?.name;
    const fn = slice.metadata?.labels?.[FUNCTION_LABEL] ?? slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!sliceName || !fn) return undefined;
    if (event === 'delete') this.slices.delete(sliceName);
    else this.slices.set(sliceName, { fn, urls: readyUrls(slice) });
    return this.recompute(fn) ? fn : undefined;
  }

  ready(fn: string): readonly string[] {
    return this.byFunction.get(fn) ?? [];
  }

  private recompute(fn: string): boolean {
    const urls: string[] = [];
    for (const s of this.slices.values()) if (s.fn === fn) urls.push(...s.urls);
    urls.sort();
    const before = this.byFunction.get(fn) ?? [];
    if (before.length === urls.length && before.every((u, i) => u === urls[i])) return false;
    if (urls.length === 0) this.byFunction.delete(fn);
    else this.byFunction.set(fn, urls);
    return true;
  }
}

/** `conditions.ready` unset means ready (the API's own rule); terminating endpoints get no new requests. */
function readyUrls(slice: V1EndpointSlice): string[] {
  const port = slice.ports?.find((p) => p.name === 'http') ?? slice.ports?.[0];
  if (!port?.port) return [];
  const v6 = slice.addressType === 'IPv6';
  const urls: string[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    if (endpoint.conditions?.ready === false) continue;
    for (const address of endpoint.addresses) urls.push(`http://${v6 ? `[${address}]` : address}:${port.port}`);
  }
  return urls;
}
