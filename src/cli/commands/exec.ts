/**
 * `orc-sandbox exec [--engine ts|unicorn] [--max-insns N] [--seed S] [--trace syscalls] <elf> [-- args…]`:
 * run a static AArch64 Linux executable in user mode. The exit status is the program's; a fatal
 * signal gives 128 + its number (SIGSEGV 139, SIGILL 132, SIGTRAP 133) with the reason on stderr.
 * Running out of --max-insns is reported as InstructionBudgetExceeded (status 1, as any error).
 */
import { readFileSync } from 'node:fs';
import type { EngineKind } from '../../emu/engine.ts';
import { execElf } from '../../emu/linux/process.ts';
import { CliError, intOption, parseArgs } from '../args.ts';
import { execGdb } from '../gdb.ts';
import type { Command } from '../main.ts';

function readStdin(): Uint8Array {
  if (process.stdin.isTTY) return new Uint8Array(0);
  try {
    return new Uint8Array(readFileSync(0));
  } catch {
    return new Uint8Array(0);
  }
}

export const command: Command = {
  summary: 'run a static AArch64 Linux ELF executable (user mode: loader, stack, syscalls)',
  usage:
    'orc-sandbox exec [--engine ts|unicorn] [--max-insns N] [--seed S] [--trace syscalls] [--gdb [HOST:]PORT] <elf> [-- args…]',
  async run(argv) {
    const p = parseArgs(argv, {
      engine: { value: true },
      'max-insns': { value: true },
      seed: { value: true },
      trace: { value: true, repeat: true },
      gdb: { value: true },
    });
    const engine = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
    if (engine !== 'ts' && engine !== 'unicorn') throw new CliError(`--engine must be ts or unicorn, got '${engine}'`);
    const traces = p.options.get('trace') ?? [];
    for (const t of traces) if (t !== 'syscalls') throw new CliError(`--trace supports 'syscalls', got '${t}'`);
    if (p.positionals.length !== 1)
      throw new CliError('give exactly one ELF executable (program arguments go after --)');
    const file = (p.positionals[0] as { value: string }).value;
    const maxInsns = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
    const seed = intOption(p, 'seed', 0);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
    }
    const gdb = p.options.get('gdb')?.[0];
    if (gdb !== undefined)
      return execGdb(bytes, file, gdb, { engine, args: p.rest, seed, maxInsns, stdin: readStdin(), traces });
    const result = await execElf(bytes, file, {
      engine,
      args: p.rest,
      seed,
      maxInsns,
      stdin: readStdin(),
      stdout: (b) => process.stdout.write(b),
      stderr: (b) => process.stderr.write(b),
      traceSyscalls: traces.length > 0 ? (line) => process.stderr.write(`${line}\n`) : undefined,
    });
    const t = result.termination;
    if (t.kind === 'signal') {
      process.stderr.write(
        `orc-sandbox exec: program killed by ${t.signalName} (status ${result.status}): ${t.reason}\n`,
      );
    }
    return result.status;
  },
};
