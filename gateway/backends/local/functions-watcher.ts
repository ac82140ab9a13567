/**
 * Notices edits to the functions folder. Editors save in bursts (write, rename, chmod),
 * so changes are debounced into one reload; only `*.py` and `*.py.lock` names matter, which keeps
 * Python's own `__pycache__` writes from triggering reloads.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { BackendLogger } from './backend-logger.js';

export class FunctionsWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly onChange: () => void,
    private readonly logger: BackendLogger,
    private readonly debounceMs = 100,
  ) {}

  start(): void {
    this.watcher = watch(this.dir, { persistent: false }, (_event, file) => {
      if (file !== null && !/\.py(\.lock)?$/.test(file.toString())) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(this.onChange, this.debounceMs);
    });
    this.watcher.on('error', (error) => {
      this.logger.error({ dir: this.dir, err: error }, 'stopped watching the functions folder; restart `faas dev` to pick up changes');
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}
