/**
 * The `Process` JITDylib's host functions: libc functions implemented in TypeScript behind engine
 * host call gates.
 *
 * Layout: a region of 4-byte gate slots (each holds `ret`, 0xd65f03c0; executing a slot calls the
 * TypeScript function, which reads its arguments per AAPCS64 and leaves the result in x0, then
 * returns to x30), a small data region (`stdin`/`stdout`/`stderr` variables pointing at fake FILE
 * objects), and a heap region mapped on demand.
 *
 * Varargs (printf family, AArch64 Linux/AAPCS64): variadic arguments are passed exactly like named
 * ones — integers/pointers in the next free x0–x7, doubles in the next free d0–d7, and once a
 * class is exhausted, in consecutive 8-byte stack slots from the caller's SP in argument order.
 *
 * Calling back into emulated code (qsort comparators, atexit handlers run by exit(), any future
 * callback) never nests `engine.start` (Unicorn cannot run uc_emu_start inside a hook). A host
 * function that needs to call emulated code is a generator (`function*`): it reads its arguments
 * first, then `yield`s call requests `{ call: address, args, fpArgs }` and receives the callee's
 * `{ x0, d0 }`. The gate driver keeps a stack of pending frames (generator, the caller's x30 and
 * SP). For a call request it writes the arguments to x0–x7 / d0–d7, the callee to x16 (IP0, free to
 * clobber at a call) and x30 = the *call stub*, and returns from the gate hook: the engine "returns"
 * into the stub, `blr x16`, which enters the callee with x30 = the *continuation gate* right after
 * it. When the callee returns there, the continuation gate resumes the top frame's generator with
 * x0/d0. When the generator finishes, its value goes to x0, x30 is set back to the original caller's
 * return address and the gate returns there. Callbacks that call host generators again (a
 * comparator calling qsort) push further frames; a return into the continuation gate resumes the
 * innermost frame whose SP is the current SP (so threads on separate stacks keep their own frames
 * apart). Everything runs inside the one top-level `start`,
 * so it works identically on the `ts` and `unicorn` engines, and a lazy reentry inside a callback
 * may park like any other.
 *
 * Layout of the gate region: slot 0 is the *return sentinel* of top-level calls (never executed:
 * `start(fn, sentinel)` stops there), slot 1 the call stub (`blr x16`), slot 2 the continuation
 * gate, then one slot per host function.
 *
 * `callEmulated` is the top-level call (tests, `runProgram`): one `start` from outside any hook.
 * Called from inside a host function it throws — host functions yield instead.
 */
import type { Engine } from '../../emu/engine.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import { InstructionBudgetExceeded } from '../../emu/errors.ts';
import { type ExecutorSymbolDef, JITSymbolFlags, type SymbolMap } from '../../protocol/symbols.ts';
import { HeapAllocator } from './allocator.ts';
import { HostCallError, InvalidStream, ProgramExit } from './errors.ts';
import { formatPrintf, type PrintfArgs } from './printf.ts';

export const RET_WORD = 0xd65f03c0;
/** `blr x16`: the call stub of generator host functions. */
export const BLR_X16_WORD = 0xd63f0200;

export const DEFAULT_LAYOUT = {
  gateBase: 0x0e00_0000,
  gateSize: 0x1_0000,
  dataBase: 0x0e10_0000,
  dataSize: 0x1000,
  heapBase: 0x4000_0000,
  heapSize: 0x1000_0000,
};

export type OutputSink = (bytes: Uint8Array) => void;

export interface ProcessHostOptions {
  stdout?: OutputSink;
  stderr?: OutputSink;
  layout?: Partial<typeof DEFAULT_LAYOUT>;
  /** Absolute instruction count (engine.instructionCount()) after which emulation stops. */
  instructionDeadline?: number;
  /**
   * What read(0, …) returns: the bytes, or a function giving them on the first read (default: no
   * input; `orc-sandbox run` passes its own stdin, read when the program first asks for it).
   */
  stdin?: StdinSource;
}

export type StdinSource = Uint8Array | (() => Uint8Array);

/** Per-call view of the CPU for a host function. */
export interface HostCall {
  readonly engine: Engine;
  /** Integer/pointer argument i (0..7) as an unsigned 64-bit bigint. */
  x(i: number): bigint;
  /** Same, as a number (addresses, sizes). */
  n(i: number): number;
  /** Signed 32-bit view of argument i. */
  i32(i: number): number;
  /** Varargs reader positioned after `namedGp` integer and `namedFp` FP named arguments. */
  varargs(namedGp: number, namedFp?: number): PrintfArgs;
}

