/**
 * kwok's configuration: the Stages that move fake nodes and pods through their
 * lifecycle. kwok ships defaults, but recent releases start only with Stages
 * given explicitly, and the test hosts need their own pod-IP rule.
 */

/** Nodes whose name starts with this belong to a test host (see test-host.ts). */
export const TEST_HOST_NODE_PREFIX = 'test-host-';
/** A warm test host's node: its pods are Ready at once, served by a process the test started before them. */
export const WARM_TEST_HOST_NODE_PREFIX = `${TEST_HOST_NODE_PREFIX}warm-`;

const onTestHost = `(.spec.nodeName // "") | startswith("${TEST_HOST_NODE_PREFIX}")`;
const onWarmTestHost = `(.spec.nodeName // "") | startswith("${WARM_TEST_HOST_NODE_PREFIX}")`;
const onProcessTestHost = `(.spec.nodeName // "") | (startswith("${TEST_HOST_NODE_PREFIX}") and (startswith("${WARM_TEST_HOST_NODE_PREFIX}") | not))`;

const nodeReady = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-ready
spec:
  resourceRef: { apiGroup: v1, kind: Node }
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select(.type == "Ready") | .status'
      operator: NotIn
      values: ['True']
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}
      allocatable: { cpu: 1k, memory: 1Ti, pods: "1k" }
      capacity: { cpu: 1k, memory: 1Ti, pods: "1k" }
      nodeInfo:
        architecture: amd64
        operatingSystem: linux
        kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
        kubeProxyVersion: ""
        containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
        kernelVersion: ""
        bootID: ""
        machineID: ""
        osImage: ""
        systemUUID: ""
      phase: Running
`;

/** The part of a Ready pod's status that does not depend on where it runs. */
const readyPodStatus = `
      {{ $now := Now }}
      conditions:
      - { type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: Ready, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }} }
      {{ range .spec.readinessGates }}
      - { type: {{ .conditionType | Quote }}, status: "True", lastTransitionTime: {{ $now | Quote }} }
      {{ end }}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: true
        started: true
        restartCount: 0
        state: { running: { startedAt: {{ $now | Quote }} } }
      {{ end }}
      initContainerStatuses:
      {{ range .spec.initContainers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: true
        restartCount: 0
        state: { terminated: { exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }} } }
      {{ end }}
      {{ with NodeIPsWith .spec.nodeName }}
      hostIP: {{ index . 0 | Quote }}
      hostIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}`;

const pendingAndNotReady = `
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.spec.nodeName'
      operator: Exists
    - key: '.status.phase'
      operator: In
      values: ['Pending']`;

// Every pod on a test host's node gets the host's address: the node's
// InternalIP is the address inside the host's network namespace.
const hostAddress = `
      {{ with NodeIPsWith .spec.nodeName }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      - ip: {{ index . 0 | Quote }}
      {{ end }}`;

// On a warm host the test's process already serves, so kwok makes the pod Ready itself.
const podReadyOnWarmTestHost = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready-on-warm-test-host
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:${pendingAndNotReady}
    - key: '${onWarmTestHost}'
      operator: In
      values: ['true']
  next:
    statusTemplate: |${readyPodStatus}${hostAddress}
`;

// Elsewhere on a test host the pod is running but not Ready: the host's pod processes
// (pod-processes.ts) start its container and mark it Ready once it accepts connections.
const podStartingOnTestHost = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-starting-on-test-host
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:${pendingAndNotReady}
    - key: '${onProcessTestHost}'
      operator: In
      values: ['true']
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - { type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: Ready, status: "False", lastTransitionTime: {{ $now | Quote }} }
      - { type: ContainersReady, status: "False", lastTransitionTime: {{ $now | Quote }} }
      - { type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }} }
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: false
        started: false
        restartCount: 0
        state: { waiting: { reason: ContainerCreating } }
      {{ end }}
      {{ with NodeIPsWith .spec.nodeName }}
      hostIP: {{ index . 0 | Quote }}
      hostIPs:
      - ip: {{ index . 0 | Quote }}
      {{ end }}${hostAddress}
      phase: Running
      startTime: {{ $now | Quote }}
`;

// Elsewhere pods draw addresses from their node's podCIDR, like a CNI would.
const podReady = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:${pendingAndNotReady}
    - key: '${onTestHost}'
      operator: NotIn
      values: ['true']
  next:
    statusTemplate: |${readyPodStatus}
      {{ with PodIPsWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
`;

// No kubelet will confirm a graceful deletion, so kwok finishes it.
const podDelete = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: Exists
  next:
    delete: true
`;

/** The multi-document YAML given to `kwok --config`. */
export function kwokConfig(): string {
  return [nodeReady, podReadyOnWarmTestHost, podStartingOnTestHost, podReady, podDelete].map((doc) => doc.trim()).join('\n---\n') + '\n';
}
