import { readFileSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Gateway } from '../../../constructs/gateway.js';

type Manifest = { kind: string; metadata: { name: string }; spec?: any; rules?: unknown };

function synth(props: ConstructorParameters<typeof Gateway>[2] = {}) {
  const chart = Testing.chart();
  new Gateway(chart, 'gateway', props);
  const objects = Testing.synth(chart) as Manifest[];
  return (kind: string) => objects.find((object) => object.kind === kind)!;
}

const labels = {
  'app.kubernetes.io/name': 'faas-gateway',
  'app.kubernetes.io/component': 'gateway',
  'app.kubernetes.io/part-of': 'poorman-faas',
  'app.kubernetes.io/managed-by': 'poorman-faas',
};

describe('Gateway', () => {
  it('grants exactly what the gateway uses, in its namespace only', () => {
    expect(synth()('Role')).toStrictEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'faas-gateway', namespace: 'faas', labels },
      rules: [
        { apiGroups: ['faas.poorman.dev'], resources: ['functions'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
        { apiGroups: ['faas.poorman.dev'], resources: ['functions/status'], verbs: ['patch'] },
        { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'update', 'delete'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      ],
    });
  });

  it('reads Function objects only, when the admin API may not write them', () => {
    const role = synth({ functionWrites: false })('Role') as { rules: { resources: string[]; verbs: string[] }[] };
    expect(role.rules[0]).toStrictEqual({ apiGroups: ['faas.poorman.dev'], resources: ['functions'], verbs: ['list', 'watch'] });
  });

  it('never touches secrets, exec, pod writes or anything cluster-scoped; reads pod logs only', () => {
    const objects = Testing.synth(((chart) => (new Gateway(chart, 'g'), chart))(Testing.chart())) as Manifest[];
    expect(objects.map((object) => object.kind).sort()).toStrictEqual(['Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    const role = objects.find((object) => object.kind === 'Role') as { rules: { resources: string[]; verbs: string[] }[] };
    const resources = role.rules.flatMap((rule) => rule.resources);
    expect(resources.filter((resource) => /secret|pods\/|exec|\*/.test(resource))).toStrictEqual(['pods/log']);
    // The web UI's logs of a function: read, nothing else of pods/log.
    expect(role.rules.filter((rule) => rule.resources.includes('pods/log')).flatMap((rule) => rule.verbs)).toStrictEqual(['get']);
    expect(role.rules.flatMap((rule) => rule.verbs)).not.toContain('*');
    // Pods are read (why a wake failed), and pool pods claimed (update) or retired (delete); never created or patched.
    expect(role.rules.filter((rule) => rule.resources.includes('pods')).flatMap((rule) => rule.verbs)).toStrictEqual(['list', 'watch', 'update', 'delete']);
  });

  it('binds the Role to the faas-gateway ServiceAccount', () => {
    expect(synth({ namespace: 'team-a' })('RoleBinding')).toStrictEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'faas-gateway', namespace: 'team-a', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'faas-gateway' },
      subjects: [{ kind: 'ServiceAccount', name: 'faas-gateway', namespace: 'team-a' }],
    });
  });

  it('exposes the gateway on 8080', () => {
    expect(synth()('Service')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'faas-gateway', namespace: 'faas', labels },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': 'faas-gateway', 'faas.poorman.dev/role': 'gateway' },
        ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
      },
    });
  });

  it('mounts the admin Secret optionally and points the gateway at its password file', () => {
    const pod = synth({ adminSecretName: 'my-admin' })('Deployment').spec.template.spec;
    expect(pod.volumes[0]).toStrictEqual({ name: 'admin', secret: { secretName: 'my-admin', optional: true, defaultMode: 0o440 } });
    expect(pod.containers[0].env).toContainEqual({ name: 'FAAS_ADMIN_PASSWORD_FILE', value: '/var/faas/admin/password' });
    expect(pod.containers[0].env).toContainEqual({ name: 'GATEWAY_BACKEND', value: 'kubernetes' });
    expect(pod.serviceAccountName).toBe('faas-gateway');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  it('defaults the image to the released gateway of this package version', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(synth()('Deployment').spec.template.spec.containers[0].image).toBe(`ghcr.io/poorman-faas/poorman-faas-gateway:${version}`);
    expect(synth({ image: 'registry.local/gw:dev' })('Deployment').spec.template.spec.containers[0].image).toBe('registry.local/gw:dev');
  });

  it('passes extra environment variables after its own', () => {
    const env = synth({ env: { LOG_LEVEL: 'debug' } })('Deployment').spec.template.spec.containers[0].env;
    expect(env.at(-1)).toStrictEqual({ name: 'LOG_LEVEL', value: 'debug' });
  });

  it('keeps all but one of several replicas through a drain, and leaves a single replica drainable', () => {
    const several = synth({ replicas: 3 });
    const budget = several('PodDisruptionBudget');
    expect(() => new PodDisruptionBudget(budget as never).validate()).not.toThrow();
    expect(budget).toMatchObject({ apiVersion: 'policy/v1', metadata: { name: 'faas-gateway', namespace: 'faas', labels } });
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.selector).toStrictEqual(several('Deployment').spec.selector);
    expect(synth({ replicas: 1 })('PodDisruptionBudget')).toBeUndefined();
    expect(synth()('PodDisruptionBudget')).toBeUndefined();
  });

  it('refuses bad props, naming the field and the value', () => {
    expect(() => synth({ replicas: -1 })).toThrowError("'replicas' (-1) must be a whole number >= 0");
    expect(() => synth({ adminSecretName: 'Admin!' })).toThrowError("'adminSecretName' ('Admin!') must be a DNS-1123 label");
    expect(() => synth({ memory: '1 GB' })).toThrowError("'memory' ('1 GB') must be a Kubernetes quantity");
    expect(() => synth({ image: ' ' })).toThrowError("'image' (' ') must name a container image");
    expect(() => synth({ serviceType: 'Ingress' as never })).toThrowError("'serviceType' ('Ingress') must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'");
    expect(() => synth({ env: { 'LOG-LEVEL': 'debug' } })).toThrowError("'env' has the variable name 'LOG-LEVEL'");
    expect(() => synth({ env: { PORT: '9000' } })).toThrowError("'env' sets 'PORT', which the platform sets itself");
  });
});
