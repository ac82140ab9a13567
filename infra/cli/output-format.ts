/**
 * `-o`, for every command whose output is a table, as kubectl spells it: `table` (the default),
 * `wide` (the table with more columns), `json` and `yaml` (the same data, for scripts).
 */
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function addOutputOption(command: Command): Command {
  return command.addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'));
}

/** The format -o names; anything else is refused with the choices. */
export function checkOutputFormat(format: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(format)) return format as OutputFormat;
  throw new Error(`unknown output format '${format}'; use -o ${OUTPUT_FORMATS.join(', -o ')}`);
}

/** Whether the format is for scripts (no table, no progress on the terminal). */
export function isStructured(format: OutputFormat): format is 'json' | 'yaml' {
  return format === 'json' || format === 'yaml';
}

/** Prints `data` as JSON or YAML; returns false for the table formats, which the command prints itself. */
export function printStructured(format: OutputFormat, data: unknown): boolean {
  if (format === 'json') console.log(JSON.stringify(data, null, 2));
  else if (format === 'yaml') process.stdout.write(stringify(data));
  else return false;
  return true;
}
