/** `faas docs`: the function format's reference and the gateway's settings, generated from their one source. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { referenceMarkdown } from '../../../constructs/spec/reference-table.js';
import { replaceSections } from '../readme-sections.js';

export function register(program: Command): void {
  program
    .command('docs')
    .description('print the reference of every script key (Markdown), or update it in a README')
    .option('--write <file>', 'replace the sections between the faas-reference and gateway-settings markers in this file')
    .action(async (options: { write?: string }) => {
      if (options.write === undefined) {
        console.log(referenceMarkdown());
        return;
      }
      const before = await readFile(options.write, 'utf8');
      let after: string;
      try {
        after = replaceSections(before);
      } catch (error) {
        throw new Error(`${options.write}: ${(error as Error).message}`);
      }
      if (after !== before) await writeFile(options.write, after);
      console.log(after === before ? `${options.write} is up to date` : `updated the generated sections of ${options.write}`);
    });
}
