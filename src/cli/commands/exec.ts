/**
 * `orc-sandbox exec [opts] <elf> [-- args…]`: run a static AArch64 Linux executable in user mode.
 * The exit status is the program's; a fatal signal gives 128 + its number (SIGSEGV 139, SIGILL 132,
 * SIGTRAP 133, SIGABRT 134, SIGPIPE 141) with the reason on stderr for faults. Running out of
 * --max-insns is reported as InstructionBudgetExceeded (status 1, as any error).
 *
 * The guest sees no host file system except `--mount HOST:GUEST[:ro|rw]` directories (read-only
 * unless `:rw`), plus virtual /dev/null, /dev/zero, /dev/urandom (seeded), /dev/tty and
 * /proc/self/exe. Its environment is DEFAULT_ENV unless `--env K=V` (added, repeatable) or
 * `--inherit-env` (the host's environment) say otherwise. `--nproc N` is the CPU count it is told
 * (sched_getaffinity, `nproc`): 1 by default on every host, where qemu-user reports the host's.
 */
import { readFileSync, statSync } from 'node:fs';
import type { EngineKind } from '../../emu/engine.ts';
import type { Mount } from '../../emu/linux/fs.ts';
import { DEFAULT_CPUS, MAX_CPUS } from '../../emu/linux/kernel.ts';
import { NodeHostFs, nodeOutput, nodeStdin } from '../../emu/linux/node-host.ts';
import { execElf } from '../../emu/linux/process.ts';
import { CliError, flag, intOption, type OptionTable, parseArgs } from '../args.ts';
import { execGdb } from '../gdb.ts';
import type { Command } from '../main.ts';
import { DEFAULT_PROGRAM_ENV, parseMountOptions, programEnvironment } from '../run-options.ts';

/** The environment a program gets by default: small and the same on every host. */
/** The guest's environment unless --env/--inherit-env say otherwise (run --sysroot's too). */
export const DEFAULT_ENV = DEFAULT_PROGRAM_ENV;

function parseSize(text: string): number {
  const m = /^(\d+)([kKmMgGtT]?)(i?[bB])?$/.exec(text);
  if (!m) throw new CliError(`--memory-limit wants a size like 512M or 4G, got '${text}'`);
  const mult: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
  return Number(m[1]) * (mult[(m[2] ?? '').toLowerCase()] as number);
}

const OPTIONS: OptionTable = {
  engine: { value: true, valueName: 'ts|unicorn', description: 'emulator engine (default ts)' },
  'max-insns': {
    value: true,
    valueName: 'N',
    description: 'instruction budget over all threads; running out ends with InstructionBudgetExceeded (status 1)',
  },
  seed: {
    value: true,
    valueName: 'S',
    description: 'seed of the thread scheduler, /dev/urandom and getrandom (default 0): same seed, same run',
  },
  trace: { value: true, repeat: true, valueName: 'syscalls', description: 'print every system call on stderr' },
  mount: {
    value: true,
    repeat: true,
    valueName: 'HOST:GUEST[:ro|rw]',
    description:
      'show host directory HOST at GUEST in the guest (read-only unless :rw); nothing else of the host is visible',
  },
  env: {
    value: true,
    repeat: true,
    valueName: 'K=V',
    description: `set K in the guest's environment (default environment: ${DEFAULT_ENV.join(' ')})`,
  },
  'inherit-env': { description: "start from this process's environment instead of the small default one" },
  'memory-limit': {
    value: true,
    valueName: 'SIZE',
    description: 'guest memory the program may map and touch, e.g. 512M or 4G (default 4G)',
  },
  nproc: {
    value: true,
    valueName: 'N',
    description: `the CPU count the guest is told (sched_getaffinity, nproc; 1 to ${MAX_CPUS}, default ${DEFAULT_CPUS} on every host: the scheduler runs one task at a time)`,
  },
  cwd: {
    value: true,
    valueName: 'DIR',
    description: "the guest's working directory (default: the first mount's GUEST, else /)",
  },
  gdb: {
    value: true,
    valueName: '[HOST:]PORT',
    description: 'stop at the entry point and serve gdb (target remote) on HOST:PORT (0: any port)',
  },
};

