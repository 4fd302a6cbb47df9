/**
 * The Linux system call layer of user mode. It is driven by the engine's `intr` hook: on SVC the
 * number is in x8, the arguments in x0–x5, and the result (or a negative errno) goes to x0.
 * Everything is deterministic: the clock is derived from the instruction count, random bytes come
 * from the seeded generator, identities are fixed.
 *
 * A call this layer does not implement answers -ENOSYS (and is traced as such with the
 * `syscalls` trace on). The handler never throws into the engine: an internal error is recorded
 * and the run is stopped, so the caller can rethrow it from outside the engine.
 */
import { type Engine, INTNO_BRK, INTNO_SVC, PROT_READ, PROT_WRITE } from '../engine.ts';
import type { SeededRandom } from './random.ts';
import { syscallArity, syscallName } from './sysnames.ts';
import { type AddressSpace, PAGE, pageUp } from './vm.ts';

export const SYS = {
  ioctl: 29,
  read: 63,
  write: 64,
  writev: 66,
  fstat: 80,
  exit: 93,
  exit_group: 94,
  set_tid_address: 96,
  set_robust_list: 99,
  clock_gettime: 113,
  rt_sigaction: 134,
  rt_sigprocmask: 135,
  uname: 160,
  getpid: 172,
  gettid: 178,
  brk: 214,
  munmap: 215,
  mmap: 222,
  mprotect: 226,
  getrandom: 278,
} as const;

export const ERRNO = {
  EPERM: 1,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  ENOSYS: 38,
} as const;

const ERRNO_NAME: Record<number, string> = Object.fromEntries(Object.entries(ERRNO).map(([k, v]) => [v, k]));

export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGBUS = 7;
export const SIGSEGV = 11;
export const SIGNAL_NAMES: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 11: 'SIGSEGV' };

const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const TCGETS = 0x5401;
const S_IFIFO = 0o010000;

/** Fixed identity reported by uname(2). */
export const UNAME = {
  sysname: 'Linux',
  nodename: 'orc-sandbox',
  release: '6.1.0-orc-sandbox',
  version: '#1 SMP PREEMPT_DYNAMIC',
  machine: 'aarch64',
  domainname: '(none)',
};

/** Virtual time: one instruction is one nanosecond; the realtime clock starts at this epoch second. */
export const REALTIME_EPOCH_SECONDS = 1_700_000_000;
export const MONOTONIC_BASE_SECONDS = 1000;

export type OutputSink = (bytes: Uint8Array) => void;

export interface KernelOptions {
  stdin?: Uint8Array;
  stdout: OutputSink;
  stderr: OutputSink;
  /** Receives one line per traced syscall (no newline). */
  trace?: (line: string) => void;
  random: SeededRandom;
  pid?: number;
  uid?: number;
  gid?: number;
  /** Initial program break (page aligned). */
  brk: number;
  /** Top-down mmap allocation area: [mmapBottom, mmapTop). */
  mmapTop: number;
  mmapBottom: number;
}

export type Termination =
  | { kind: 'exit'; status: number }
  | { kind: 'signal'; signal: number; reason: string }
  | { kind: 'error'; error: unknown };

const U64 = (1n << 64n) - 1n;

export class LinuxKernel {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  private stdinPos = 0;
  private readonly stdin: Uint8Array;
  readonly brkStart: number;
  private brkCur: number;
  /** Set when the program ended (exit, exit_group, fatal signal, internal error). */
  termination: Termination | undefined;
  syscallCount = 0;

  constructor(
    readonly engine: Engine,
    readonly space: AddressSpace,
    readonly options: KernelOptions,
  ) {
    this.pid = options.pid ?? 100;
    this.uid = options.uid ?? 1000;
    this.gid = options.gid ?? 1000;
    this.stdin = options.stdin ?? new Uint8Array(0);
    this.brkStart = options.brk;
    this.brkCur = options.brk;
  }

