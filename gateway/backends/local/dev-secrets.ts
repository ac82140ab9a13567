/**
 * Secrets in dev. In Kubernetes a function reads secret `<name>` from files under
 * `/var/faas/secrets/<name>/`; locally the same files live in `.secrets/<name>/` next to
 * the functions folder, and `FAAS_SECRETS_DIR` says where the secrets root is, so a
 * function reads `os.environ.get("FAAS_SECRETS_DIR", "/var/faas/secrets")` in both places.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
import type { BackendLogger } from './backend-logger.js';

export function devSecretsEnv(def: FunctionDefinition, secretsDir: string, logger: BackendLogger): Record<string, string> {
  for (const secret of def.secrets) {
    if (!existsSync(join(secretsDir, secret))) {
      logger.warn({ secret }, `secret '${secret}' has no folder ${join(secretsDir, secret)}; create it with one file per key`);
    }
  }
  return { FAAS_SECRETS_DIR: secretsDir };
}
