/**
 * The cdk8s app (`cdk8s synth`, `npm run synth`): the functions folder → dist/poorman-faas.k8s.yaml.
 * A broken script stops synth with every problem as `file:line: message` and exit code 1.
 */
import { synthApp } from './synth-app.js';
import { synthSettings } from './synth-settings.js';

try {
  const result = await synthApp(synthSettings());
  console.error(`wrote ${result.file}: ${result.objects} objects for ${result.functions} functions`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
