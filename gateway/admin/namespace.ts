/**
 * The gateway serves one namespace. faas-cli names `openfaas-fn` by default, so that
 * name means "the served one" too; any other is refused rather than silently ignored.
 */
import { AdminError } from './admin-error.js';

export const OPENFAAS_DEFAULT_NAMESPACE = 'openfaas-fn';

export function checkNamespace(given: string | null | undefined, served: string, fn?: string): void {
  if (given === undefined || given === null || given === '') return;
  if (given === served || given === OPENFAAS_DEFAULT_NAMESPACE) return;
  throw new AdminError(
    'bad_request',
    `namespace "${given}" is not served by this gateway; it serves "${served}" (omit the namespace, or use "${served}")`,
    fn === undefined ? {} : { function: fn },
  );
}