/** What a generator host function yields: call emulated code at `call`. */
export interface CallRequest {
  call: number;
  /** Integer/pointer arguments for x0–x7. */
  args?: readonly (bigint | number)[];
  /** Double arguments for d0–d7. */
  fpArgs?: readonly number[];
}

/** What the yield answers: the callee's result registers. */
export interface CallResult {
  /** x0 as an unsigned 64-bit value. */
  x0: bigint;
  /** d0 as a double. */
  d0: number;
}

export type HostGenerator = Generator<CallRequest, bigint | number | undefined, CallResult>;
type HostResult = bigint | number | undefined;
/**
 * A host function: returns x0 (or nothing), or is a generator that yields call requests (see the
 * file comment). A generator must read its register arguments before its first yield (a callback
 * clobbers x0–x18); stack arguments stay readable.
 */
export type HostFn = (c: HostCall) => HostResult | HostGenerator;

/** One host function suspended in a call to emulated code. */
interface PendingFrame {
  name: string;
  gen: HostGenerator;
  /** The caller's return address (x30 at the gate). */
  lr: bigint;
  /** SP at the gate; the callee must give it back. */
  sp: bigint;
  /** The callee of the call in flight. */
  callee: number;
}

const isGenerator = (r: unknown): r is HostGenerator =>
  typeof r === 'object' && r !== null && typeof (r as { next?: unknown }).next === 'function';

const FILE_SIZE = 0x40;

/** A gate region's bytes, every slot `ret` (the same for every process: made once per size). */
const RET_SLOTS = new Map<number, Uint8Array>();
function retSlots(size: number): Uint8Array {
  let slots = RET_SLOTS.get(size);
  if (slots === undefined) {
    slots = new Uint8Array(size);
    const dv = new DataView(slots.buffer);
    for (let o = 0; o < size; o += 4) dv.setUint32(o, RET_WORD, true);
    RET_SLOTS.set(size, slots);
  }
  return slots;
}

export class ProcessHost {
  readonly layout: typeof DEFAULT_LAYOUT;
  readonly heap: HeapAllocator;
  /** name → definition, for the Process JITDylib. */
  readonly symbols: SymbolMap = new Map();
  readonly returnSentinel: number;
  /** `blr x16`, then the continuation gate (see the file comment). */
  readonly callStub: number;
  readonly continuationGate: number;
  readonly atexitHandlers: number[] = [];
  stdout: OutputSink;
  stderr: OutputSink;
  instructionDeadline: number | undefined;
  /** The program's standard input (see ProcessHostOptions.stdin); settable until the first read. */
  stdin: StdinSource | undefined;
  private stdinBytes: Uint8Array | undefined;
  private stdinPos = 0;
  private readonly streams = new Map<number, 'stdin' | 'stdout' | 'stderr'>();
  private nextGate: number;
  private installed = false;
  private readonly fns = new Map<string, HostFn>();
  /** Host functions suspended in calls to emulated code, innermost last. */
  private readonly frames: PendingFrame[] = [];
  /** Depth of host function bodies running right now (callEmulated must not run inside one). */
  private inHostFn = 0;

  constructor(
    readonly engine: Engine,
    options: ProcessHostOptions = {},
  ) {
    this.layout = { ...DEFAULT_LAYOUT, ...options.layout };
    this.stdout = options.stdout ?? ((b) => process.stdout.write(b));
    this.stderr = options.stderr ?? ((b) => process.stderr.write(b));
    this.instructionDeadline = options.instructionDeadline;
    this.stdin = options.stdin;
    this.returnSentinel = this.layout.gateBase;
    this.callStub = this.layout.gateBase + 4;
    this.continuationGate = this.layout.gateBase + 8;
    this.nextGate = this.layout.gateBase + 12;
    this.heap = new HeapAllocator(this.layout.heapBase, this.layout.heapSize, (a, s) =>
      engine.memMap(a, s, PROT_READ | PROT_WRITE),
    );
    this.defineLibc();
  }

