/**
 * Shell completion scripts, generated from the commander program itself so that every command,
 * subcommand and option the CLI has is completed and none it lacks. Static: a Tab never starts Node.
 */
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Node {
  /** Space-separated command path, '' for the program. */
  readonly path: string;
  readonly subcommands: readonly { name: string; description: string }[];
  readonly options: readonly Option[];
  /** The allowed values of its positional arguments, when they are a fixed list. */
  readonly argumentChoices: readonly string[];
}

function walk(command: Command, path = ''): Node[] {
  const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const node: Node = {
    path,
    subcommands: visible.map((c) => ({ name: c.name(), description: c.description() })),
    options: command.options.filter((o) => !o.hidden),
    argumentChoices: command.registeredArguments.flatMap((a) => a.argChoices ?? []),
  };
  return [node, ...visible.flatMap((c) => walk(c, path === '' ? c.name() : `${path} ${c.name()}`))];
}

function words(node: Node): string[] {
  const flags = node.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  return [...node.subcommands.map((s) => s.name), ...node.argumentChoices, ...flags, '--help'];
}

/** The completion script for `shell`, completing for every name in `bins`. */
export function completionScript(program: Command, shell: Shell, bins: readonly string[]): string {
  const nodes = walk(program);
  if (shell === 'fish') return fishScript(nodes, bins);
  const bash = bashScript(nodes, bins);
  // zsh runs bash's completion functions through bashcompinit, which ships with zsh.
  return shell === 'zsh' ? `#compdef ${bins.join(' ')}\nautoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}

function bashScript(nodes: readonly Node[], bins: readonly string[]): string {
  const fn = `_${bins[0]!.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  const cases = nodes.map((node) => `    '${node.path}') words='${words(node).join(' ')}' ;;`).join('\n');
  const paths = nodes.map((node) => `'${node.path}'`).join(' ');
  const valueCases = [
    ...new Map(
      nodes.flatMap((node) => node.options.filter((o) => o.argChoices).map((o) => [[o.long, o.short].filter(Boolean).join('|'), o.argChoices!.join(' ')] as const)),
    ),
  ]
    .map(([flags, values]) => `    ${flags}) COMPREPLY=($(compgen -W '${values}' -- "$cur")); return ;;`)
    .join('\n');
  return `# ${bins.join(' / ')} completion for bash; load it with: source <(${bins[0]} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path='' word words='' known
  case "$prev" in
${valueCases}
  esac
  # The command path is the longest run of earlier words that names a command.
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) continue ;; esac
    for known in ${paths}; do
      if [ "$known" = "\${path:+$path }$word" ]; then path="$known"; break; fi
    done
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fn} ${bins.join(' ')}
`;
}

function fishScript(nodes: readonly Node[], bins: readonly string[]): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [`# ${bins.join(' / ')} completion for fish; load it with: ${bins[0]} completion fish | source`];
  for (const bin of bins) {
    lines.push(`complete -c ${bin} -f`);
    for (const node of nodes) {
      const names = node.path === '' ? [] : node.path.split(' ');
      const children = node.subcommands.map((s) => s.name).join(' ');
      // On this node exactly: every word of its path seen, none of its children yet.
      const condition =
        names.length === 0
          ? '__fish_use_subcommand'
          : [...names.map((n) => `__fish_seen_subcommand_from ${n}`), ...(children ? [`not __fish_seen_subcommand_from ${children}`] : [])].join('; and ');
      const choices = node.argumentChoices.map((c) => ` -a ${c}`).join('');
      if (choices) lines.push(`complete -c ${bin} -n ${quote(condition)}${choices}`);
      for (const sub of node.subcommands) lines.push(`complete -c ${bin} -n ${quote(condition)} -a ${sub.name} -d ${quote(sub.description)}`);
      for (const option of node.options) {
        const flags = [option.long ? `-l ${option.long.replace(/^--/, '')}` : '', option.short ? `-s ${option.short.replace(/^-/, '')}` : ''].filter(Boolean).join(' ');
        const values = option.argChoices ? ` -x -a ${quote(option.argChoices.join(' '))}` : option.required || option.optional ? ' -r' : '';
        lines.push(`complete -c ${bin} -n ${quote(condition)} ${flags}${values} -d ${quote(option.description)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
