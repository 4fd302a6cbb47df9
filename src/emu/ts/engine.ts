/**
 * The `ts` engine: a block interpreter over the declarative decode table. Straight-line runs of
 * instructions are decoded once into arrays of ops (cached in their page, dropped on writes), and
 * executed without per-instruction bookkeeping; exact pc and instruction counts are rebuilt from
 * the op index when something interrupts a block (fault, budget, until address).
 */
import type {
  CodeHook,
  Engine,
  EngineContext,
  EngineOptions,
  HookHandle,
  HookRange,
  HostGateFn,
  InterruptHook,
  MemHook,
  MemInvalidHook,
  MemRegion,
  RegName,
  RunResult,
  StartOptions,
} from '../engine.ts';
import {
  INTNO_BRK,
  INTNO_HVC,
  INTNO_SVC,
  INTNO_UDEF,
  type InsnHook,
  type InsnHookOptions,
  invalidHookSees,
  MEM_INVALID_HOOK_TYPES,
  type MemHookType,
  type MemInvalidHookType,
  type MrsHook,
  type MrsHookInfo,
  PAGE_SIZE,
  PROT_ALL,
  PROT_READ,
  PROT_WRITE,
} from '../engine.ts';
import {
  type AccessKind,
  AlignmentFault,
  addressText,
  EngineApiError,
  MemoryFault,
  OutOfMemory,
  toRegisterValue,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../errors.ts';
import { Memory, type Page } from '../memory.ts';
import type { Decoded, Flow } from './decoder.ts';
import { decodeWord } from './isa/index.ts';
import {
  type CompiledBlock,
  compileRegion,
  type Links,
  linkTo,
  mostlyOpCalls,
  type RegionBlock,
  staticSuccessors,
} from './jit/compile.ts';
import { warmFollow } from './jit/links.ts';
import { wasmBlockSupported } from './jit/wasm.ts';
import { CpuState, EXC_BRK, EXC_HVC, EXC_NONE, EXC_SVC, EXC_UDF, type Op, SP, ZR } from './state.ts';

const MAX_BLOCK = 64;
/**
 * Size limits of the candidate blocks of a translated region (blocks, instructions). Of those,
 * the region keeps only the loop through its entry (jit/compile.ts loopRegion), with registers in
 * locals across its blocks. All reachable blocks cost more than the dispatcher saves: V8 compiles
 * a region function of many blocks far more slowly (and recompiles it when a case it never ran
 * before deoptimizes): on the programs benchmark, crc ran at 62 MIPS with 32-block regions and 111
 * with one, matrix 9 and 33; CoreMark (1000 iterations) took 7.3-8.3 s CPU with all reachable
 * blocks against 6.2-6.3 s with loops only, and branch-loop doubled its MIPS with loops.
 */
const MAX_REGION_BLOCKS = 12;
const MAX_REGION_INSNS = 64;
/**
 * The limits for candidates found through the targets a BR was seen to take (Block.targets), and
 * the blocks after them: the loop of a bytecode interpreter or of a state machine is its dispatch
 * and its cases, reached through a jump table (the workloads' bytecode loop, 20 blocks and 125
 * instructions, ran as 3 to 5 functions per bytecode, returning to the trampoline after each; in one
 * region it runs 320 instructions per call). Measured with V8 single-threaded (its compilation on
 * the main thread, so the CPU time does not depend on when background compilations finish), CPU
 * seconds best (median) of 3 alternating runs, without and with: the programs benchmark at 20
 * rounds 1.70 (1.71) / 1.58 (1.68), 119 / 68 regions; CoreMark 1000 iterations 2.78 (2.86) / 2.58
 * (2.65); CoreMark 0x3415 0x3415 0x66 400 1.84 (1.87) / 1.58 (1.73).
 */
const MAX_TARGET_REGION_BLOCKS = 32;
const MAX_TARGET_REGION_INSNS = 160;
/**
 * The bounds of a region tried early as WebAssembly (WASM_HOT_HITS). Its compilation is cheap, so
 * the search may go as far as it takes to close a loop whose path back to the entry is long (a
 * state machine's dispatch through a jump table and a chain of compares).
 */
const WASM_REGION_BLOCKS = 64;
/**
 * How far from its entry a WebAssembly region's blocks may be (bytes): a loop that calls small
 * functions (strlen, malloc, a formatter's helpers) takes them in, on whichever pages they are.
 * Under `run` each object is linked into memory of its own, and the programs benchmark's runtime
 * (malloc, printf, the string functions) lies up to 200 KiB from the workloads: with 32 KiB, 16
 * of its hot blocks reached the JavaScript tier instead and the run took 0.63-0.68 s of wall time
 * at 20 rounds (eager; lazy 0.66-0.69) against 0.50-0.54 (lazy 0.58) with 1 MiB; `exec` the same.
 */
const WASM_REGION_REACH = 1024 * 1024;
const WASM_REGION_INSNS = 1024;
/**
 * By default translation starts after this many instructions of the engine, for blocks that then
 * run JIT_HOT_HITS times, and skips regions made mostly of op calls (jit/compile.ts
 * mostlyOpCalls). Each region is a new JavaScript function that runs slower than the
 * interpreter's ops (shared, long optimized) until V8 has optimized it, and V8's compilation of a
 * large region costs tens of milliseconds and compiler memory: translating loses on short programs
 * and on short program phases. Earlier measures (recursion.elf, 2.9 M instructions: 0.33 s
 * interpreted, 0.43-0.55 s translated from the start) set a 30 M warm-up with a threshold of 16
 * hits. A 5 M warm-up then cost the workloads CPU and RSS: first deoptimizations (V8 optimized
 * looping regions on stack before their exit code had type feedback: 140 on the workloads, now
 * 33, jit/compile.ts FIRST_CALL), then the compilation of regions of short phases (matrix alone,
 * 9.6 M instructions, translated from 1 M: 0.68 s CPU and 95 MiB against 0.49 s and 63 MiB
 * interpreted; its hot loops are vector code that calls an op per instruction). With hot blocks
 * only and no op-call regions, CPU seconds best (median) of 3 alternating runs, 30 M/16 hits
 * against 5 M/5000 hits: CoreMark 1000 iterations 3.42 (3.84) / 2.65 (3.11), peak RSS 73-75 /
 * 70-71 MiB; the workloads at 20 rounds 2.23 (2.25) / 2.03 (2.18), RSS 78-80 / 73-77 MiB;
 * interp.elf (25 M instructions) 0.74 / 0.65 s, RSS 61 / 64 MiB; workloads.elf 1 and recursion.elf
 * stay below the warm-up (0.49 / 0.47, 0.36 / 0.36). A 1 M warm-up made those two slower (1.03
 * and 0.73 s against 0.62 and 0.42 in the same runs). An explicit jitThreshold (tests, the fuzzer,
 * the kernels benchmark) starts at once and translates every region.
 */
const JIT_WARMUP_INSNS = 5_000_000;
/** Runs of a block after the warm-up before it is translated (see JIT_WARMUP_INSNS). */
const JIT_HOT_HITS = 5000;
/**
 * Runs of a block, warm-up or not, after which its region is translated if it can become
 * WebAssembly (jit/compile.ts compileRegion's wasmOnly). Unlike a JavaScript region, a WebAssembly
 * region costs V8 little to compile (its baseline compiler, then optimization in the background)
 * and runs fast at once.
 */
const WASM_HOT_HITS = 200;

/**
 * Touched pages after which the engine's memory moves into its WebAssembly arena before any region
 * needs it (MemoryOptions.arenaAfterPages). busybox running 4 commands 20 times (2026-12-05, 2-core
 * VM): 1.52 s with pages in the arena from the first, 1.65-1.70 s moved at the first region,
 * 1.52-1.58 s moved at 64 pages (which keeps fuzz-lazy's memories of about 30 pages out of it).
 */
const ARENA_AFTER_PAGES = 64;

/**
 * The ops built so far on this thread, by instruction address, with the word each was built from.
 * An op depends only on its word and address (InsnDef.exec), so an engine created after another
 * reuses the ops of code that sits at the same address with the same words instead of decoding
 * again: a fuzz-lazy campaign opens a session (an engine) per case and the runtime lands at the
 * same addresses each time, so 95% of the instructions it decoded were already built (measured on
 * 100 cases: 306k of 321k), and decoding was 18% of its CPU time. Only successfully built ops are
 * kept (undecodable words raise errors that carry their engine's state). Cleared when full.
 */
const BUILT_OPS = new Map<number, { word: number; op: Op; flow: Flow; indirect: boolean }>();

/**
 * Targets noted per block that ends with a BR (a jump table's cases). Only BR: with the targets of
 * RET (return sites) and BLR as well, a small function's region took in the loops of its callers
 * on the same page, and the programs benchmark ran slower (single-threaded V8, CPU seconds best
 * of 3: 1.74 against 1.58 with BR only), CoreMark no faster.
 */
const MAX_TARGETS = 16;
/** Exits after a new late case before a BR's region is made again a second time (dynamicExit). */
const REMAKE_EXITS = 64;
const BUILT_OPS_LIMIT = 1 << 16;

/** `follow`'s type feedback is primed once per thread (jit/links.ts warmFollow). */
let followWarm = false;
/** The dispatch loops are primed once per thread, at the first early translation (primeDispatch). */
let dispatchPrimed = false;

interface Block {
  readonly address: number;
  /**
   * Executions so far, until the block is translated: during the warm-up only up to the early
   * WebAssembly tier's threshold.
   */
  hits: number;
  /** Translated form: undefined = not yet tried, null = not translatable. */
  jit: CompiledBlock | null | undefined;
  /** The translated form's successor links. */
  links: Links | undefined;
  /** Address after the last instruction. */
  readonly end: number;
  readonly ops: Op[];
  /** True when the last op does not set pc (block ended by size or page end). */
  readonly fallthrough: boolean;
  /** Set for host call gate blocks. */
  readonly gate: HostGateFn | undefined;
  /** The block starts at a breakpoint (never translated, never inside another's region). */
  readonly bp: boolean;
  /**
   * For a block that ends with a BR: the addresses it was seen to continue at while interpreted (at
   * most MAX_TARGETS), so that a translated region can include them; else null.
   */
  readonly targets: number[] | null;
  /** Last two successors (chaining), valid while `gen` equals the engine's code generation. */
  succA: Block | undefined;
  succB: Block | undefined;
  gen: number;
  /**
   * The block's instructions decoded (undefined: not yet; null: some word does not decode), and
   * whether WebAssembly can run them all (-1: not asked yet): region searches ask again and again
   * about the same blocks (CoreMark: 112 early searches, 1,918 blocks asked).
   */
  decoded: Decoded[] | null | undefined;
  wasmOk: number;
  /**
   * For a block ending with a BR, the WebAssembly regions made again for targets its region
   * lacked (dynamicExit); the same-page targets noted since the last one; the exits since then.
   */
  remakes: number;
  lateTargets: number;
  lateExits: number;
}

/**
 * Every block is built here with all its fields in one order, so the dispatch loops' loads of
 * block fields stay monomorphic (optional fields added later would fork the hidden class).
 */
function newBlock(
  address: number,
  end: number,
  ops: Op[],
  fallthrough: boolean,
  jit: null | undefined,
  gen: number,
  gate?: HostGateFn,
  bp = false,
  indirect = false,
): Block {
  return {
    address,
    hits: 0,
    jit,
    links: undefined,
    end,
    ops,
    fallthrough,
    gate,
    bp,
    targets: indirect ? [] : null,
    succA: undefined,
    succB: undefined,
    gen,
    decoded: undefined,
    wasmOk: -1,
    remakes: 0,
    lateTargets: 0,
    lateExits: 0,
  };
}

interface HookEntry {
  id: number;
  type: string;
  fn: unknown;
  begin: number;
  end: number;
}

interface TsContext extends EngineContext {
  readonly kind: 'ts';
  readonly xlo: Int32Array;
  readonly xhi: Int32Array;
  readonly pc: number;
  readonly nzcv: number;
  readonly v: Uint8Array;
  readonly fpcr: number;
  readonly fpsr: number;
  readonly tpidrLo: number;
  readonly tpidrHi: number;
}

export function decode(word: number): Decoded | null {
  return decodeWord(word);
}

export class TsEngine implements Engine {
  readonly kind = 'ts' as const;
  readonly mem: Memory;
  readonly cpu: CpuState;
  private readonly gates = new Map<number, HostGateFn>();
  private readonly bps = new Set<number>();
  /** Bit INTNO_x set: that exception ends start() with reason 'exception'. */
  private exceptionStops = 0;
  /** The exception that ended the current run (-1: none). */
  private exceptionHit = -1;
  /** Scratch state for working out exact fault addresses (see exactAddress). */
  private probe: CpuState | undefined;
  private hooks: HookEntry[] = [];
  /** The last guest store the memory observer saw (its value goes to invalid hooks; -1: none). */
  private lastStoreAddress = -1;
  private lastStoreLo = 0;
  private lastStoreHi = 0;
  /** Address of a store whose fault a hook handled: its retry is not reported again (-1: none). */
  private retriedStore = -1;
  private nextHookId = 1;
  private stopRequested = false;
  private parked = false;
  private closed = false;
  private readonly jitThreshold: number;
  /** Blocks count towards jitThreshold once the engine has run this many instructions. */
  private readonly jitWarmup: number;
  /** Hits at which a block's region is translated if it can be WebAssembly (-1: never early). */
  private readonly wasmHits: number;
  /** Regions translated so far (tests and benchmarks check the tier is used)... */
  translatedRegions = 0;
  /** ... and how many of them became WebAssembly (jit/wasm.ts). */
  wasmRegions = 0;
  /**
   * Times a WebAssembly region left before an instruction for its op: an access it could not make
   * (a page fault, a page with code) or an FP result its fast paths could not decide. Tests check
   * with it that a fast path decides what it should.
   */
  wasmOpExits = 0;
  private readonly wasmAllowed: boolean;

  constructor(options: EngineOptions = {}) {
    this.jitThreshold = options.jitThreshold ?? JIT_HOT_HITS;
    this.jitWarmup = options.jitThreshold === undefined ? JIT_WARMUP_INSNS : 0;
    const early = options.wasmThreshold ?? (options.jitThreshold === undefined ? WASM_HOT_HITS : -1);
    // A block's first run counts 1: a threshold of 0 translates it then. -1: never.
    this.wasmHits = early >= 0 && early < Number.POSITIVE_INFINITY ? Math.max(1, Math.ceil(early)) : -1;
    this.wasmAllowed = options.wasmRegions ?? true;
    if (!this.wasmAllowed) this.wasmHits = -1;
    this.mem = new Memory({
      limit: options.memoryLimit,
      maxMappings: options.maxMappings,
      arenaAfterPages: this.wasmAllowed ? ARENA_AFTER_PAGES : undefined,
    });
    this.cpu = new CpuState(this.mem);
    if (!followWarm) {
      followWarm = true;
      warmFollow(this.cpu);
    }
    // Bound to a local before the store: node 20's scavenger keeps a closure stored as a literal
    // (`obj.p = () => …`) and the engine it reaches alive until a full GC, which made every closed
    // session survive scavenges (docs/fuzzing.md, "Where a second fuzz-lazy job's CPU goes").
    const onCodeInvalidated = (): void => {
      this.codeGen++;
    };
    this.mem.onCodeInvalidated = onCodeInvalidated;
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new EngineApiError('the ts engine needs a little-endian host');
    }
  }

  // ---- memory ---------------------------------------------------------------------------

  memMap(address: number, size: number, perms: number): void {
    this.mem.map(address, size, perms);
  }
  memUnmap(address: number, size: number): void {
    this.mem.unmap(address, size);
    this.dropCodeIn(address, size);
  }
  memProtect(address: number, size: number, perms: number): void {
    this.mem.protect(address, size, perms);
    this.dropCodeIn(address, size);
  }
  memRead(address: number, size: number): Uint8Array {
    return this.mem.read(address, size);
  }
  memWrite(address: number, data: Uint8Array): void {
    this.mem.write(address, data);
  }
  memRegions(): MemRegion[] {
    return this.mem.regions();
  }
  memPagesIn(address: number, size: number, fn: (pageAddress: number, bytes: Uint8Array) => void): void {
    this.mem.pagesIn(address, size, fn);
  }

  /** Bumped whenever decoded code is dropped anywhere: chained successor links die with it. */
  private codeGen = 0;

  private dropCodeIn(address: number, size: number): void {
    this.codeGen++;
    this.mem.forPagesIn(address / PAGE_SIZE, (address + size) / PAGE_SIZE, (_pn, page) => {
      if (page.code === null) return;
      page.spareCode = page.codeHeld ? null : page.code;
      page.codeHeld = false;
      page.code = null;
    });
  }

  // ---- registers ------------------------------------------------------------------------

  regRead(name: RegName): bigint {
    return readReg(this.cpu, name);
  }
  regWrite(name: RegName, value: bigint | number): void {
    writeReg(this.cpu, name, toRegisterValue(name, value));
  }
  getX(index: number): bigint {
    return this.cpu.getX(index);
  }
  setX(index: number, value: bigint | number): void {
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      // Without BigInt (host functions set results from numbers): the low word mod 2^32, the high
      // word floor(value / 2^32), two's complement for a negative value.
      this.cpu.xlo[index] = value | 0;
      this.cpu.xhi[index] = Math.floor(value / 4294967296) | 0;
      return;
    }
    this.cpu.setX(index, BigInt(value));
  }
  getPc(): number {
    return this.cpu.pc;
  }
  setPc(pc: number): void {
    this.cpu.pc = pc;
  }

  // ---- hooks ----------------------------------------------------------------------------

  hookAdd(type: 'code' | 'block', fn: CodeHook, range?: HookRange): HookHandle;
  hookAdd(type: MemHookType, fn: MemHook, range?: HookRange): HookHandle;
  hookAdd(type: MemInvalidHookType, fn: MemInvalidHook): HookHandle;
  hookAdd(type: 'intr', fn: InterruptHook): HookHandle;
  hookAdd(type: 'insn', fn: InsnHook, options: InsnHookOptions & { insn: 'svc' }): HookHandle;
  hookAdd(type: 'insn', fn: MrsHook, options: InsnHookOptions & { insn: 'mrs' }): HookHandle;
  hookAdd(type: string, fn: unknown, range?: HookRange | InsnHookOptions): HookHandle {
    const known =
      type === 'code' ||
      type === 'block' ||
      type === 'intr' ||
      type === 'mem-read' ||
      type === 'mem-write' ||
      type === 'mem-read-after' ||
      type === 'mem-fetch' ||
      type in MEM_INVALID_HOOK_TYPES;
    let kind = type;
    if (type === 'insn') {
      const insn = (range as InsnHookOptions | undefined)?.insn;
      if (insn !== 'svc' && insn !== 'mrs')
        throw new EngineApiError(`'insn' hooks take { insn: 'svc' | 'mrs' }, got ${String(insn)}`);
      kind = insn === 'svc' ? 'insn' : 'insn-mrs';
    } else if (!known) throw new EngineApiError(`unknown hook type '${type}'`);
    const begin = range?.begin ?? 0;
    const end = range?.end ?? Number.MAX_SAFE_INTEGER;
    const entry: HookEntry = { id: this.nextHookId++, type: kind, fn, begin, end };
    this.hooks.push(entry);
    this.refreshObserver();
    return { id: entry.id };
  }

  hookDel(handle: HookHandle): void {
    this.hooks = this.hooks.filter((h) => h.id !== handle.id);
    this.refreshObserver();
  }

  private hooksOf(type: string): HookEntry[] {
    return this.hooks.filter((h) => h.type === type);
  }

  private refreshObserver(): void {
    // The memory reports a load after it read the value: 'mem-read' then 'mem-read-after', in the
    // order Unicorn calls them for one access (its read hook runs first).
    const reads = this.hooks.filter((h) => h.type === 'mem-read' || h.type === 'mem-read-after');
    const writes = this.hooksOf('mem-write');
    // Invalid-access hooks need the value of a faulting store (Unicorn passes it): track stores.
    const invalid = this.hooks.some((h) => h.type in MEM_INVALID_HOOK_TYPES);
    if (reads.length === 0 && writes.length === 0 && !invalid) {
      this.mem.observer = null;
      this.lastStoreAddress = -1;
      return;
    }
    this.mem.observer = (access: AccessKind, address, size, lo, hi) => {
      const list = access === 'read' ? reads : writes;
      if (access === 'write') {
        // A store retried after an invalid-access hook handled its fault was already reported.
        if (this.retriedStore === address) {
          this.retriedStore = -1;
          return;
        }
        this.lastStoreAddress = address;
        this.lastStoreLo = lo;
        this.lastStoreHi = hi;
      }
      if (list.length === 0) return;
      const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      for (const h of list) {
        // Unicorn's read hook runs before the load and reports 0; read-after reports the value.
        if (address >= h.begin && address <= h.end)
          (h.fn as MemHook)(access, address, size, h.type === 'mem-read' ? 0n : value);
      }
    };
  }

  addHostGate(address: number, fn: HostGateFn): void {
    if (address % 4 !== 0) throw new EngineApiError(`host gate address 0x${address.toString(16)} is not 4-aligned`);
    this.gates.set(address, fn);
    this.dropCodeIn(address - (address % PAGE_SIZE), PAGE_SIZE);
  }

  removeHostGate(address: number): void {
    this.gates.delete(address);
    this.dropCodeIn(address - (address % PAGE_SIZE), PAGE_SIZE);
  }

  // ---- exception stops and breakpoints -------------------------------------------------------

  setExceptionStops(intnos: readonly number[]): void {
    let mask = 0;
    for (const n of intnos) {
      if (n !== INTNO_SVC && n !== INTNO_BRK && n !== INTNO_HVC) {
        throw new EngineApiError(`exception ${n} cannot end a run (only SVC 2, BRK 7 and HVC 11 can)`);
      }
      mask |= 1 << n;
    }
    this.exceptionStops = mask;
  }

  addBreakpoint(address: number): void {
    if (!Number.isSafeInteger(address) || address < 0 || address % 4 !== 0) {
      throw new EngineApiError(`breakpoint address ${addressText(address)} is not a 4-aligned address`);
    }
    if (this.bps.has(address)) return;
    this.bps.add(address);
    // Blocks and regions of that page were built without it: decode them again.
    this.dropCodeIn(address - (address % PAGE_SIZE), PAGE_SIZE);
  }

  removeBreakpoint(address: number): void {
    if (!this.bps.delete(address)) return;
    this.dropCodeIn(address - (address % PAGE_SIZE), PAGE_SIZE);
  }

  // ---- execution ------------------------------------------------------------------------

  stop(): void {
    this.stopRequested = true;
  }

  instructionCount(): number {
    return this.cpu.icount;
  }

  start(begin: number, until: number, options: StartOptions = {}): RunResult {
    if (this.closed) throw new EngineApiError('engine is closed');
    const r = this.run(begin, until, options);
    if (r !== FAILED) return r;
    throw this.takeFault();
  }

  /** The error of the op or translated code that threw last (see runOps). */
  private readonly fault: Fault = { error: undefined };

  /** The error in this.fault, which no longer holds it. */
  private takeFault(): unknown {
    const e = this.fault.error;
    this.fault.error = undefined;
    return e;
  }

  /** Returns FAILED when start() is to throw this.fault.error (a fault no hook handled). */
  private failed(e: unknown): RunResult {
    this.fault.error = e;
    return FAILED;
  }

  private run(begin: number, until: number, options: StartOptions): RunResult {
    const s = this.cpu;
    const limit = options.count !== undefined && options.count > 0 ? options.count : Number.POSITIVE_INFINITY;
    // A slice costs nothing extra here: it is an exact count, reported as 'slice'.
    if (options.slice !== undefined && options.slice > 0 && options.slice < limit) {
      const r = this.run(begin, until, { count: options.slice });
      if (r.reason === 'count') r.reason = 'slice';
      return r;
    }
    const startCount = s.icount;
    s.pc = begin;
    s.until = until >= 0 && until < 2 ** 53 ? until : -1;
    s.ilim = startCount + limit;
    this.stopRequested = false;
    this.parked = false;
    this.exceptionHit = -1;
    const codeHooks = this.hooksOf('code');
    const blockHooks = this.hooksOf('block');
    const mrsHooks = this.hooksOf('insn-mrs');
    // mrs hooks look at each instruction before it runs: one instruction at a time, as code hooks.
    const singleStep = codeHooks.length > 0 || mrsHooks.length > 0;
    // Translated blocks run without per-instruction or per-access hooks, so those disable them.
    // Interrupt and invalid-memory hooks run where translated code has left with exact state.
    const jitOn =
      this.jitThreshold !== Number.POSITIVE_INFINITY &&
      this.hooks.every((h) => h.type === 'intr' || h.type === 'insn' || h.type in MEM_INVALID_HOOK_TYPES);
    // In single-step mode, block hooks fire where a basic block starts: the entry, and after
    // a terminator (branch, exception, gate).
    let atBlockStart = true;
    let prev: Block | undefined;
    for (;;) {
      if (jitOn) {
        const r = this.runFast(until, limit, startCount);
        if (r !== null) return r;
      }
      const pc = s.pc;
      if (this.stopRequested) return this.result('stopped', startCount);
      if (pc === until) return this.result('until', startCount);
      const left = limit - (s.icount - startCount);
      if (left <= 0) return this.result('count', startCount);
      let block: Block;
      try {
        if (prev !== undefined && prev.gen === this.codeGen && prev.succA?.address === pc) block = prev.succA;
        else if (prev !== undefined && prev.gen === this.codeGen && prev.succB?.address === pc) {
          block = prev.succB;
          prev.succB = prev.succA;
          prev.succA = block;
        } else {
          block = this.getBlock(pc);
          if (prev !== undefined) {
            if (prev.gen !== this.codeGen) {
              prev.gen = this.codeGen;
              prev.succB = undefined;
            } else prev.succB = prev.succA;
            prev.succA = block;
          }
        }
      } catch (e) {
        if (e instanceof MemoryFault && this.onInvalid(e, pc)) continue;
        throw e;
      }
      prev = block;
      if (block.bp === true && !(pc === begin && s.icount === startCount)) return this.result('breakpoint', startCount);
      if (block.gate) {
        for (const h of blockHooks) if (pc >= h.begin && pc <= h.end) (h.fn as CodeHook)(pc, 4);
        for (const h of codeHooks) if (pc >= h.begin && pc <= h.end) (h.fn as CodeHook)(pc, 4);
        if (this.stopRequested) return this.result('stopped', startCount);
        atBlockStart = true;
        s.icount += 1;
        const answer = block.gate(this);
        if (answer === 'park') {
          this.parked = true;
          s.pc = pc;
          return this.result('parked', startCount);
        }
        if (s.pc === pc) {
          // Behave as the `ret` that occupies the gate slot.
          s.pc = (s.xhi[30] as number) * 4294967296 + ((s.xlo[30] as number) >>> 0);
        }
        continue;
      }
      if (jitOn && block.jit !== null) {
        let jit: CompiledBlock | null | undefined = block.jit;
        if (jit === undefined) jit = this.hot(block, s.icount);
        if (jit && left >= block.ops.length && !(until > pc && until < block.end)) {
          if (!runCompiled(jit, s, this.fault, false)) {
            const e = this.takeFault();
            s.icount += s.jn;
            s.pc = s.k;
            if (this.onFault(e)) continue;
            return this.failed(e);
          }
          if (s.excKind !== EXC_NONE && this.raise()) return this.result('exception', startCount);
          continue;
        }
      }
      let n = block.ops.length;
      let partial = false;
      if (singleStep) {
        n = 1;
        partial = n < block.ops.length || block.fallthrough;
      }
      if (until > pc && until < block.end) {
        const k = (until - pc) / 4;
        if (k < n) {
          n = k;
          partial = true;
        }
      }
      if (left < n) {
        n = left;
        partial = true;
      }
      if (blockHooks.length > 0 && !singleStep) {
        for (const h of blockHooks) if (pc >= h.begin && pc <= h.end) (h.fn as CodeHook)(pc, block.end - pc);
      }
      if (singleStep) {
        try {
          if (atBlockStart) {
            for (const h of blockHooks) if (pc >= h.begin && pc <= h.end) (h.fn as CodeHook)(pc, block.end - pc);
          }
          atBlockStart = block.ops.length === 1 && !block.fallthrough;
          for (const h of codeHooks) if (pc >= h.begin && pc <= h.end) (h.fn as CodeHook)(pc, 4);
          if (this.stopRequested) return this.result('stopped', startCount);
          if (s.pc !== pc) continue; // a hook redirected execution
          if (mrsHooks.length > 0 && this.mrsHandled(mrsHooks, pc)) {
            s.icount += 1;
            s.pc = pc + 4;
            atBlockStart = block.ops.length === 1 && !block.fallthrough;
            continue;
          }
        } catch (e) {
          s.pc = pc;
          if (this.onFault(e)) continue;
          throw e;
        }
      }
      const i = runOps(block.ops, n, s, this.fault);
      if (i < n) {
        const e = this.takeFault();
        s.icount += i;
        s.pc = pc + 4 * i;
        if (this.onFault(e)) continue;
        return this.failed(e);
      }
      s.icount += n;
      // Partial runs never reach the block's terminator, so pc is rebuilt from the op index.
      if (partial || block.fallthrough) s.pc = pc + 4 * n;
      if (s.excKind !== EXC_NONE && this.raise()) return this.result('exception', startCount);
    }
  }

  /**
   * The loop for runs without hooks: whole blocks back to back, translated once hot. Interpreted
   * blocks are chained through successor links; translated ones run in a trampoline, each
   * returning its linked successor, and come back here only for a block not linked yet (which
   * this loop then links), an exception, or a stop condition. Returns null when the block at
   * `s.pc` needs the general loop (host gate, a partial block because of `until` or the budget).
   */
  private runFast(until: number, limit: number, startCount: number): RunResult | null {
    const s = this.cpu;
    let prev: Block | undefined;
    s.lk = null;
    // The instruction count at which the budget runs out (infinite without one).
    const stopAt = startCount + limit;
    for (;;) {
      const pc = s.pc;
      if (pc === until) return this.result('until', startCount);
      const icount = s.icount;
      if (icount >= stopAt) return this.result('count', startCount);
      if (this.stopRequested) return this.result('stopped', startCount);
      let block: Block | undefined;
      if (prev !== undefined && prev.gen === this.codeGen) {
        const a = prev.succA;
        if (a !== undefined && a.address === pc) block = a;
        else {
          const b = prev.succB;
          if (b !== undefined && b.address === pc) {
            block = b;
            prev.succB = a;
            prev.succA = b;
          }
        }
      }
      if (block === undefined) {
        try {
          block = this.getBlock(pc);
        } catch (e) {
          if (e instanceof MemoryFault) return null;
          throw e;
        }
        if (prev !== undefined) {
          if (prev.gen !== this.codeGen) {
            prev.gen = this.codeGen;
            prev.succB = undefined;
          } else prev.succB = prev.succA;
          prev.succA = block;
          // A successor that is not chained yet may be one more target of a branch to a register.
          const targets = prev.targets;
          if (targets !== null && targets.length < MAX_TARGETS && !targets.includes(pc)) targets.push(pc);
        }
      }
      const ops = block.ops;
      const n = ops.length;
      if (block.gate !== undefined || block.bp || icount + n > stopAt || (until > pc && until < block.end)) return null;
      prev = block;
      let jit = block.jit;
      if (jit === undefined) jit = this.hot(block, icount);
      if (jit) {
        // The last translated block that ran continues here from now on.
        const k = s.lk as Links | null;
        if (k !== null) {
          linkTo(k, pc, jit);
          s.lk = null;
        }
        if (!runCompiled(jit, s, this.fault, true)) {
          const e = this.takeFault();
          s.icount += s.jn;
          s.pc = s.k;
          s.lk = null;
          if (this.onFault(e)) return null;
          return this.failed(e);
        }
        // Interpreted blocks do not link to whatever comes next.
        prev = undefined;
      } else {
        s.lk = null;
        const i = runOps(ops, n, s, this.fault);
        if (i < n) {
          const e = this.takeFault();
          s.icount += i;
          s.pc = pc + 4 * i;
          if (this.onFault(e)) return null;
          return this.failed(e);
        }
        s.icount = icount + n;
        if (block.fallthrough) s.pc = block.end;
      }
      if (s.excKind !== EXC_NONE && this.raise()) return this.result('exception', startCount);
    }
  }

  private result(reason: RunResult['reason'], startCount: number): RunResult {
    const r: RunResult = { reason, instructions: this.cpu.icount - startCount, pc: this.cpu.pc };
    if (reason === 'exception') r.intno = this.exceptionHit;
    return r;
  }

  /**
   * An error left an op with s.pc at the faulting instruction: completes the typed error (pc,
   * exact address) and returns true when a mem-invalid hook handled it (retry at s.pc).
   */
  private onFault(e: unknown): boolean {
    const pc = this.cpu.pc;
    if (e instanceof MemoryFault) {
      e.pc = pc;
      if (!Number.isSafeInteger(e.address)) {
        const exact = this.exactAddress(pc);
        if (exact !== undefined) e.setExactAddress(exact);
      }
      return this.onInvalid(e, pc);
    }
    if (e instanceof AlignmentFault) {
      e.pc ??= pc;
      if (!Number.isSafeInteger(e.address)) {
        const exact = this.exactAddress(pc);
        if (exact !== undefined) e.setExactAddress(exact);
      }
    } else if (e instanceof OutOfMemory) e.pc ??= pc;
    return false;
  }

  /**
   * The exact 64-bit address of the first access of the instruction at `pc`, for faults whose
   * address (a double) is beyond 2^53. Addresses are affine in the registers mod 2^64, so the
   * instruction is run again on scratch state over an empty memory (its first access faults at once
   * and reports the address): once with every register's high half set to a small constant, so the
   * address stays exact, and once per register with that half changed, which gives the register's
   * coefficient. Slow, and only ever taken for such faults.
   */
  private exactAddress(pc: number): bigint | undefined {
    let op: Op;
    try {
      const word = this.mem.fetch32(pc);
      const d = decodeWord(word);
      if (d === null || !d.def.exec) return undefined;
      op = d.def.exec(d.fields, pc);
    } catch {
      return undefined;
    }
    const s = this.cpu;
    this.probe ??= new CpuState(new Memory({ limit: 0 }));
    const p = this.probe;
    const BASE = 1024;
    const probeWith = (reg: number): number | undefined => {
      p.xlo.set(s.xlo);
      p.xhi.fill(BASE);
      p.xhi[ZR] = 0;
      p.xlo[ZR] = 0;
      if (reg >= 0) p.xhi[reg] = 2 * BASE;
      p.vb.set(s.vb);
      p.pc = pc;
      p.exclAddr = -1;
      try {
        op(p);
      } catch (e) {
        if (e instanceof MemoryFault || e instanceof AlignmentFault) return e.address;
      }
      return undefined;
    };
    const a0 = probeWith(-1);
    if (a0 === undefined || !Number.isSafeInteger(a0)) return undefined;
    let exact = BigInt(a0);
    for (let r = 0; r <= SP; r++) {
      const hi = (s.xhi[r] as number) >>> 0;
      if (hi === BASE) continue;
      const a1 = probeWith(r);
      if (a1 === undefined || !Number.isSafeInteger(a1)) return undefined;
      const c = (a1 - a0) / (BASE * 4294967296);
      if (!Number.isInteger(c)) return undefined;
      exact += BigInt(c) * BigInt(hi - BASE) * 4294967296n;
    }
    return BigInt.asUintN(64, exact);
  }

  /** Calls the mrs hooks when the word at pc is an MRS; true when one emulated it (skip it). */
  private mrsHandled(hooks: readonly HookEntry[], pc: number): boolean {
    const w = this.mem.fetch32(pc);
    if ((w & 0xfff00000) >>> 0 !== 0xd5300000) return false;
    const info: MrsHookInfo = {
      address: pc,
      rt: w & 31,
      op0: 2 + ((w >>> 19) & 1),
      op1: (w >>> 16) & 7,
      crn: (w >>> 12) & 15,
      crm: (w >>> 8) & 15,
      op2: (w >>> 5) & 7,
    };
    let handled = false;
    for (const h of hooks) if (pc >= h.begin && pc <= h.end && (h.fn as MrsHook)(info) === true) handled = true;
    return handled;
  }

  /** Unicorn semantics: an invalid-access hook that returns true gets the access retried. */
  private onInvalid(fault: MemoryFault, pc: number): boolean {
    const hooks = this.hooks.filter((h) => invalidHookSees(h.type, fault.access, fault.kind));
    if (hooks.length === 0) return false;
    let handled = false;
    // As Unicorn: a faulting store's hooks see the value being stored, a load's 0.
    const store = fault.access === 'write' && this.lastStoreAddress === fault.address;
    const value = store ? (BigInt(this.lastStoreHi >>> 0) << 32n) | BigInt(this.lastStoreLo >>> 0) : 0n;
    for (const h of hooks) {
      if ((h.fn as MemInvalidHook)(fault.access, fault.kind, fault.address, fault.size, value)) handled = true;
    }
    if (handled && store && this.mem.observer !== null) this.retriedStore = fault.address;
    this.cpu.pc = pc;
    return handled;
  }

  /** Delivers the pending exception; true when it ends the run (setExceptionStops). */
  private raise(): boolean {
    const s = this.cpu;
    const kind = s.excKind;
    s.excKind = EXC_NONE;
    const intno =
      kind === EXC_SVC ? INTNO_SVC : kind === EXC_BRK ? INTNO_BRK : kind === EXC_HVC ? INTNO_HVC : INTNO_UDEF;
    if ((this.exceptionStops & (1 << intno)) !== 0) {
      this.exceptionHit = intno;
      return true;
    }
    if (kind === EXC_SVC) {
      const at = s.pc - 4;
      const svc = this.hooks.filter((h) => h.type === 'insn' && at >= h.begin && at <= h.end);
      if (svc.length > 0) {
        for (const h of svc) (h.fn as InsnHook)(at);
        return false;
      }
    }
    const hooks = this.hooksOf('intr');
    if (hooks.length === 0 || kind === EXC_UDF) {
      const at = kind === EXC_SVC || kind === EXC_HVC ? s.pc - 4 : s.pc;
      if (hooks.length === 0) throw new UnhandledException(intno, at);
    }
    for (const h of hooks) (h.fn as InterruptHook)(intno);
    return false;
  }

  private getBlock(pc: number): Block {
    if ((pc & 3) !== 0) {
      // A branch to a register can leave the pc misaligned. The fetch there takes a PC alignment
      // fault (before any translation fault; Linux: SIGBUS, BUS_ADRALN, si_addr the pc), as on
      // hardware and under qemu-aarch64. Not cached: the slot (pc >> 2) is the aligned word's.
      // Unicorn 2 instead fetches the misaligned word (docs/engines.md, deviations).
      return newBlock(pc, pc + 4, [throwing(new AlignmentFault('fetch', pc, 4, pc))], false, null, this.codeGen);
    }
    const page = this.mem.fetchPage(pc);
    const slot = (pc & (PAGE_SIZE - 1)) >>> 2;
    let code = page.code as (Block | undefined)[] | null;
    if (code === null) {
      code = page.spareCode as (Block | undefined)[] | null;
      if (code === null) code = new Array(PAGE_SIZE / 4);
      else {
        code.fill(undefined, page.codeLo, page.codeHi + 1);
        page.spareCode = null;
      }
      page.codeLo = slot;
      page.codeHi = slot;
      page.code = code;
    }
    const cached = code[slot];
    if (cached !== undefined) return cached;
    const block = this.buildBlock(pc);
    code[slot] = block;
    if (slot < page.codeLo) page.codeLo = slot;
    else if (slot > page.codeHi) page.codeHi = slot;
    return block;
  }

  /** Re-decodes a block's words (unchanged since the block was built); null if not translatable. */
  private decodeBlock(block: Block): Decoded[] | null {
    if (block.gate || block.jit === null || block.ops.length === 0) return null;
    if (block.decoded !== undefined) return block.decoded;
    const decoded: Decoded[] = [];
    for (let a = block.address; a < block.end; a += 4) {
      const d = decodeWord(this.mem.fetch32(a));
      if (d === null || !d.def.exec) {
        block.decoded = null;
        return null;
      }
      decoded.push(d);
    }
    block.decoded = decoded;
    return decoded;
  }

  /** Whether WebAssembly can run all of the block's (decoded) instructions, asked once per block. */
  private wasmOk(block: Block, decoded: Decoded[]): boolean {
    if (block.wasmOk < 0) block.wasmOk = wasmBlockSupported(decoded, block.address, block.fallthrough) ? 1 : 0;
    return block.wasmOk === 1;
  }

  /**
   * Counts a run of a block not translated yet and translates it once hot: early when its region
   * can be WebAssembly, else after the warm-up and jitThreshold runs.
   */
  private hot(block: Block, icount: number): CompiledBlock | null | undefined {
    const early = this.wasmHits;
    if (!dispatchPrimed && block.hits === early - 1 && this.jitWarmup > 0) {
      // The first translation of a thread's engine that translates as users' engines do: a
      // program that gets this far runs long enough to pay for priming (primeDispatch).
      dispatchPrimed = true;
      primeDispatch();
    }
    if (icount < this.jitWarmup) {
      // Runs during the warm-up count only up to the early tier's threshold: at its end, blocks
      // that were hot all along would otherwise all be translated to JavaScript at once (a burst
      // of V8 compilations: 10 MiB more heap on the programs benchmark).
      if (block.hits < early && ++block.hits === early) return this.translate(block, true);
      return undefined;
    }
    const hits = ++block.hits;
    if (hits === early) return this.translate(block, true);
    if (hits > this.jitThreshold) return this.translate(block, false);
    return undefined;
  }

  /**
   * A BR left a WebAssembly region for `to`, which its block was not seen to take before the region
   * was made (a jump table's case that first ran later): a region is made again from the BR's
   * block, with that case. The case's block, not translated yet, then runs the new region, and the
   * loop goes on in it; the old region, still reached from its other blocks, leaves for that case
   * as before (once per target here: the target is noted).
   *
   * The first late case makes the region again at once; after that, a region is made again only
   * once REMAKE_EXITS exits have followed a new late case, so that the cases a loop's first
   * rounds discover one by one come into one region (the workloads' bytecode loop was made nine
   * times in 0.3 M instructions, 2-10 ms each, with each new opcode).
   */
  private dynamicExit(from: number, to: number): void {
    const block = this.getBlock(from);
    const targets = block.targets;
    if (targets === null) return;
    if (!targets.includes(to)) {
      if (targets.length >= MAX_TARGETS) return;
      targets.push(to);
      if (to - (to % PAGE_SIZE) === from - (from % PAGE_SIZE)) block.lateTargets++;
    }
    // Exits for targets noted before (from regions made earlier) count only while a new one waits.
    if (block.lateTargets === 0) return;
    if (block.remakes > 0 && ++block.lateExits < REMAKE_EXITS) return;
    block.remakes++;
    block.lateTargets = 0;
    block.lateExits = 0;
    this.translate(block, true);
  }

  /**
   * Compiles the region of `block`: itself plus the blocks of the same page reachable through
   * direct branches (see jit/compile.ts). A block of an 'alone' instruction (exact icount) is a
   * region on its own, and is never part of another block's region. `wasmOnly`: the early tier's
   * search (larger, only blocks WebAssembly can run), and undefined (not translated, to be tried
   * again by the JavaScript tier) when the region cannot be WebAssembly.
   */
  private translate(block: Block, wasmOnly: boolean): CompiledBlock | null | undefined {
    const first = this.decodeBlock(block);
    if (first === null) {
      block.jit = null;
      return null;
    }
    if (wasmOnly && !this.wasmOk(block, first)) return undefined;
    const page = this.mem.fetchPage(block.address);
    const pageBase = block.address - (block.address % PAGE_SIZE);
    const blocks: RegionBlock[] = [
      { address: block.address, decoded: first, ops: block.ops, fallthrough: block.fallthrough },
    ];
    // Successors of each candidate: the static ones and the targets seen after a branch to a register.
    const successors: number[][] = [];
    const seen = new Set<number>([block.address]);
    let size = first.length;
    const alone = (first[0] as Decoded).def.flow === 'alone';
    const sources: Block[] = [block];
    // Candidates found through a seen target (or after one) have the larger budget.
    const throughTarget: boolean[] = [false];
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i] as RegionBlock;
      const lastAt = b.address + 4 * (b.decoded.length - 1);
      const next = b.fallthrough ? [lastAt + 4] : staticSuccessors(b.decoded[b.decoded.length - 1] as Decoded, lastAt);
      const staticCount = next.length;
      const targets = (sources[i] as Block).targets;
      if (targets !== null) for (const t of targets) if (!next.includes(t)) next.push(t);
      successors.push(next);
      if (alone) continue;
      for (let j = 0; j < next.length; j++) {
        const t = next[j] as number;
        if (seen.has(t) || t % 4 !== 0) continue;
        const near = wasmOnly
          ? Math.abs(t - block.address) < WASM_REGION_REACH
          : t >= pageBase && t < pageBase + PAGE_SIZE;
        if (!near) continue;
        seen.add(t);
        const dynamic = (throughTarget[i] as boolean) || j >= staticCount;
        const maxBlocks = wasmOnly ? WASM_REGION_BLOCKS : dynamic ? MAX_TARGET_REGION_BLOCKS : MAX_REGION_BLOCKS;
        const maxInsns = wasmOnly ? WASM_REGION_INSNS : dynamic ? MAX_TARGET_REGION_INSNS : MAX_REGION_INSNS;
        if (blocks.length >= maxBlocks) continue;
        let nb: Block;
        try {
          nb = this.getBlock(t);
        } catch (e) {
          // Another page that cannot be fetched (unmapped, not executable): not a candidate.
          if (e instanceof MemoryFault) continue;
          throw e;
        }
        const decoded = this.decodeBlock(nb);
        if (decoded === null || (decoded[0] as Decoded).def.flow === 'alone') continue;
        if (wasmOnly && !this.wasmOk(nb, decoded)) continue;
        if (size + decoded.length > maxInsns) continue;
        size += decoded.length;
        blocks.push({ address: t, decoded, ops: nb.ops, fallthrough: nb.fallthrough });
        sources.push(nb);
        throughTarget.push(dynamic);
      }
    }
    if (wasmOnly) {
      // A RET may go back to any call's return site in the region (the region compares X30 with
      // them), so a caller's loop through a callee is one loop (jit/wasm.ts).
      const returns = blocks.filter((b) => endsWith(b, 'BL')).map((b) => b.address + 4 * b.decoded.length);
      blocks.forEach((b, i) => {
        if (endsWith(b, 'RET')) (successors[i] as number[]).push(...returns);
      });
    }
    const members = loopThroughEntry(successors, blocks);
    const region = members.map((i) => blocks[i] as RegionBlock);
    if (!wasmOnly && this.jitWarmup > 0 && mostlyOpCalls(region)) {
      block.jit = null;
      return null;
    }
    // A WebAssembly region may reach into other pages: each is a guard too.
    const otherPages: Page[] = [];
    for (const b of region) {
      const p = this.mem.fetchPage(b.address);
      if (p !== page && !otherPages.includes(p)) otherPages.push(p);
    }
    page.codeHeld = true;
    for (const p of otherPages) p.codeHeld = true;
    const compiled = compileRegion({
      blocks: region,
      guard: page,
      otherPages,
      mem: this.mem,
      wasm: this.wasmAllowed,
      wasmOnly,
      onDynamicExit: (from, to) => this.dynamicExit(from, to),
      onOpExit: () => {
        this.wasmOpExits++;
      },
    });
    // Not WebAssembly: the block stays interpreted until it is hot enough for JavaScript. Not
    // JavaScript either (the host forbids new Function): it stays interpreted for good.
    if (compiled === null) {
      if (wasmOnly) return undefined;
      block.jit = null;
      return null;
    }
    const { fn, links, wasm } = compiled;
    this.translatedRegions++;
    if (wasm) {
      this.wasmRegions++;
      // A shared arena's header words become the register file: WebAssembly regions then read and
      // write the registers in place instead of copying them around each call (jit/wasm.ts).
      const arena = this.mem.arena;
      const s = this.cpu;
      if (arena?.xlo && arena.xhi && s.xlo !== arena.xlo) s.useRegisters(arena.xlo, arena.xhi);
    }
    block.jit = fn;
    block.links = links;
    if (region.length > 1) {
      // A region of several blocks starts at whichever of its blocks `s.pc` names (a switch on the
      // pc): its other blocks run it too instead of being interpreted until hot and translated
      // again into a copy of the same loop (a bytecode interpreter's dispatch was three copies).
      for (const i of members) {
        const member = sources[i] as Block;
        if (member.jit === undefined) {
          member.jit = fn;
          member.links = links;
        }
      }
    }
    return fn;
  }

  private buildBlock(pc: number): Block {
    const gate = this.gates.get(pc);
    if (gate) return newBlock(pc, pc + 4, [], false, null, this.codeGen, gate);
    if (this.bps.has(pc)) {
      // Interpreted (jit null), so reaching it always goes through the dispatcher's check.
      const inner = this.buildOps(pc);
      return newBlock(pc, inner.end, inner.ops, inner.fallthrough, null, inner.gen, undefined, true);
    }
    return this.buildOps(pc);
  }

  private buildOps(pc: number): Block {
    const ops: Op[] = [];
    const pageEnd = pc - (pc % PAGE_SIZE) + PAGE_SIZE;
    let a = pc;
    while (a < pageEnd && ops.length < MAX_BLOCK) {
      if (a !== pc && (this.gates.has(a) || this.bps.has(a))) break;
      const word = this.mem.fetch32(a);
      const known = BUILT_OPS.get(a);
      if (known !== undefined && known.word === word) {
        if (known.flow === 'alone' && ops.length > 0) break;
        ops.push(known.op);
        a += 4;
        if (known.flow !== 'seq')
          return newBlock(pc, a, ops, false, undefined, this.codeGen, undefined, false, known.indirect);
        continue;
      }
      const d = decodeWord(word);
      if (d === null) {
        ops.push(throwing(new UndefinedInstruction(word, a)));
        return newBlock(pc, a + 4, ops, false, null, this.codeGen);
      }
      const flow = d.def.flow ?? 'seq';
      if (flow === 'alone' && ops.length > 0) break;
      if (!d.def.exec) {
        ops.push(throwing(new UnimplementedInstruction(word, a, d.def.disasm(d.fields, a))));
        return newBlock(pc, a + 4, ops, false, null, this.codeGen);
      }
      let op: Op;
      try {
        op = d.def.exec(d.fields, a);
      } catch (e) {
        if (e instanceof UnimplementedInstruction || e instanceof UndefinedInstruction) {
          ops.push(throwing(e));
          return newBlock(pc, a + 4, ops, false, null, this.codeGen);
        }
        throw e;
      }
      const indirect = d.def.id === 'BR';
      if (BUILT_OPS.size >= BUILT_OPS_LIMIT) BUILT_OPS.clear();
      BUILT_OPS.set(a, { word, op, flow, indirect });
      ops.push(op);
      a += 4;
      if (flow !== 'seq') return newBlock(pc, a, ops, false, undefined, this.codeGen, undefined, false, indirect);
    }
    return newBlock(pc, a, ops, true, undefined, this.codeGen);
  }

  // ---- context ----------------------------------------------------------------------------

  contextSave(): EngineContext {
    const s = this.cpu;
    const ctx: TsContext = {
      kind: 'ts',
      xlo: s.xlo.slice(),
      xhi: s.xhi.slice(),
      pc: s.pc,
      nzcv: s.nzcv(),
      v: s.vb.slice(),
      fpcr: s.fpcr,
      fpsr: s.fpsr,
      tpidrLo: s.tpidrLo,
      tpidrHi: s.tpidrHi,
    };
    return ctx;
  }

  contextRestore(context: EngineContext): void {
    if (context.kind !== 'ts') throw new EngineApiError('context from another engine kind');
    const c = context as TsContext;
    const s = this.cpu;
    s.xlo.set(c.xlo);
    s.xhi.set(c.xhi);
    s.xlo[ZR] = 0;
    s.xhi[ZR] = 0;
    s.pc = c.pc;
    s.setNzcv(c.nzcv);
    s.vb.set(c.v);
    s.fpcr = c.fpcr;
    s.fpsr = c.fpsr;
    s.tpidrLo = c.tpidrLo;
    s.tpidrHi = c.tpidrHi;
  }

  isParked(): boolean {
    return this.parked;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The registers stay readable; the memory is unmapped and its arena reused by the next engine.
    this.cpu.ownRegisters();
    this.mem.release();
  }
}

