import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_PORT } from '../../constructs/gateway.js';
import { NON_ROOT_ID } from '../../constructs/pod-security.js';
import { parseDockerfile, runtimeOf, type Stage } from '../support/dockerfile.js';

const stages = parseDockerfile(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
const runtime = stages.at(-1)!;
const build = stages[0]!;

/** Resolves `${NODE_MAJOR}` style references to the global ARG defaults. */
function withArgs(text: string): string {
  const args = Object.fromEntries(
    [...readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8').matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
  );
  return text.replace(/\$\{(\w+)\}/g, (_m, name: string) => args[name] ?? `\${${name}}`);
}

describe('the gateway Dockerfile', () => {
  it('is multi-stage, and the runtime stage copies from the build stage only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const copies = runtime.instructions.filter((i) => i.name === 'COPY' || i.name === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).toMatch(new RegExp(`--from=${build.alias}\\b`));
  });

  it('builds the platform-independent bundle once, on the build machine', () => {
    expect(build.platform).toBe('$BUILDPLATFORM');
    expect(build.instructions.some((i) => i.name === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(build.instructions.some((i) => i.name === 'RUN' && /npm run build:gateway\b/.test(i.args))).toBe(true);
  });

  it('runs on distroless Node of an even-numbered (LTS) major', () => {
    const base = withArgs(runtime.base);
    const major = /^gcr\.io\/distroless\/nodejs(\d+)-debian\d+(:nonroot)?$/.exec(base)?.[1];
    expect(major, `runtime base ${base}`).toBeDefined();
    expect(Number(major) % 2).toBe(0);
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    expect(withArgs(build.base)).toBe(`node:${major}-bookworm-slim`);
  });

  it('needs no shell at run time: no RUN in the runtime stage, exec-form ENTRYPOINT and CMD', () => {
    expect(runtime.instructions.filter((i) => i.name === 'RUN')).toEqual([]);
    const spec = runtimeOf(runtime);
    expect(spec.command).toEqual(['/nodejs/bin/node', '/app/gateway.mjs']);
  });

  it('runs as the fixed numeric non-root UID and GID the pods use', () => {
    const { user } = runtimeOf(runtime);
    expect(user).toBe(`${NON_ROOT_ID}:${NON_ROOT_ID}`);
  });

  it('exposes and listens on the port the gateway Service targets, on every interface', () => {
    const { env, expose } = runtimeOf(runtime);
    expect(expose).toEqual([String(GATEWAY_PORT)]);
    expect(env.PORT).toBe(String(GATEWAY_PORT));
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.GATEWAY_BACKEND).toBe('kubernetes');
  });

  it('keeps the code owned by root, so the process cannot change it', () => {
    const copy = runtime.instructions.find((i) => i.name === 'COPY')!;
    expect(copy.args).toMatch(/--chown=0:0\b/);
  });
});

describe('parseDockerfile', () => {
  it('joins continued lines, skips comments and reads stage aliases and platforms', () => {
    const parsed: Stage[] = parseDockerfile(
      ['# c', 'ARG X=1', 'FROM --platform=$BUILDPLATFORM a:1 AS one', 'RUN a \\', '  # inside', '  b', 'from b:2', 'env A=1 B="x y"', 'CMD ["n"]'].join('\n'),
    );
    expect(parsed.map((s) => [s.base, s.alias, s.platform])).toEqual([
      ['a:1', 'one', '$BUILDPLATFORM'],
      ['b:2', undefined, undefined],
    ]);
    expect(parsed[0]!.instructions[0]).toEqual({ name: 'RUN', args: 'a  b', line: 4 });
    expect(runtimeOf(parsed[1]!)).toMatchObject({ command: ['n'], env: { A: '1', B: 'x y' } });
  });

  it('rejects a shell-form command, which needs /bin/sh', () => {
    const [stage] = parseDockerfile('FROM x\nCMD node app.mjs\n');
    expect(() => runtimeOf(stage!)).toThrowError('line 2: CMD is in shell form; the runtime image has no shell');
  });
});
