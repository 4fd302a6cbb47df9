/**
 * Linux user mode: run a static AArch64 ELF executable on an engine, the way `orc-sandbox exec`
 * does. Output of write(1/2) goes to caller-supplied sinks; the result carries the exit status.
 *
 * Exit status mapping (as a shell reports a process):
 *   exit(n) / exit_group(n)            → n & 0xff
 *   memory fault (unmapped/protection) → 139  (128 + SIGSEGV 11)
 *   undefined instruction, UDF, HVC    → 132  (128 + SIGILL 4)
 *   an instruction the engine does not implement yet → 132 as well (SIGILL, flagged `unimplemented`)
 *   BRK                                → 133  (128 + SIGTRAP 5)
 *   alignment fault (exclusives, sp)   → 135  (128 + SIGBUS 7)
 * A run that reaches `maxInsns` throws `InstructionBudgetExceeded` (an emulator-side stop, not a
 * program status). Same bytes, arguments, stdin and seed: same instruction count and output.
 */
import { type Engine, type EngineKind, INTNO_BRK, INTNO_HVC, INTNO_SVC } from '../engine.ts';
import {
  AlignmentFault,
  InstructionBudgetExceeded,
  MemoryFault,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../errors.ts';
import { createEngine } from '../factory.ts';
import { type ElfExecutable, parseExecutable, USER_ADDRESS_LIMIT } from './elf.ts';
import { buildInitialStack, type InitialStack, type LoadedImage, loadExecutable, mapStack } from './loader.ts';
import { SeededRandom } from './random.ts';
import { LinuxKernel, type OutputSink, SIGBUS, SIGILL, SIGNAL_NAMES, SIGSEGV, SIGTRAP } from './syscalls.ts';
import { AddressSpace } from './vm.ts';

/** Exclusive top of the stack (Linux's TASK_SIZE with 48-bit virtual addresses). */
export const STACK_TOP = USER_ADDRESS_LIMIT;
export const DEFAULT_STACK_SIZE = 8 * 1024 * 1024;
/** mmap allocates top-down below this address (a 128 MiB gap under the stack top). */
export const MMAP_TOP = STACK_TOP - 128 * 1024 * 1024;
export const MMAP_BOTTOM = 0x10000;
/** A `until` address no program can reach (beyond the user address space). */
const NEVER = 2 ** 52 - 4;

export interface ProcessOptions {
  /** Arguments after argv[0]. */
  args?: string[];
  /** argv[0]; defaults to the file name. */
  argv0?: string;
  env?: string[];
  stdin?: Uint8Array;
  stdout?: OutputSink;
  stderr?: OutputSink;
  seed?: number;
  /** Stop with InstructionBudgetExceeded after this many instructions (default: no limit). */
  maxInsns?: number;
  /** One line per syscall (`syscall name(args) = result`). */
  traceSyscalls?: (line: string) => void;
  stackSize?: number;
}

export type ProcessTermination =
  | { kind: 'exit'; status: number }
  | {
      kind: 'signal';
      signal: number;
      signalName: string;
      /** Precise reason: the fault (address, access, pc) or the instruction. */
      reason: string;
      /** True when the engine lacks the instruction (an emulator gap rather than a program bug). */
      unimplemented: boolean;
      error?: Error;
    };

export interface ProcessResult {
  /** The status a shell would report: exit status, or 128 + signal number. */
  status: number;
  termination: ProcessTermination;
  instructions: number;
  syscalls: number;
}

/** A process set up on an engine, ready to run. */
export class LinuxProcess {
  readonly kernel: LinuxKernel;
  readonly space: AddressSpace;
  readonly image: LoadedImage;
  readonly stack: InitialStack;
  private readonly startCount: number;

  constructor(
    readonly engine: Engine,
    readonly exe: ElfExecutable,
    readonly options: ProcessOptions = {},
  ) {
    const seed = options.seed ?? 0;
    const random = new SeededRandom(seed);
    this.space = new AddressSpace(engine, USER_ADDRESS_LIMIT);
    this.image = loadExecutable(this.space, exe);
    const stackSize = options.stackSize ?? DEFAULT_STACK_SIZE;
    const argv0 = options.argv0 ?? exe.file;
    this.stack = buildInitialStack({
      top: STACK_TOP,
      argv: [argv0, ...(options.args ?? [])],
      env: options.env ?? [],
      execfn: argv0,
      random: random.bytes(16),
      image: this.image,
      uid: 1000,
      gid: 1000,
    });
    mapStack(this.space, STACK_TOP, stackSize, this.stack, this.image.executableStack);
    const none: OutputSink = () => {};
    this.kernel = new LinuxKernel(engine, this.space, {
      stdin: options.stdin,
      stdout: options.stdout ?? none,
      stderr: options.stderr ?? none,
      trace: options.traceSyscalls,
      random,
      brk: this.image.brk,
      mmapTop: MMAP_TOP - stackSize,
      mmapBottom: MMAP_BOTTOM,
    });
    // SVC/BRK/HVC end start() (no interrupt hook), so the ts engine keeps translated code running.
    engine.setExceptionStops([INTNO_SVC, INTNO_BRK, INTNO_HVC]);
    engine.setX(31, BigInt(this.stack.sp));
    for (let i = 0; i <= 30; i++) engine.setX(i, 0n);
    engine.setPc(this.image.entry);
    this.startCount = engine.instructionCount();
  }

  /** Runs to the end of the program. Throws InstructionBudgetExceeded when `maxInsns` runs out. */
  run(): ProcessResult {
    const engine = this.engine;
    const budget = this.options.maxInsns;
    let pc = this.image.entry;
    for (;;) {
      const used = engine.instructionCount() - this.startCount;
      if (budget !== undefined && used >= budget) throw new InstructionBudgetExceeded(budget, pc);
      let reason: string;
      try {
        const r =
          budget === undefined
            ? engine.start(pc, NEVER)
            : engine.start(pc, NEVER, { count: Math.max(budget - used, 0) });
        reason = r.reason;
        pc = r.pc;
        if (r.reason === 'exception') {
          if (r.intno === INTNO_SVC) this.kernel.pending = true;
          else this.kernel.onInterrupt(r.intno ?? INTNO_BRK);
        }
      } catch (e) {
        const t = this.fromError(e);
        if (t === undefined) throw e;
        return this.finish(t);
      }
      if (this.kernel.pending) {
        this.kernel.runPending();
        pc = engine.getPc();
        if (this.kernel.termination === undefined) continue;
      }
      const t = this.kernel.termination;
      if (t !== undefined) {
        if (t.kind === 'error') throw t.error;
        if (t.kind === 'exit') return this.finish({ kind: 'exit', status: t.status });
        return this.finish(signal(t.signal, t.reason, false));
      }
      if (reason === 'count') throw new InstructionBudgetExceeded(budget ?? 0, pc);
      // 'stopped' without a termination (someone else stopped the engine) or 'until': go on.
    }
  }

  private finish(termination: ProcessTermination): ProcessResult {
    return {
      status: termination.kind === 'exit' ? termination.status : 128 + termination.signal,
      termination,
      instructions: this.engine.instructionCount() - this.startCount,
      syscalls: this.kernel.syscallCount,
    };
  }

  /** Errors of the engine that a real CPU would turn into a signal to the process. */
  private fromError(e: unknown): ProcessTermination | undefined {
    if (e instanceof MemoryFault) {
      // The message is rebuilt from the fields: an engine may learn the pc after constructing it.
      const pc = e.pc ?? this.engine.getPc();
      const reason = `${e.kind} ${e.access} fault at 0x${e.address64.toString(16)} (size ${e.size}) by instruction at 0x${pc.toString(16)}`;
      return { ...signal(SIGSEGV, reason, false), error: e };
    }
    if (e instanceof AlignmentFault) return { ...signal(SIGBUS, e.message, false), error: e };
    if (e instanceof UndefinedInstruction) return { ...signal(SIGILL, e.message, false), error: e };
    if (e instanceof UnimplementedInstruction)
      return { ...signal(SIGILL, `${e.message} (not implemented by the ${this.engine.kind} engine)`, true), error: e };
    if (e instanceof UnhandledException) {
      const sig = e.intno === 7 ? SIGTRAP : SIGILL;
      return { ...signal(sig, e.message, false), error: e };
    }
    return undefined;
  }
}

function signal(sig: number, reason: string, unimplemented: boolean): Extract<ProcessTermination, { kind: 'signal' }> {
  return { kind: 'signal', signal: sig, signalName: SIGNAL_NAMES[sig] ?? `signal ${sig}`, reason, unimplemented };
}

export interface ExecOptions extends ProcessOptions {
  engine?: EngineKind | Engine;
  /** See ParseOptions.maxImageBytes. */
  maxImageBytes?: number;
}

/** Parses, loads and runs an executable on a fresh engine (or the one given); closes what it opened. */
export async function execElf(bytes: Uint8Array, file: string, options: ExecOptions = {}): Promise<ProcessResult> {
  const exe = parseExecutable(bytes, file, { maxImageBytes: options.maxImageBytes });
  const given = typeof options.engine === 'object' ? options.engine : undefined;
  const engine =
    given ?? (await createEngine((options.engine as EngineKind | undefined) ?? 'ts', { seed: options.seed ?? 0 }));
  try {
    return new LinuxProcess(engine, exe, options).run();
  } finally {
    if (!given) engine.close();
  }
}

export interface CapturedResult extends ProcessResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** `execElf` with stdout/stderr collected into buffers (for tests). */
export async function execElfCaptured(
  bytes: Uint8Array,
  file: string,
  options: ExecOptions = {},
): Promise<CapturedResult> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const r = await execElf(bytes, file, {
    ...options,
    stdout: (b) => out.push(b.slice()),
    stderr: (b) => err.push(b.slice()),
  });
  return { ...r, stdout: concat(out), stderr: concat(err) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}
