/**
 * Linux system calls and fatal signals for programs linked by `orc-sandbox run` without --sysroot.
 *
 * Objects that issue raw `svc #0` calls (the corpus runtime's write, read, exit_group, brk, mmap…)
 * get the kernel of `exec`, LinuxSystem (src/emu/linux/kernel.ts), adopting the session's engine
 * (`adopt`): the same system calls, errno values, fd table (pipes, dup, fcntl, /dev/null…),
 * identities, virtual clock, signals (kill/tgkill to itself, handlers with real frames, SIGPIPE)
 * and exit statuses. What differs is the run loop: the executor's (host libc functions, its
 * pthreads, lazy reentry, the debugger) drives the engine, so the kernel has one task and
 * clone/execve are ENOSYS here (`run --sysroot` is a whole LinuxSystem process, linux-process.ts).
 *
 * * The kernel's address space knows every mapping of the engine (JIT segments, the stack, the host
 *   heap and gates), so a write(1, buf, n) from any of them works, and it owns two areas nobody
 *   else maps: the program break from `brk` (grows up) and the top-down mmap area below
 *   `mmapTop`. The defaults lie far above the JIT slab (0x1000_0000 up), the host heap
 *   (0x4000_0000) and the run stack (below 0x7ff0_0000).
 * * exit / exit_group end the run at once with that status (ProgramExit 'exit'; host atexit handlers
 *   do not run, as under Linux); a fatal signal ends it with 128 + signal (ProgramKilled). read(0)
 *   reads the host's stdin cursor, shared with the host libc's read/fgets/getchar.
 * * The layer is an `intr` hook (the ts engine keeps its translation tier with it); with a sandbox
 *   it is installed only once a linked graph contains an `svc` instruction (the controller's
 *   svc detector, src/orc/session/svc-detector.ts, asks the executor for it). Calls run inside
 *   the hook (LinuxSystem.embeddedSyscall).
 *
 * Fatal faults and traps: `programFault` turns the engine's typed errors into the status a shell
 * reports (128 + signal: SIGSEGV 139, SIGTRAP 133, SIGILL 132, SIGBUS 135, SIGKILL 137 past the
 * memory limit) with the precise reason on stderr, as `orc-sandbox exec` does.
 */
import { type Engine, INTNO_BRK, INTNO_HVC, INTNO_SVC, type MemRegion } from '../../emu/engine.ts';
import {
  AlignmentFault,
  EmuError,
  MemoryFault,
  OutOfMemory,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../../emu/errors.ts';
import { USER_ADDRESS_LIMIT } from '../../emu/linux/elf.ts';
import type { HostInput } from '../../emu/linux/host.ts';
import { LinuxSystem } from '../../emu/linux/kernel.ts';
import { SIG, signalName } from '../../emu/linux/signals.ts';
import { AddressSpace } from '../../emu/linux/vm.ts';
import { ProgramExit, ProgramKilled } from './errors.ts';
import type { ProcessHost } from './process.ts';
import type { ProgramResult } from './runner.ts';

export const RUN_LINUX_LAYOUT = {
  /** Initial program break (the brk area grows up from here). */
  brk: 0x10_0000_0000,
  mmapBottom: 0x20_0000_0000,
  mmapTop: 0x40_0000_0000,
};

export interface LinuxSyscallOptions {
  /** Bytes read(0) returns, or a function giving them on the first read (default: end of file). */
  stdin?: Uint8Array | (() => Uint8Array) | undefined;
  /** Seed of getrandom (default 0). */
  seed?: number | undefined;
  /** One line per syscall. */
  trace?: ((line: string) => void) | undefined;
  layout?: Partial<typeof RUN_LINUX_LAYOUT>;
  /** The program's path in the guest (/proc/self/exe's target; default /a.out). */
  guestPath?: string;
}

/** An address space that also sees what others mapped on the engine (JIT memory, stack, host heap). */
export class SharedAddressSpace extends AddressSpace {
  private regions: MemRegion[] | null = null;

  /** Forget the cached engine map (its mappings change between syscalls). */
  refresh(): void {
    this.regions = null;
  }
  private engineRegions(): MemRegion[] {
    this.regions ??= this.engine.memRegions();
    return this.regions;
  }
  override protAt(address: number): number | undefined {
    const own = super.protAt(address);
    if (own !== undefined) return own;
    for (const r of this.engineRegions()) if (address >= r.begin && address < r.end) return r.perms;
    return undefined;
  }
  override isMapped(address: number): boolean {
    return this.protAt(address) !== undefined;
  }
  override isFree(address: number, size: number): boolean {
    if (!super.isFree(address, size)) return false;
    return !this.engineRegions().some((r) => r.begin < address + size && address < r.end);
  }
  override map(address: number, size: number, prot: number): void {
    super.map(address, size, prot);
    this.regions = null;
  }
  override unmap(address: number, size: number): void {
    super.unmap(address, size);
    this.regions = null;
  }
  override protect(address: number, size: number, prot: number): void {
    super.protect(address, size, prot);
    this.regions = null;
  }
}

/** The Linux layer of one session: the kernel of `exec` (LinuxSystem) adopting the session's engine. */
export class RunSyscalls {
  /** The kernel; a fresh one (same address space and break) once a program ended in it. */
  kernel: LinuxSystem;
  readonly space: SharedAddressSpace;
  installed = false;
  private readonly layout: typeof RUN_LINUX_LAYOUT;

  constructor(
    readonly host: ProcessHost,
    private readonly options: LinuxSyscallOptions = {},
  ) {
    this.layout = { ...RUN_LINUX_LAYOUT, ...options.layout };
    const stdin = options.stdin;
    if (stdin !== undefined && host.stdin === undefined) host.stdin = stdin;
    this.space = new SharedAddressSpace(host.engine, USER_ADDRESS_LIMIT);
    this.kernel = this.boot(this.layout.brk);
  }

  /** A kernel adopting the engine; the program break continues at `brk`. */
  private boot(brk: number): LinuxSystem {
    const host = this.host;
    const kernel = new LinuxSystem({
      newEngine: () => {
        throw new EmuError('run without --sysroot has one process: no engine for another');
      },
      // The host's stdin cursor: read(0) and the host libc's fgets/getchar/read share one stream.
      stdin: hostStdin(host),
      // Through the host's sinks, so printf (host) and write(1) (syscall) share one ordered stream.
      stdout: { write: (b) => host.stdout(b) },
      stderr: { write: (b) => host.stderr(b) },
      seed: this.options.seed ?? 0,
      ...(this.options.trace ? { trace: this.options.trace } : {}),
    });
    const proc = kernel.adopt(host.engine, this.space, {
      guestPath: this.options.guestPath ?? '/a.out',
      brk: this.layout.brk,
      mmapTop: this.layout.mmapTop,
    });
    proc.brkCur = brk;
    return kernel;
  }

  /** Adds the `intr` hook to the engine (idempotent). */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    const e = this.host.engine;
    e.hookAdd('intr', (intno) => this.onInterrupt(e, intno));
    return this;
  }

  private onInterrupt(e: Engine, intno: number): void {
    if (intno !== INTNO_SVC) {
      // What the engine does without a hook: a typed error (see programFault).
      const pc = e.getPc();
      throw new UnhandledException(intno, intno === INTNO_HVC ? pc - 4 : pc);
    }
    this.space.refresh();
    const t = this.kernel.embeddedSyscall();
    this.space.refresh();
    if (t === undefined) return;
    // The session may run code again (another run, a call): it meets a new process.
    this.kernel = this.boot(this.kernel.init.brkCur);
    if (t.kind === 'exit') throw new ProgramExit(t.status, 'exit');
    throw new ProgramKilled(t.signal, t.reason);
  }
}

