/** `faas completion bash|zsh|fish`: a completion script for both names of the CLI, on stdout. */
import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion-script.js';
import { BIN_NAMES } from '../bin-names.js';

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash: source <(faas completion bash); fish: faas completion fish | source)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell, BIN_NAMES));
    });
}
