/**
 * The debugger's command language: gdb's commands, names and short forms (b, tb, c, s, si, n, ni,
 * u, p, x, d, i, r, k, q…), any unique prefix of a name, `/FMT` after x, print and display, plus
 * the ORC views (stubs, trampolines, events) and the older `regs`/`disasm` dumps.
 */

export type CommandName =
  | 'break'
  | 'tbreak'
  | 'delete'
  | 'continue'
  | 'step'
  | 'stepi'
  | 'next'
  | 'nexti'
  | 'list'
  | 'finish'
  | 'until'
  | 'advance'
  | 'watch'
  | 'rwatch'
  | 'awatch'
  | 'display'
  | 'undisplay'
  | 'print'
  | 'output'
  | 'x'
  | 'disassemble'
  | 'disasm'
  | 'regs'
  | 'bt'
  | 'info'
  | 'run'
  | 'start'
  | 'kill'
  | 'stubs'
  | 'trampolines'
  | 'events'
  | 'help'
  | 'quit';

export interface CommandSpec {
  name: CommandName;
  args: string;
  help: string;
}

export const COMMAND_SPECS: readonly CommandSpec[] = [
  { name: 'break', args: 'SYMBOL|*ADDR', help: 'stop when pc reaches it (pending until SYMBOL is linked)' },
  { name: 'tbreak', args: 'SYMBOL|*ADDR', help: 'a breakpoint deleted when first hit' },
  { name: 'delete', args: '[N…]', help: 'delete breakpoints/watchpoints N (all without N)' },
  { name: 'continue', args: '', help: 'run until a breakpoint, a watchpoint or the end of the program' },
  {
    name: 'step',
    args: '[N]',
    help: 'N source lines, into calls (through a lazy stub into the body); stepi without line info',
  },
  { name: 'stepi', args: '[N]', help: 'execute N instructions' },
  { name: 'next', args: '[N]', help: 'N source lines, stepping over calls; nexti without line info' },
  { name: 'nexti', args: '[N]', help: 'N instructions, stepping over bl/blr calls' },
  {
    name: 'list',
    args: '[FUNC|FILE:LINE|LINE]',
    help: 'source lines around the stop, a function or a line; again: the next ten',
  },
  { name: 'finish', args: '', help: 'run until the current function returns; shows x0' },
  { name: 'until', args: '[LOCATION]', help: 'next, but never back into a loop; or run to LOCATION in this frame' },
  { name: 'advance', args: 'LOCATION', help: 'run to LOCATION (or until the current function returns)' },
  { name: 'watch', args: 'EXPR', help: 'stop after a write changes it: watch *(long*)ADDR, watch SYMBOL' },
  { name: 'rwatch', args: 'EXPR', help: 'stop when it is read' },
  { name: 'awatch', args: 'EXPR', help: 'stop when it is read or written' },
  { name: 'display', args: '[/FMT] EXPR', help: 'show EXPR at every stop (display/i $pc); no EXPR: show all' },
  { name: 'undisplay', args: '[N…]', help: 'stop showing display N (all without N)' },
  { name: 'print', args: '[/FMT] EXPR', help: 'value of EXPR: $x0 $w0 $sp $pc, symbols, + - * / ( ), *(long*)ADDR' },
  { name: 'output', args: 'EXPR', help: 'value of EXPR, no history, no newline' },
  { name: 'x', args: '/NFU EXPR', help: 'memory: N units, format x d u o t a c f s i z, unit b h w g' },
  { name: 'disassemble', args: '[SYMBOL|ADDR]', help: 'the function containing it (default pc)' },
  { name: 'disasm', args: '[N]', help: 'N instructions around pc (default 9)' },
  { name: 'regs', args: '[v|fp]', help: 'compact register dump; v: q0–q31; fp: FPCR/FPSR' },
  { name: 'bt', args: '', help: 'backtrace through frame records (and the reentry routine)' },
  {
    name: 'info',
    args: 'registers [REG…] | breakpoints | symbol ADDR | sharedlibrary | display',
    help: 'registers as gdb shows them; breakpoints and watchpoints; the symbol at ADDR; linked objects',
  },
  { name: 'run', args: '', help: 'start the program from scratch (a fresh session: relinks lazily)' },
  { name: 'start', args: '', help: 'run with a temporary breakpoint on the entry' },
  { name: 'kill', args: '', help: 'end the program (run starts it again)' },
  { name: 'stubs', args: '', help: 'lazy reexports: alias -> stub -> pointer -> target' },
  { name: 'trampolines', args: '', help: 'reentry trampolines and what they stand for' },
  { name: 'events', args: '', help: 'the lazy event log (reentry, lookup, link, redirect, resume)' },
  { name: 'help', args: '', help: 'this list' },
  { name: 'quit', args: '', help: 'leave the debugger (the program is abandoned)' },
];

/** gdb's short forms and aliases (they win over prefix matching). */
export const SHORT_FORMS: Readonly<Record<string, CommandName>> = {
  b: 'break',
  br: 'break',
  tb: 'tbreak',
  c: 'continue',
  cont: 'continue',
  fg: 'continue',
  s: 'step',
  si: 'stepi',
  n: 'next',
  ni: 'nexti',
  l: 'list',
  fin: 'finish',
  u: 'until',
  adv: 'advance',
  p: 'print',
  inspect: 'print',
  bt: 'bt',
  backtrace: 'bt',
  where: 'bt',
  x: 'x',
  d: 'delete',
  i: 'info',
  r: 'run',
  k: 'kill',
  q: 'quit',
  exit: 'quit',
  h: 'help',
  disas: 'disassemble',
};

