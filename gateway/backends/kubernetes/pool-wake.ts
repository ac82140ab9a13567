/**
 * A wake from zero handed to a warm pool pod: claim one (pool-claim.ts), send it the function's
 * script and settings signed with the pool's secret, and give back the address it now serves on.
 * A pod that does not take the specialization (it died, its script crashed at import, the
 * request was refused) is deleted, never left labelled as the function's, and the wake goes the
 * usual way (the Deployment), which the caller counts as a fallback.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import { request } from 'undici';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
// The same file name as the function's ConfigMap key, so the script imports under the same module name.
import { scriptKey } from '../../../constructs/script-key.js';
import { CLAIMED_BY_LABEL, claimPoolPod } from './pool-claim.js';
import { SPECIALIZE_PATH, specializationHeaders } from './pool-signature.js';
import { FUNCTION_LABEL } from './api-names.js';
import { isNotFound } from './api-status.js';

export interface PoolWakeOptions {
  readonly core: CoreV1Api;
  readonly namespace: string;
  /** This gateway replica, written on the pods it claims. */
  readonly identity: string;
  /** The pool's shared secret (the `faas-pool` Secret's `secret` key). */
  readonly secret: Buffer;
  /** The pool a function wakes from, or undefined when it cannot wake from one. */
  readonly poolKeyOf: (def: FunctionDefinition) => string | undefined;
}

export type PoolWakeResult =
  | { readonly outcome: 'claimed'; readonly pod: string; readonly endpoint: string }
  | { readonly outcome: 'fallback'; readonly reason: string }
  | { readonly outcome: 'none' };

export class PoolWaker {
  constructor(private readonly options: PoolWakeOptions) {}

  /** `none`: the function has no pool. `fallback`: it has one, but no pod took the function. */
  async wake(def: FunctionDefinition): Promise<PoolWakeResult> {
    const pool = this.options.poolKeyOf(def);
    if (pool === undefined) return { outcome: 'none' };
    const { core, namespace, identity } = this.options;
    const claim = await claimPoolPod(core, namespace, pool, def.name, identity);
    if (claim === undefined) return { outcome: 'fallback', reason: `no ready pod in pool ${pool}` };
    const endpoint = `http://${claim.podIp.includes(':') ? `[${claim.podIp}]` : claim.podIp}:${claim.port}`;
    const body = Buffer.from(JSON.stringify({ filename: scriptKey(def), source: def.source, env: { ...def.env, FAAS_FUNCTION: def.name } }));
    try {
      const answer = await request(`${endpoint}${SPECIALIZE_PATH}`, {
        method: 'POST',
        headers: specializationHeaders(this.options.secret, claim.pod, body),
        body,
      });
      const text = await answer.body.text();
      if (answer.statusCode === 200) return { outcome: 'claimed', pod: claim.pod, endpoint };
      await this.retire(claim.pod);
      return { outcome: 'fallback', reason: `pool pod ${claim.pod} answered ${answer.statusCode}: ${text.slice(0, 2000)}` };
    } catch (error) {
      await this.retire(claim.pod);
      return { outcome: 'fallback', reason: `pool pod ${claim.pod} did not answer: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Deletes the pods this platform claimed for `functionName` (on scale to zero: the Deployment does not own them). */
  async retireAll(functionName: string): Promise<void> {
    const { core, namespace } = this.options;
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `${FUNCTION_LABEL}=${functionName},${CLAIMED_BY_LABEL}` });
    await Promise.all(pods.items.map((pod) => this.retire(pod.metadata!.name!)));
  }

  private async retire(pod: string): Promise<void> {
    try {
      await this.options.core.deleteNamespacedPod({ name: pod, namespace: this.options.namespace, gracePeriodSeconds: 0 });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
