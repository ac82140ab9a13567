/**
 * Functions as local processes: the backend behind `faas dev` and the integration tests.
 * Each instance is the bootstrap run by the interpreter of the script's uv environment, on
 * a free port of 127.0.0.1 it picks itself. Functions come from two folders: the user's own
 * scripts, which are only read (edits are picked up), and the folder the admin API writes, where
 * deploy writes a script and remove deletes one. The API never overwrites or deletes a user's file.
 *
 * Scaling: `scale(name, n)` resolves once starts are under way and surplus instances have
 * stopped (drained); readiness arrives through `onEndpointsChanged`, a failed start through
 * `onStartFailed`. After a failure nothing is
 * retried here (backoff is the caller's policy); the next `scale(name, n >= 1)` starts a
 * fresh attempt. An instance that dies after it was ready is restarted with a backoff.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { formatError } from '../../../constructs/spec/format-error.js';
import type { FunctionDefinition, ScriptError } from '../../../constructs/spec/function-definition.js';
import { functionNameFromStem } from '../../../constructs/spec/function-name.js';
import { listScripts, loadFunctionFiles } from '../../../constructs/spec/load-folder.js';
import { SpecError } from '../../../constructs/spec/spec-error.js';
import type { Backend, PoolWake, PrivateFiles, ReplicaCounts, StartFailure } from '../backend.js';
import { FunctionConflict } from '../function-conflict.js';
import type { BackendLogger } from './backend-logger.js';
import { devSecretsEnv } from './dev-secrets.js';
import { dotFileEnv } from './dot-file-env.js';
import { FunctionInstances, sameRevision } from './function-instances.js';
import { FunctionProcess } from './function-process.js';
import { FunctionsWatcher } from './functions-watcher.js';
import { OutputHistory } from './output-history.js';
import { poolable, poolKeyOf } from './pool-key.js';
import { UvEnvironments } from './uv-environment.js';
import { WarmPool, type PoolEnvironment } from './warm-pool.js';
import { lockScript } from './uv-lock.js';
import { lockPathOf } from '../../../constructs/environment/script-lock.js';

export interface LocalBackendOptions {
  /** Folder of PEP 723 scripts, one function each. */
  readonly functionsDir: string;
  /**
   * The uv executable.
   * @default `$UV`, else `uv` on the PATH
   */
  readonly uvPath?: string;
  /** @default a pino logger at `LOG_LEVEL` (info) */
  readonly logger?: BackendLogger;
  /**
   * Longest time from spawning an instance to its ready signal (imports included).
   * @default 30000
   */
  readonly startTimeoutMs?: number;
  /**
   * Longest time uv may take to install a script's dependencies.
   * @default 600000
   */
  readonly installTimeoutMs?: number;
  /**
   * The Python bootstrap; pass it when the gateway is bundled and the file moved.
   * @default gateway/bootstrap/bootstrap.py of this package
   */
  readonly bootstrapPath?: string;
  /**
   * `UV_CACHE_DIR` for uv.
   * @default - uv's own default, so installs survive across runs
   */
  readonly uvCacheDir?: string;
  /**
   * Where built environments are kept, one folder per environment hash.
   * @default `$FAAS_CACHE_DIR/environments`, else `~/.cache/poorman-faas/environments`
   */
  readonly environmentsDir?: string;
  /**
   * Grace between SIGTERM (drain) and SIGKILL when stopping an instance.
   * @default - the function's request timeout
   */
  readonly stopGraceMs?: number;
  /**
   * Secrets root: secret `<name>` is the folder `<secretsDir>/<name>`.
   * @default `.secrets` next to the functions folder
   */
  readonly secretsDir?: string;
  /**
   * Where functions deployed through the admin API are kept, apart from the user's scripts.
   * @default `.faas/<name of the functions folder>` beside the functions folder
   */
  readonly deployedDir?: string;
  /**
   * Reload when a script in the folder changes.
   * @default true
   */
  readonly watch?: boolean;
  /**
   * Warm, pre-imported interpreters per environment that a wake hands the script to
   * (`WARM_POOL_SIZE`, `WARM_POOL_RETENTION`).
   * @default - no pool: every start spawns Python
   */
  readonly warmPool?: { readonly size: number; readonly retentionMs: number };
}

