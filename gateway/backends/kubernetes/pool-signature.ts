/**
 * The signature on a specialization request to a pool pod (the bootstrap checks it: see
 * `specialization_signature` in gateway/bootstrap/bootstrap.py). HMAC-SHA256 with the pool's
 * secret over the time, the pod's name and the body: only a holder of the secret can specialize a
 * pod, and a captured request does not work on another pod or a minute later.
 */
import { createHmac } from 'node:crypto';

export const SPECIALIZE_PATH = '/_/specialize';

export function specializationHeaders(secret: Buffer, podName: string, body: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timestamp = String(nowSeconds);
  const mac = createHmac('sha256', secret).update(`${timestamp}\n${podName}\n`).update(body).digest('hex');
  return { 'x-faas-timestamp': timestamp, 'x-faas-signature': `sha256=${mac}`, 'content-type': 'application/json' };
}
