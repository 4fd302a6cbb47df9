/**
 * A GdbTarget over an ORC session's executor-level debug primitives (SESSION-API.md: registers,
 * memory, breakpoint and watchpoint sets, resume/interrupt, stops through the observer API), for
 * `run --gdb` and `debug --gdb`. Written against the structural interface below so that the
 * session (src/orc/session) satisfies it without this module importing the controller.
 *
 * The primitives address the stopped thread only: gdb sees that thread (other emulated threads
 * show up once the executor reports per-thread contexts). Breakpoints and watchpoints are kept
 * here as sets and sent whole, as the session takes them.
 */
import { AARCH64_REGISTERS } from './aarch64.ts';
import { buildExecutorElf } from './executor-elf.ts';
import { type GdbTarget, GdbTargetError, type ResumeRequest, type StopEvent, type WatchKind } from './target.ts';

export interface SessionStop {
  reason: 'breakpoint' | 'step' | 'watchpoint' | 'interrupt' | 'fault' | 'exit';
  pc: number;
  thread: number;
  watch?: { address: number; size: number; access: 'read' | 'write' } | undefined;
  fault?: { signal: number; message: string } | undefined;
  status?: number | undefined;
}

export interface SessionRegisters {
  x: bigint[];
  sp: bigint;
  pc: number;
  nzcv: number;
  fpcr: number;
  fpsr: number;
  tpidr_el0: bigint;
  v: bigint[];
}

/** What OrcSession offers (SESSION-API.md), as far as a remote debugger needs it. */
export interface SessionDebugPrimitives {
  readRegisters(): Promise<SessionRegisters>;
  writeRegisters(writes: { name: string; value: bigint }[]): Promise<void>;
  readMemory(address: number, size: number): Promise<Uint8Array>;
  writeMemory(address: number, bytes: Uint8Array): Promise<void>;
  memoryRegions(): Promise<{ begin: number; end: number; perms: number }[]>;
  setBreakpoints(addresses: number[]): Promise<void>;
  setWatchpoints(watchpoints: { address: number; size: number; kind: WatchKind }[]): Promise<void>;
  resume(mode: { kind: 'continue' } | { kind: 'step'; count?: number }): Promise<void>;
  interrupt(): Promise<void>;
  observe(observer: { onStop?(stop: SessionStop): void }): () => void;
  /** The executor's fixed symbols (host functions, JIT dispatch gate, the GDB JIT interface). */
  readonly bootstrap?: {
    processSymbols: readonly { name: string; address: number; flags: number }[];
    threadSymbols?: readonly { name: string; address: number; flags: number }[] | undefined;
    jitDispatch: number;
  };
}

/** Where gdb is told the session's executor file lives (served over vFile, never on disk). */
export const EXECUTOR_FILE_PATH = '/orc-sandbox/executor';
const CALLABLE = 1 << 5;

const SIGINT = 2;
const SIGTRAP = 5;
/** Bytes fetched per memory request while stopped (aligned; clipped to the mapping). */
const READ_CHUNK = 0x4000;

function toBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function fromBytes(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  return v;
}

export class SessionGdbTarget implements GdbTarget {
  private readonly breakpoints = new Set<number>();
  private readonly watchpoints: { address: number; size: number; kind: WatchKind }[] = [];
  private registers: SessionRegisters | undefined;
  private stop: SessionStop | undefined;
  private waiting: ((stop: SessionStop) => void) | undefined;
  private readonly queued: SessionStop[] = [];
  private readonly unsubscribe: () => void;
  /** The signal of the last fault, so that the end of the run it causes reads as a kill (X). */
  private faultSignal = 0;
  private executorFile: { path: string; bytes: Uint8Array } | undefined;
  /**
   * While stopped, memory changes only through gdb's own writes: the map and the chunks read are
   * kept until the program runs again (gdb reads each JIT object registered through the GDB JIT
   * interface in dozens of small pieces, several times; a worker executor answers each request
   * with a message round trip).
   */
  private regionCache: Promise<{ begin: number; end: number; perms: number }[]> | undefined;
  private readonly chunks = new Map<number, Promise<Uint8Array>>();

