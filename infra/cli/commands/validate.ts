/** `faas validate [PATH...]`: check scripts without deploying; exit 1 with `file:line: message` per error. */
import type { Command } from 'commander';
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';
import { formatError } from '../../../constructs/spec/format-error.js';
import { loadFunctionFiles } from '../../../constructs/spec/load-folder.js';
import { formatTable } from '../format-table.js';
import { collectScripts } from '../script-paths.js';
import { checkOutputFormat, isStructured, printStructured } from '../output-format.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check functions: PEP 723 block, [tool.faas] keys, names (a folder means every *.py in it)')
    .argument('[paths...]', 'functions folders or .py scripts', ['functions'])
    .option('-o, --output <format>', 'table (or text), wide, json, or yaml: the resolved spec of each function', 'table')
    .action(async (paths: string[], options: { output: string }) => {
      // `text` was this command's first name for the table; scripts may still pass it.
      const format = checkOutputFormat(options.output === 'text' ? 'table' : options.output);
      const collected = await collectScripts(paths);
      const loaded = await loadFunctionFiles(collected.files);
      const errors = [...collected.errors, ...loaded.errors];

      if (errors.length > 0) {
        // With -o json or yaml, stdout is for the specs only, so errors go where a pipe won't swallow them.
        const write = isStructured(format) ? console.error : console.log;
        for (const error of errors) write(formatError(error));
        const files = new Set(errors.map((error) => error.file)).size;
        console.error(`${errors.length} ${errors.length === 1 ? 'error' : 'errors'} in ${files} of ${collected.files.length + collected.errors.length} scripts`);
        process.exitCode = 1;
        return;
      }
      if (printStructured(format, loaded.functions.map(resolvedSpec))) return;
      if (loaded.functions.length === 0) {
        console.error(`no *.py scripts in ${paths.join(', ')}; create one with: faas new hello`);
        return;
      }
      const wide = format === 'wide';
      const headers = ['name', 'file', 'deps', 'replicas', 'idle', 'timeout', 'memory', 'cpu', ...(wide ? ['secrets', 'hash'] : [])];
      console.log(formatTable(headers, loaded.functions.map((f) => [...row(f), ...(wide ? [f.secrets.join(',') || '-', f.sourceHash.slice(0, 12)] : [])])));
    });
}

/** What `-o json` prints for a function: everything resolved, the script's text left out. */
export function resolvedSpec(definition: FunctionDefinition) {
  return {
    name: definition.name,
    file: definition.file,
    requiresPython: definition.requiresPython ?? null,
    dependencies: definition.dependencies,
    minReplicas: definition.minReplicas,
    maxReplicas: definition.maxReplicas,
    idleTimeout: definition.idleTimeout,
    idleTimeoutSeconds: definition.idleTimeoutSeconds,
    timeout: definition.timeout,
    timeoutSeconds: definition.timeoutSeconds,
    memory: definition.memory,
    cpu: definition.cpu,
    env: definition.env,
    secrets: definition.secrets,
    asyncTimeout: definition.asyncTimeout,
    asyncTimeoutSeconds: definition.asyncTimeoutSeconds,
    asyncAttempts: definition.asyncAttempts,
    asyncMaxDelay: definition.asyncMaxDelay,
    asyncMaxDelaySeconds: definition.asyncMaxDelaySeconds,
    asyncMaxInflight: definition.asyncMaxInflight,
    asyncCallbackTimeout: definition.asyncCallbackTimeout,
    asyncCallbackTimeoutSeconds: definition.asyncCallbackTimeoutSeconds,
    asyncCallbackAttempts: definition.asyncCallbackAttempts,
    sourceHash: definition.sourceHash,
  };
}

function row(definition: FunctionDefinition): string[] {
  return [
    definition.name,
    definition.file,
    String(definition.dependencies.length),
    `${definition.minReplicas}-${definition.maxReplicas}`,
    definition.minReplicas === 0 ? definition.idleTimeout : '-',
    definition.timeout,
    definition.memory,
    definition.cpu,
  ];
}