  /** A system call seen by the hook in deferred mode, waiting for `runPending()`. */
  pending = false;
  private deferred = false;

  /**
   * Installs the `intr` hook on the engine. Deferred mode (what `LinuxProcess` uses): the hook
   * only stops the engine at an SVC, and the caller runs the call with `runPending()` once
   * start() has returned, so every engine reports an exact instruction count to the virtual
   * clock and no guest memory is touched from inside a native callback.
   */
  attach(options: { deferred?: boolean } = {}): void {
    this.deferred = options.deferred ?? false;
    this.engine.hookAdd('intr', (intno) => this.onInterrupt(intno));
  }

  onInterrupt(intno: number): void {
    if (this.termination) {
      this.engine.stop();
      return;
    }
    try {
      if (intno === INTNO_SVC) {
        if (this.deferred) {
          this.pending = true;
          this.engine.stop();
        } else {
          this.syscall();
        }
        return;
      }
      const pc = this.engine.getPc();
      if (intno === INTNO_BRK) this.kill(SIGTRAP, `breakpoint instruction (brk) before pc 0x${pc.toString(16)}`);
      else this.kill(SIGILL, `undefined instruction or exception ${intno} near pc 0x${pc.toString(16)}`);
    } catch (e) {
      this.termination = { kind: 'error', error: e };
      this.engine.stop();
    }
  }

  /** Runs the system call recorded by the hook in deferred mode (outside the engine). */
  runPending(): void {
    if (!this.pending) return;
    this.pending = false;
    this.syscall();
  }

  kill(signal: number, reason: string): void {
    this.termination = { kind: 'signal', signal, reason };
    this.engine.stop();
  }

  get brk(): number {
    return this.brkCur;
  }

  /** Reads x8 and x0–x5, runs the call, writes x0. */
  syscall(): void {
    const e = this.engine;
    const nr = Number(e.getX(8) & 0xffffffffn);
    const args = [e.getX(0), e.getX(1), e.getX(2), e.getX(3), e.getX(4), e.getX(5)];
    this.syscallCount++;
    const implemented = this.dispatch(nr, args);
    const result = implemented === undefined ? -ERRNO.ENOSYS : implemented;
    if (this.options.trace) {
      const name = syscallName(nr) ?? String(nr);
      const shown = args.slice(0, implemented === undefined && syscallName(nr) === undefined ? 6 : syscallArity(nr));
      const text = shown.map(fmtArg).join(', ');
      let res = result < 0 && result >= -4095 ? `-${ERRNO_NAME[-result] ?? -result}` : fmtResult(result);
      if (nr === SYS.exit || nr === SYS.exit_group) res = '?';
      this.options.trace(`syscall ${name}(${text}) = ${res}${implemented === undefined ? ' (unimplemented)' : ''}`);
    }
    if (this.termination) return; // exit: x0 keeps its value, as after a real exit nothing runs.
    e.setX(0, BigInt.asUintN(64, BigInt(result)));
  }

