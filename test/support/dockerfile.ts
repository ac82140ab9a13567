/**
 * A Dockerfile read into stages and instructions, enough to check the rules the gateway image
 * promises and to start the bundle the way the image would. Follows the Dockerfile reference:
 * `#` lines are comments, a trailing `\` continues the line, instruction names are case-insensitive.
 */

export interface Instruction {
  /** Upper-case name: FROM, RUN, COPY, ENV, USER, EXPOSE, ENTRYPOINT, CMD, ... */
  readonly name: string;
  /** Everything after the name, continuation lines joined. */
  readonly args: string;
  /** 1-based line where it starts. */
  readonly line: number;
}

export interface Stage {
  /** The image after FROM (with `--platform=` flags removed). */
  readonly base: string;
  readonly alias?: string;
  readonly platform?: string;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i]!.trim();
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) {
      current = current.slice(0, -1);
      let next = lines[++i]!.trim();
      // Comment lines inside a continued instruction are dropped, as Docker does.
      while (next.startsWith('#') && i + 1 < lines.length) next = lines[++i]!.trim();
      current += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/s.exec(current)!;
    instructions.push({ name: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 });
  }
  const stages: { base: string; alias?: string; platform?: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.name === 'FROM') {
      const words = instruction.args.split(/\s+/);
      const platform = words.find((w) => w.startsWith('--platform='))?.slice('--platform='.length);
      const rest = words.filter((w) => !w.startsWith('--'));
      const alias = rest[1]?.toUpperCase() === 'AS' ? rest[2] : undefined;
      stages.push({ base: rest[0]!, ...(alias ? { alias } : {}), ...(platform ? { platform } : {}), instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    } else if (instruction.name !== 'ARG') {
      throw new Error(`line ${instruction.line}: ${instruction.name} before the first FROM`);
    }
  }
  return stages;
}

/** The JSON array of an exec-form instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) return undefined;
  return parsed;
}

/** `ENV A=1 B="two words"` → { A: '1', B: 'two words' }; also the legacy `ENV A value` form. */
export function envOf(args: string): Record<string, string> {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(args);
  if (legacy) return { [legacy[1]!]: legacy[2]!.trim() };
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|(\S*))/g)) {
    env[match[1]!] = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[4]!;
  }
  return env;
}

/** What the final stage runs and as whom: the command line, environment, user and working dir. */
export interface RuntimeSpec {
  readonly command: string[];
  readonly env: Record<string, string>;
  readonly user: string;
  readonly workdir: string;
  readonly expose: string[];
}

export function runtimeOf(stage: Stage): RuntimeSpec {
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let env: Record<string, string> = {};
  let user = '';
  let workdir = '/';
  const expose: string[] = [];
  for (const { name, args, line } of stage.instructions) {
    if (name === 'ENTRYPOINT' || name === 'CMD') {
      const words = execForm(args);
      if (!words) throw new Error(`line ${line}: ${name} is in shell form; the runtime image has no shell`);
      if (name === 'ENTRYPOINT') entrypoint = words;
      else cmd = words;
    } else if (name === 'ENV') env = { ...env, ...envOf(args) };
    else if (name === 'USER') user = args;
    else if (name === 'WORKDIR') workdir = args.startsWith('/') ? args : `${workdir.replace(/\/$/, '')}/${args}`;
    else if (name === 'EXPOSE') expose.push(...args.split(/\s+/));
  }
  return { command: [...entrypoint, ...cmd], env, user, workdir, expose };
}