/**
 * Where an op or translated code threw: the error, kept until the engine's loop reads it.
 * Guest faults stop in runOps and runCompiled, small functions, instead of unwinding through the
 * engine's loops: V8 looks for a handler in a baseline (Sparkplug) frame by scanning the
 * function's code up to the frame's pc, 5 µs per throw in the interpreter loop's frame and twice
 * per fault (the catch, the rethrow): a million random words took 10.4 s under the CLI's `--always-sparkplug`, 4.6 s
 * without it. The loops return FAILED and start() throws from a small frame of its own.
 */
interface Fault {
  error: unknown;
}

/** Runs ops[0..n) on `s`; returns n, or the index of the op that threw (its error in `fault`). */
function runOps(ops: readonly Op[], n: number, s: CpuState, fault: Fault): number {
  let i = 0;
  try {
    for (; i < n; i++) (ops[i] as Op)(s);
  } catch (e) {
    fault.error = e;
  }
  return i;
}

/**
 * Runs translated code, and with `chain` the blocks it links to (the fast loop; the careful loop
 * runs one and looks at hooks, gates and the budget itself); false when it threw (the error in
 * `fault`).
 */
function runCompiled(first: CompiledBlock, s: CpuState, fault: Fault, chain: boolean): boolean {
  try {
    let f: CompiledBlock | null = first(s);
    while (chain && f !== null) f = f(s);
    return true;
  } catch (e) {
    fault.error = e;
    return false;
  }
}

