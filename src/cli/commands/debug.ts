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
import type { OrcSession } from '../../orc/session/session.ts';
import { CliError } from '../args.ts';
import { runSessionUnderGdb } from '../gdb.ts';
import type { Command } from '../main.ts';
import {
  openRunSession,
  parseRunInvocation,
  RUN_OPTIONS,
  type RunOptionSpec,
  readProcessStdin,
  runInvocation,
} from '../run-options.ts';

/** debug's own options, beside the run family's. */
const DEBUG_OPTIONS: Readonly<Record<string, RunOptionSpec>> = {
  commands: {
    value: true,
    valueName: 'FILE',
    description:
      'run the debugger commands of FILE (one a line, # comments) and print a transcript instead of prompting',
  },
};

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

export async function debugCommand(argv: string[], io: DebugCliOptions = {}): Promise<number> {
  const write = io.write ?? ((s: string) => process.stdout.write(s));
  const writeErr = io.writeErr ?? ((s: string) => process.stderr.write(s));
  const inv = parseRunInvocation(argv, DEBUG_OPTIONS, {
    displayName: io.displayName,
    stdin: io.stdin ?? new Uint8Array(),
  });
  let script: string[] | undefined = io.commands;
  const commandsFile = inv.extra.get('commands')?.[0];
  if (commandsFile !== undefined) {
    try {
      script = readFileSync(commandsFile, 'utf8').split(/\r?\n/);
    } catch (e) {
      throw new CliError(`cannot read '${commandsFile}': ${(e as Error).message}`);
    }
  }
  // The terminal belongs to the debugger's prompt; a script leaves fd 0 to the program, as `run`.
  if (io.stdin === undefined && script !== undefined && commandsFile !== undefined)
    inv.session.stdin = inv.session.executor === 'worker' ? 'process' : readProcessStdin;
  const out = io.programStdout ?? write;
  const open = () => openRunSession(inv, { write: out, writeErr });
  // --gdb: gdb is the debugger (the prompt and --commands are not used).
  if (inv.gdb !== undefined) {
    const session = await open();
    try {
      return await runSessionUnderGdb(session, inv.entry, inv.argv, inv.gdb, writeErr, (debug) =>
        runInvocation(session, inv, writeErr, debug),
      );
    } finally {
      await session.close();
    }
  }
  const control = await DebugControl.create({
    open,
    entry: inv.entry,
    argv: inv.argv,
    maxInstructions: inv.session.maxInstructions,
    // --sysroot: the program is a Linux process started at _start (its C runtime's start-up).
    ...(inv.sysroot ? { run: (session, debug) => runInvocation(session as OrcSession, inv, writeErr, debug) } : {}),
  });
  const dbg = new Debugger(control, {
    write,
    argv: inv.argv,
    readSource: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  try {
    await control.link();
    if (inv.noexec) return 0;
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
  usage: 'orc-sandbox debug [run options] [--commands FILE] main.o [-lazy] a.o … [-- args]',
  description: `Links the inputs as run does and opens a (orc) prompt: breakpoints, watchpoints, stepping,
registers and memory, stub states and lazy-link events ('help' lists the commands; Ctrl-C stops the
running program). With --gdb, gdb-multiarch is the debugger instead. See docs/debugger.md.`,
  options: { ...RUN_OPTIONS, ...DEBUG_OPTIONS },
  examples: [
    {
      command: 'npx orc-sandbox debug main.o -lazy greet.o',
      explanation: "interactive: try 'break greet', 'run', 'bt', 'stubs'",
    },
    {
      command: 'npx orc-sandbox debug --commands script.txt main.o -lazy greet.o',
      explanation: 'run the commands of script.txt and print the transcript',
    },
    {
      command: 'npx orc-sandbox debug --sysroot /usr/aarch64-linux-gnu main.o -lazy lib.o',
      explanation: "a program on the sysroot's glibc, started at _start: 'break f', 'run', 'bt'",
    },
    {
      command: 'npx orc-sandbox debug --gdb 1234 main.o -lazy greet.o',
      explanation: 'then in gdb-multiarch: target remote :1234',
    },
  ],
  run: (argv) => debugCommand(argv),
};
