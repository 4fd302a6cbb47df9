/**
 * `orc-sandbox run`: links objects into an ORC session (JITDylibs main → Platform → Process),
 * lazily where an input is preceded by `-lazy`, and runs the entry point on the emulator; the exit
 * status is the program's. The emulated thread parks while the host resolves a lazy function.
 */
import { readFileSync } from 'node:fs';
import { createEngine, type EngineKind } from '../../emu/engine.ts';
import { installLinuxSyscalls, programFault, readProcessStdin } from '../../executor/host/linux.ts';
import type { ExecutorProcessControl } from '../../orc/epc/epc.ts';
import { formatLazyTrace, OrcSandbox } from '../../orc/platform/sandbox.ts';
import { CliError, flag, intOption, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

const TRACE_KINDS = ['lazy'] as const;

export interface RunCliOptions {
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Name of an input in diagnostics and `Linking …` lines (default: the path as given). */
  displayName?: (file: string) => string;
  /** What the program's read(0) syscalls see (default: this process's stdin, read on first use). */
  stdin?: Uint8Array;
  /** `--executor worker|in-process-epc`: sees the executor control once it is up (tests). */
  onExecutor?: (epc: ExecutorProcessControl) => void;
}

export async function runCommand(argv: string[], io: RunCliOptions = {}): Promise<number> {
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
    },
    ['lazy'],
  );
  const entry = p.options.get('entry')?.[0] ?? 'main';
  const engineKind = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
  if (engineKind !== 'ts' && engineKind !== 'unicorn') throw new CliError(`--engine must be ts or unicorn`);
  const seedText = p.options.get('seed')?.[0];
  const seed = seedText === undefined ? undefined : intOption(p, 'seed', 0);
  const maxInsns = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
  const traces = new Set<string>();
  for (const t of p.options.get('trace') ?? []) {
    for (const k of t.split(',')) {
      if (!(TRACE_KINDS as readonly string[]).includes(k))
        throw new CliError(`--trace: unknown kind '${k}' (supported: ${TRACE_KINDS.join(', ')})`);
      traces.add(k);
    }
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

  const executor = p.options.get('executor')?.[0] ?? 'in-process';
  if (executor === 'worker' || executor === 'in-process-epc') {
    // The session in this thread, the engine behind an ExecutorProcessControl (src/orc/remote).
    const { runWithEpc } = await import('../../orc/remote/run-worker.ts');
    return runWithEpc({
      executor,
      engine: engineKind,
      seed,
      entry,
      abs,
      inputs: p.positionals.map(({ value, flags }) => ({ file: value, lazy: flags.has('lazy') })),
      showLinkedFiles: flag(p, 'show-linked-files'),
      traceLazy: traces.has('lazy'),
      noexec: flag(p, 'noexec'),
      argv: [p.positionals[0]?.value ?? 'a.out', ...p.rest],
      maxInstructions: maxInsns,
      write,
      writeErr,
      displayName: io.displayName,
      onExecutor: io.onExecutor,
      stdin: io.stdin,
    });
  }
  if (executor !== 'in-process') throw new CliError('--executor must be in-process, worker or in-process-epc');
  const engine = await createEngine(engineKind, seed === undefined ? {} : { seed });
  const sandbox = await OrcSandbox.create({
    engine,
    seed,
    ...(flag(p, 'show-linked-files') ? { showLinkedFiles: write } : {}),
    ...(traces.has('lazy') ? { traceLazy: (ev) => writeErr(formatLazyTrace(ev)) } : {}),
    ...(io.write ? { stdout: (b: Uint8Array) => write(new TextDecoder().decode(b)) } : {}),
    ...(io.writeErr ? { stderr: (b: Uint8Array) => writeErr(new TextDecoder().decode(b)) } : {}),
  });
  sandbox.defineAbsolutes(abs);
  // Host read() sees the given input, or this process's stdin read on first use (as syscalls do).
  sandbox.host.stdin = io.stdin ?? readProcessStdin;
  installLinuxSyscalls(sandbox, { seed, stdin: io.stdin }); // raw `svc #0` syscalls (see orc/host/linux.ts)
  for (const { value: file, flags } of p.positionals) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
    }
    sandbox.addObject(bytes, io.displayName ? io.displayName(file) : file, { lazy: flags.has('lazy') });
  }
  if (flag(p, 'noexec')) {
    await sandbox.link(entry);
    return 0;
  }
  const argv0 = p.positionals[0]?.value ?? 'a.out';
  const result = await sandbox
    .run(entry, { argv: [argv0, ...p.rest], maxInstructions: maxInsns })
    .catch(programFault(sandbox.host, writeErr)); // a fault/trap ends the run as a signal status (139, 133, …)
  return result.status;
}

export const command: Command = {
  summary: 'link objects with the ORC layer (lazily after -lazy) and run them on the emulator',
  usage:
    'orc-sandbox run [--entry SYM] [--engine ts|unicorn] [--abs name=addr]… [--show-linked-files] [--trace lazy] [--max-insns N] [--seed S] [--executor in-process|worker] [--noexec] main.o [-lazy] a.o … [-- args]',
  run: (argv) => runCommand(argv),
};
