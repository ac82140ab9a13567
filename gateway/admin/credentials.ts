/**
 * Where the admin API's one user comes from: the environment, or a file that a
 * Kubernetes Secret is mounted as. Read once at start.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

export interface ResolvedAdminCredentials {
  /** undefined: no password configured and none generated; the admin API answers 503. */
  readonly credentials: AdminCredentials | undefined;
  /** The password made up for this run, to print once; only when `generate` was asked. */
  readonly generated?: string;
  /** Why there are no credentials, when a setting points at a password that is not there. */
  readonly problem?: string;
}

export interface ResolveOptions {
  /** `faas dev` makes up a password when none is set; the Kubernetes gateway does not. */
  readonly generate: boolean;
}

export const DEFAULT_ADMIN_USER = 'admin';

/** How to configure credentials, for the messages of every place that lacks them. */
export const HOW_TO_SET_CREDENTIALS =
  'set FAAS_ADMIN_PASSWORD, or FAAS_ADMIN_PASSWORD_FILE to the path of a mounted Secret key ' +
  '(and FAAS_ADMIN_USER, default "admin")';

export function resolveAdminCredentials(
  env: Readonly<Record<string, string | undefined>>,
  options: ResolveOptions,
): ResolvedAdminCredentials {
  const user = env.FAAS_ADMIN_USER ?? DEFAULT_ADMIN_USER;
  if (user === '' || user.includes(':')) {
    // Basic auth splits user from password at the first colon, so such a user could never log in.
    throw new Error(`FAAS_ADMIN_USER (${JSON.stringify(user)}) must be non-empty and contain no ':'`);
  }
  const inline = env.FAAS_ADMIN_PASSWORD;
  const file = env.FAAS_ADMIN_PASSWORD_FILE;
  if (inline !== undefined && file !== undefined) {
    throw new Error('both FAAS_ADMIN_PASSWORD and FAAS_ADMIN_PASSWORD_FILE are set; unset one of them');
  }
  if (inline !== undefined) {
    if (inline === '') throw new Error(`FAAS_ADMIN_PASSWORD is set but empty; ${HOW_TO_SET_CREDENTIALS}`);
    return { credentials: { user, password: inline } };
  }
  if (file !== undefined) {
    // The Kubernetes gateway mounts its Secret as optional: without it, functions are still
    // served and only the admin API stays off (503), instead of the whole gateway failing.
    const read = readPasswordFile(file);
    return 'password' in read ? { credentials: { user, password: read.password } } : { credentials: undefined, problem: read.problem };
  }
  if (!options.generate) return { credentials: undefined, problem: `no admin password is configured; ${HOW_TO_SET_CREDENTIALS}` };
  const generated = randomBytes(18).toString('base64url');
  return { credentials: { user, password: generated }, generated };
}

function readPasswordFile(path: string): { password: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      problem: `FAAS_ADMIN_PASSWORD_FILE=${path} cannot be read (${reason}); create the admin Secret mounted there, with the password under the key named by the file (e.g. \`kubectl create secret generic faas-admin --from-literal=password=...\`), then restart the gateway`,
    };
  }
  // `echo pw > file` and `kubectl create secret --from-file` both leave a trailing newline.
  const password = text.replace(/\r?\n$/, '');
  if (password === '') return { problem: `FAAS_ADMIN_PASSWORD_FILE=${path} is empty; put the admin password in it, then restart the gateway` };
  return { password };
}