export const command: Command = {
  summary: 'run a static AArch64 Linux ELF executable (user mode: processes, threads, pipes, signals, mounts)',
  usage: 'orc-sandbox exec [options] <elf> [-- args…]',
  description: `Runs the executable in emulated Linux user mode; program arguments go after --. The exit status is
the program's; a fatal signal gives 128 + its number (SIGSEGV 139, SIGILL 132, SIGABRT 134) with the
reason on stderr for faults. The guest sees only --mount directories plus /dev/null, /dev/zero,
/dev/urandom (seeded), /dev/tty and /proc/self/exe.`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox exec ./hello -- world', explanation: 'run ./hello with argv[1] = world' },
    {
      command: 'npx orc-sandbox exec --mount .:/work:rw --cwd /work --seed 3 ./tool',
      explanation: 'give the program the current directory (writable) as /work, with scheduler seed 3',
    },
    {
      command: 'npx orc-sandbox exec --trace syscalls --max-insns 1000000 ./prog',
      explanation: 'print its system calls and stop after a million instructions',
    },
  ],
  async run(argv) {
    const p = parseArgs(argv, OPTIONS);
    const engine = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
    if (engine !== 'ts' && engine !== 'unicorn') throw new CliError(`--engine must be ts or unicorn, got '${engine}'`);
    const traces = p.options.get('trace') ?? [];
    for (const t of traces) if (t !== 'syscalls') throw new CliError(`--trace supports 'syscalls', got '${t}'`);
    if (p.positionals.length !== 1)
      throw new CliError('give exactly one ELF executable (program arguments go after --)');
    const file = (p.positionals[0] as { value: string }).value;
    const maxInsns = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
    const seed = intOption(p, 'seed', 0);
    const mounts = parseMountOptions(p.options.get('mount') ?? []);
    const env = programEnvironment(
      flag(p, 'inherit-env') ? Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`) : DEFAULT_ENV,
      p.options.get('env') ?? [],
    );
    const cpus = p.options.has('nproc') ? intOption(p, 'nproc', DEFAULT_CPUS) : undefined;
    if (cpus !== undefined && (cpus < 1 || cpus > MAX_CPUS))
      throw new CliError(`--nproc wants a CPU count from 1 to ${MAX_CPUS}, got ${cpus}`);
    const memoryLimit = p.options.has('memory-limit') ? parseSize(p.options.get('memory-limit')?.[0] ?? '') : undefined;
    let bytes: Uint8Array;
    try {
      const st = statSync(file);
      if (!st.isFile()) {
        const what = st.isDirectory()
          ? 'a directory'
          : st.isCharacterDevice() || st.isBlockDevice()
            ? 'a device'
            : 'not a regular file';
        throw new CliError(`cannot run '${file}': ${what}`);
      }
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
    }
    const gdb = p.options.get('gdb')?.[0];
    const stdin = nodeStdin(0);
    try {
      const options = {
        engine,
        args: p.rest,
        env,
        seed,
        maxInsns,
        memoryLimit,
        cpus,
        mounts,
        hostFs: mounts.length > 0 ? new NodeHostFs() : undefined,
        cwd: p.options.get('cwd')?.[0] ?? (mounts.length > 0 ? (mounts[0] as Mount).guest : '/'),
        input: stdin,
        stdout: nodeOutput(1),
        stderr: nodeOutput(2),
      };
      // Under gdb the program runs on the same Linux user mode with the same options.
      if (gdb !== undefined) return await execGdb(bytes, file, gdb, { ...options, traces });
      const result = await execElf(bytes, file, {
        ...options,
        traceSyscalls: traces.length > 0 ? (line) => process.stderr.write(`${line}\n`) : undefined,
      });
      const t = result.termination;
      // Faults are explained; a signal the program sent itself (abort, SIGPIPE) is silent, as in a shell.
      if (t.kind === 'signal' && !t.reason.startsWith('killed by')) {
        process.stderr.write(
          `orc-sandbox exec: program killed by ${t.signalName} (status ${result.status}): ${t.reason}\n`,
        );
      }
      return result.status;
    } finally {
      stdin.close?.();
    }
  },
};
