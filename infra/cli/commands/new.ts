/** `faas new <name>`: write a commented template script, never over an existing file. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { functionNameFromStem, functionNameProblem } from '../../../constructs/spec/function-name.js';
import { scriptTemplate, templateDependencies, TEMPLATE_STYLES, type TemplateStyle } from '../../../constructs/spec/script-template.js';

export function register(program: Command): void {
  program
    .command('new')
    .description('create functions/<name>.py from a template with every [tool.faas] key and its default')
    .argument('<name>', 'function name (the file is <name>.py)')
    .option('--functions <dir>', 'functions folder', 'functions')
    .option('--style <style>', `handler style: ${TEMPLATE_STYLES.join(', ')}`, 'handle')
    .action(async (given: string, options: { functions: string; style: string }) => {
      if (!(TEMPLATE_STYLES as readonly string[]).includes(options.style)) {
        throw new Error(`unknown style '${options.style}'; use one of ${TEMPLATE_STYLES.join(', ')}`);
      }
      const stem = given.endsWith('.py') ? given.slice(0, -3) : given;
      if (stem.includes('/') || stem.includes('\\')) {
        throw new Error(`'${given}' is a path; give only the name and, if needed, the folder with --functions <dir>`);
      }
      const name = functionNameFromStem(stem);
      const problem = functionNameProblem(name);
      if (problem !== undefined) throw new Error(problem);

      const file = join(options.functions, `${stem}.py`);
      await mkdir(options.functions, { recursive: true });
      try {
        await writeFile(file, scriptTemplate(name, options.style as TemplateStyle), { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new Error(`${file} already exists; pick another name or delete the file first`);
        }
        throw error;
      }
      console.log(`created ${file} (function '${name}'); check it with: faas validate ${file}`);
      if (templateDependencies(options.style as TemplateStyle).length > 0) {
        console.log(`lock its dependencies with: faas lock ${name} --functions ${options.functions} (faas dev does it too)`);
      }
    });
}
