/**
 * A folder of PEP 723 scripts → one {@link PythonFunction} per script. Reading the folder is
 * asynchronous and constructs are not, so the folder is read first (`FunctionsFolder.load`) and
 * the construct takes the resolved definitions; a Pulumi program or a controller passes its own.
 */
import { Construct } from 'constructs';
import type { FunctionDefinition, ScriptError } from './spec/function-definition.js';
import { loadFunctionsFolder } from './spec/load-folder.js';
import { formatError } from './spec/format-error.js';
import { PythonFunction, type PythonFunctionProps } from './python-function.js';
import { FunctionObject } from './function-object.js';
import { Platform } from './platform.js';
import { defaultNamespace } from './default-namespace.js';

/** Who turns a Function object into its Deployment, Service, HPA and ConfigMap. */
export type FunctionWorkloads = 'synth' | 'controller';

/** Properties of {@link FunctionsFolder}. */
export interface FunctionsFolderProps extends Omit<PythonFunctionProps, 'definition'> {
  /**
   * The functions, as `FunctionsFolder.load(dir)` resolves them.
   * @default []
   */
  readonly functions?: readonly FunctionDefinition[];
  /**
   * `synth` writes every object of every function; `controller` writes only the Function
   * objects and leaves the rest to the in-cluster controller, so the two never own one object.
   * @default 'synth'
   */
  readonly functionWorkloads?: FunctionWorkloads;
}

/** Some scripts of a folder did not load: every error of every one of them, one per line. */
export class FunctionsFolderError extends Error {
  public constructor(
    public readonly dir: string,
    public readonly errors: readonly ScriptError[],
  ) {
    const count = `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}`;
    super(`${count} in the functions folder ${dir}; fix them and run again:\n${errors.map(formatError).join('\n')}`);
    this.name = 'FunctionsFolderError';
  }
}

/** One function construct per script of a folder. */
export class FunctionsFolder extends Construct {
  /**
   * Reads every script of `dir`; throws {@link FunctionsFolderError} listing every problem of
   * every script, so one run shows all there is to fix.
   */
  public static async load(dir: string): Promise<FunctionDefinition[]> {
    let result;
    try {
      result = await loadFunctionsFolder(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new Error(
          `the functions folder '${dir}' does not exist; create it with a script (faas new hello) ` +
            'or point FAAS_FUNCTIONS_DIR (or "functionsDir" in faas.config.json) at your scripts',
        );
      }
      throw error;
    }
    if (result.errors.length > 0) throw new FunctionsFolderError(dir, result.errors);
    return result.functions;
  }

  public readonly namespace: string;
  public readonly functionWorkloads: FunctionWorkloads;
  /** The function constructs by function name (`synth` workloads). */
  public readonly functions: ReadonlyMap<string, PythonFunction>;
  /** The Function objects by function name, whoever runs the workloads. */
  public readonly functionObjects: ReadonlyMap<string, FunctionObject>;

  public constructor(scope: Construct, id: string, props: FunctionsFolderProps = {}) {
    super(scope, id);
    this.functionWorkloads = props.functionWorkloads ?? 'synth';
    if (this.functionWorkloads !== 'synth' && this.functionWorkloads !== 'controller') {
      throw new Error(`'functionWorkloads' ('${String(this.functionWorkloads)}') must be 'synth' or 'controller'`);
    }
    this.namespace = defaultNamespace(this, props.namespace);
    const { functions = [], functionWorkloads: _, ...rest } = props;
    const functionProps = { ...rest, namespace: this.namespace };
    const byName = new Map<string, PythonFunction>();
    const objects = new Map<string, FunctionObject>();
    for (const definition of functions) {
      if (byName.has(definition.name) || objects.has(definition.name)) {
        throw new Error(`'functions' has two functions named '${definition.name}' (${definition.file}); rename one file`);
      }
      if (this.functionWorkloads === 'synth') {
        const fn = new PythonFunction(this, definition.name, { ...functionProps, definition });
        byName.set(definition.name, fn);
        objects.set(definition.name, fn.functionObject);
      } else {
        objects.set(definition.name, new FunctionObject(this, definition.name, { definition, namespace: functionProps.namespace }));
      }
    }
    this.functions = byName;
    this.functionObjects = objects;
    this.node.addValidation({ validate: () => this.namespaceProblems() });
  }

  /** The gateway serves only its own namespace: functions elsewhere would never be reached. */
  private namespaceProblems(): string[] {
    const platforms = this.node.root.node.findAll().filter((construct): construct is Platform => construct instanceof Platform);
    if (platforms.length === 0 || platforms.some((platform) => platform.namespace === this.namespace)) return [];
    const where = platforms.map((platform) => `'${platform.namespace}'`).join(', ');
    return [
      `the functions are in namespace '${this.namespace}' but the Platform in this app is in ${where}; ` +
        "the gateway serves only its own namespace, so pass the same 'namespace' to both",
    ];
  }
}
