/** `faas dev`: the gateway over a folder of scripts, each function a local uv process, with JSON logs. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { pino } from 'pino';
import { formatError } from '../../../constructs/spec/format-error.js';
import { loadFunctionsFolder } from '../../../constructs/spec/load-folder.js';
import { readConfig } from '../../../gateway/config.js';
import { runGateway } from '../../../gateway/run-gateway.js';
import { removeDevCredentials, writeDevCredentials } from '../dev-credentials.js';
import { formatTable } from '../format-table.js';

interface DevOptions {
  port: string;
  host: string;
  functions: string;
  backend: string;
}

export function register(program: Command): void {
  program
    .command('dev')
    .description('run the gateway locally: each function a uv process started on its first call, put back to sleep when idle')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', process.env.PORT ?? '8080')
    .option('--host <address>', 'address to bind', process.env.HOST ?? '127.0.0.1')
    .option('-f, --functions <dir>', 'folder of PEP 723 scripts', 'functions')
    .option('--backend <kind>', 'local (uv processes) or kubernetes (the current kubeconfig context)', process.env.GATEWAY_BACKEND ?? 'local')
    .action(async (options: DevOptions) => {
      if (options.backend === 'local' && !existsSync(options.functions)) {
        throw new Error(`functions folder '${options.functions}' does not exist; create it with \`faas new hello\` or pass --functions DIR`);
      }
      const config = readConfig({ ...process.env, PORT: options.port, GATEWAY_BACKEND: options.backend }, { host: options.host });
      const logger = pino({ level: config.logLevel });
      const { gateway, backend, generatedPassword, credentials } = await runGateway({
        config,
        env: process.env,
        logger,
        generatePassword: true,
        functionsDir: options.functions,
      });
      console.error(`gateway listening on ${gateway.url}  (call a function at ${gateway.url}/function/<name>)`);
      const definitions = [...backend.functions().values()];
      if (definitions.length > 0) {
        console.error(
          formatTable(
            ['function', 'url', 'min', 'idle', 'timeout'],
            definitions.map((d) => [d.name, `${gateway.url}/function/${d.name}`, String(d.minReplicas), d.idleTimeout, d.timeout]),
          ),
        );
      } else {
        console.error(`no functions yet in ${options.functions}: create one with \`faas new hello\``);
      }
      if (options.backend === 'local') {
        for (const error of (await loadFunctionsFolder(options.functions)).errors) console.error(formatError(error));
      }
      // The CLI on this machine reads it from there, so `faas list` needs no password copied.
      const credentialsFile = credentials && writeDevCredentials({ url: gateway.url, ...credentials });
      if (credentialsFile) process.on('exit', () => removeDevCredentials(credentialsFile));
      if (generatedPassword !== undefined) {
        console.error(
          `admin API: user ${credentials?.user ?? 'admin'}, password ${generatedPassword}  (generated for this run; \`faas list\` on this machine finds it in ${credentialsFile}; set FAAS_ADMIN_PASSWORD to choose one)`,
        );
      }
    });
}
