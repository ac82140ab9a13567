/** The namespace the Kubernetes commands act on: -n, else faas.config.json's, else `faas`. */
import { synthSettings } from '../synth-settings.js';
import { DEFAULT_NAMESPACE } from '../../constructs/function-api.js';

export function targetNamespace(flag: string | undefined): string {
  return flag ?? synthSettings().props.namespace ?? DEFAULT_NAMESPACE;
}
