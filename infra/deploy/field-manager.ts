/**
 * The server-side apply field manager of `faas deploy`. Pruning deletes only objects this manager
 * applied, so objects made by the gateway's admin API, a controller or kubectl are never touched.
 */
export const FIELD_MANAGER = 'faas-cli';

interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
}

export function appliedByFaas(object: { metadata?: { managedFields?: readonly ManagedFieldsEntry[] } }): boolean {
  return (object.metadata?.managedFields ?? []).some((entry) => entry.manager === FIELD_MANAGER && entry.operation === 'Apply');
}
