/** `faas invoke NAME`: one call through a running gateway; the answer's body on stdout. */
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { DEFAULT_GATEWAY, gatewayFetch } from '../gateway-client.js';

interface InvokeOptions {
  gateway: string;
  data?: string;
  method?: string;
  path: string;
  header: string[];
  async?: boolean;
  callback?: string;
}

export function register(program: Command): void {
  program
    .command('invoke')
    .description('call a function through a running gateway (body from --data, else from stdin when piped)')
    .argument('<name>', 'function name')
    .option('-g, --gateway <url>', 'gateway URL', DEFAULT_GATEWAY)
    .option('-d, --data <body>', 'request body')
    .option('-m, --method <method>', 'HTTP method (default: POST with a body, else GET)')
    .option('--path <path>', 'path inside the function, e.g. /items?id=1', '/')
    .option('-H, --header <name=value>', 'request header, repeatable', (value: string, all: string[]) => [...all, value], [])
    .option('--async', 'queue the call (/async-function/): prints its call id at once; the result goes to --callback, else only to the gateway log')
    .option('--callback <url>', 'with --async: the http(s) URL the result is POSTed to (X-Callback-Url)')
    .action(async (name: string, options: InvokeOptions) => {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`'${name}' is not a function name: lower-case letters, digits and '-' (see \`faas list\`)`);
      if (!options.path.startsWith('/')) throw new Error(`--path '${options.path}' must start with '/', e.g. --path /items`);
      const headers = new Headers();
      for (const header of options.header) {
        const split = header.indexOf('=');
        if (split <= 0) throw new Error(`--header '${header}' must look like name=value`);
        headers.append(header.slice(0, split).trim(), header.slice(split + 1));
      }
      const piped = options.data === undefined && !process.stdin.isTTY ? await text(process.stdin) : undefined;
      const body = options.data ?? (piped === '' ? undefined : piped);
      const method = (options.method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase();
      if (options.data !== undefined && (method === 'GET' || method === 'HEAD')) {
        throw new Error(`a ${method} request carries no body: drop --data, or pass -m POST`);
      }
      if (options.callback !== undefined) {
        if (!options.async) throw new Error('--callback needs --async: a sync call answers here, not at a callback URL');
        headers.set('x-callback-url', options.callback);
      }
      const route = options.async ? 'async-function' : 'function';
      const response = await gatewayFetch(options, `/${route}/${name}${options.path === '/' ? '' : options.path}`, {
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' && { body }),
      });
      const answer = Buffer.from(await response.arrayBuffer());
      if (!response.ok) {
        process.stderr.write(answer);
        if (answer.length > 0 && answer[answer.length - 1] !== 10) process.stderr.write('\n');
        throw new Error(`function '${name}' answered ${response.status}`);
      }
      if (options.async) {
        // The id is what ties the callback (or the log line, or a dead letter) to this call.
        console.log(response.headers.get('x-call-id') ?? '');
        return;
      }
      process.stdout.write(answer);
    });
}
