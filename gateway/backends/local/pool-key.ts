/**
 * Which warm pool a local function wakes from. A pool process runs one interpreter with one set
 * of packages importable, so the key is the function's environment: today the interpreter of its
 * uv environment (uv keeps one per script); where environments are shared by a hash of what
 * determines them, that hash.
 */
import type { FunctionDefinition } from '../../../constructs/spec/function-definition.js';

export function poolKeyOf(_def: FunctionDefinition, python: string): string {
  return python;
}

/**
 * Whether a warm process can become `def`: its settings reach the script before it is imported,
 * but variables the interpreter reads as it starts (`PYTHONPATH`, `PYTHONHASHSEED`, …) cannot
 * change afterwards, so a function that sets any of them starts its own interpreter.
 */
export function poolable(def: FunctionDefinition): boolean {
  return !Object.keys(def.env).some((name) => name.startsWith('PYTHON'));
}