/** What the engine's loops return when start() is to throw the fault's error (never seen by callers). */
const FAILED: RunResult = { reason: 'stopped', instructions: 0, pc: 0 };

/**
 * The indices of the candidates (the entry first) from which the entry can be reached again, in order, with
 * `successors[i]` the addresses candidate i may continue at (static and seen targets): only the
 * loop through the entry is worth a region (see jit/compile.ts loopRegion, which knows only the
 * static successors; a jump table's cases are reached through a branch to a register).
 */
function loopThroughEntry(successors: number[][], blocks: RegionBlock[]): number[] {
  const index = new Map<number, number>(blocks.map((b, i) => [b.address, i]));
  const preds: number[][] = blocks.map(() => []);
  successors.forEach((next, i) => {
    for (const t of next) {
      const j = index.get(t);
      if (j !== undefined) (preds[j] as number[]).push(i);
    }
  });
  const back = new Set<number>([0]);
  const work = [0];
  while (work.length > 0) {
    for (const p of preds[work.pop() as number] as number[]) {
      if (!back.has(p)) {
        back.add(p);
        work.push(p);
      }
    }
  }
  return [...back].sort((a, b) => a - b);
}

/** True when the block ends with a branch of that id (not when it falls through). */
function endsWith(b: RegionBlock, id: string): boolean {
  return !b.fallthrough && (b.decoded[b.decoded.length - 1] as Decoded).def.id === id;
}

