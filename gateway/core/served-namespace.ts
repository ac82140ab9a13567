/**
 * The gateway serves one namespace. faas-cli names `openfaas-fn` by default, so that name means
 * "the served one" too, for function calls and the admin API alike.
 */
export const OPENFAAS_DEFAULT_NAMESPACE = 'openfaas-fn';

export function isServedNamespace(given: string, served: string): boolean {
  return given === served || given === OPENFAAS_DEFAULT_NAMESPACE;
}
