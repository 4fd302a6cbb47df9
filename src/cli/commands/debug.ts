/**
 * `orc-sandbox debug [run options] [--commands FILE] <inputs…>`: the program `run` would run, under
 * the gdb-like debugger of src/debug. Interactive (a `(orc)` prompt with history, tab completion of
 * commands and symbols, Ctrl-C interrupting the running program) or scripted: `--commands FILE`
 * runs the file's commands and prints a transcript, each command echoed as `(orc) <cmd>` before its
 * output; the program's output interleaves in order. The exit status is the program's (a fault:
 * 128 + signal, as `run`); 0 when the program never ran to its end.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { complete } from '../../debug/commands.ts';
import { DebugControl } from '../../debug/control.ts';
import { Debugger } from '../../debug/debugger.ts';
import { InterimSession } from '../../debug/interim-session.ts';
import { CliError, flag, intOption, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

export interface DebugCliOptions {
  /** Where transcript, debugger and (by default) program stdout go (default process.stdout). */
  write?: (s: string) => void;
  /** Program stderr (default process.stderr). */
  writeErr?: (s: string) => void;
  /** Program stdout when it should not go to `write` (tests comparing with `run`). */
  programStdout?: (s: string) => void;
  /** Name of an input in diagnostics and `Linking …` lines (default: the path as given). */
  displayName?: (file: string) => string;
  /** Command lines instead of --commands FILE / the terminal. */
  commands?: string[];
  /** What the program's read(0) sees (default: end of file; the terminal belongs to the debugger). */
  stdin?: Uint8Array;
  /** The prompt's terminal (default process.stdin/stdout; tests pass streams with terminal: true). */
  terminal?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; isTTY?: boolean };
}

const TRACE_KINDS = ['lazy'];

export async function debugCommand(argv: string[], io: DebugCliOptions = {}): Promise<number> {
  const write = io.write ?? ((s: string) => process.stdout.write(s));
  const writeErr = io.writeErr ?? ((s: string) => process.stderr.write(s));
  const p = parseArgs(
    argv,
    {
      entry: { value: true },
      engine: { value: true },
      abs: { value: true, repeat: true },
      'show-linked-files': {},
      'max-insns': { value: true },
      seed: { value: true },
      lazy: { aliases: ['-lazy'] },
      trace: { value: true, repeat: true },
      noexec: { aliases: ['-noexec'] },
      executor: { value: true },
      commands: { value: true },
    },
    ['lazy'],
  );
  const entry = p.options.get('entry')?.[0] ?? 'main';
  const engineKind = p.options.get('engine')?.[0] ?? 'ts';
  if (engineKind !== 'ts' && engineKind !== 'unicorn') throw new CliError(`--engine must be ts or unicorn`);
  const executor = p.options.get('executor')?.[0] ?? 'in-process';
  if (executor !== 'in-process') throw new CliError('debug: --executor worker needs the session debug primitives');
  const seed = p.options.has('seed') ? intOption(p, 'seed', 0) : undefined;
  const maxInsns = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
  const traces = new Set<string>();
  for (const t of p.options.get('trace') ?? [])
    for (const k of t.split(',')) {
      if (!TRACE_KINDS.includes(k))
        throw new CliError(`--trace: unknown kind '${k}' (supported: ${TRACE_KINDS.join(', ')})`);
      traces.add(k);
    }
  if (p.positionals.length === 0) throw new CliError('give at least one object file');
  const abs = new Map<string, number>();
  for (const a of p.options.get('abs') ?? []) {
    const m = /^([^=]+)=(0x[0-9a-fA-F]+|\d+)$/.exec(a);
    if (!m) throw new CliError(`--abs expects name=address, got '${a}'`);
    const v = Number(m[2]);
    if (!Number.isSafeInteger(v) || v >= 2 ** 52) throw new CliError(`--abs address out of range: '${a}'`);
    abs.set(m[1] as string, v);
  }
  let script: string[] | undefined = io.commands;
  const commandsFile = p.options.get('commands')?.[0];
  if (commandsFile !== undefined) {
    try {
      script = readFileSync(commandsFile, 'utf8').split(/\r?\n/);
    } catch (e) {
      throw new CliError(`cannot read '${commandsFile}': ${(e as Error).message}`);
    }
  }
  const inputs: { bytes: Uint8Array; name: string; lazy: boolean }[] = [];
  for (const { value: file, flags } of p.positionals) {
    try {
      inputs.push({
        bytes: new Uint8Array(readFileSync(file)),
        name: io.displayName ? io.displayName(file) : file,
        lazy: flags.has('lazy'),
      });
    } catch (e) {
      throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
    }
  }
  const argv0 = p.positionals[0]?.value ?? 'a.out';
  const programArgv = [argv0, ...p.rest];
  const dec = new TextDecoder();
  const out = io.programStdout ?? write;
  const open = async () => {
    const s = await InterimSession.open({
      engine: engineKind,
      seed,
      stdout: (b) => out(dec.decode(b)),
      stderr: (b) => writeErr(dec.decode(b)),
      stdin: io.stdin,
      showLinkedFiles: flag(p, 'show-linked-files') ? write : undefined,
      traceLazy: traces.has('lazy') ? writeErr : undefined,
    });
    s.defineAbsolutes(abs);
    for (const i of inputs) s.addObject(i.bytes, i.name, { lazy: i.lazy });
    return s;
  };
  const control = await DebugControl.create({ open, entry, argv: programArgv, maxInstructions: maxInsns });
  const dbg = new Debugger(control, { write, argv: programArgv });
  try {
    await control.link();
    if (flag(p, 'noexec')) return 0;
    if (script !== undefined) {
      for (const line of script) {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) continue;
        write(`(orc) ${t}\n`);
        if (!(await dbg.execute(t))) break;
      }
    } else await interactive(dbg, write, io.terminal);
    return dbg.exitStatus ?? 0;
  } finally {
    await control.close().catch(() => {});
  }
}