/** What every local function process gets, whatever its own environment says. */
const PROCESS_ENV = { PORT: '0', HOST: '127.0.0.1', PYTHONUNBUFFERED: '1' } as const;

const DEFAULT_BOOTSTRAP = fileURLToPath(new URL('../../bootstrap/bootstrap.py', import.meta.url));

export class LocalBackend implements Backend {
  readonly kind = 'local' as const;
  readonly keepsPrivateFiles = true;
  readonly functionsDir: string;
  readonly deployedDir: string;
  /** What each function's processes wrote lately, for the UI. */
  readonly functionLogs = new OutputHistory();
  private readonly logger: BackendLogger;
  private readonly environments: UvEnvironments;
  private readonly watcher: FunctionsWatcher | undefined;
  private readonly bootstrapPath: string;
  private readonly secretsDir: string;
  private readonly byName = new Map<string, FunctionInstances>();
  /** Scripts in the folder that do not load, by the name they would have; the last load's. */
  private invalid: ReadonlyMap<string, readonly ScriptError[]> = new Map();
  /** Functions removed from the folder whose instances are still draining. */
  private readonly removed = new Set<FunctionInstances>();
  private readonly functionsListeners = new Set<() => void>();
  private readonly endpointsListeners = new Set<(name: string) => void>();
  private readonly failureListeners = new Set<(failure: StartFailure) => void>();
  private readonly poolWakeListeners = new Set<(wake: PoolWake) => void>();
  private readonly pool: WarmPool;
  /** Each function's interpreter, once its environment was prepared: what its pool key is made of. */
  private readonly pythonOf = new Map<string, string>();
  /** Set once the first environments are being prepared; later loads warm what they add. */
  private warming = false;
  /** The environments being prepared at start, and the pools filled from them. */
  private preparing: Promise<void> = Promise.resolve();
  /** Loads run one after another, so a deploy never races a watcher reload. */
  private loading: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly uvPath: string;

  constructor(private readonly options: LocalBackendOptions) {
    this.uvPath = options.uvPath ?? process.env.UV ?? 'uv';
    this.functionsDir = resolve(options.functionsDir);
    this.deployedDir = resolve(options.deployedDir ?? join(dirname(this.functionsDir), '.faas', basename(this.functionsDir)));
    this.logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
    this.bootstrapPath = resolve(options.bootstrapPath ?? DEFAULT_BOOTSTRAP);
    this.secretsDir = resolve(options.secretsDir ?? join(dirname(this.functionsDir), '.secrets'));
    this.environments = new UvEnvironments({
      uvPath: this.uvPath,
      cacheDir: options.uvCacheDir,
      dir: resolve(options.environmentsDir ?? defaultEnvironmentsDir()),
      installTimeoutMs: options.installTimeoutMs ?? 600_000,
      logger: this.logger,
    });
    this.pool = new WarmPool({
      size: options.warmPool?.size ?? 0,
      retentionMs: options.warmPool?.retentionMs ?? 0,
      spawn: (environment, learned) => this.spawnPoolProcess(environment, learned),
      logger: this.logger.child({ component: 'warm-pool' }),
    });
    this.watcher = options.watch === false ? undefined : new FunctionsWatcher(this.functionsDir, () => void this.reload(), this.logger);
  }

  async start(): Promise<void> {
    if (!existsSync(this.functionsDir)) {
      throw new Error(`functions folder ${this.functionsDir} does not exist; create it, or point the gateway at the folder of your scripts`);
    }
    if (!existsSync(this.bootstrapPath)) {
      throw new Error(`bootstrap ${this.bootstrapPath} does not exist; pass bootstrapPath where gateway/bootstrap/bootstrap.py was copied`);
    }
    await this.reload();
    this.watcher?.start();
    this.preparing = this.prepareEnvironments();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.environments.close();
    await this.loading;
    await this.pool.close();
    await Promise.all([...this.byName.values(), ...this.removed].map((instances) => instances.stopAll()));
  }

