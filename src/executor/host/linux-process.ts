/**
 * A JIT'd program as a real Linux process: `run --sysroot` starts the linked image at its ELF
 * entry (`_start`) on the Linux layer of `exec` (src/emu/linux LinuxSystem: processes, threads
 * through clone/futex, signals, files through mounts, the environment), so the C library's own
 * start-up code runs. The engine is the session's: JIT'd memory, the host gates and the
 * JIT dispatch gate stay where they are; the kernel's address space sees them (SharedAddressSpace)
 * and places brk/mmap around them.
 *
 * The image is described, not loaded: the controller has linked everything into executor memory
 * and synthesized program headers there (AT_PHDR/AT_PHNUM); the kernel builds the initial stack
 * (argc, argv, envp, auxv with AT_PHDR, AT_PHNUM, AT_PAGESZ, AT_RANDOM, AT_HWCAP, AT_ENTRY…) from
 * that description as Linux's binfmt_elf would.
 *
 * A lazy first call parks the engine at the JIT dispatch gate; the kernel's loop hands the park to
 * `onParked` (SystemOptions), which waits for the controller's answer and goes on at the gate's
 * return address. The controller may be in this thread or across a worker boundary: only the
 * answer's arrival is awaited, never its timing.
 *
 * A debugged run (`debug`, `run --gdb`) installs the debugger's KernelDebugHooks: the loop pauses
 * where a hook says so and awaits the debugger (`LinuxProcessDebug.paused`) before it goes on.
 */
import type { Engine, HookHandle } from '../../emu/engine.ts';
import type { ElfExecutable } from '../../emu/linux/elf.ts';
import { ET_EXEC, USER_ADDRESS_LIMIT } from '../../emu/linux/elf.ts';
import type { Mount } from '../../emu/linux/fs.ts';
import { bufferInput, type HostFs, type HostInput } from '../../emu/linux/host.ts';
import { type KernelDebugHooks, LinuxSystem } from '../../emu/linux/kernel.ts';
import { signalName } from '../../emu/linux/signals.ts';
import type { Executor, Resumption } from '../executor.ts';
import { RUN_LINUX_LAYOUT, SharedAddressSpace } from './linux.ts';
import type { OutputSink } from './process.ts';
import type { ProgramResult } from './runner.ts';

export interface LinuxImage {
  /** The ELF entry point (`_start`). */
  entry: number;
  /** Executor address of the program header table (AT_PHDR) and its entry count. */
  phdr: number;
  phnum: number;
  /** Bytes of an ELF header + program headers, what /proc/self/exe reads. */
  fileBytes?: Uint8Array;
}

export interface LinuxProcessOptions {
  argv: string[];
  env: string[];
  /** Path of the program in the guest (/proc/self/exe, AT_EXECFN); default argv[0] made absolute. */
  guestPath?: string;
  stdin?: Uint8Array | (() => Uint8Array) | HostInput | undefined;
  stdout: OutputSink;
  stderr: OutputSink;
  mounts?: Mount[];
  hostFs?: HostFs;
  cwd?: string;
  seed?: number;
  maxInstructions?: number;
  /** One line per system call. */
  trace?: (line: string) => void;
  /** Engines for fork/execve (same kind as the session's). */
  newEngine: () => Engine;
  /**
   * Where the first instruction runs instead of the entry: code that returns (x30) to the entry
   * with the initial registers and stack intact (the GDB JIT interface's notify routine).
   */
  startThrough?: number | undefined;
  /** A debugged run: the kernel's loop stops where the debugger says. */
  debug?: LinuxProcessDebug | undefined;
  /** Sees the kernel once it exists (the debugger names the running task's thread). */
  onKernel?: ((kernel: LinuxSystem) => void) | undefined;
}

/** A debugger of a Linux-process run (ExecutorDebug.linuxProcessDebug). */
export interface LinuxProcessDebug {
  /** Installed on the kernel: a hook answering true pauses the loop. */
  hooks: KernelDebugHooks;
  /** The loop paused: report the stop and wait until the debugger resumes. */
  paused(kernel: LinuxSystem): Promise<void>;
  /** Between two engine runs that waited for the host (interrupt requests are seen here). */
  poll(): Promise<void>;
}

/** stdin bytes, or a reader called on the first read, as a HostInput. */
function inputOf(s: LinuxProcessOptions['stdin']): HostInput {
  if (s === undefined) return bufferInput();
  if (s instanceof Uint8Array) return bufferInput(s);
  if (typeof s !== 'function') return s;
  let inner: HostInput | undefined;
  const get = () => {
    inner ??= bufferInput(s());
    return inner;
  };
  return { read: (max) => get().read(max), status: () => get().status(), readable: () => get().readable() };
}

