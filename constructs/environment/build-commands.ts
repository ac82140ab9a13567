/**
 * The two shell steps around a shared environments volume. The builder (a Job, the one place
 * that runs uv and reaches the package index) builds `<root>/<hash>` into a temporary folder
 * and renames it into place when complete, or leaves `<root>/.<hash>.failed` with uv's last
 * lines. A function pod only checks for the environment's Python and execs it; while a first
 * build is still running it waits, and when the build failed it exits with the builder's
 * message, which its container status then carries to the gateway's 502.
 */

/** `$1` hash, `$2` the environments root, `$3` the folder holding `env.py`, `env.py.lock` and `python-version`. */
export const BUILD_ENVIRONMENT = [
  'set -u',
  'hash="$1"; root="$2"; src="$3"; env="$root/$hash"; failed="$root/.$hash.failed"',
  'if [ -x "$env/bin/python" ]; then echo "environment $hash is already built"; exit 0; fi',
  'tmp="$root/.$hash.${HOSTNAME:-build}"; log=/tmp/build.log',
  'rm -rf "$tmp" "$failed"',
  'if ( uv venv --quiet --python "$(cat "$src/python-version")" "$tmp" && VIRTUAL_ENV="$tmp" uv sync --script "$src/env.py" --active --locked --compile-bytecode ) >"$log" 2>&1; then',
  '  cat "$log"; mv -T "$tmp" "$env" 2>/dev/null || [ -x "$env/bin/python" ] || { echo "cannot move $tmp into $env" >&2; exit 1; }',
  '  echo "built environment $hash"; exit 0',
  'fi',
  // Free the space first: a full volume is a common reason, and the marker must still fit.
  'rm -rf "$tmp"; cat "$log" >&2',
  '{ echo "the environment $hash could not be built:"; tail -n 20 "$log"; } >"$failed" 2>/dev/null || echo "cannot write $failed: is the environments volume full?" >&2',
  'exit 1',
].join('\n');

/** `$1` script, `$2` bootstrap, `$3` the environment folder. */
export const START_FROM_ENVIRONMENT = [
  'env="$3"; failed="$(dirname "$env")/.$(basename "$env").failed"',
  'while [ ! -x "$env/bin/python" ]; do',
  '  if [ -e "$failed" ]; then cat "$failed" >&2; exit 1; fi',
  // Only until the first build of this environment finishes; a wake finds it built.
  '  sleep 0.2',
  'done',
  'exec "$env/bin/python" "$2" "$1"',
].join('\n');
