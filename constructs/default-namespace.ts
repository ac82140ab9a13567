/**
 * The namespace a construct uses when its props name none: its Chart's, as every cdk8s object
 * gets, else `faas`. Resolved here rather than left to cdk8s because the constructs need the name
 * themselves (RBAC subjects, the gateway's K8S_NAMESPACE, the check that functions and gateway agree).
 */
import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { DEFAULT_NAMESPACE } from './function-api.js';

export function defaultNamespace(scope: IConstruct, given: string | undefined): string {
  return given ?? Chart.of(scope).namespace ?? DEFAULT_NAMESPACE;
}
