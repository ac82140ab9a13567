/**
 * The environment of a local function process: what a pod would give it (its own env, PORT, the
 * runtime variables) plus the few variables Python needs to run on this machine. Never the
 * gateway's whole environment: that holds the admin password and every gateway setting.
 */

/** Variables of the machine that an interpreter, its packages or uv's Python builds look for. */
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_CONFIG_HOME',
  'UV_CACHE_DIR',
  'UV_PYTHON_INSTALL_DIR',
  'UV_PYTHON_BIN_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'LD_LIBRARY_PATH',
];

/** `LC_ALL`, `LC_CTYPE`…: the locale, which Python reads for its text encoding. */
const PASSED_THROUGH_PREFIX = 'LC_';

export function functionEnvironment(host: NodeJS.ProcessEnv, own: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && (PASSED_THROUGH.includes(name) || name.startsWith(PASSED_THROUGH_PREFIX))) env[name] = value;
  }
  return { ...env, ...own };
}