  /** Maps the gate and data regions and registers every gate. Idempotent. */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    const { gateBase, gateSize, dataBase, dataSize } = this.layout;
    const e = this.engine;
    e.memMap(gateBase, gateSize, PROT_READ | PROT_EXEC);
    e.memWrite(gateBase, retSlots(gateSize));
    const blr = new Uint8Array(4);
    new DataView(blr.buffer).setUint32(0, BLR_X16_WORD, true);
    e.memWrite(this.callStub, blr);
    e.addHostGate(this.continuationGate, (eng) => this.onContinuation(eng));
    e.memMap(dataBase, dataSize, PROT_READ | PROT_WRITE);
    // stdin/stdout/stderr: 8-byte variables holding pointers to fake FILE objects.
    const names = ['stdin', 'stdout', 'stderr'] as const;
    names.forEach((name, i) => {
      const varAddr = dataBase + 8 * i;
      const fileAddr = dataBase + 0x100 + FILE_SIZE * i;
      this.streams.set(fileAddr, name);
      this.writeU64(varAddr, BigInt(fileAddr));
      this.symbols.set(name, { address: varAddr, flags: JITSymbolFlags.Exported });
    });
    for (const [name, fn] of this.fns) this.addGate(name, fn);
    return this;
  }

  /** Adds (or replaces before install) a host function. */
  defineFunction(name: string, fn: HostFn): void {
    this.fns.set(name, fn);
    if (this.installed) this.addGate(name, fn);
  }

  private addGate(name: string, fn: HostFn): void {
    const addr = this.nextGate;
    if (addr >= this.layout.gateBase + this.layout.gateSize) throw new Error('host gate region is full');
    this.nextGate += 4;
    this.engine.addHostGate(addr, (eng) => {
      let r: HostResult | HostGenerator;
      this.inHostFn++;
      try {
        r = fn(this.callView(eng));
      } finally {
        this.inHostFn--;
      }
      if (isGenerator(r)) {
        const frame: PendingFrame = { name, gen: r, lr: eng.getX(30), sp: eng.getX(31), callee: 0 };
        this.frames.push(frame);
        this.step(eng, frame, undefined);
      } else if (r !== undefined) setResult(eng, r);
      return undefined;
    });
    this.symbols.set(name, { address: addr, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable });
  }

  symbol(name: string): ExecutorSymbolDef | undefined {
    return this.symbols.get(name);
  }

  // ---- memory helpers ----------------------------------------------------------------------------

  readBytes(addr: number, n: number): Uint8Array {
    return n === 0 ? new Uint8Array() : this.engine.memRead(addr, n);
  }
  writeBytes(addr: number, b: Uint8Array): void {
    if (b.length > 0) this.engine.memWrite(addr, b);
  }
  readU64(addr: number): bigint {
    return new DataView(this.readBytes(addr, 8).buffer).getBigUint64(0, true);
  }
  writeU64(addr: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.writeBytes(addr, b);
  }
  writeInt(addr: number, size: number, v: number): void {
    const b = new Uint8Array(size);
    let x = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < size; i++) {
      b[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    this.writeBytes(addr, b);
  }
  /** The C string at `addr` (without NUL), at most `max` bytes. */
  readCString(addr: number, max = Number.MAX_SAFE_INTEGER): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    let a = addr;
    while (total < max) {
      const chunk = Math.min(256, 4096 - (a % 4096), max - total);
      const b = this.engine.memRead(a, chunk);
      const z = b.indexOf(0);
      if (z >= 0) {
        parts.push(b.subarray(0, z));
        total += z;
        break;
      }
      parts.push(b);
      total += chunk;
      a += chunk;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  writeCString(addr: number, b: Uint8Array): void {
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    this.writeBytes(addr, z);
  }

  // ---- calling emulated code --------------------------------------------------------------------

  /** Host functions currently suspended in calls to emulated code (innermost last), by name. */
  pendingCalls(): string[] {
    return this.frames.map((f) => f.name);
  }

  /** Forgets suspended host functions (after a run ended abnormally, e.g. a fault in a callback). */
  resetPendingCalls(): void {
    this.frames.length = 0;
  }

  /** Advances `frame`'s generator with `input`: sets up the next call, or finishes the host call. */
  private step(e: Engine, frame: PendingFrame, input: CallResult | undefined): void {
    let r: IteratorResult<CallRequest, HostResult>;
    this.inHostFn++;
    try {
      r = input === undefined ? frame.gen.next() : frame.gen.next(input);
    } catch (x) {
      // The program ends (exit/abort) or a host error stops it: nothing will resume these frames.
      this.frames.length = 0;
      throw x;
    } finally {
      this.inHostFn--;
    }
    if (r.done) {
      const i = this.frames.lastIndexOf(frame);
      if (i >= 0) this.frames.splice(i, 1);
      if (r.value !== undefined) setResult(e, r.value);
      e.setX(30, frame.lr); // the gate's `ret` goes back to the original caller
      return;
    }
    const req = r.value;
    const args = req.args ?? [];
    const fpArgs = req.fpArgs ?? [];
    if (args.length > 8 || fpArgs.length > 8) {
      this.frames.length = 0;
      throw new HostCallError(`${frame.name}: a call to emulated code takes at most 8 integer and 8 FP arguments`);
    }
    for (let i = 0; i < args.length; i++) e.setX(i, BigInt.asUintN(64, BigInt(args[i] as bigint | number)));
    const f64 = new Float64Array(1);
    const u64 = new BigUint64Array(f64.buffer);
    for (let i = 0; i < fpArgs.length; i++) {
      f64[0] = fpArgs[i] as number;
      e.regWrite(`d${i}`, u64[0] as bigint);
    }
    frame.callee = req.call;
    e.setX(16, BigInt(req.call));
    e.setX(30, BigInt(this.callStub)); // the gate's `ret` goes to `blr x16`
  }

  /**
   * The continuation gate: a callee returned; resume the innermost suspended host function whose SP
   * is the current SP. (Innermost first, so a callback that tail-calls a host generator resumes
   * the right frame; matching SP, so emulated threads on separate stacks, switched while a callback
   * is parked, each resume their own frame.)
   */
  private onContinuation(e: Engine): undefined {
    const sp = e.getX(31);
    let frame: PendingFrame | undefined;
    for (let i = this.frames.length - 1; i >= 0 && !frame; i--) if (this.frames[i]?.sp === sp) frame = this.frames[i];
    if (!frame) {
      const top = this.frames[this.frames.length - 1];
      this.frames.length = 0;
      if (!top) {
        throw new HostCallError(
          `return into the host continuation gate 0x${this.continuationGate.toString(16)} with no host function waiting`,
        );
      }
      throw new HostCallError(
        `${top.name}: callback 0x${top.callee.toString(16)} returned with sp 0x${sp.toString(16)}, expected 0x${top.sp.toString(16)}`,
      );
    }
    const f64 = new Float64Array(1);
    new BigUint64Array(f64.buffer)[0] = e.regRead('d0');
    this.step(e, frame, { x0: BigInt.asUintN(64, e.getX(0)), d0: f64[0] as number });
    return undefined;
  }

  /**
   * Calls the emulated function at `fn` with integer arguments from the top level (not from inside
   * a host function: those yield call requests); returns x0. The CPU context is restored after.
   */
  callEmulated(fn: number, args: readonly (bigint | number)[] = []): bigint {
    if (this.inHostFn > 0) {
      throw new HostCallError(
        'callEmulated cannot run inside a host function (no nested engine.start): yield { call, args } instead',
      );
    }
    if (args.length > 8) throw new HostCallError('callEmulated supports at most 8 integer arguments');
    const e = this.engine;
    const ctx = e.contextSave();
    for (let i = 0; i < args.length; i++) e.setX(i, BigInt.asUintN(64, BigInt(args[i] as bigint | number)));
    e.setX(30, this.returnSentinel);
    let count: number | undefined;
    if (this.instructionDeadline !== undefined) {
      count = this.instructionDeadline - e.instructionCount();
      if (count <= 0) throw new InstructionBudgetExceeded(this.instructionDeadline, fn);
    }
    let r = e.start(fn, this.returnSentinel, count === undefined ? {} : { count });
    // A debugger's breakpoint cannot stop a nested call (nothing can wait here): run on through it.
    while (r.reason === 'breakpoint') {
      const left = this.instructionDeadline === undefined ? undefined : this.instructionDeadline - e.instructionCount();
      if (left !== undefined && left <= 0) throw new InstructionBudgetExceeded(this.instructionDeadline ?? 0, r.pc);
      r = e.start(r.pc, this.returnSentinel, left === undefined ? {} : { count: left });
    }
    if (r.reason === 'count') throw new InstructionBudgetExceeded(this.instructionDeadline ?? 0, r.pc);
    if (r.reason !== 'until') {
      throw new HostCallError(
        `call to emulated function 0x${fn.toString(16)} ended with '${r.reason}' at 0x${r.pc.toString(16)}`,
      );
    }
    const x0 = e.getX(0);
    e.contextRestore(ctx);
    return x0;
  }

  /** Runs atexit handlers (last registered first) from the top level, then ends the program. */
  exit(status: number): never {
    while (this.atexitHandlers.length > 0) this.callEmulated(this.atexitHandlers.pop() as number);
    throw new ProgramExit(status & 0xff, 'exit');
  }

  /** exit() as a host function: atexit handlers are called through yields, then the program ends. */
  private *exitFromProgram(status: number): HostGenerator {
    while (this.atexitHandlers.length > 0) yield { call: this.atexitHandlers.pop() as number };
    throw new ProgramExit(status & 0xff, 'exit');
  }

  // ---- calls ---------------------------------------------------------------------------------------

  private callView(e: Engine): HostCall {
    return {
      engine: e,
      x: (i) => BigInt.asUintN(64, e.getX(i)),
      n: (i) => Number(BigInt.asUintN(64, e.getX(i))),
      i32: (i) => Number(BigInt.asIntN(32, e.getX(i))),
      varargs: (namedGp, namedFp = 0) => {
        let gp = namedGp;
        let fp = namedFp;
        let stack = Number(e.getX(31));
        const f64 = new Float64Array(1);
        const u64 = new BigUint64Array(f64.buffer);
        return {
          nextInt: () => {
            if (gp < 8) return BigInt.asUintN(64, e.getX(gp++));
            const v = this.readU64(stack);
            stack += 8;
            return v;
          },
          nextDouble: () => {
            if (fp < 8) u64[0] = e.regRead(`d${fp++}`);
            else {
              u64[0] = this.readU64(stack);
              stack += 8;
            }
            return f64[0] as number;
          },
        };
      },
    };
  }

  private stream(addr: number, fn: string): OutputSink | null {
    const s = this.streams.get(addr);
    if (s === 'stdout') return this.stdout;
    if (s === 'stderr') return this.stderr;
    if (s === 'stdin') return null;
    throw new InvalidStream(addr, fn);
  }

  /** Up to `max` bytes of the program's stdin not read yet (empty at end of input). */
  readStdin(max: number): Uint8Array {
    const bytes = this.stdinSource();
    const n = Math.max(0, Math.min(max, bytes.length - this.stdinPos));
    const out = bytes.subarray(this.stdinPos, this.stdinPos + n);
    this.stdinPos += n;
    return out;
  }

  /** Bytes of stdin not read yet (reads the source if nobody asked before). */
  stdinLeft(): number {
    return this.stdinSource().length - this.stdinPos;
  }

  private stdinSource(): Uint8Array {
    if (this.stdinBytes === undefined) {
      const s = this.stdin;
      // No input unless one is given: this module also runs in browsers (the CLI passes its stdin).
      this.stdinBytes = s === undefined ? new Uint8Array(0) : typeof s === 'function' ? s() : s;
    }
    return this.stdinBytes;
  }

  private format(c: HostCall, fmtArg: number, named: number): Uint8Array {
    return this.formatWith(c.n(fmtArg), c.varargs(named));
  }

  /** printf formatting of the C string at `fmt` with `args`. */
  private formatWith(fmt: number, args: PrintfArgs): Uint8Array {
    return formatPrintf(this.readCString(fmt), args, {
      readCString: (a, max) => this.readCString(a, max),
      writeInt: (a, s, v) => this.writeInt(a, s, v),
    });
  }

  /**
   * Reads variadic arguments through an AAPCS64 `va_list` at `ap` (a va_list parameter is passed as
   * a pointer to the caller's copy): struct { void *__stack; void *__gr_top; void *__vr_top;
   * int __gr_offs; int __vr_offs; }. While __gr_offs < 0 the next integer is at __gr_top + __gr_offs
   * (8-byte slots of the saved x registers), while __vr_offs < 0 the next double is at
   * __vr_top + __vr_offs (16-byte slots of the saved q registers); afterwards both come from
   * consecutive 8-byte slots at __stack. The caller's va_list is not updated (as with vprintf).
   */
  vaListArgs(ap: number): PrintfArgs {
    let stack = Number(this.readU64(ap));
    const grTop = Number(this.readU64(ap + 8));
    const vrTop = Number(this.readU64(ap + 16));
    const offs = new DataView(this.readBytes(ap + 24, 8).buffer);
    let grOffs = offs.getInt32(0, true);
    let vrOffs = offs.getInt32(4, true);
    const f64 = new Float64Array(1);
    const u64 = new BigUint64Array(f64.buffer);
    const fromStack = (): bigint => {
      const v = this.readU64(stack);
      stack += 8;
      return v;
    };
    return {
      nextInt: () => {
        if (grOffs < 0 && grOffs + 8 <= 0) {
          const v = this.readU64(grTop + grOffs);
          grOffs += 8;
          return v;
        }
        grOffs = 0;
        return fromStack();
      },
      nextDouble: () => {
        if (vrOffs < 0 && vrOffs + 16 <= 0) {
          u64[0] = this.readU64(vrTop + vrOffs);
          vrOffs += 16;
        } else {
          vrOffs = 0;
          u64[0] = fromStack();
        }
        return f64[0] as number;
      },
    };
  }

  private defineLibc(): void {
    const nl = new Uint8Array([10]);
    const f = (name: string, fn: HostFn) => this.fns.set(name, fn);
    const cmpBytes = (a: Uint8Array, b: Uint8Array, n: number): number => {
      for (let i = 0; i < n; i++) {
        const x = a[i] ?? 0;
        const y = b[i] ?? 0;
        if (x !== y) return x - y;
      }
      return 0;
    };

    // stdio
    f('puts', (c) => {
      const s = this.readCString(c.n(0));
      this.stdout(s);
      this.stdout(nl);
      return s.length + 1;
    });
    f('putchar', (c) => {
      const ch = c.n(0) & 0xff;
      this.stdout(new Uint8Array([ch]));
      return ch;
    });
    f('printf', (c) => {
      const out = this.format(c, 0, 1);
      this.stdout(out);
      return out.length;
    });
    f('fprintf', (c) => {
      const sink = this.stream(c.n(0), 'fprintf');
      const out = this.format(c, 1, 2);
      if (sink === null) return -1;
      sink(out);
      return out.length;
    });
    f('sprintf', (c) => {
      const out = this.format(c, 1, 2);
      this.writeCString(c.n(0), out);
      return out.length;
    });
    f('snprintf', (c) => {
      const out = this.format(c, 2, 3);
      const n = c.n(1);
      if (n > 0) this.writeCString(c.n(0), out.subarray(0, Math.min(out.length, n - 1)));
      return out.length;
    });
    // va_list forms (see vaListArgs)
    f('vprintf', (c) => {
      const out = this.formatWith(c.n(0), this.vaListArgs(c.n(1)));
      this.stdout(out);
      return out.length;
    });
    f('vfprintf', (c) => {
      const sink = this.stream(c.n(0), 'vfprintf');
      const out = this.formatWith(c.n(1), this.vaListArgs(c.n(2)));
      if (sink === null) return -1;
      sink(out);
      return out.length;
    });
    f('vsprintf', (c) => {
      const out = this.formatWith(c.n(1), this.vaListArgs(c.n(2)));
      this.writeCString(c.n(0), out);
      return out.length;
    });
    f('vsnprintf', (c) => {
      const out = this.formatWith(c.n(2), this.vaListArgs(c.n(3)));
      const n = c.n(1);
      if (n > 0) this.writeCString(c.n(0), out.subarray(0, Math.min(out.length, n - 1)));
      return out.length;
    });
    // POSIX I/O on the standard descriptors: write(1|2) goes to stdout/stderr, read(0) reads stdin;
    // other descriptors answer -1.
    f('write', (c) => {
      const fd = c.i32(0);
      const n = c.n(2);
      const sink = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
      if (sink === null) return -1n;
      if (n > 0) sink(this.readBytes(c.n(1), n));
      return n;
    });
    f('read', (c) => {
      if (c.i32(0) !== 0) return -1n;
      const b = this.readStdin(Math.min(c.n(2), 0x7fff_f000));
      this.writeBytes(c.n(1), b);
      return b.length;
    });
    f('fputs', (c) => {
      const sink = this.stream(c.n(1), 'fputs');
      if (sink === null) return -1;
      sink(this.readCString(c.n(0)));
      return 1;
    });
    const fputc = (c: HostCall) => {
      const sink = this.stream(c.n(1), 'fputc');
      const ch = c.n(0) & 0xff;
      if (sink === null) return -1;
      sink(new Uint8Array([ch]));
      return ch;
    };
    f('fputc', fputc);
    f('putc', fputc);
    f('fwrite', (c) => {
      const size = c.n(1);
      const nmemb = c.n(2);
      const sink = this.stream(c.n(3), 'fwrite');
      if (sink === null || size === 0 || nmemb === 0) return 0;
      sink(this.readBytes(c.n(0), size * nmemb));
      return nmemb;
    });
    f('fflush', () => 0);

    // memory allocation
    f('malloc', (c) => this.heap.alloc(c.n(0)));
    f('calloc', (c) => {
      const total = c.x(0) * c.x(1);
      if (total > BigInt(this.layout.heapSize)) return 0;
      const p = this.heap.alloc(Number(total));
      if (p !== 0 && total > 0n) this.writeBytes(p, new Uint8Array(Number(total)));
      return p;
    });
    f('realloc', (c) => {
      const p = c.n(0);
      const n = c.n(1);
      if (p === 0) return this.heap.alloc(n);
      const old = this.heap.sizeOf(p);
      if (old === undefined) return this.heap.freeBlock(p, 'realloc'); // throws the precise error
      if (n === 0) {
        this.heap.freeBlock(p, 'realloc');
        return 0;
      }
      const q = this.heap.alloc(n);
      if (q === 0) return 0;
      this.writeBytes(q, this.readBytes(p, Math.min(old, n)));
      this.heap.freeBlock(p, 'realloc');
      return q;
    });
    f('free', (c) => {
      const p = c.n(0);
      if (p !== 0) this.heap.freeBlock(p, 'free');
      return undefined;
    });
    const pow2 = (a: number) => a > 0 && (a & (a - 1)) === 0;
    f('aligned_alloc', (c) => {
      const a = c.n(0);
      if (!pow2(a)) return 0;
      return this.heap.alloc(c.n(1), a);
    });
    f('posix_memalign', (c) => {
      const a = c.n(1);
      if (!pow2(a) || a % 8 !== 0) return 22; // EINVAL
      const p = this.heap.alloc(c.n(2), a);
      if (p === 0) return 12; // ENOMEM
      this.writeU64(c.n(0), BigInt(p));
      return 0;
    });

    // memory and strings
    f('memcpy', (c) => {
      this.writeBytes(c.n(0), this.readBytes(c.n(1), c.n(2)));
      return c.x(0);
    });
    f('memmove', (c) => {
      this.writeBytes(c.n(0), this.readBytes(c.n(1), c.n(2)));
      return c.x(0);
    });
    f('memset', (c) => {
      const n = c.n(2);
      if (n > 0) this.writeBytes(c.n(0), new Uint8Array(n).fill(c.n(1) & 0xff));
      return c.x(0);
    });
    f('memcmp', (c) => {
      const n = c.n(2);
      return cmpBytes(this.readBytes(c.n(0), n), this.readBytes(c.n(1), n), n);
    });
    f('strlen', (c) => this.readCString(c.n(0)).length);
    const strcmp = (a: Uint8Array, b: Uint8Array, n: number) => {
      for (let i = 0; i < n; i++) {
        const x = i < a.length ? (a[i] as number) : 0;
        const y = i < b.length ? (b[i] as number) : 0;
        if (x !== y) return x - y;
        if (x === 0) return 0;
      }
      return 0;
    };
    f('strcmp', (c) => {
      const a = this.readCString(c.n(0));
      const b = this.readCString(c.n(1));
      return strcmp(a, b, Math.max(a.length, b.length) + 1);
    });
    f('strncmp', (c) => {
      const n = c.n(2);
      return strcmp(this.readCString(c.n(0), n), this.readCString(c.n(1), n), n);
    });
    f('strcpy', (c) => {
      this.writeCString(c.n(0), this.readCString(c.n(1)));
      return c.x(0);
    });
    f('strncpy', (c) => {
      const n = c.n(2);
      const s = this.readCString(c.n(1), n);
      const out = new Uint8Array(n);
      out.set(s);
      this.writeBytes(c.n(0), out);
      return c.x(0);
    });
    f('strcat', (c) => {
      const d = c.n(0);
      const len = this.readCString(d).length;
      this.writeCString(d + len, this.readCString(c.n(1)));
      return c.x(0);
    });
    f('strchr', (c) => {
      const s = this.readCString(c.n(0));
      const ch = c.n(1) & 0xff;
      if (ch === 0) return c.n(0) + s.length;
      const i = s.indexOf(ch);
      return i < 0 ? 0 : c.n(0) + i;
    });
    f('strrchr', (c) => {
      const s = this.readCString(c.n(0));
      const ch = c.n(1) & 0xff;
      if (ch === 0) return c.n(0) + s.length;
      const i = s.lastIndexOf(ch);
      return i < 0 ? 0 : c.n(0) + i;
    });
    f('strstr', (c) => {
      const h = Buffer.from(this.readCString(c.n(0)));
      const nd = Buffer.from(this.readCString(c.n(1)));
      const i = h.indexOf(nd);
      return i < 0 ? 0 : c.n(0) + i;
    });
    const strtol = (s0: number, endp: number, base: number): bigint => {
      const s = this.readCString(s0);
      let i = 0;
      while (i < s.length && (s[i] === 32 || ((s[i] as number) >= 9 && (s[i] as number) <= 13))) i++;
      let neg = false;
      if (s[i] === 43 || s[i] === 45) {
        neg = s[i] === 45;
        i++;
      }
      let b = base;
      const isX = (k: number) => s[k] === 0x78 || s[k] === 0x58;
      const digit = (ch: number | undefined): number => {
        if (ch === undefined) return 99;
        if (ch >= 48 && ch <= 57) return ch - 48;
        if (ch >= 97 && ch <= 122) return ch - 87;
        if (ch >= 65 && ch <= 90) return ch - 55;
        return 99;
      };
      if ((b === 0 || b === 16) && s[i] === 48 && isX(i + 1) && digit(s[i + 2]) < 16) {
        i += 2;
        b = 16;
      } else if (b === 0) b = s[i] === 48 ? 8 : 10;
      let v = 0n;
      const start = i;
      let overflow = false;
      while (i < s.length && digit(s[i]) < b) {
        v = v * BigInt(b) + BigInt(digit(s[i]));
        if (v > 1n << 63n) overflow = true;
        i++;
      }
      if (endp !== 0) this.writeU64(endp, BigInt(i === start ? s0 : s0 + i));
      if (overflow || (!neg && v > (1n << 63n) - 1n)) return neg ? -(1n << 63n) : (1n << 63n) - 1n;
      return neg ? -v : v;
    };
    f('strtol', (c) => strtol(c.n(0), c.n(1), c.i32(2)));
    f('atoi', (c) => BigInt.asIntN(32, strtol(c.n(0), 0, 10)));
    f('atol', (c) => strtol(c.n(0), 0, 10));
    f('abs', (c) => {
      const v = c.i32(0);
      return v < 0 ? -v | 0 : v;
    });
    f('labs', (c) => {
      const v = BigInt.asIntN(64, c.x(0));
      return v < 0n ? -v : v;
    });

    const host = this;
    f('qsort', function* (c): HostGenerator {
      const base = c.n(0);
      const n = c.n(1);
      const size = c.n(2);
      const cmp = c.n(3);
      if (n < 2 || size === 0) return undefined;
      const elems: Uint8Array[] = [];
      for (let i = 0; i < n; i++) elems.push(host.readBytes(base + i * size, size));
      // The comparator gets pointers to two scratch copies (it may only read through them).
      const scratch = host.heap.alloc(2 * size);
      if (scratch === 0) throw new HostCallError('qsort: no memory for scratch elements');
      function* compare(a: Uint8Array, b: Uint8Array): Generator<CallRequest, number, CallResult> {
        host.writeBytes(scratch, a);
        host.writeBytes(scratch + size, b);
        const r = yield { call: cmp, args: [scratch, scratch + size] };
        return Number(BigInt.asIntN(32, r.x0));
      }
      const sorted = yield* mergeSort(elems, compare);
      host.heap.freeBlock(scratch, 'qsort');
      sorted.forEach((e, i) => {
        host.writeBytes(base + i * size, e);
      });
      return undefined;
    });

    // process control
    f('abort', () => {
      throw new ProgramExit(134, 'abort');
    });
    f('exit', (c) => this.exitFromProgram(c.i32(0)));
    f('_exit', (c) => {
      throw new ProgramExit(c.i32(0) & 0xff, 'exit');
    });
    f('atexit', (c) => {
      this.atexitHandlers.push(c.n(0));
      return 0;
    });
  }
}

function setResult(e: Engine, r: bigint | number): void {
  // One asUintN after the merge: V8 (Node 20) crashes optimising a Phi of two asUintN(64) results.
  const v = typeof r === 'bigint' ? r : BigInt(r);
  e.setX(0, BigInt.asUintN(64, v));
}

/** Stable merge sort (deterministic comparator call sequence); the comparator may yield calls. */
function* mergeSort<T, Y, R>(a: T[], cmp: (x: T, y: T) => Generator<Y, number, R>): Generator<Y, T[], R> {
  if (a.length <= 1) return a;
  const mid = a.length >> 1;
  const l = yield* mergeSort(a.slice(0, mid), cmp);
  const r = yield* mergeSort(a.slice(mid), cmp);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < l.length && j < r.length) {
    if ((yield* cmp(l[i] as T, r[j] as T)) <= 0) out.push(l[i++] as T);
    else out.push(r[j++] as T);
  }
  while (i < l.length) out.push(l[i++] as T);
  while (j < r.length) out.push(r[j++] as T);
  return out;
}
