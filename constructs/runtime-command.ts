/**
 * How a function process starts in a pod, in the same two steps the local backend takes: uv
 * creates the script's environment from its PEP 723 block (kept in the runtime emptyDir for
 * restarts of the container), then that environment's own Python runs the bootstrap, which
 * imports the script and serves it.
 */

/** The shell step; the script path is `$1` and the bootstrap path `$2`, so no quoting is needed. */
const WITH_DEPENDENCIES = 'uv sync --script "$1" && exec "$(uv python find --script "$1")" "$2" "$1"';
/** uv refuses `--script` for a file without a PEP 723 block; such a script runs on the image's Python. */
const WITHOUT_BLOCK = 'exec "$(uv python find)" "$2" "$1"';

const SCRIPT_BLOCK_OPENER = /^# \/\/\/ script\r?$/m;

/** `argv` that installs the script's dependencies and serves it with the bootstrap. */
export function runtimeCommand(source: string, scriptPath: string, bootstrapPath: string): string[] {
  const step = SCRIPT_BLOCK_OPENER.test(source) ? WITH_DEPENDENCIES : WITHOUT_BLOCK;
  return ['/bin/sh', '-c', step, 'faas-function', scriptPath, bootstrapPath];
}