/** `info` subcommands (with gdb's abbreviations). */
export const INFO_SUBCOMMANDS = [
  'registers',
  'all-registers',
  'breakpoints',
  'watchpoints',
  'symbol',
  'sharedlibrary',
  'display',
  'line',
] as const;
export type InfoSubcommand = (typeof INFO_SUBCOMMANDS)[number];
const INFO_SHORT: Readonly<Record<string, InfoSubcommand>> = {
  r: 'registers',
  b: 'breakpoints',
  br: 'breakpoints',
  break: 'breakpoints',
  dll: 'sharedlibrary',
  shared: 'sharedlibrary',
};

export class CommandError extends Error {
  override name = 'CommandError';
}

export interface ParsedCommand {
  name: CommandName;
  /** The words after the command name. */
  args: string[];
  /** Everything after the command name (and its /FMT), trimmed: expressions keep their spaces. */
  rest: string;
  /** What followed `/` (x/4wx → "4wx"), undefined without a slash. */
  format?: string | undefined;
  /** The text as typed (trimmed). */
  text: string;
}

/** Resolves a (possibly abbreviated) command word. Throws CommandError when unknown or ambiguous. */
export function resolveCommandName(word: string): CommandName {
  const w = word.toLowerCase();
  const short = SHORT_FORMS[w];
  if (short) return short;
  const exact = COMMAND_SPECS.find((c) => c.name === w);
  if (exact) return exact.name;
  const matches = COMMAND_SPECS.filter((c) => c.name.startsWith(w)).map((c) => c.name);
  if (matches.length === 1) return matches[0] as CommandName;
  if (matches.length === 0) throw new CommandError(`Undefined command: "${word}".  Try "help".`);
  throw new CommandError(`Ambiguous command "${word}": ${matches.join(', ')}.`);
}

export function resolveInfoSubcommand(word: string): InfoSubcommand {
  const w = word.toLowerCase();
  const short = INFO_SHORT[w];
  if (short) return short;
  const matches = INFO_SUBCOMMANDS.filter((s) => s.startsWith(w));
  if (matches.length === 1 || (matches.length > 1 && matches[0] === w)) return matches[0] as InfoSubcommand;
  if (matches.length === 0) throw new CommandError(`Undefined info command: "${word}".  Try "help info".`);
  throw new CommandError(`Ambiguous info command "${word}": ${matches.join(', ')}.`);
}

const SLASH_COMMANDS: ReadonlySet<CommandName> = new Set(['x', 'print', 'display', 'output']);

/** Parses one line; undefined for an empty line or a comment. */
export function parseCommand(line: string): ParsedCommand | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const m = /^([A-Za-z][\w-]*)(?:\/(\S*))?(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) throw new CommandError(`cannot parse '${text}' (try 'help')`);
  const name = resolveCommandName(m[1] as string);
  const format = m[2];
  if (format !== undefined && !SLASH_COMMANDS.has(name))
    throw new CommandError(`'/' only follows x, print, display and output (as in x/4wx $sp)`);
  const rest = (m[3] ?? '').trim();
  const args = rest.split(/\s+/).filter((a) => a !== '');
  return { name, args, rest, format, text };
}

/** A non-negative count argument (`step 3`), or the fallback. */
export function countArg(args: string[], fallback: number, what: string): number {
  const a = args[0];
  if (a === undefined) return fallback;
  const n = Number(a);
  if (!Number.isSafeInteger(n) || n < 1) throw new CommandError(`${what}: expected a positive count, got '${a}'`);
  return n;
}

export function helpText(): string {
  const lines = COMMAND_SPECS.map((c) => `  ${`${c.name} ${c.args}`.trim().padEnd(34)} ${c.help}`);
  lines.push("Names may be abbreviated to a unique prefix; gdb's short forms work: b tb c s si n ni u p x d i r k q.");
  return `${lines.join('\n')}\n`;
}

/**
 * Tab completion for node:readline: commands for the first word, `info` subcommands, register
 * names after `$`, symbols for everything else. Answers [candidates, the word completed].
 */
export function complete(line: string, symbols: () => Iterable<string>): [string[], string] {
  const m = /^(\s*)(\S*)$/.exec(line);
  if (m) {
    const w = (m[2] as string).toLowerCase();
    const names = [...COMMAND_SPECS.map((c) => c.name as string)].filter((n) => n.startsWith(w)).sort();
    return [names, m[2] as string];
  }
  const word = /([^\s*&()+\-/,]*)$/.exec(line)?.[1] ?? '';
  const first = /^\s*(\S+)/.exec(line)?.[1] ?? '';
  let cmd: CommandName | undefined;
  try {
    cmd = resolveCommandName(first.replace(/\/.*$/, ''));
  } catch {
    return [[], word];
  }
  if (cmd === 'info' && /^\s*\S+\s+\S*$/.test(line))
    return [INFO_SUBCOMMANDS.filter((s) => s.startsWith(word.toLowerCase())), word];
  if (word.startsWith('$')) {
    const regs = [...Array.from({ length: 31 }, (_, i) => `$x${i}`), ...Array.from({ length: 31 }, (_, i) => `$w${i}`)];
    regs.push('$sp', '$pc', '$fp', '$lr', '$cpsr');
    return [regs.filter((r) => r.startsWith(word)), word];
  }
  if (word === '') return [[], word];
  const out = new Set<string>();
  for (const s of symbols()) if (s.startsWith(word)) out.add(s);
  return [[...out].sort().slice(0, 200), word];
}
