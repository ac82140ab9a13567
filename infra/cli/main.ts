/**
 * `faas`: the command line. Each subcommand lives in `commands/<name>.ts` and registers
 * itself; this file is only the list.
 */
import { Command } from 'commander';
import { packageVersion } from './package-version.js';
import { register as registerDelete } from './commands/delete.js';
import { register as registerDeploy } from './commands/deploy.js';
import { register as registerDescribe } from './commands/describe.js';
import { register as registerDev } from './commands/dev.js';
import { register as registerDocs } from './commands/docs.js';
import { register as registerInvoke } from './commands/invoke.js';
import { register as registerList } from './commands/list.js';
import { register as registerLogs } from './commands/logs.js';
import { register as registerNew } from './commands/new.js';
import { register as registerSynth } from './commands/synth.js';
import { register as registerValidate } from './commands/validate.js';

const program = new Command('faas')
  .description('A folder of PEP 723 Python scripts as scale-to-zero functions on Kubernetes.')
  .version(packageVersion())
  .showHelpAfterError();

registerNew(program);
registerValidate(program);
registerSynth(program);
registerDocs(program);
registerDev(program);
registerList(program);
registerInvoke(program);
registerDeploy(program);
registerDescribe(program);
registerLogs(program);
registerDelete(program);

try {
  await program.parseAsync();
} catch (error) {
  // Commands throw for conditions the user can fix; a stack trace would bury the message.
  console.error(`faas: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