/**
 * The prompt: commands run one at a time (lines typed meanwhile wait); Ctrl-C interrupts a running
 * program (back to the prompt) and does nothing at the prompt, as in gdb; an empty line repeats
 * the last command.
 */
async function interactive(
  dbg: Debugger,
  write: (s: string) => void,
  term: DebugCliOptions['terminal'],
): Promise<void> {
  write("orc-sandbox debugger: 'help' lists the commands; 'run' (or 'start', 'step') starts the program.\n");
  const rl = createInterface({
    input: term?.input ?? process.stdin,
    output: term?.output ?? process.stdout,
    ...(term?.isTTY === undefined ? {} : { terminal: term.isTTY }),
    prompt: '(orc) ',
    historySize: 1000,
    completer: (line: string) => complete(line, () => dbg.control.symbols.names()),
  });
  let busy = false;
  const onInterrupt = (): void => {
    if (busy) dbg.control.interrupt();
    else {
      write('\n');
      rl.prompt();
    }
  };
  rl.on('SIGINT', onInterrupt);
  // Without a terminal (piped input) Ctrl-C arrives as a signal.
  if (!term) process.on('SIGINT', onInterrupt);
  let last = '';
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  rl.on('line', (raw) => {
    queue.push(raw);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    wake?.();
  });
  rl.prompt();
  try {
    for (;;) {
      while (queue.length === 0 && !closed)
        await new Promise<void>((r) => {
          wake = r;
        });
      wake = null;
      const raw = queue.shift();
      if (raw === undefined) break;
      const line = raw.trim() === '' ? last : raw.trim();
      if (line !== '') {
        last = line;
        busy = true;
        const more = await dbg.execute(line);
        busy = false;
        if (!more) break;
      }
      rl.prompt();
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    rl.close();
  }
}

export const command: Command = {
  summary: 'run like `run`, under a gdb-like debugger (breakpoints, watchpoints, stepping, stubs, lazy events)',
  usage:
    'orc-sandbox debug [run options: --entry SYM --engine ts|unicorn --abs name=addr --show-linked-files --trace lazy --max-insns N --seed S --noexec] [--commands FILE] main.o [-lazy] a.o … [-- args]',
  run: (argv) => debugCommand(argv),
};