function throwing(error: Error): Op {
  return () => {
    throw error;
  };
}

// ---- register names ---------------------------------------------------------------------------

const U64 = (1n << 64n) - 1n;

function vecIndex(name: string): number {
  const i = Number(name.slice(1));
  if (!Number.isInteger(i) || i < 0 || i > 31) throw new EngineApiError(`unknown register '${name}'`);
  return i;
}

function gprIndex(name: string): number {
  const i = Number(name.slice(1));
  if (!Number.isInteger(i) || i < 0 || i > 30 || name.length < 2)
    throw new EngineApiError(`unknown register '${name}'`);
  return i;
}

export function readReg(s: CpuState, name: RegName): bigint {
  switch (name) {
    case 'pc':
      return BigInt(s.pc);
    case 'sp':
      return s.getX(SP);
    case 'wsp':
      return s.getX(SP) & 0xffffffffn;
    case 'lr':
      return s.getX(30);
    case 'fp':
      return s.getX(29);
    case 'xzr':
    case 'wzr':
      return 0n;
    case 'nzcv':
      return BigInt(s.nzcv() >>> 0);
    case 'fpcr':
      return BigInt(s.fpcr >>> 0);
    case 'fpsr':
      return BigInt(s.fpsr >>> 0);
    case 'tpidr_el0':
      return (BigInt(s.tpidrHi >>> 0) << 32n) | BigInt(s.tpidrLo >>> 0);
  }
  const c = name[0];
  if (c === 'x') return s.getX(gprIndex(name));
  if (c === 'w') return s.getX(gprIndex(name)) & 0xffffffffn;
  const bytes = { q: 16, v: 16, d: 8, s: 4, h: 2, b: 1 }[c as string];
  if (bytes === undefined) throw new EngineApiError(`unknown register '${name}'`);
  // Whole 64-bit halves through the register file's DataView: a byte at a time made 32 bigints
  // per Q register (fuzz-lazy reads and writes all 32 at every reentry).
  const base = vecIndex(name) * 16;
  const dv = s.vdv;
  if (bytes === 16) return (dv.getBigUint64(base + 8, true) << 64n) | dv.getBigUint64(base, true);
  if (bytes === 8) return dv.getBigUint64(base, true);
  if (bytes === 4) return BigInt(dv.getUint32(base, true));
  return BigInt(bytes === 2 ? dv.getUint16(base, true) : dv.getUint8(base));
}