  /** One system call; undefined when not implemented. */
  dispatch(nr: number, a: bigint[]): number | undefined {
    const [a0 = 0n, a1 = 0n, a2 = 0n, a3 = 0n, a4 = 0n, a5 = 0n] = a;
    switch (nr) {
      case SYS.read:
        return this.sysRead(int32(a0), a1, a2);
      case SYS.write:
        return this.sysWrite(int32(a0), a1, a2);
      case SYS.writev:
        return this.sysWritev(int32(a0), a1, int32(a2));
      case SYS.exit:
      case SYS.exit_group:
        this.termination = { kind: 'exit', status: Number(a0 & 0xffn) };
        this.engine.stop();
        return 0;
      case SYS.brk:
        return this.sysBrk(a0);
      case SYS.mmap:
        return this.sysMmap(a0, a1, Number(a2 & 0xffffffffn), Number(a3 & 0xffffffffn), int32(a4), a5);
      case SYS.munmap:
        return this.sysMunmap(a0, a1);
      case SYS.mprotect:
        return this.sysMprotect(a0, a1, Number(a2 & 0xffffffffn));
      case SYS.set_tid_address:
        return this.pid;
      case SYS.set_robust_list:
        return a1 === 24n ? 0 : -ERRNO.EINVAL;
      case SYS.rt_sigaction:
        return this.sysSigaction(int32(a0), a1, a2, a3);
      case SYS.rt_sigprocmask:
        return this.sysSigprocmask(int32(a0), a1, a2, a3);
      case SYS.getrandom:
        return this.sysGetrandom(a0, a1);
      case SYS.clock_gettime:
        return this.sysClockGettime(int32(a0), a1);
      case SYS.getpid:
      case SYS.gettid:
        return this.pid;
      case SYS.uname:
        return this.sysUname(a0);
      case SYS.ioctl: {
        const fd = int32(a0);
        if (fd < 0 || fd > 2) return -ERRNO.EBADF;
        return Number(a1 & 0xffffffffn) === TCGETS ? -ERRNO.ENOTTY : -ERRNO.ENOTTY;
      }
      case SYS.fstat:
        return this.sysFstat(int32(a0), a1);
      default:
        return undefined;
    }
  }

  // ---- guest memory helpers ---------------------------------------------------------------

  /** The range as numbers when every page of it is mapped with `prot`; undefined otherwise (EFAULT). */
  private userRange(address: bigint, length: number, prot: number): number | undefined {
    if (length === 0) return 0;
    if (address > BigInt(this.space.limit)) return undefined;
    const a = Number(address);
    if (a + length > this.space.limit) return undefined;
    for (let p = a - (a % PAGE); p < a + length; p += PAGE) {
      const have = this.space.protAt(p);
      if (have === undefined || (have & prot) !== prot) return undefined;
    }
    return a;
  }

  readUser(address: bigint, length: number): Uint8Array | undefined {
    const a = this.userRange(address, length, PROT_READ);
    if (a === undefined) return undefined;
    return length === 0 ? new Uint8Array(0) : this.engine.memRead(a, length);
  }

  writeUser(address: bigint, data: Uint8Array): boolean {
    const a = this.userRange(address, data.length, PROT_WRITE);
    if (a === undefined) return false;
    if (data.length > 0) this.engine.memWrite(a, data);
    return true;
  }

  // ---- files ----------------------------------------------------------------------------

  private sysRead(fd: number, buf: bigint, count: bigint): number {
    if (fd !== 0) return -ERRNO.EBADF;
    const n = Math.min(Number(count > 0x7ffff000n ? 0x7ffff000n : count), this.stdin.length - this.stdinPos);
    if (n <= 0) return 0;
    const chunk = this.stdin.subarray(this.stdinPos, this.stdinPos + n);
    if (!this.writeUser(buf, chunk)) return -ERRNO.EFAULT;
    this.stdinPos += n;
    return n;
  }

  private sink(fd: number): ((b: Uint8Array) => void) | undefined {
    if (fd === 1) return this.options.stdout;
    if (fd === 2) return this.options.stderr;
    return undefined;
  }

  private sysWrite(fd: number, buf: bigint, count: bigint): number {
    const sink = this.sink(fd);
    if (!sink) return -ERRNO.EBADF;
    if (count > 0x7ffff000n) count = 0x7ffff000n;
    const data = this.readUser(buf, Number(count));
    if (data === undefined) return -ERRNO.EFAULT;
    if (data.length > 0) sink(data);
    return data.length;
  }

