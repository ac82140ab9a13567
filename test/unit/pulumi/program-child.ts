/**
 * Runs infra/pulumi/program.ts as the language host does: in a process of its own, with the
 * working directory, the project root (PULUMI_NODEJS_ROOT_DIRECTORY) and the stack config
 * (PULUMI_CONFIG) the test gives it. Prints what the program registered as one JSON line.
 */
import { recordResources, valueOf } from './mock-monitor.js';

const registered = await recordResources();
const program = await import('../../../infra/pulumi/program.js');
const functionNames = await valueOf(program.functionNames);
process.stdout.write(`${JSON.stringify({ functionNames, types: registered.map((r) => r.type) })}\n`);
