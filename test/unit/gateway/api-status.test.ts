/**
 * One reading of the API server's refusals for the gateway, the controller and the CLI.
 */
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiStatus, isConflict, isNotFound } from '../../../gateway/backends/kubernetes/api-status.js';

describe('apiStatus', () => {
  it('reads the status of a refused request, and tells 404 and 409 from the rest', () => {
    const notFound = new ApiException(404, 'Not Found', '{}', {});
    const conflict = new ApiException(409, 'Conflict', '{}', {});
    expect([apiStatus(notFound), isNotFound(notFound), isConflict(notFound)]).toEqual([404, true, false]);
    expect([apiStatus(conflict), isNotFound(conflict), isConflict(conflict)]).toEqual([409, false, true]);
    expect(isNotFound(new ApiException(403, 'Forbidden', '{}', {}))).toBe(false);
  });

  it('reads a watch error, which carries the status without being an ApiException, and no status from a socket error', () => {
    expect(isConflict(Object.assign(new Error('Gone'), { code: 409 }))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect([apiStatus(refused), isNotFound(refused), apiStatus(undefined), apiStatus(null)]).toEqual([undefined, false, undefined, undefined]);
  });
});
