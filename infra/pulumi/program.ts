/**
 * The Pulumi program (`Pulumi.yaml` at the repository root runs it; the library is index.ts). Stack config, all optional:
 *
 *   pulumi config set namespace faas
 *   pulumi config set gatewayImage ghcr.io/poorman-faas/poorman-faas-gateway:0.1.0
 *   pulumi config set functionImage ghcr.io/astral-sh/uv:python3.12-bookworm-slim
 *   pulumi config set functionsDir functions        # relative to the folder of Pulumi.yaml
 *   pulumi config set functionWorkloads controller  # default synth
 *
 * The Kubernetes context is the provider's: the current kubeconfig context, or
 * `pulumi config set kubernetes:context <name>`.
 */
import * as pulumi from '@pulumi/pulumi';
import { PoormanFaas, type PoormanFaasArgs } from './poorman-faas.js';
import type { FunctionWorkloads } from '../../constructs/functions-folder.js';

const config = new pulumi.Config();
// Pulumi.yaml declares each key with a default; an empty one leaves the constructs' default.
const setting = (key: string) => {
  const value = config.get(key);
  return value === undefined || value === '' ? undefined : value;
};
const namespaceSetting = setting('namespace');
const gatewayImage = setting('gatewayImage');
const functionImage = setting('functionImage');
// The constructs refuse anything but 'synth' and 'controller', naming the setting.
const functionWorkloads = setting('functionWorkloads') as FunctionWorkloads | undefined;

const args: PoormanFaasArgs = {
  functionsDir: setting('functionsDir') ?? 'functions',
  ...(namespaceSetting === undefined ? {} : { namespace: namespaceSetting }),
  ...(gatewayImage === undefined ? {} : { gateway: { image: gatewayImage } }),
  ...(functionImage === undefined ? {} : { image: functionImage }),
  ...(functionWorkloads === undefined ? {} : { functionWorkloads }),
};

const faas = new PoormanFaas('faas', args);

export const namespace = faas.namespace;
export const gatewayServiceName = faas.gatewayServiceName;
export const gatewayUrl = faas.gatewayUrl;
export const functionNames = faas.functionNames;
