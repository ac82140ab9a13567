import { PatchStrategy, setHeaderOptions, type AppsV1Api } from '@kubernetes/client-node';
import type { ReapOutcome } from '../backend.js';
import { FUNCTION_LABEL } from './api-names.js';
import { isConflict } from './api-status.js';

/**
 * Scales function Deployments through the deployments/scale subresource only: the gateway's Role
 * has no rights on Deployments themselves. The Scale's selector tells whether the Deployment is one
 * that synth (or the controller) made for this function; any other Deployment is left alone.
 */
export class DeploymentScaler {
  private readonly verified = new Set<string>();
  private readonly desired = new Map<string, number>();
  private readonly mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  constructor(
    private readonly apps: AppsV1Api,
    private readonly namespace: string,
  ) {}

  /** Last replica count asked for or seen; undefined until the first scale or read. */
  desiredReplicas(name: string): number | undefined {
    return this.desired.get(name);
  }

  /** Resolves the count before (as last asked for or seen) and after. */
  async scale(name: string, replicas: number): Promise<{ from: number; to: number }> {
    if (!this.verified.has(name)) await this.verifyOwnership(name);
    const from = this.desired.get(name) ?? 0;
    const scale = await this.apps.patchNamespacedDeploymentScale(
      { name, namespace: this.namespace, body: { spec: { replicas } } },
      this.mergePatch,
    );
    const to = scale.spec?.replicas ?? replicas;
    this.desired.set(name, to);
    return { from, to };
  }

  /**
   * Scales to zero only what is awake now and idle by `stillIdle`, which is asked after the live
   * Scale is read: the patch carries that read's resourceVersion, so a wake by another replica in
   * between makes it fail with a conflict instead of undoing the wake.
   */
  async scaleToZeroIf(name: string, stillIdle: () => Promise<boolean>): Promise<{ outcome: ReapOutcome; from: number }> {
    if (!this.verified.has(name)) await this.verifyOwnership(name);
    const live = await this.apps.readNamespacedDeploymentScale({ name, namespace: this.namespace });
    const replicas = live.spec?.replicas ?? 0;
    this.desired.set(name, replicas);
    if (replicas === 0) return { outcome: 'asleep', from: 0 };
    if (!(await stillIdle())) return { outcome: 'busy', from: replicas };
    try {
      await this.apps.patchNamespacedDeploymentScale(
        { name, namespace: this.namespace, body: { metadata: { resourceVersion: live.metadata?.resourceVersion }, spec: { replicas: 0 } } },
        this.mergePatch,
      );
    } catch (e) {
      if (isConflict(e)) return { outcome: 'busy', from: replicas };
      throw e;
    }
    this.desired.set(name, 0);
    return { outcome: 'reaped', from: replicas };
  }

  /** Reads the live count once, so a restarted gateway knows which functions are awake. */
  async refresh(name: string): Promise<number> {
    const scale = await this.apps.readNamespacedDeploymentScale({ name, namespace: this.namespace });
    this.checkSelector(name, scale.status?.selector);
    const replicas = scale.spec?.replicas ?? 0;
    this.desired.set(name, replicas);
    return replicas;
  }

  forget(name: string): void {
    this.verified.delete(name);
    this.desired.delete(name);
  }

  private async verifyOwnership(name: string): Promise<void> {
    const scale = await this.apps.readNamespacedDeploymentScale({ name, namespace: this.namespace });
    this.checkSelector(name, scale.status?.selector);
    this.desired.set(name, scale.spec?.replicas ?? 0);
  }

  private checkSelector(name: string, selector: string | undefined): void {
    const terms = (selector ?? '').split(',').map((t) => t.trim());
    if (!terms.includes(`${FUNCTION_LABEL}=${name}`)) {
      throw new Error(
        `deployment ${this.namespace}/${name} was not made for function "${name}" (its selector lacks ${FUNCTION_LABEL}=${name}); the gateway does not scale it`,
      );
    }
    this.verified.add(name);
  }
}
