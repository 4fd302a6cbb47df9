/**
 * The debugger's command language: one command per line, names abbreviable to any unique prefix,
 * plus gdb's short forms (b, c, s, n, bt, x, d, i, q). `x/N WHAT` takes its count after a slash.
 */

export type CommandName =
  | 'break'
  | 'delete'
  | 'continue'
  | 'step'
  | 'next'
  | 'finish'
  | 'regs'
  | 'disasm'
  | 'x'
  | 'bt'
  | 'stubs'
  | 'trampolines'
  | 'events'
  | 'info'
  | 'help'
  | 'quit';

export interface CommandSpec {
  name: CommandName;
  args: string;
  help: string;
}

export const COMMAND_SPECS: readonly CommandSpec[] = [
  { name: 'break', args: 'SYMBOL|ADDR', help: 'stop when pc reaches SYMBOL or ADDR (pending until SYMBOL is linked)' },
  { name: 'delete', args: '[N]', help: 'delete breakpoint N (all without N)' },
  { name: 'continue', args: '', help: 'run until a breakpoint or the end of the program' },
  { name: 'step', args: '[N]', help: 'execute N instructions (default 1)' },
  { name: 'next', args: '', help: 'one instruction, stepping over bl/blr calls' },
  { name: 'finish', args: '', help: 'run until the current function returns' },
  { name: 'regs', args: '[v|fp]', help: 'x0–x30, sp, pc, nzcv; v: q0–q31; fp: FPCR/FPSR' },
  { name: 'disasm', args: '[N]', help: 'N instructions around pc (default 9)' },
  { name: 'x', args: '/N ADDR|SYMBOL', help: 'N 8-byte words of memory (default 1)' },
  { name: 'bt', args: '', help: 'backtrace through frame records (and the reentry routine)' },
  { name: 'stubs', args: '', help: 'lazy reexports: alias -> stub -> pointer -> target' },
  { name: 'trampolines', args: '', help: 'reentry trampolines and what they stand for' },
  { name: 'events', args: '', help: 'the lazy event log (reentry, lookup, link, redirect, resume)' },
  { name: 'info', args: 'symbol ADDR | breakpoints', help: 'the symbol at ADDR; the breakpoint list' },
  { name: 'help', args: '', help: 'this list' },
  { name: 'quit', args: '', help: 'leave the debugger (the program is abandoned)' },
];

/** gdb's short forms (they win over prefix matching). */
export const SHORT_FORMS: Readonly<Record<string, CommandName>> = {
  b: 'break',
  br: 'break',
  c: 'continue',
  cont: 'continue',
  s: 'step',
  si: 'step',
  stepi: 'step',
  n: 'next',
  ni: 'next',
  nexti: 'next',
  fin: 'finish',
  bt: 'bt',
  backtrace: 'bt',
  where: 'bt',
  x: 'x',
  d: 'delete',
  i: 'info',
  q: 'quit',
  exit: 'quit',
  h: 'help',
  registers: 'regs',
  dis: 'disasm',
};

export class CommandError extends Error {
  override name = 'CommandError';
}

export interface ParsedCommand {
  name: CommandName;
  /** The words after the command name. */
  args: string[];
  /** The count of `x/N` (undefined when not given). */
  count?: number | undefined;
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
  if (matches.length === 0) throw new CommandError(`unknown command '${word}' (try 'help')`);
  throw new CommandError(`ambiguous command '${word}': ${matches.join(', ')}`);
}

/** Parses one line; undefined for an empty line or a comment. */
export function parseCommand(line: string): ParsedCommand | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const m = /^([A-Za-z]+)(\/(\S*))?(?:\s+(.*))?$/.exec(text);
  if (!m) throw new CommandError(`cannot parse '${text}' (try 'help')`);
  const name = resolveCommandName(m[1] as string);
  let count: number | undefined;
  if (m[2] !== undefined) {
    if (name !== 'x') throw new CommandError(`'/' only follows x (as in x/4 ADDR)`);
    const c = m[3] ?? '';
    const n = /^(\d+)[xg]*$/.exec(c);
    if (!n) throw new CommandError(`x/${c}: the count must be a positive number (x/N ADDR)`);
    count = Number(n[1]);
    if (count < 1 || count > 4096) throw new CommandError(`x/${c}: the count must be between 1 and 4096`);
  }
  const args = (m[4] ?? '').split(/\s+/).filter((a) => a !== '');
  return { name, args, count, text };
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
  const lines = COMMAND_SPECS.map((c) => `  ${`${c.name} ${c.args}`.trim().padEnd(30)} ${c.help}`);
  lines.push('Commands may be abbreviated to a unique prefix; short forms: b c s n bt x d i q.');
  return `${lines.join('\n')}\n`;
}
