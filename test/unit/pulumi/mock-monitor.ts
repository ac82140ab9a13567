/**
 * Pulumi's mocks, recording every resource the program registers so tests can compare them with
 * the cdk8s manifests. `setMocks` must be awaited before the program is imported.
 */
import * as pulumi from '@pulumi/pulumi';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
}

/** `config` replaces the stack config; without it the program reads what PULUMI_CONFIG holds, as under the CLI. */
export async function recordResources(config?: Record<string, string>): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, custom: args.custom ?? false });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        throw new Error(`unexpected provider call ${args.token}: the component must not need one`);
      },
    },
    'poorman-faas',
    'test',
    false,
  );
  if (config !== undefined) pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [`poorman-faas:${key}`, value])));
  return registered;
}

/** The value of an Output, once it resolves. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}
