/**
 * The function controller's process: its own Deployment and ServiceAccount, apart from the
 * internet-facing gateway, reconciling Function objects in one namespace.
 */
import { pino } from 'pino';
import { loadKubeConfig } from '../backends/kubernetes/kube-config.js';
import { FunctionController } from './function-controller.js';

const logger = pino({ name: 'faas-controller', level: process.env.LOG_LEVEL ?? 'info' });
const namespace = process.env.K8S_NAMESPACE ?? 'faas';
const controller = new FunctionController({
  kubeConfig: loadKubeConfig(process.env.KUBECONFIG ? { kubeconfig: process.env.KUBECONFIG } : {}),
  namespace,
  logger,
  ...(process.env.FAAS_FUNCTION_IMAGE ? { functionImage: process.env.FAAS_FUNCTION_IMAGE } : {}),
});

await controller.start();
logger.info({ namespace }, 'controller started');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    void controller.stop().then(() => process.exit(0));
  });
}
