/**
 * The cdk8s app (`cdk8s synth`, `npm run synth`): the functions folder → dist/poorman-faas.k8s.yaml.
 * A broken script stops synth with every problem as `file:line: message` and exit code 1.
 */
import { synthApp, synthSummary } from './synth-app.js';
import { synthSettings } from './synth-settings.js';

try {
  console.error(synthSummary(await synthApp(synthSettings())));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
