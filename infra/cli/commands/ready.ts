/**
 * `faas ready <name>`: waits until a function is deployed and can take calls, as `faas-cli ready`
 * and `kubectl wait` do, so a script can deploy and then call. A sleeping function counts: a call
 * wakes it. Exit 0 when it is, 1 when its script is invalid, its start fails, or `--timeout` passes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { parseDuration } from '../../../constructs/spec/durations.js';
import { errorMessage } from '../gateway-client.js';
import { addGatewayOptions, adminGet, type GatewayFlags } from '../gateway-options.js';

interface FunctionStatus {
  name: string;
  status?: string;
  statusMessage?: string;
  problems?: string[];
}

/** The statuses a call succeeds in, and those no wait will change. */
const CALLABLE = new Set(['ready', 'asleep']);
const BROKEN = new Set(['failing', 'invalid']);
const POLL_MS = 1000;

export function register(program: Command): void {
  addGatewayOptions(
    program
      .command('ready')
      .argument('<name>', 'function name')
      .description('wait until a function is deployed and takes calls (ready, or asleep until its next call)')
      .addOption(new Option('--timeout <duration>', 'how long to wait, like 30s or 2m').default('60s')),
  ).action(async (name: string, flags: GatewayFlags & { timeout: string }) => {
    const seconds = parseDuration(flags.timeout);
    if (seconds === undefined) throw new Error(`--timeout '${flags.timeout}' is not a duration; use a form like 30s, 2m or 1m30s`);
    const deadline = Date.now() + seconds * 1000;
    let last = 'not known to the gateway';
    for (;;) {
      const response = await adminGet(flags, `/system/function/${encodeURIComponent(name)}`);
      if (response.ok) {
        const fn = (await response.json()) as FunctionStatus;
        const why = fn.statusMessage ? `: ${fn.statusMessage}` : '';
        if (CALLABLE.has(fn.status ?? '')) {
          console.log(`${name} is ${fn.status}`);
          return;
        }
        if (BROKEN.has(fn.status ?? '')) {
          for (const problem of fn.problems ?? []) console.error(problem);
          throw new Error(`${name} is ${fn.status}${why}; fix it and deploy again, or see \`faas logs ${name}\``);
        }
        last = `${fn.status ?? 'no status'}${why}`;
      } else if (response.status === 404) {
        last = 'not known to the gateway';
      } else if (response.status < 500) {
        throw new Error(`the gateway answered ${response.status}: ${await errorMessage(response)}`);
      } else {
        last = `the gateway answered ${response.status}`;
      }
      if (Date.now() >= deadline) throw new Error(`${name} was not ready within ${flags.timeout} (last: ${last}); wait longer with --timeout`);
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    }
  });
}