  constructor(
    private readonly session: SessionDebugPrimitives,
    private readonly options: { kill?: () => void | Promise<void> } = {},
  ) {
    this.unsubscribe = session.observe({
      onStop: (stop) => {
        const w = this.waiting;
        this.waiting = undefined;
        if (w) w(stop);
        else this.queued.push(stop);
      },
    });
  }

  /** Waits for the session's next stop (the first: the entry stop of a run with stopAtEntry). */
  nextStop(): Promise<SessionStop> {
    const q = this.queued.shift();
    const p = q
      ? Promise.resolve(q)
      : new Promise<SessionStop>((resolve) => {
          this.waiting = resolve;
        });
    return p.then((stop) => {
      this.stop = stop;
      this.registers = undefined;
      this.forgetMemory();
      return stop;
    });
  }

  /**
   * The executor's symbols as an ELF file (executor-elf.ts): gdb loads it as the exec file and finds
   * `__jit_debug_register_code` / `__jit_debug_descriptor` in it.
   */
  execFile(): { path: string; bytes: Uint8Array } | undefined {
    const boot = this.session.bootstrap;
    if (!boot) return undefined;
    if (!this.executorFile) {
      const symbols = [...boot.processSymbols, ...(boot.threadSymbols ?? [])].map((s) => ({
        name: s.name,
        address: s.address,
        callable: (s.flags & CALLABLE) !== 0,
      }));
      symbols.push({ name: '__orc_rt_jit_dispatch', address: boot.jitDispatch, callable: true });
      this.executorFile = { path: EXECUTOR_FILE_PATH, bytes: buildExecutorElf(symbols) };
    }
    return this.executorFile;
  }

  detachObserver(): void {
    this.unsubscribe();
  }

  threads(): number[] {
    return this.stop && this.stop.reason !== 'exit' ? [this.stop.thread] : [];
  }

  private async regs(): Promise<SessionRegisters> {
    this.registers ??= await this.session.readRegisters();
    return this.registers;
  }

  async readRegister(thread: number, regnum: number): Promise<Uint8Array | undefined> {
    const r = AARCH64_REGISTERS[regnum];
    if (!r || !this.threads().includes(thread)) return undefined;
    const s = await this.regs();
    const value = {
      x: () => s.x[r.index] ?? 0n,
      sp: () => s.sp,
      pc: () => BigInt(s.pc),
      cpsr: () => BigInt(s.nzcv >>> 0),
      v: () => s.v[r.index] ?? 0n,
      fpsr: () => BigInt(s.fpsr >>> 0),
      fpcr: () => BigInt(s.fpcr >>> 0),
      tpidr: () => s.tpidr_el0,
    }[r.kind]();
    return toBytes(value, r.bytes);
  }

  async writeRegister(thread: number, regnum: number, value: Uint8Array): Promise<boolean> {
    const r = AARCH64_REGISTERS[regnum];
    if (!r || !this.threads().includes(thread) || value.length !== r.bytes) return false;
    const name = { x: `x${r.index}`, v: `v${r.index}`, cpsr: 'nzcv', tpidr: 'tpidr_el0' }[r.kind as string] ?? r.kind;
    await this.session.writeRegisters([{ name, value: fromBytes(value) }]);
    this.registers = undefined;
    return true;
  }

  private forgetMemory(): void {
    this.regionCache = undefined;
    this.chunks.clear();
  }

  private regions(): Promise<{ begin: number; end: number; perms: number }[]> {
    this.regionCache ??= this.session.memoryRegions().then((rs) => rs.sort((a, b) => a.begin - b.begin));
    return this.regionCache;
  }

  private async mappedLength(address: number, length: number): Promise<number> {
    const regions = await this.regions();
    let at = address;
    const end = address + length;
    for (const r of regions) {
      if (r.end <= at) continue;
      if (r.begin > at) break;
      at = Math.min(r.end, end);
      if (at >= end) break;
    }
    return at - address;
  }