export function writeReg(s: CpuState, name: RegName, value: bigint): void {
  const v64 = value & U64;
  switch (name) {
    case 'pc':
      s.pc = Number(v64);
      return;
    case 'sp':
    case 'wsp':
      s.setX(SP, name === 'wsp' ? v64 & 0xffffffffn : v64);
      return;
    case 'lr':
      s.setX(30, v64);
      return;
    case 'fp':
      s.setX(29, v64);
      return;
    case 'xzr':
    case 'wzr':
      return;
    case 'nzcv':
      s.setNzcv(Number(v64 & 0xf0000000n));
      return;
    case 'fpcr':
      s.fpcr = Number(v64 & 0xffffffffn) | 0;
      return;
    case 'fpsr':
      s.fpsr = Number(v64 & 0xffffffffn) | 0;
      return;
    case 'tpidr_el0':
      s.tpidrLo = Number(BigInt.asIntN(32, v64));
      s.tpidrHi = Number(BigInt.asIntN(32, v64 >> 32n));
      return;
  }
  const c = name[0];
  if (c === 'x') {
    s.setX(gprIndex(name), v64);
    return;
  }
  if (c === 'w') {
    s.setX(gprIndex(name), v64 & 0xffffffffn);
    return;
  }
  const bytes = { q: 16, v: 16, d: 8, s: 4, h: 2, b: 1 }[c as string];
  if (bytes === undefined) throw new EngineApiError(`unknown register '${name}'`);
  const base = vecIndex(name) * 16;
  // Writing a narrower view zeroes the rest of the vector register, as a scalar write does.
  const dv = s.vdv;
  const lo = bytes === 16 || bytes === 8 ? BigInt.asUintN(64, value) : BigInt.asUintN(8 * bytes, value);
  dv.setBigUint64(base, lo, true);
  dv.setBigUint64(base + 8, bytes === 16 ? BigInt.asUintN(64, value >> 64n) : 0n, true);
}

