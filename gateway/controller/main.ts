/**
 * The function controller's process: its own Deployment and ServiceAccount, apart from the
 * internet-facing gateway, reconciling Function objects in one namespace.
 */
import { pino } from 'pino';
import { loadKubeConfig } from '../backends/kubernetes/kube-config.js';
import { FunctionController } from './function-controller.js';
import { DEFAULT_NAMESPACE } from '../../constructs/function-api.js';

const logger = pino({ name: 'faas-controller', level: process.env.LOG_LEVEL ?? 'info' });
const namespace = process.env.K8S_NAMESPACE ?? DEFAULT_NAMESPACE;

let controller: FunctionController;
try {
  controller = new FunctionController({
    kubeConfig: loadKubeConfig(process.env.KUBECONFIG ? { kubeconfig: process.env.KUBECONFIG } : {}),
    namespace,
    logger,
    ...(process.env.FAAS_FUNCTION_IMAGE ? { functionImage: process.env.FAAS_FUNCTION_IMAGE } : {}),
  });
  await controller.start();
} catch (error) {
  // No usable kubeconfig or in-cluster account: say so in one line rather than a stack trace.
  logger.fatal(
    { namespace, err: error instanceof Error ? error.message : String(error) },
    'cannot start: no Kubernetes credentials; in a pod, mount the faas-controller ServiceAccount token, elsewhere set KUBECONFIG',
  );
  process.exit(1);
}
logger.info({ namespace }, 'controller started');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    void controller.stop().then(() => process.exit(0));
  });
}