  async readMemory(address: number, length: number): Promise<Uint8Array> {
    const n = await this.mappedLength(address, length);
    if (n === 0) return new Uint8Array(0);
    if (!this.stop || this.stop.reason === 'exit') return this.session.readMemory(address, n);
    const out = new Uint8Array(n);
    for (let at = address; at < address + n; ) {
      const base = at - (at % READ_CHUNK);
      const chunk = await this.chunk(base);
      const take = Math.min(address + n, base + chunk.length) - at;
      if (take <= 0) return this.session.readMemory(address, n);
      out.set(chunk.subarray(at - base, at - base + take), at - address);
      at += take;
    }
    return out;
  }

  /** The mapped bytes from `base` to the end of its chunk (or of the mapping, if sooner). */
  private chunk(base: number): Promise<Uint8Array> {
    let c = this.chunks.get(base);
    if (!c) {
      c = (async () => {
        const mapped = await this.mappedLength(base, READ_CHUNK);
        return mapped === 0 ? new Uint8Array(0) : this.session.readMemory(base, mapped);
      })();
      this.chunks.set(base, c);
    }
    return c;
  }

  async writeMemory(address: number, data: Uint8Array): Promise<void> {
    if ((await this.mappedLength(address, data.length)) !== data.length)
      throw new GdbTargetError(`memory at 0x${address.toString(16)} (${data.length} bytes) is not mapped`);
    this.chunks.clear();
    await this.session.writeMemory(address, data);
  }

  async insertBreakpoint(address: number): Promise<void> {
    this.breakpoints.add(address);
    await this.session.setBreakpoints([...this.breakpoints]);
  }

  async removeBreakpoint(address: number): Promise<void> {
    this.breakpoints.delete(address);
    await this.session.setBreakpoints([...this.breakpoints]);
  }

  async insertWatchpoint(address: number, size: number, kind: WatchKind): Promise<void> {
    this.watchpoints.push({ address, size, kind });
    await this.session.setWatchpoints([...this.watchpoints]);
  }

  async removeWatchpoint(address: number, size: number, kind: WatchKind): Promise<void> {
    const i = this.watchpoints.findIndex((w) => w.address === address && w.size === size && w.kind === kind);
    if (i >= 0) this.watchpoints.splice(i, 1);
    await this.session.setWatchpoints([...this.watchpoints]);
  }

  async resume(request: ResumeRequest): Promise<StopEvent> {
    if (this.stop?.reason === 'exit') return this.toEvent(this.stop);
    // A fault stop ends the run on any resume (the session delivers the signal): report it so.
    if (this.stop?.reason === 'fault') this.faultSignal = this.stop.fault?.signal ?? 0;
    const next = this.nextStop();
    this.forgetMemory();
    await this.session.resume(request.mode === 'step' ? { kind: 'step', count: 1 } : { kind: 'continue' });
    return this.toEvent(await next);
  }

  private toEvent(stop: SessionStop): StopEvent {
    switch (stop.reason) {
      case 'exit': {
        const status = stop.status ?? 0;
        if (this.faultSignal && status === 128 + this.faultSignal) return { kind: 'killed', signal: this.faultSignal };
        return { kind: 'exited', status };
      }
      case 'fault':
        return { kind: 'signal', signal: stop.fault?.signal ?? SIGTRAP, thread: stop.thread };
      case 'interrupt':
        return { kind: 'signal', signal: SIGINT, thread: stop.thread };
      case 'breakpoint':
        return { kind: 'signal', signal: SIGTRAP, thread: stop.thread, breakpoint: true };
      case 'watchpoint': {
        const w = stop.watch;
        const hit = w && this.watchpoints.find((x) => w.address < x.address + x.size && w.address + w.size > x.address);
        if (!w || !hit) return { kind: 'signal', signal: SIGTRAP, thread: stop.thread };
        return {
          kind: 'signal',
          signal: SIGTRAP,
          thread: stop.thread,
          watch: { kind: hit.kind, address: hit.address },
        };
      }
      default:
        return { kind: 'signal', signal: SIGTRAP, thread: stop.thread };
    }
  }

  interrupt(): void {
    void this.session.interrupt();
  }

  async kill(): Promise<void> {
    await this.options.kill?.();
  }
}
