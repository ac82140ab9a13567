import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { FUNCTION_GROUP, FUNCTION_KIND, FUNCTION_VERSION } from './api-names.js';

/** What `kubectl describe function` shows as the event's source. */
export const EVENT_COMPONENT = 'faas-gateway';

export interface FunctionEventsOptions {
  /** The generic client: CoreV1Api's thousands of methods would cost every gateway ~8 MB of RSS at start. */
  readonly objects: KubernetesObjectApi;
  readonly namespace: string;
  /** This replica's name (the pod name in a cluster), as the event's reporting instance. */
  readonly identity: string;
  readonly onError?: (name: string, error: unknown) => void;
}

/**
 * Events on Function objects for each scale the gateway made (a wake from zero, the reaper's scale
 * to zero, the admin API's scale-function), so `kubectl describe function` tells when a function
 * slept and woke beside the controller's conditions. Written in the background: a lost event never
 * delays or fails the call that caused it.
 */
export class FunctionEvents {
  constructor(private readonly options: FunctionEventsOptions) {}

  scaled(name: string, uid: string | undefined, from: number, to: number): void {
    this.record(name, uid, to > from ? 'ScaledUp' : 'ScaledDown', `scaled from ${from} to ${to} replicas`);
  }

  private record(name: string, uid: string | undefined, reason: string, message: string): void {
    const { objects, namespace, identity } = this.options;
    const now = new Date();
    const at = now.toISOString();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      // The name only has to be unique; client-go's recorder uses the same form.
      metadata: { name: `${name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`, namespace },
      involvedObject: { apiVersion: `${FUNCTION_GROUP}/${FUNCTION_VERSION}`, kind: FUNCTION_KIND, name, namespace, ...(uid ? { uid } : {}) },
      reason,
      message,
      type: 'Normal',
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
      reportingInstance: identity,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    objects.create(event as KubernetesObject).catch((error: unknown) => this.options.onError?.(name, error));
  }
}
