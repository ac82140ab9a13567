/** `faas docs`: the function format's reference, generated from the schema. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { referenceMarkdown, replaceReference } from '../../../constructs/spec/reference-table.js';

export function register(program: Command): void {
  program
    .command('docs')
    .description('print the reference of every script key (Markdown), or update it in a README')
    .option('--write <file>', 'replace the section between the faas-reference markers in this file')
    .action(async (options: { write?: string }) => {
      if (options.write === undefined) {
        console.log(referenceMarkdown());
        return;
      }
      const before = await readFile(options.write, 'utf8');
      let after: string;
      try {
        after = replaceReference(before);
      } catch (error) {
        throw new Error(`${options.write}: ${(error as Error).message}`);
      }
      if (after !== before) await writeFile(options.write, after);
      console.log(after === before ? `${options.write} is up to date` : `updated the reference in ${options.write}`);
    });
}