/**
 * Runs the image as the first process of a LinuxSystem on `engine`; the result as `run` reports it
 * (status 128 + signal when a signal ends it, with the reason on stderr).
 */
export async function runLinuxProcess(
  engine: Engine,
  executor: Executor,
  image: LinuxImage,
  options: LinuxProcessOptions,
): Promise<ProgramResult & { syscalls: number }> {
  // Trace watches of parked calls (`--trace lazy`: the lazy body's first instruction), per address
  // the resumptions still waiting for it, oldest first.
  const watches = new Map<number, { hook: HookHandle; waiting: { reached(n: number): void; from: number }[] }>();
  const watch = (e: Engine, w: NonNullable<Resumption['watch']>): void => {
    const entry = { reached: (n: number) => w.reached(n), from: e.instructionCount() };
    const known = watches.get(w.address);
    if (known) {
      known.waiting.push(entry);
      return;
    }
    const hook = engine.hookAdd(
      'block',
      (address) => {
        const next = watches.get(address)?.waiting.shift();
        next?.reached(engine.instructionCount() - next.from);
      },
      { begin: w.address, end: w.address },
    );
    watches.set(w.address, { hook, waiting: [entry] });
  };
  const kernel = new LinuxSystem({
    newEngine: options.newEngine,
    stdin: inputOf(options.stdin),
    stdout: { write: options.stdout },
    stderr: { write: options.stderr },
    ...(options.hostFs ? { hostFs: options.hostFs } : {}),
    ...(options.mounts ? { mounts: options.mounts } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    seed: options.seed ?? 0,
    ...(options.maxInstructions === undefined ? {} : { maxInsns: options.maxInstructions }),
    ...(options.trace ? { trace: options.trace } : {}),
    onParked: async (e) => {
      const pending = executor.takePending();
      if (!pending) throw new Error(`the engine parked at 0x${e.getPc().toString(16)} without a pending answer`);
      const resumption = await pending;
      resumption.apply(e);
      if (resumption.watch) watch(e, resumption.watch);
      // The gate behaves as its `ret`.
      e.setPc(Number(e.getX(30)));
    },
  });
  options.onKernel?.(kernel);
  const exe: ElfExecutable = {
    file: options.argv[0] ?? 'a.out',
    bytes: image.fileBytes ?? new Uint8Array(0),
    type: ET_EXEC,
    entry: image.entry,
    phoff: 0,
    phnum: image.phnum,
    phentsize: 56,
    phdrs: [],
    segments: [],
    lowAddress: 0,
    highAddress: 0,
    phdrVaddr: image.phdr,
    stackFlags: 6, // PF_R | PF_W: no executable stack
    tls: undefined,
  };
  const argv0 = options.argv[0] ?? 'a.out';
  const cwd = options.cwd ?? '/';
  const guestPath =
    options.guestPath ?? (argv0.startsWith('/') ? argv0 : `${cwd === '/' ? '' : cwd}/${argv0.replace(/^(\.\/)+/, '')}`);
  const space = new SharedAddressSpace(engine, USER_ADDRESS_LIMIT);
  const start = engine.instructionCount();
  const proc = kernel.start(engine, exe, options.argv, options.env, guestPath, space);
  // The image maps nothing of its own: the program break lies where `run`'s brk area always was.
  proc.brkStart = RUN_LINUX_LAYOUT.brk;
  proc.brkCur = RUN_LINUX_LAYOUT.brk;
  if (options.startThrough !== undefined) {
    engine.setX(30, BigInt(image.entry));
    engine.setPc(options.startThrough);
  }
  const debug = options.debug;
  if (debug) kernel.debug = debug.hooks;
  executor.enterLoop();
  try {
    for (;;) {
      const w = kernel.advance();
      if (w === undefined) break;
      if (w === 'paused') {
        if (debug) await debug.paused(kernel);
        continue;
      }
      await w;
      if (debug) await debug.poll();
    }
  } finally {
    executor.leaveLoop();
    kernel.debug = undefined;
    for (const w of watches.values()) engine.hookDel(w.hook);
  }
  const t = kernel.result as NonNullable<LinuxSystem['result']>;
  const instructions = engine.instructionCount() - start;
  if (t.kind === 'exit') return { status: t.status, reason: 'exit', instructions, syscalls: kernel.syscalls };
  const status = 128 + t.signal;
  const enc = new TextEncoder();
  options.stderr(
    enc.encode(`orc-sandbox run: program killed by ${signalName(t.signal)} (status ${status}): ${t.reason}\n`),
  );
  return { status, reason: 'signal', instructions, syscalls: kernel.syscalls };
}
