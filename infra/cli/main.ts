/**
 * `faas`: the command line. Each subcommand lives in `commands/<name>.ts` and registers
 * itself; this file is only the list, in the order `faas --help` shows them.
 */
import { Command } from 'commander';
import { packageVersion } from './package-version.js';

type CommandModule = { register(program: Command): void };

// Loaded on demand: `faas validate` should not pay for the Kubernetes client and cdk8s.
const commands: Readonly<Record<string, () => Promise<CommandModule>>> = {
  new: () => import('./commands/new.js'),
  validate: () => import('./commands/validate.js'),
  lock: () => import('./commands/lock.js'),
  synth: () => import('./commands/synth.js'),
  docs: () => import('./commands/docs.js'),
  dev: () => import('./commands/dev.js'),
  list: () => import('./commands/list.js'),
  invoke: () => import('./commands/invoke.js'),
  deploy: () => import('./commands/deploy.js'),
  describe: () => import('./commands/describe.js'),
  ready: () => import('./commands/ready.js'),
  logs: () => import('./commands/logs.js'),
  queue: () => import('./commands/queue.js'),
  delete: () => import('./commands/delete.js'),
  version: () => import('./commands/version.js'),
  completion: () => import('./commands/completion.js'),
};

const program = new Command('faas')
  .description('A folder of PEP 723 Python scripts as scale-to-zero functions on Kubernetes.')
  .version(packageVersion())
  // Options after a command are that command's: `faas queue dead-letters -g URL` must reach dead-letters.
  .enablePositionalOptions()
  .showHelpAfterError();

try {
  const named = process.argv[2];
  // Help, a typo, no command at all, or a completion script needs every command registered.
  const needed = named !== undefined && named !== 'completion' && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
  for (const module of await Promise.all(needed.map((name) => commands[name]!()))) module.register(program);
  await program.parseAsync();
} catch (error) {
  // Commands throw for conditions the user can fix; a stack trace would bury the message.
  console.error(`faas: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
