/** A namespace in an admin call must be the served one; any other is refused rather than silently ignored. */
import { isServedNamespace } from '../core/served-namespace.js';
import { AdminError } from './admin-error.js';

export function checkNamespace(given: string | null | undefined, served: string, fn?: string): void {
  if (given === undefined || given === null || given === '') return;
  if (isServedNamespace(given, served)) return;
  throw new AdminError(
    'bad_request',
    `namespace "${given}" is not served by this gateway; it serves "${served}" (omit the namespace, or use "${served}")`,
    fn === undefined ? {} : { function: fn },
  );
}