  private sysWritev(fd: number, iov: bigint, iovcnt: number): number {
    const sink = this.sink(fd);
    if (!sink) return -ERRNO.EBADF;
    if (iovcnt < 0 || iovcnt > 1024) return -ERRNO.EINVAL;
    const table = this.readUser(iov, iovcnt * 16);
    if (table === undefined) return -ERRNO.EFAULT;
    const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < iovcnt; i++) {
      const base = dv.getBigUint64(i * 16, true);
      const len = dv.getBigUint64(i * 16 + 8, true);
      if (len > 0x7ffff000n - BigInt(total)) return -ERRNO.EINVAL;
      const data = this.readUser(base, Number(len));
      if (data === undefined) return -ERRNO.EFAULT;
      parts.push(data);
      total += data.length;
    }
    const all = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    if (total > 0) sink(all);
    return total;
  }

  private sysFstat(fd: number, statbuf: bigint): number {
    if (fd < 0 || fd > 2) return -ERRNO.EBADF;
    // struct stat of the generic ABI (128 bytes): every standard stream is an anonymous pipe.
    const st = new Uint8Array(128);
    const dv = new DataView(st.buffer);
    dv.setBigUint64(0, 0xcn, true); // st_dev
    dv.setBigUint64(8, BigInt(1000 + fd), true); // st_ino
    dv.setUint32(16, S_IFIFO | 0o600, true); // st_mode
    dv.setUint32(20, 1, true); // st_nlink
    dv.setUint32(24, this.uid, true);
    dv.setUint32(28, this.gid, true);
    dv.setInt32(56, 4096, true); // st_blksize
    return this.writeUser(statbuf, st) ? 0 : -ERRNO.EFAULT;
  }

  // ---- memory ---------------------------------------------------------------------------

  private sysBrk(req: bigint): number {
    const cur = this.brkCur;
    if (req < BigInt(this.brkStart) || req >= BigInt(this.space.limit)) return cur;
    const want = Number(req);
    const oldTop = pageUp(cur);
    const newTop = pageUp(want);
    if (newTop > oldTop) {
      if (!this.space.isFree(oldTop, newTop - oldTop)) return cur;
      this.space.map(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE);
    } else if (newTop < oldTop) {
      this.space.unmap(newTop, oldTop - newTop);
    }
    this.brkCur = want;
    return want;
  }

  private sysMmap(addr: bigint, length: bigint, prot: number, flags: number, fd: number, offset: bigint): number {
    if (length === 0n) return -ERRNO.EINVAL;
    if (length > BigInt(this.space.limit)) return -ERRNO.ENOMEM;
    const len = pageUp(Number(length));
    const type = flags & 3;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== 3) return -ERRNO.EINVAL;
    if (offset % BigInt(PAGE) !== 0n) return -ERRNO.EINVAL;
    if ((flags & MAP_ANONYMOUS) === 0) return fd >= 0 && fd <= 2 ? -ERRNO.ENODEV : -ERRNO.EBADF;
    if ((prot & ~7) !== 0) return -ERRNO.EINVAL;
    const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
    let at: number | undefined;
    if (fixed) {
      if (addr % BigInt(PAGE) !== 0n) return -ERRNO.EINVAL;
      if (addr + BigInt(len) > BigInt(this.space.limit)) return -ERRNO.ENOMEM;
      at = Number(addr);
      if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !this.space.isFree(at, len)) return -ERRNO.EEXIST;
      this.space.unmap(at, len);
    } else {
      if (addr !== 0n && addr + BigInt(len) <= BigInt(this.options.mmapTop)) {
        const hint = Number(addr) - (Number(addr) % PAGE);
        if (hint >= this.options.mmapBottom && this.space.isFree(hint, len)) at = hint;
      }
      at ??= this.space.findFreeTopDown(len, this.options.mmapTop, this.options.mmapBottom);
      if (at === undefined) return -ERRNO.ENOMEM;
    }
    this.space.map(at, len, prot);
    return at;
  }

  private sysMunmap(addr: bigint, length: bigint): number {
    if (addr % BigInt(PAGE) !== 0n || length === 0n) return -ERRNO.EINVAL;
    if (addr + length > BigInt(this.space.limit)) return -ERRNO.EINVAL;
    this.space.unmap(Number(addr), pageUp(Number(length)));
    return 0;
  }

  private sysMprotect(addr: bigint, length: bigint, prot: number): number {
    if (addr % BigInt(PAGE) !== 0n) return -ERRNO.EINVAL;
    if ((prot & ~(7 | 0x01000000 | 0x02000000)) !== 0) return -ERRNO.EINVAL;
    if (length === 0n) return 0;
    if (addr + length > BigInt(this.space.limit)) return -ERRNO.ENOMEM;
    const a = Number(addr);
    const len = pageUp(Number(length));
    if (!this.space.isFullyMapped(a, len)) return -ERRNO.ENOMEM;
    this.space.protect(a, len, prot & 7);
    return 0;
  }

  // ---- signals (accepted, no effect: nothing ever delivers a signal here) -----------------

  private sysSigaction(sig: number, _act: bigint, oldact: bigint, sigsetsize: bigint): number {
    if (sigsetsize !== 8n) return -ERRNO.EINVAL;
    if (sig < 1 || sig > 64 || sig === 9 || sig === 19) return -ERRNO.EINVAL;
    if (oldact !== 0n && !this.writeUser(oldact, new Uint8Array(32))) return -ERRNO.EFAULT;
    return 0;
  }

  private sysSigprocmask(how: number, set: bigint, oldset: bigint, sigsetsize: bigint): number {
    if (sigsetsize !== 8n) return -ERRNO.EINVAL;
    if (set !== 0n && (how < 0 || how > 2)) return -ERRNO.EINVAL;
    if (oldset !== 0n && !this.writeUser(oldset, new Uint8Array(8))) return -ERRNO.EFAULT;
    return 0;
  }

  // ---- time, randomness, identity ---------------------------------------------------------

  private sysGetrandom(buf: bigint, count: bigint): number {
    const n = Number(count > 0x2000000n ? 0x2000000n : count);
    if (n === 0) return 0;
    if (this.userRange(buf, n, PROT_WRITE) === undefined) return -ERRNO.EFAULT;
    this.writeUser(buf, this.options.random.bytes(n));
    return n;
  }

  /** Nanoseconds of virtual time: the instruction count. */
  virtualNanoseconds(): bigint {
    const n = this.engine.instructionCount();
    // An engine that does not count (unicorn with countInstructions: false) keeps time still.
    return BigInt(Number.isFinite(n) ? n : 0);
  }

  private sysClockGettime(clock: number, tp: bigint): number {
    if (clock < 0 || clock > 11 || clock === 8 || clock === 9 || clock === 10) return -ERRNO.EINVAL;
    let ns = this.virtualNanoseconds();
    if (clock === 0 || clock === 5 || clock === 11) ns += BigInt(REALTIME_EPOCH_SECONDS) * 1_000_000_000n;
    else if (clock !== 2 && clock !== 3) ns += BigInt(MONOTONIC_BASE_SECONDS) * 1_000_000_000n;
    const ts = new Uint8Array(16);
    const dv = new DataView(ts.buffer);
    dv.setBigUint64(0, ns / 1_000_000_000n, true);
    dv.setBigUint64(8, ns % 1_000_000_000n, true);
    return this.writeUser(tp, ts) ? 0 : -ERRNO.EFAULT;
  }

  private sysUname(buf: bigint): number {
    const out = new Uint8Array(65 * 6);
    const enc = new TextEncoder();
    const fields = [UNAME.sysname, UNAME.nodename, UNAME.release, UNAME.version, UNAME.machine, UNAME.domainname];
    fields.forEach((f, i) => {
      out.set(enc.encode(f).subarray(0, 64), i * 65);
    });
    return this.writeUser(buf, out) ? 0 : -ERRNO.EFAULT;
  }
}

function int32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

function fmtArg(v: bigint): string {
  const s = BigInt.asIntN(64, v & U64);
  if (s < 0n && s > -4096n) return s.toString();
  return `0x${(v & U64).toString(16)}`;
}

function fmtResult(r: number): string {
  return r >= 0x10000 ? `0x${r.toString(16)}` : String(r);
}