/**
 * A loop whose cases take every path of the dispatch loops: interpreted blocks, a BR through a
 * jump table, a WebAssembly region with a load and a store, a call to a function that becomes a
 * JavaScript region, the trampoline between translated code and its links:
 *   loop: and x1, x0, #3; adr x2, cases; add x2, x2, x1, lsl #3; br x2
 *   cases: add x3, x3, #1; b next | add x3, x3, #2; b next | bl fn; b next | ldr x4, [x5, x1, lsl #3]; b next
 *   next: str x3, [x5]; subs x0, x0, #1; b.ne loop; brk #0
 *   fn: add x3, x3, #3; ret
 */
export const PRIMING_LOOP = [
  0x92400401, 0x10000062, 0x8b010c42, 0xd61f0040, 0x91000463, 0x14000007, 0x91000863, 0x14000005, 0x94000008,
  0x14000003, 0xf86178a4, 0x14000001, 0xf90000a3, 0xf1000400, 0x54fffe41, 0xd4200000, 0x91000c63, 0xd65f03c0,
];

/**
 * Runs PRIMING_LOOP 80 times on a throwaway engine that translates at once (WebAssembly after 4
 * runs, JavaScript after 16), so that `runFast` has seen every path before V8 optimizes it. V8
 * optimizes the dispatcher early, while only blocks have been interpreted, and each path that first
 * ran later (the first translation, the first WebAssembly call, the first link) deoptimized it and
 * it was compiled again: 7-10 times on CoreMark and the programs benchmark's workloads, 15-45 ms
 * of V8's optimizing compiler each; primed, 2-3 times (`--trace-opt`: 36 against 145 ms on
 * CoreMark 1000, 118 against 219 ms on the workloads). Primed when the engine was made, five
 * alternating runs of the workloads at 20 rounds took 1.05-1.20 s CPU against 1.22-1.28 s (wall
 * 0.66-0.71 s against 0.71-0.76 s); primed at the first translation, as now, runs in a noisier
 * phase of the machine were within noise of not priming. It costs 20-30 ms, so it runs when a thread's
 * first engine with the default thresholds first translates, not when it is made: `exec` of a
 * small program (start-up's `exec hello.elf`: 2.82 × `node -e 0` priming at creation) never gets
 * there. Other engines' state is untouched: the loop runs in an engine and Memory of its own.
 */
function primeDispatch(): void {
  const CODE = 0x10000;
  const DATA = 0x20000;
  const e = new TsEngine({ jitThreshold: 16, wasmThreshold: 4 });
  try {
    e.memMap(CODE, PAGE_SIZE, PROT_ALL);
    e.memMap(DATA, PAGE_SIZE, PROT_READ | PROT_WRITE);
    const code = new Uint8Array(4 * PRIMING_LOOP.length);
    const dv = new DataView(code.buffer);
    PRIMING_LOOP.forEach((w, i) => {
      dv.setUint32(4 * i, w, true);
    });
    e.memWrite(CODE, code);
    e.regWrite('x0', 80n);
    e.regWrite('x5', BigInt(DATA));
    e.start(CODE, CODE + 4 * 15, { count: 100_000 });
  } finally {
    e.close();
  }
}
