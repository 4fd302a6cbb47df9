/**
 * `orc-sandbox debug [run options] [--commands FILE] <inputs…>`: the session of `run` (same options,
 * `-lazy`, `--engine`), under the debugger of src/debug. Interactive (a `(orc)` prompt with history)
 * or scripted: `--commands FILE` runs the file's commands and prints a transcript, each command
 * echoed as `(orc) <cmd>` before its output; the program's output interleaves in order.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Debugger } from '../../debug/debugger.ts';
import type { EngineKind } from '../../emu/engine.ts';
import { createEngine } from '../../emu/factory.ts';
import { OrcSandbox } from '../../orc/platform/sandbox.ts';
import { CliError, flag, intOption, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

export interface DebugCliOptions {
  /** Where transcript, debugger and program stdout go (default process.stdout). */
  write?: (s: string) => void;
  /** Program stderr (default process.stderr). */
  writeErr?: (s: string) => void;
  /** Name of an input in diagnostics and `Linking …` lines (default: the path as given). */
  displayName?: (file: string) => string;
  /** Command lines instead of --commands FILE / the terminal. */
  commands?: string[];
}

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
      commands: { value: true },
    },
    ['lazy'],
  );
  const entry = p.options.get('entry')?.[0] ?? 'main';
  const engineKind = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
  if (engineKind !== 'ts' && engineKind !== 'unicorn') throw new CliError(`--engine must be ts or unicorn`);
  const seed = p.options.has('seed') ? intOption(p, 'seed', 0) : undefined;
  const maxInsns = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
  if (p.positionals.length === 0) throw new CliError('give at least one object file');
  const abs = new Map<string, number>();
  for (const a of p.options.get('abs') ?? []) {
    const m = /^([^=]+)=(0x[0-9a-fA-F]+|\d+)$/.exec(a);
    if (!m) throw new CliError(`--abs expects name=address, got '${a}'`);
    abs.set(m[1] as string, Number(m[2]));
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

  const dec = new TextDecoder();
  const engine = await createEngine(engineKind, seed === undefined ? {} : { seed });
  const sandbox = await OrcSandbox.create({
    engine,
    seed,
    ...(flag(p, 'show-linked-files') ? { showLinkedFiles: write } : {}),
    stdout: (b: Uint8Array) => write(dec.decode(b)),
    stderr: (b: Uint8Array) => writeErr(dec.decode(b)),
  });
  sandbox.defineAbsolutes(abs);
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
  const dbg = new Debugger(sandbox, { entry, argv: [argv0, ...p.rest], maxInstructions: maxInsns, write });
  for (const i of inputs) sandbox.addObject(i.bytes, i.name, { lazy: i.lazy });
  await dbg.link();

  if (script !== undefined) {
    for (const line of script) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      write(`(orc) ${t}\n`);
      if (!(await dbg.execute(t))) break;
    }
  } else {
    await interactive(dbg, write);
  }
  return dbg.exitStatus ?? 0;
}

async function interactive(dbg: Debugger, write: (s: string) => void): Promise<void> {
  write("orc-sandbox debugger: 'help' lists the commands; the program starts with 'continue' or 'step'.\n");
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '(orc) ', historySize: 1000 });
  let last = '';
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim() === '' ? last : raw.trim();
    if (line !== '') {
      last = line;
      rl.pause();
      const more = await dbg.execute(line);
      if (!more) break;
      rl.resume();
    }
    rl.prompt();
  }
  rl.close();
}

export const command: Command = {
  summary: 'run like `run`, under a debugger (breakpoints, stepping, stubs, trampolines, lazy events)',
  usage:
    'orc-sandbox debug [run options: --entry SYM --engine ts|unicorn --abs name=addr --show-linked-files --max-insns N --seed S] [--commands FILE] main.o [-lazy] a.o … [-- args]',
  run: (argv) => debugCommand(argv),
};
