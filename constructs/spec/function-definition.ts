import type { Toleration } from './schema.js';

/** A function read from a script and resolved: every default filled in, durations in seconds. */
export interface FunctionDefinition {
  /** DNS-1123 label from the file's stem: lower-cased, `_` turned into `-`. */
  readonly name: string;
  /** Path of the script as given to the loader (relative paths stay relative). */
  readonly file: string;
  readonly requiresPython?: string;
  readonly dependencies: readonly string[];
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** As written (`2m`); `idleTimeoutSeconds` is the same value resolved. */
  readonly idleTimeout: string;
  readonly idleTimeoutSeconds: number;
  readonly timeout: string;
  readonly timeoutSeconds: number;
  readonly memory: string;
  readonly cpu: string;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  /** Where the replicas run (`[tool.faas]` node-selector, tolerations, ...); absent: anywhere. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly imagePullSecrets?: readonly string[];
  readonly priorityClassName?: string;
  /** Asynchronous calls (`/async-function/`): each duration as written and resolved. */
  readonly asyncTimeout: string;
  readonly asyncTimeoutSeconds: number;
  readonly asyncAttempts: number;
  readonly asyncMaxDelay: string;
  readonly asyncMaxDelaySeconds: number;
  readonly asyncMaxInflight: number;
  readonly asyncCallbackTimeout: string;
  readonly asyncCallbackTimeoutSeconds: number;
  readonly asyncCallbackAttempts: number;
  /** The script's full text. */
  readonly source: string;
  /** sha256 hex of `source`; a change rolls the pods. */
  readonly sourceHash: string;
  /**
   * The text of the script's lock (`<script>.lock`, as `uv lock --script` writes it): present
   * exactly when the script has dependencies, and then matching them.
   */
  readonly lock?: string;
}

/** One problem in one script, located so a person can go straight to it. */
export interface ScriptError {
  readonly file: string;
  /** 1-based line in the .py file. */
  readonly line: number;
  /** `[tool.faas]` key or PEP 723 field the error is about, when there is one. */
  readonly key?: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Set for the lock problems that `faas lock` fixes: no lock yet, or one that no longer matches. */
  readonly lock?: 'missing' | 'stale';
}

export type LoadResult =
  | { readonly ok: true; readonly function: FunctionDefinition }
  | { readonly ok: false; readonly errors: readonly ScriptError[] };
