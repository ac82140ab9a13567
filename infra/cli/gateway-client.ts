/** Calls to a running gateway for `faas list` and `faas invoke`, with errors that say what to do. */

export interface GatewayTarget {
  readonly gateway: string;
  readonly user?: string;
  readonly password?: string;
}

export const DEFAULT_GATEWAY = process.env.OPENFAAS_URL ?? 'http://127.0.0.1:8080';

export function gatewayUrl(base: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`--gateway '${base}' is not a URL; write it like http://127.0.0.1:8080`);
  }
  return new URL(`${url.pathname.replace(/\/+$/, '')}${path}`, url);
}

export async function gatewayFetch(target: GatewayTarget, path: string, init: RequestInit = {}): Promise<Response> {
  const url = gatewayUrl(target.gateway, path);
  const headers = new Headers(init.headers);
  if (target.password !== undefined) {
    headers.set('authorization', `Basic ${Buffer.from(`${target.user ?? 'admin'}:${target.password}`).toString('base64')}`);
  }
  try {
    return await fetch(url, { ...init, headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`cannot reach the gateway at ${url.origin}${cause ? ` (${cause})` : ''}; start it with \`faas dev\` or pass --gateway URL`);
  }
}

/** The message of a gateway's JSON error body, or its text. */
export async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string };
    return body.message ?? text;
  } catch {
    return text.trim() || response.statusText;
  }
}
