/**
 * Linux system calls and fatal signals for programs linked by `orc-sandbox run`.
 *
 * Objects that issue raw `svc #0` calls (the corpus runtime's write, read, exit_group, brk, mmap…)
 * get the Linux syscall layer of `src/emu/linux` on the session's engine:
 *
 * * The kernel's address space knows every mapping of the engine (JIT segments, the stack, the host
 *   heap and gates), so a write(1, buf, n) from any of them works, and it owns two areas nobody
 *   else maps: the program break from `brk` (grows up) and a top-down mmap area
 *   [mmapBottom, mmapTop). The defaults lie far above the JIT slab (0x1000_0000 up), the host heap
 *   (0x4000_0000) and the run stack (below 0x7ff0_0000).
 * * exit / exit_group end the run at once with that status (ProgramExit 'exit'; host atexit handlers
 *   do not run, as under Linux). read(0) reads the given stdin (bytes, or a reader called when the
 *   program first asks; the CLI passes this process's stdin).
 * * The layer is an `intr` hook (the ts engine keeps its translation tier with it); with a sandbox
 *   it is installed only once a linked graph contains an `svc` instruction (the controller's
 *   svc detector, src/orc/session/svc-detector.ts, asks the executor for it).
 *   Syscalls run inside the hook (not deferred as in `exec`): on the unicorn engine the instruction
 *   count seen there lags by the instructions of the current start(), so the virtual clock is
 *   max(instruction count, previous reading + 1 ns) — exact on ts, always advancing on both.
 *
 * Fatal faults and traps: `programFault` turns the engine's typed errors into the status a shell
 * reports (128 + signal: SIGSEGV 139, SIGTRAP 133, SIGILL 132, SIGBUS 135) with the precise reason
 * on stderr, as `orc-sandbox exec` does.
 */
import { type Engine, INTNO_BRK, INTNO_HVC, INTNO_SVC, type MemRegion } from '../../emu/engine.ts';
import {
  AlignmentFault,
  MemoryFault,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../../emu/errors.ts';
import { USER_ADDRESS_LIMIT } from '../../emu/linux/elf.ts';
import { SeededRandom } from '../../emu/linux/random.ts';
import { ERRNO, LinuxKernel, SIGBUS, SIGILL, SIGNAL_NAMES, SIGSEGV, SIGTRAP, SYS } from '../../emu/linux/syscalls.ts';
import { AddressSpace } from '../../emu/linux/vm.ts';
import { ProgramExit } from './errors.ts';
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

/** The kernel with a virtual clock that advances on every reading (see the file comment). */
class RunKernel extends LinuxKernel {
  private lastNs = -1n;
  override virtualNanoseconds(): bigint {
    const now = super.virtualNanoseconds();
    this.lastNs = now > this.lastNs ? now : this.lastNs + 1n;
    return this.lastNs;
  }
}

/** The Linux layer of one session. */
export class RunSyscalls {
  readonly kernel: LinuxKernel;
  readonly space: SharedAddressSpace;
  installed = false;
  private stdinBytes: Uint8Array | undefined;
  private stdinPos = 0;

  constructor(
    readonly host: ProcessHost,
    private readonly options: LinuxSyscallOptions = {},
  ) {
    const layout = { ...RUN_LINUX_LAYOUT, ...options.layout };
    this.space = new SharedAddressSpace(host.engine, USER_ADDRESS_LIMIT);
    this.kernel = new RunKernel(host.engine, this.space, {
      // Through the host's sinks, so printf (host) and write(1) (syscall) share one ordered stream.
      stdout: (b) => host.stdout(b),
      stderr: (b) => host.stderr(b),
      trace: options.trace,
      random: new SeededRandom(options.seed ?? 0),
      brk: layout.brk,
      mmapTop: layout.mmapTop,
      mmapBottom: layout.mmapBottom,
    });
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
    const nr = Number(e.getX(8) & 0xffffffffn);
    if (nr === SYS.exit || nr === SYS.exit_group) {
      this.options.trace?.(`syscall ${nr === SYS.exit ? 'exit' : 'exit_group'}(0x${e.getX(0).toString(16)}) = ?`);
      throw new ProgramExit(Number(e.getX(0) & 0xffn), 'exit');
    }
    this.space.refresh();
    if (nr === SYS.read && Number(BigInt.asIntN(32, e.getX(0))) === 0) {
      e.setX(0, BigInt.asUintN(64, BigInt(this.readStdin(e.getX(1), e.getX(2)))));
      return;
    }
    this.kernel.syscall();
    const t = this.kernel.termination;
    if (t?.kind === 'error') throw t.error;
  }

  private readStdin(buf: bigint, count: bigint): number {
    if (this.stdinBytes === undefined) {
      const s = this.options.stdin;
      this.stdinBytes = s === undefined ? new Uint8Array(0) : typeof s === 'function' ? s() : s;
    }
    const n = Math.min(Number(count > 0x7ffff000n ? 0x7ffff000n : count), this.stdinBytes.length - this.stdinPos);
    if (n <= 0) return 0;
    if (!this.kernel.writeUser(buf, this.stdinBytes.subarray(this.stdinPos, this.stdinPos + n))) return -ERRNO.EFAULT;
    this.stdinPos += n;
    return n;
  }
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
  if (e instanceof MemoryFault) {
    const pc = e.pc ?? engine.getPc();
    return {
      signal: SIGSEGV,
      reason: `${e.kind} ${e.access} fault at 0x${e.address64.toString(16)} (size ${e.size}) by instruction at 0x${pc.toString(16)}`,
    };
  }
  if (e instanceof AlignmentFault) return { signal: SIGBUS, reason: e.message };
  if (e instanceof UndefinedInstruction) return { signal: SIGILL, reason: e.message };
  if (e instanceof UnimplementedInstruction)
    return { signal: SIGILL, reason: `${e.message} (not implemented by the ${engine.kind} engine)` };
  if (e instanceof UnhandledException) {
    if (e.intno === INTNO_BRK)
      return { signal: SIGTRAP, reason: `breakpoint instruction (brk) at 0x${e.address.toString(16)}` };
    return { signal: SIGILL, reason: e.message };
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
    const name = SIGNAL_NAMES[s.signal] ?? `signal ${s.signal}`;
    writeErr(`orc-sandbox run: program killed by ${name} (status ${status}): ${s.reason}\n`);
    return { status, reason: 'signal', instructions: Number.NaN, signal: s.signal, signalReason: s.reason };
  };
}
