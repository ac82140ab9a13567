/**
 * The admin API and function calls answer from one status table: a kind means one status
 * wherever it is answered, and the body names it.
 */
import { describe, expect, it } from 'vitest';
import { AdminError } from '../../../gateway/admin/admin-error.js';
import { ERROR_STATUS } from '../../../gateway/http/error-status.js';
import { GatewayError } from '../../../gateway/http/errors.js';

describe('one status table', () => {
  it('gives a kind answered by both the admin API and a function call the same status', () => {
    for (const kind of ['bad_request', 'not_found', 'payload_too_large'] as const) {
      expect(new AdminError(kind, 'x').status).toBe(ERROR_STATUS[kind]);
      expect(new GatewayError(kind, 'x').status).toBe(ERROR_STATUS[kind]);
    }
  });
});
