/**
 * Last-resort cleanup: when the test process exits without calling stop()
 * (a crash, Ctrl-C, a failing global setup), these synchronous hooks still
 * kill the cluster's processes and remove its network namespaces.
 */
const hooks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const hook of [...hooks].reverse()) {
    try {
      hook();
    } catch {
      // Exiting anyway; the other hooks must still run.
    }
  }
  hooks.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  // A test worker whose runner died loses its IPC channel but may live on;
  // what it made must not outlive the run.
  if (process.send) process.once('disconnect', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Registers a synchronous hook; the returned function unregisters it. */
export function onExit(hook: () => void): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}
