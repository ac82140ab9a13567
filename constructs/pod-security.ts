/**
 * The pod and container security settings of DESIGN.md ("pods run as non-root with a read-only
 * root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp"),
 * written once so function pods and gateway pods cannot drift apart. They satisfy the
 * `restricted` Pod Security Standard.
 */
import type { k8s } from 'cdk8s-plus-34';

/**
 * The UID and GID pods run as. The uv image's default user is root, so a fixed non-root ID is
 * set explicitly; 65532 is the conventional "nonroot" ID of distroless images.
 */
export const NON_ROOT_ID = 65532;

/** Pod-level settings; `fsGroup` makes mounted emptyDirs and Secrets readable by that user. */
export function podSecurityContext(id: number = NON_ROOT_ID): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    fsGroup: id,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level settings; repeated on the container because some policies check only there. */
export function containerSecurityContext(id: number = NON_ROOT_ID): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
