/**
 * The logging the local backend needs; a pino logger satisfies it. Function output is
 * logged through `child({ function, stream })`, so each line carries who wrote it.
 */
export interface BackendLogger {
  debug(bindings: object, message?: string): void;
  info(bindings: object, message?: string): void;
  warn(bindings: object, message?: string): void;
  error(bindings: object, message?: string): void;
  child(bindings: Record<string, unknown>): BackendLogger;
}