/** The host's stdin (ProcessHost.readStdin) as the kernel's input: all there, never 'again'. */
function hostStdin(host: ProcessHost): HostInput {
  return {
    read: (max) => {
      if (max <= 0) return new Uint8Array(0);
      const b = host.readStdin(max);
      return b.length === 0 ? null : b;
    },
    status: () => (host.stdinLeft() > 0 ? 'data' : 'eof'),
    readable: () => Promise.resolve(),
  };
}

const SVC_MASK = 0xffe0001f;
const SVC_WORD = 0xd4000001;

/** True when `code` holds an `svc #imm` word at a 4-byte aligned offset. */
export function containsSvc(code: Uint8Array): boolean {
  const dv = new DataView(code.buffer, code.byteOffset, code.byteLength);
  for (let o = 0; o + 4 <= code.length; o += 4) if ((dv.getUint32(o, true) & SVC_MASK) >>> 0 === SVC_WORD) return true;
  return false;
}

/** A fatal fault/trap as the signal a Linux process would get; undefined for other errors. */
export function signalOf(e: unknown, engine: Engine): { signal: number; reason: string } | undefined {
  if (e instanceof ProgramKilled) return { signal: e.signal, reason: e.reason };
  // A touch past the engine's memory limit: SIGKILL, as `exec` reports it (Linux's OOM killer).
  if (e instanceof OutOfMemory) return { signal: SIG.SIGKILL, reason: e.message };
  if (e instanceof MemoryFault) {
    const pc = e.pc ?? engine.getPc();
    return {
      signal: SIG.SIGSEGV,
      reason: `${e.kind} ${e.access} fault at 0x${e.address64.toString(16)} (size ${e.size}) by instruction at 0x${pc.toString(16)}`,
    };
  }
  if (e instanceof AlignmentFault) return { signal: SIG.SIGBUS, reason: e.message };
  if (e instanceof UndefinedInstruction) return { signal: SIG.SIGILL, reason: e.message };
  if (e instanceof UnimplementedInstruction)
    return { signal: SIG.SIGILL, reason: `${e.message} (not implemented by the ${engine.kind} engine)` };
  if (e instanceof UnhandledException) {
    if (e.intno === INTNO_BRK)
      return { signal: SIG.SIGTRAP, reason: `breakpoint instruction (brk) at 0x${e.address.toString(16)}` };
    return { signal: SIG.SIGILL, reason: e.message };
  }
  return undefined;
}

/**
 * For `run(...).catch(programFault(host, writeErr))`: a fatal fault/trap becomes the result a shell
 * would report (status 128 + signal, reason 'signal') with
 * `orc-sandbox run: program killed by SIGSEGV (status 139): <reason>` on `writeErr`; any other
 * error is rethrown.
 */
export function programFault(
  host: ProcessHost,
  writeErr: (s: string) => void,
): (e: unknown) => ProgramResult & { signal: number; signalReason: string } {
  return (e) => {
    const s = signalOf(e, host.engine);
    if (!s) throw e;
    host.resetPendingCalls();
    const status = 128 + s.signal;
    writeErr(`orc-sandbox run: program killed by ${signalName(s.signal)} (status ${status}): ${s.reason}\n`);
    return { status, reason: 'signal', instructions: Number.NaN, signal: s.signal, signalReason: s.reason };
  };
}
