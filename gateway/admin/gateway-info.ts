/** `GET /system/info`: faas-cli's `version` reads all of `provider`, `provider.version` and `version`. */
import type { Backend } from '../backends/backend.js';

export interface VersionInfo {
  readonly release: string;
  readonly sha: string;
}

export interface GatewayInfo {
  readonly provider: { readonly provider: string; readonly orchestration: string; readonly version: VersionInfo };
  readonly version: VersionInfo & { readonly commit_message: string };
  readonly arch: string;
}

export const PROVIDER_NAME = 'poorman-faas';

/** Node's names for CPU architectures, in the spelling of Go's GOARCH that OpenFaaS prints. */
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' };

export function gatewayInfo(backend: Backend, version: VersionInfo): GatewayInfo {
  return {
    provider: {
      provider: PROVIDER_NAME,
      // `local` is what `faas dev` runs: uv processes on this machine, no orchestrator.
      orchestration: backend.kind === 'kubernetes' ? 'kubernetes' : 'local-processes',
      version,
    },
    version: { ...version, commit_message: '' },
    arch: GO_ARCH[process.arch] ?? process.arch,
  };
}
