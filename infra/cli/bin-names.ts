/**
 * The names the package installs the CLI under (package.json "bin"). `faas` is the short one, but
 * faas-cli installs a `faas` alias too, so `pmfaas` is the same CLI under a name that collides with nothing.
 */
export const BIN_NAMES = ['faas', 'pmfaas'] as const;