  /** Resolves when every stop under way has finished: scale-downs, replaced versions, removed functions. */
  async settled(): Promise<void> {
    await this.loading;
    await Promise.all([...this.byName.values(), ...this.removed].map((instances) => instances.settled()));
  }

  functions(): ReadonlyMap<string, FunctionDefinition> {
    return new Map([...this.byName].map(([name, instances]) => [name, instances.definition]));
  }

  async scale(name: string, replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new RangeError(`replicas for '${name}' must be a whole number >= 0, got ${replicas}`);
    }
    if (this.stopped) throw new Error(`cannot scale '${name}': the local backend is stopping`);
    await this.instancesOf(name).scale(replicas);
  }

  replicas(name: string): ReplicaCounts {
    return this.byName.get(name)?.replicas() ?? { desired: 0, ready: 0 };
  }

  readyEndpoints(name: string): readonly string[] {
    return this.byName.get(name)?.endpoints() ?? [];
  }

  /** Process group ids of a function's running instances (each instance leads its group). */
  processGroups(name: string): readonly number[] {
    return this.byName.get(name)?.pids() ?? [];
  }

  async deploy(def: FunctionDefinition, files?: PrivateFiles): Promise<'created' | 'updated'> {
    return this.serially(async () => {
      const own = await this.usersScript(def.name);
      if (own !== undefined) {
        throw new FunctionConflict(
          def.name,
          `function "${def.name}" comes from ${this.shown(own)}, a script of yours, which the admin API does not overwrite; edit that file (faas dev reloads it), or deploy under another name`,
        );
      }
      const file = join(this.deployedDir, `${def.name}.py`);
      const dotFile = this.dotFilePath(def.name);
      const previous = existsSync(file) ? await readFile(file, 'utf8') : undefined;
      const previousDot = existsSync(dotFile) ? await readFile(dotFile, 'utf8') : undefined;
      const lockFile = lockPathOf(file);
      const previousLock = await readFile(lockFile, 'utf8').catch(() => undefined);
      // Private: the dot file often holds credentials, and the folder is the user's alone.
      await mkdir(this.deployedDir, { recursive: true, mode: 0o700 });
      await writeFile(file, def.source);
      if (def.lock !== undefined) await writeFile(lockFile, def.lock);
      if (files !== undefined) await writePrivate(dotFile, files.dotFile);
      const errors = await this.load();
      const mine = errors.filter((error) => resolve(error.file) === file);
      if (mine.length > 0) {
        // Leave the folder as it was: a rejected deploy changes nothing.
        if (previous === undefined) await unlink(file);
        else await writeFile(file, previous);
        await writePrivate(dotFile, previousDot);
        if (previousLock !== undefined) await writeFile(lockFile, previousLock);
        else if (def.lock !== undefined) await unlink(lockFile);
        await this.load();
        throw new SpecError(mine);
      }
      // The same script with another dot file: its instances stop, and the next start reads the new one.
      const instances = this.byName.get(def.name);
      if (instances && files !== undefined && files.dotFile !== previousDot && previous === def.source) {
        await instances.stopAll();
        if (def.minReplicas > 0 && !this.stopped) void instances.scale(def.minReplicas);
      }
      return previous === undefined ? 'created' : 'updated';
    });
  }

  /** The dot file of a function deployed through the API, beside its script. */
  private dotFilePath(name: string): string {
    return join(this.deployedDir, `${name}.dot_file`);
  }

  async remove(name: string): Promise<boolean> {
    return this.serially(async () => {
      const instances = this.byName.get(name);
      if (!instances) return false;
      const file = resolve(instances.definition.file);
      if (dirname(file) !== this.deployedDir) {
        throw new FunctionConflict(
          name,
          `function "${name}" comes from ${this.shown(file)}, a script of yours, and the admin API removes only what it deployed; delete the file to remove the function (faas dev notices)`,
        );
      }
      for (const path of [file, lockPathOf(file)]) {
        await unlink(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
      await writePrivate(this.dotFilePath(name), undefined);
      await this.load();
      await instances.settled();
      return true;
    });
  }

  /** The user's script that gives the function `name`, valid or not. */
  private async usersScript(name: string): Promise<string | undefined> {
    return (await listScripts(this.functionsDir)).find((file) => functionNameFromStem(basename(file, extname(file))) === name);
  }

  /** A path as the user would type it from where they started the gateway. */
  private shown(file: string): string {
    const path = relative(process.cwd(), file);
    return path.startsWith('..') || isAbsolute(path) ? file : path;
  }

  onFunctionsChanged(listener: () => void): () => void {
    return subscribe(this.functionsListeners, listener);
  }

  onEndpointsChanged(listener: (name: string) => void): () => void {
    return subscribe(this.endpointsListeners, listener);
  }

  invalidFunctions(): ReadonlyMap<string, readonly ScriptError[]> {
    return this.invalid;
  }

  onStartFailed(listener: (failure: StartFailure) => void): () => void {
    return subscribe(this.failureListeners, listener);
  }

  onPoolWake(listener: (wake: PoolWake) => void): () => void {
    return subscribe(this.poolWakeListeners, listener);
  }

  /** Resolves once every warm pool is full: the next wake of its functions finds a process ready. */
  async warmPoolFilled(): Promise<void> {
    await this.preparing;
    await this.pool.filled();
  }

  /** Resolves once every warm pool has scaled to zero (retention) and its processes have stopped. */
  warmPoolEmptied(): Promise<void> {
    return this.pool.emptied();
  }

  /** uv commands this backend has run (finding a Python, building an environment): none on a wake once built. */
  get uvRuns(): number {
    return this.environments.uvRuns;
  }

  /** Process ids of the warm pool's processes, claimed ones excluded (for tests). */
  poolProcesses(): readonly number[] {
    return this.pool.pids();
  }

  private reload(): Promise<void> {
    return this.serially(async () => {
      if (!this.stopped) await this.load();
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.loading.then(work);
    this.loading = next.catch(() => undefined);
    return next;
  }

  /** Reads the folder and converges on it; returns the scripts' errors. */
  private async load(): Promise<ScriptError[]> {
    const deployed = existsSync(this.deployedDir) ? await listScripts(this.deployedDir) : [];
    const files = [...(await listScripts(this.functionsDir)), ...deployed];
    let { functions, errors } = await loadFunctionFiles(files);
    const locking = await this.writeMissingLocks(errors);
    if (locking.wrote) ({ functions, errors } = await loadFunctionFiles(files));
    // A lock uv could not write: the function's problem is uv's reason, which names the package.
    errors = errors.map((error) => {
      const failure = error.lock === 'missing' ? locking.failed.get(error.file) : undefined;
      return failure === undefined ? error : { ...error, message: `${failure} (then \`faas lock\` writes ${lockPathOf(error.file)})` };
    });
    for (const error of errors) this.logger.error({ file: error.file, line: error.line }, formatError(error));
    const broken = new Set(errors.map((error) => resolve(error.file)));
    this.invalid = invalidByName(errors, new Set(functions.map((def) => def.name)));
    let changed = false;
    const seen = new Set<string>();
    for (const def of functions) {
      seen.add(def.name);
      const instances = this.byName.get(def.name);
      if (!instances) {
        this.byName.set(def.name, this.newInstances(def));
        changed = true;
        if (this.warming) void this.warm(def);
      } else if (!sameRevision(instances.definition, def)) {
        this.logger.info({ function: def.name }, 'script changed; replacing its instances');
        instances.update(def);
        changed = true;
        if (this.warming) void this.warm(def);
      }
    }
    for (const [name, instances] of this.byName) {
      if (seen.has(name)) continue;
      if (broken.has(resolve(instances.definition.file)) && existsSync(instances.definition.file)) {
        this.logger.warn({ function: name }, 'script has errors; the previous version keeps serving until they are fixed');
        continue;
      }
      this.logger.info({ function: name }, 'script removed; stopping its instances');
      this.byName.delete(name);
      this.functionLogs.forget(name);
      changed = true;
      this.removed.add(instances);
      void instances.stopAll().then(() => {
        this.removed.delete(instances);
        this.emitEndpoints(name);
      });
    }
    if (changed) this.emit(this.functionsListeners, undefined);
    return errors;
  }

  /**
   * `faas dev` locks a script that has dependencies but no lock, once, and says so: the lock is
   * the user's to review and commit. A lock that no longer matches is never rewritten here.
   */
  private async writeMissingLocks(errors: readonly ScriptError[]): Promise<{ wrote: boolean; failed: Map<string, string> }> {
    const unlocked = [...new Set(errors.filter((error) => error.lock === 'missing').map((error) => error.file))];
    let wrote = false;
    const failed = new Map<string, string>();
    for (const file of unlocked) {
      if (this.stopped) break;
      const log = this.logger.child({ file, stream: 'uv' });
      try {
        await lockScript(file, { uvPath: this.uvPath, timeoutMs: this.options.installTimeoutMs ?? 600_000, onLine: (line) => log.info({}, line) });
        this.logger.info({ file }, `wrote ${lockPathOf(file)} (uv lock --script); commit it beside the script`);
        wrote = true;
      } catch (error) {
        failed.set(file, (error as Error).message);
      }
    }
    return { wrote, failed };
  }

  private newInstances(def: FunctionDefinition): FunctionInstances {
    const logger = this.logger.child({ function: def.name });
    const instances = new FunctionInstances(def, {
      launch: (current) => this.launch(current, logger),
      stopGraceMs: (current) => this.options.stopGraceMs ?? current.timeoutSeconds * 1000,
      endpointsChanged: () => this.emitEndpoints(def.name),
      startFailed: (failure) => this.emit(this.failureListeners, failure),
      logger,
    });
    if (def.minReplicas > 0 && !this.stopped) void instances.scale(def.minReplicas);
    return instances;
  }

  private async launch(def: FunctionDefinition, logger: BackendLogger): Promise<FunctionProcess> {
    const python = await this.environments.interpreter(def);
    const startTimeoutMs = this.options.startTimeoutMs ?? 30_000;
    const dotFile = this.dotFilePath(def.name);
    const dot = dirname(resolve(def.file)) === this.deployedDir && existsSync(dotFile) ? dotFile : undefined;
    const env = {
      ...def.env,
      // The dot file overrides the script's env, as the seed did; FAAS_DOT_FILE is the file itself.
      ...(dot !== undefined && { ...dotFileEnv(await readFile(dot, 'utf8')), FAAS_DOT_FILE: dot }),
      ...devSecretsEnv(def, this.secretsDir, logger),
      ...PROCESS_ENV,
    };
    const environment = this.poolEnvironment(def, python);
    if (environment) {
      const claimed = this.pool.claim(environment.key);
      this.emit(this.poolWakeListeners, { function: def.name, outcome: claimed ? 'claimed' : 'fallback' });
      if (claimed) {
        logger.debug({ pid: claimed.pid }, 'woken in a warm pool process');
        claimed.specialize({ name: def.name, scriptPath: resolve(def.file), env, startTimeoutMs, logger, onOutput: this.outputOf(def.name) });
        void claimed.imported.then((modules) => this.pool.learn(environment.key, modules));
        // The replacement starts once this wake is served (or failed): a Python importing its
        // packages beside the specialization would take the CPU the wake is waiting on.
        const refill = (): void => this.refillPool(def.name);
        claimed.ready.then(refill, refill);
        return claimed;
      }
      // Brings back a pool that had scaled to zero, or fills one still importing, for the next wake.
      this.pool.offer(environment);
    }
    return new FunctionProcess({
      name: def.name,
      python,
      bootstrapPath: this.bootstrapPath,
      scriptPath: resolve(def.file),
      // uv compiled the packages already; this keeps __pycache__ out of the functions folder.
      env: { PYTHONDONTWRITEBYTECODE: '1', ...env },
      startTimeoutMs,
      logger,
      onOutput: this.outputOf(def.name),
    });
  }

  private outputOf(name: string): (stream: 'stdout' | 'stderr', line: string, pid: number) => void {
    return (stream, line, pid) => this.functionLogs.add(name, stream, line, String(pid));
  }

  private spawnPoolProcess(environment: PoolEnvironment, learned: readonly string[]): FunctionProcess {
    return new FunctionProcess({
      name: `pool ${environment.key}`,
      python: environment.python,
      bootstrapPath: this.bootstrapPath,
      pool: { scripts: environment.scripts },
      env: { PYTHONDONTWRITEBYTECODE: '1', ...PROCESS_ENV, FAAS_POOL_IMPORTS: learned.join(' ') },
      startTimeoutMs: this.options.startTimeoutMs ?? 30_000,
      logger: this.logger.child({ pool: environment.key }),
    });
  }

  /** Offers the pool of function `name` (as it is now: its script may have changed since) for the next wake. */
  private refillPool(name: string): void {
    const def = this.byName.get(name)?.definition;
    const python = this.pythonOf.get(name);
    if (this.stopped || def === undefined || python === undefined) return;
    const environment = this.poolEnvironment(def, python);
    if (environment) this.pool.offer(environment);
  }

  /** The pool `def` wakes from, with every function of that environment, or undefined when it wakes without one. */
  private poolEnvironment(def: FunctionDefinition, python: string): PoolEnvironment | undefined {
    if (!this.pool.enabled || !poolable(def)) return undefined;
    this.pythonOf.set(def.name, python);
    const key = poolKeyOf(def, python);
    const members = [def, ...[...this.byName.values()].map((i) => i.definition).filter((other) => other.name !== def.name)].filter((member) => {
      const memberPython = this.pythonOf.get(member.name);
      return memberPython !== undefined && poolable(member) && poolKeyOf(member, memberPython) === key;
    });
    return {
      key,
      python,
      scripts: members.map((member) => resolve(member.file)),
      signature: members.map((member) => member.sourceHash).sort().join(','),
    };
  }

  /** Prepares a function's environment and, when it sleeps at zero, fills its warm pool. */
  private async warm(def: FunctionDefinition): Promise<void> {
    let python: string;
    try {
      python = await this.environments.interpreter(def);
    } catch (error) {
      if (!this.stopped) this.logger.warn({ function: def.name, reason: (error as Error).message }, 'could not prepare the environment ahead of the first start');
      return;
    }
    if (this.stopped || def.minReplicas > 0) return;
    const environment = this.poolEnvironment(def, python);
    if (environment) this.pool.offer(environment);
  }

  /** Installs every function's dependencies in the background, so a first wake finds them ready. */
  private async prepareEnvironments(): Promise<void> {
    this.warming = true;
    for (const instances of this.byName.values()) {
      if (this.stopped) return;
      await this.warm(instances.definition);
    }
  }

  private emitEndpoints(name: string): void {
    this.emit(this.endpointsListeners, name);
  }

  private emit<T>(listeners: Set<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.logger.error({ err: error }, 'a backend listener threw');
      }
    }
  }

  private instancesOf(name: string): FunctionInstances {
    const instances = this.byName.get(name);
    if (!instances) {
      const known = [...this.byName.keys()].join(', ') || 'none';
      throw new Error(`no function named '${name}' in ${this.functionsDir} (known: ${known}); add ${name}.py there`);
    }
    return instances;
  }
}

/** Writes `text` readable by the user alone, or removes the file when there is none. */
async function writePrivate(file: string, text: string | undefined): Promise<void> {
  if (text === undefined) return rm(file, { force: true });
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

function subscribe<T>(listeners: Set<T>, listener: T): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The errors of each script that did not load, under the name its file gives it. */
function invalidByName(errors: readonly ScriptError[], loaded: ReadonlySet<string>): Map<string, ScriptError[]> {
  const byName = new Map<string, ScriptError[]>();
  for (const error of errors) {
    const name = functionNameFromStem(basename(error.file, extname(error.file)));
    if (loaded.has(name)) continue;
    byName.set(name, [...(byName.get(name) ?? []), error]);
  }
  return byName;
}

function defaultEnvironmentsDir(): string {
  return join(process.env.FAAS_CACHE_DIR ?? join(homedir(), '.cache', 'poorman-faas'), 'environments');
}
