/**
 * `faas queue`: the async queue of a running gateway. Alone it lists depths per function (queued,
 * in progress, dead letters, oldest waiting call); `dead-letters` lists what exhausted its attempts
 * or lost its function, `replay <id>` queues one again, `drop <id>` deletes it.
 */
import type { Command } from 'commander';
import type { DeadLetterSummary, QueueDepthView } from '../../../gateway/admin/async-queue.js';
import { errorMessage } from '../gateway-client.js';
import { addGatewayOptions, adminJson, adminRequest, type GatewayFlags } from '../gateway-options.js';
import { formatTable } from '../format-table.js';
import { addOutputOption, checkOutputFormat, printStructured } from '../output-format.js';

type Flags = GatewayFlags & { output: string };

export function register(program: Command): void {
  // Positional: `faas queue dead-letters -g URL` gives -g to the subcommand, not to `queue`, which has one too.
  const command = program.command('queue').description("a running gateway's async queue: depths per function; see its subcommands for dead letters").enablePositionalOptions();
  const queue = addOutputOption(addGatewayOptions(command)).action(
    async (flags: Flags) => {
      const format = checkOutputFormat(flags.output);
      const depths = await adminJson<QueueDepthView[]>(flags, '/system/async-queues');
      if (printStructured(format, depths)) return;
      if (depths.length === 0) {
        console.error('the async queue is empty: nothing queued, running or dead');
        return;
      }
      console.log(
        formatTable(
          ['function', 'queued', 'in progress', 'dead letters', 'oldest'],
          depths.map((d) => [d.function, String(d.queued), String(d.inProgress), String(d.deadLetters), d.queued > 0 ? `${d.oldestAgeSeconds.toFixed(1)}s` : '']),
        ),
      );
    },
  );

  addOutputOption(addGatewayOptions(queue.command('dead-letters').description('list the dead letters, oldest first')))
    .option('-f, --function <name>', 'only those of this function')
    .option('--limit <n>', 'list at most this many', '100')
    .action(async (flags: Flags & { function?: string; limit: string }) => {
      const format = checkOutputFormat(flags.output);
      const query = new URLSearchParams({ limit: flags.limit, ...(flags.function !== undefined && { function: flags.function }) });
      const response = await adminRequest(flags, `/system/dead-letters?${query}`);
      if (!response.ok) throw new Error(`the gateway answered ${response.status}: ${await errorMessage(response)}`);
      const dead = (await response.json()) as DeadLetterSummary[];
      if (printStructured(format, dead)) return;
      const wide = format === 'wide';
      console.log(
        formatTable(
          ['call id', 'function', 'attempts', 'dead at', ...(wide ? ['method', 'path', 'callback', 'accepted at', 'bytes'] : []), 'reason'],
          dead.map((d) => [
            d.callId,
            d.function,
            String(d.attempts),
            d.deadAt,
            ...(wide ? [d.method, d.path, d.callbackUrl ?? '', d.acceptedAt, String(d.bodyBytes)] : []),
            d.reason,
          ]),
        ),
      );
      const total = Number(response.headers.get('x-total-count') ?? dead.length);
      if (total > dead.length) console.error(`${dead.length} of ${total} shown; pass --limit to see more`);
    });

  for (const [verb, method, path, description, done] of [
    ['replay', 'POST', '/system/dead-letters/replay', 'queue a dead letter again, with a fresh count of attempts', 'queued again'],
    ['drop', 'DELETE', '/system/dead-letters', 'delete a dead letter for good', 'dropped'],
  ] as const) {
    addOutputOption(addGatewayOptions(queue.command(verb).description(description).argument('<call-id>', 'the X-Call-Id, as `faas queue dead-letters` lists it'))).action(
      async (callId: string, flags: Flags) => {
        const format = checkOutputFormat(flags.output);
        const response = await adminRequest(flags, path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callId }) });
        if (!response.ok) throw new Error(`the gateway answered ${response.status}: ${await errorMessage(response)}`);
        const answer = (await response.json()) as { callId: string; function: string };
        if (printStructured(format, answer)) return;
        console.log(`dead letter ${answer.callId} (function ${answer.function}) ${done}`);
      },
    );
  }
}
