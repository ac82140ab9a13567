/**
 * A real Python parse of scripts, so a syntax error is a `file:line` at `faas validate` and synth
 * rather than a crash at the pod's first start. One `python3` process parses the whole batch.
 * Without a python3 on PATH the check is skipped (synth must not need Python); uv still refuses
 * the script at start, with the same message.
 */
import { spawn } from 'node:child_process';
import type { ScriptError } from './function-definition.js';

const PARSE_ALL = `
import ast, json, sys, warnings
warnings.simplefilter("ignore")
problems = []
for file, text in json.load(sys.stdin):
    try:
        ast.parse(text, file)
    except SyntaxError as error:
        problems.append([file, error.lineno or 1, error.msg])
    except ValueError as error:
        problems.append([file, 1, str(error)])
json.dump(problems, sys.stdout)
`;

export interface PythonSource {
  readonly file: string;
  readonly text: string;
}

/** The syntax errors of `sources`, one per file that has one; none when python3 is missing. */
export async function pythonSyntaxErrors(sources: readonly PythonSource[], python = process.env.FAAS_PYTHON ?? 'python3'): Promise<ScriptError[]> {
  if (sources.length === 0) return [];
  const output = await new Promise<string | undefined>((resolve, reject) => {
    const child = spawn(python, ['-I', '-c', PARSE_ALL], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(undefined) : reject(error)));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${python} could not check the scripts' syntax (exit ${code}): ${stderr.trim()}`))));
    child.stdin.on('error', () => {});
    // Python itself reads a leading byte order mark as an encoding mark (the block check is what refuses it).
    child.stdin.end(JSON.stringify(sources.map((source) => [source.file, source.text.replace(/^\uFEFF/, '')])));
  });
  if (output === undefined) return [];
  return (JSON.parse(output) as [string, number, string][]).map(([file, line, message]) => ({
    file,
    line,
    message: `Python syntax error: ${message}; uv would refuse to run the script`,
  }));
}
