/**
 * The `unicorn` engine: native Unicorn 2 (Debian's libunicorn2, QEMU 5 based) driven through the
 * npm package `koffi`. Both are optional; `openUnicornEngine` throws `EngineUnavailable` with an
 * install hint when either is missing.
 *
 * Execution level. Unicorn starts the AArch64 CPU at EL1 with the MMU off. Writing PSTATE through
 * the register API (UC_ARM64_REG_PSTATE) is accepted by Unicorn 2.0.1 but does not rebuild QEMU's
 * cached translation flags, so the CPU keeps behaving as EL1 (MRS CurrentEL still reads 1). We
 * therefore switch levels the architectural way, once, when the engine is opened:
 *   1. SCTLR_EL1 |= UCT | DZE | UCI (CTR_EL0 reads, DC ZVA and cache maintenance allowed at EL0, as
 *      Linux and qemu-user configure it); nTWI/nTWE are already set by Unicorn's reset value.
 *   2. CPACR_EL1.FPEN = 0b11 (FP/AdvSIMD not trapped at EL0 or EL1).
 *   3. Run `msr spsr_el1, xzr; msr elr_el1, x1; eret` from a scratch page (unmapped afterwards):
 *      the exception return lands at EL0t with DAIF clear and every cached flag rebuilt.
 * From then on guest code runs as EL0 (system registers of EL1 and above are UNDEFINED, as on
 * Linux). Unicorn delivers exceptions to hooks without taking them, so the CPU never leaves EL0.
 * TPIDR_EL0 is accessed with UC_ARM64_REG_TPIDR_EL0 (and MRS/MSR TPIDR_EL0 at EL0 work).
 *
 * Instruction counts are exact and derived cheaply: one internal block hook adds each translated
 * block's size; when a run ends inside a block (fault, count, stop from a code hook) the part of
 * the last block after the final pc is subtracted. That hook is a few machine instructions written
 * at load time (x86-64 and AArch64 hosts; see BlockCounterNative), so counting runs at Unicorn's
 * own speed; elsewhere it is a JavaScript callback. No per-instruction hook is installed unless
 * the caller adds code hooks or asks for `count` (Unicorn then counts itself); host gates and
 * breakpoints are code hooks bounded to their one address.
 *
 * Known limits of Unicorn 2.0.1 handled here:
 *  - Blocks translated before a hook is added/deleted (or before/after a counted run) do not see
 *    the change: the engine drops the affected translations (UC_CTL_TB_REMOVE_CACHE).
 *  - After a load/store faults in the middle of a translation block, Unicorn leaves pc at the
 *    block start although the instructions before the faulting one have executed. The engine
 *    corrects pc (and the count) when the block holds a single memory access instruction (by our
 *    decoder's classes); otherwise pc stays at the block start.
 *  - Alignment faults (exclusives) arrive as a data-abort exception without the address:
 *    reported as AlignmentFault with address NaN.
 *  - DC ZVA on unmapped memory: see src/fuzz/isa/deviations.ts ('dc-zva-fault').
 */
import { createRequire } from 'node:module';
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
  PAGE_SIZE,
  PROT_EXEC,
} from '../engine.ts';
import {
  type AccessKind,
  AlignmentFault,
  addressText,
  EngineApiError,
  EngineUnavailable,
  type FaultKind,
  MemoryFault,
  OutOfMemory,
  toRegisterValue,
  UndefinedInstruction,
  UnhandledException,
} from '../errors.ts';
import { IntervalMap } from '../intervals.ts';
import { DEFAULT_MAX_MAPPINGS, DEFAULT_MEMORY_LIMIT } from '../memory.ts';
import { decodeWord, disassemble } from '../ts/isa/index.ts';

// ---- the subset of koffi we use (typed locally: koffi is an optional dependency) ----------------

type NativeFn = (...args: unknown[]) => unknown;
interface KoffiType {
  readonly __koffiType?: never;
}
interface KoffiLib {
  func(signature: string): NativeFn;
  func(name: string, result: string | KoffiType, args: (string | KoffiType)[]): NativeFn;
  /** A pointer to the exported symbol `name` (koffi.address gives its address). */
  symbol(name: string, type: string): unknown;
}
interface Koffi {
  load(path: string): KoffiLib;
  alloc(type: string, length: number): unknown;
  free(pointer: unknown): void;
  address(pointer: unknown): bigint;
  view(pointer: unknown, length: number): ArrayBuffer;
  proto(signature: string): KoffiType;
  pointer(type: string | KoffiType): KoffiType;
  out(type: KoffiType): KoffiType;
  register(fn: (...args: never[]) => unknown, type: KoffiType): unknown;
  unregister(callback: unknown): void;
  struct(name: string, fields: Record<string, string>): KoffiType;
  array(type: string | KoffiType, length: number): KoffiType;
  decode(pointer: unknown, type: string | KoffiType): unknown;
}

// ---- Unicorn constants (unicorn.h / arm64.h of Unicorn 2.0.1) ----------------------------------

const UC_ARCH_ARM64 = 2;
const UC_MODE_ARM = 0;

const UC_ERR_READ_UNMAPPED = 6;
const UC_ERR_WRITE_UNMAPPED = 7;
const UC_ERR_FETCH_UNMAPPED = 8;
const UC_ERR_INSN_INVALID = 10;
const UC_ERR_WRITE_PROT = 12;
const UC_ERR_READ_PROT = 13;
const UC_ERR_FETCH_PROT = 14;
const UC_ERR_READ_UNALIGNED = 16;
const UC_ERR_WRITE_UNALIGNED = 17;
const UC_ERR_FETCH_UNALIGNED = 18;
const UC_ERR_EXCEPTION = 21;

const UC_HOOK_INTR = 1 << 0;
const UC_HOOK_CODE = 1 << 2;
const UC_HOOK_BLOCK = 1 << 3;
const UC_HOOK_MEM_INVALID = 0x3f0; // read/write/fetch x unmapped/prot
const UC_HOOK_MEM_READ = 1 << 10;
const UC_HOOK_MEM_WRITE = 1 << 11;
const UC_HOOK_MEM_FETCH = 1 << 12;
const UC_HOOK_MEM_READ_AFTER = 1 << 13;
const UC_HOOK_INSN = 1 << 1;
const UC_ARM64_INS_MRS = 1;

const UC_MEM_READ = 16;
const UC_MEM_WRITE = 17;
const UC_MEM_READ_AFTER = 25;
const UC_MEM_READ_UNMAPPED = 19;
const UC_MEM_WRITE_UNMAPPED = 20;
const UC_MEM_FETCH_UNMAPPED = 21;
const UC_MEM_WRITE_PROT = 22;
const UC_MEM_READ_PROT = 23;

const REG_X29 = 1;
const REG_X30 = 2;
const REG_NZCV = 3;
const REG_SP = 4;
const REG_Q0 = 104;
const REG_X0 = 199;
const REG_PC = 260;
const REG_CPACR_EL1 = 261;
const REG_TPIDR_EL0 = 262;
const REG_PSTATE = 265;
const REG_CP_REG = 290;
const REG_FPCR = 291;
const REG_FPSR = 292;

const SCTLR_DZE = 1n << 14n;
const SCTLR_UCT = 1n << 15n;
const SCTLR_UCI = 1n << 26n;

/** UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2): drop the translated blocks of [begin, end). */
const UC_CTL_TB_REMOVE_CACHE_WRITE = 9 | (2 << 26) | (1 << 30);

const U64 = (1n << 64n) - 1n;
const U128 = (1n << 128n) - 1n;

function xReg(i: number): number {
  return i === 29 ? REG_X29 : i === 30 ? REG_X30 : REG_X0 + i;
}

// ---- native binding, loaded once per process ----------------------------------------------------

interface Native {
  koffi: Koffi;
  open: NativeFn;
  close: NativeFn;
  strerror: NativeFn;
  memMap: NativeFn;
  memUnmap: NativeFn;
  memProtect: NativeFn;
  /** uc_mem_map_ptr plus libc's mmap/madvise/munmap (null where libc cannot be loaded). */
  arena: ArenaNative | null;
  /** The machine-code block hook that counts instructions (null: the JavaScript one is used). */
  blockCounter: BlockCounterNative | null;
  memRead: NativeFn;
  memWrite: NativeFn;
  memRegions: NativeFn;
  free: NativeFn;
  regRead: NativeFn;
  regWrite: NativeFn;
  emuStart: NativeFn;
  emuStop: NativeFn;
  hookAddCode: NativeFn;
  hookAddMem: NativeFn;
  hookAddInvalid: NativeFn;
  hookAddIntr: NativeFn;
  hookDel: NativeFn;
  ctl: NativeFn;
  contextAlloc: NativeFn;
  contextSave: NativeFn;
  contextRestore: NativeFn;
  contextFree: NativeFn;
  codeCb: KoffiType;
  memCb: KoffiType;
  invalidCb: KoffiType;
  intrCb: KoffiType;
  insnSysCb: KoffiType;
  cpReg: KoffiType;
  hookAddInsn: NativeFn;
  regionArray: (n: number) => KoffiType;
}

interface ArenaNative {
  mapPtr: NativeFn;
  mprotect: NativeFn;
  /** __clear_cache where libgcc provides it (AArch64 hosts: new code must reach the I-cache). */
  clearCache?: NativeFn;
  /** memcpy into host memory (a write the invalid-memory hook lets through). */
  poke: NativeFn;
  mmap: NativeFn;
  madvise: NativeFn;
  munmap: NativeFn;
}

/**
 * Counting instructions with a JavaScript block hook costs a call from native code into V8 per
 * translation block executed (~0.9 µs: CoreMark ran 15x slower counted than not). The counter is
 * instead a few machine instructions Unicorn calls as its UC_HOOK_BLOCK callback
 * (uc, address, size, user): it adds the block's size to user[0] and records the block in user[1]
 * (address) and user[2] (size); the engine reads them through a view of that memory. It also
 * serves StartOptions.slice: when user[0] had already reached user[3] before this block (the
 * slice's end in bytes; all ones: none), it tail-calls uc_emu_stop(uc) (its address in user[4]).
 * Unicorn calls block hooks before a block's exit-request check, so the block does not run and
 * the run ends at its start, a block boundary (as a stop() from a code hook does).
 * It also serves an exact StartOptions.count: it stops the same way at the block that would run
 * past user[5] (the count's end in bytes; all ones: none), and the engine then runs that block's
 * first instructions up to the count with `until` (a block is straight-line code). Unicorn's own
 * count instruments every instruction of blocks translated for it (a code hook, and all code
 * translated again when a run switches between counted and not): a threaded program, whose
 * preemption slices are exact counts, ran 6x slower.
 */
interface BlockCounterNative {
  /** Address of the machine code. */
  code: bigint;
  /** Address of uc_emu_stop (user[4]). */
  stop: bigint;
  /** uc_hook_add with the callback and its user data as plain addresses. */
  hookAdd: NativeFn;
}

/** x86-64 System V: rdi = uc, rsi = address, edx = size, rcx = user. */
const BLOCK_COUNTER_X64 = [
  0x89,
  0xd0, // mov eax, edx (zero-extends the 32-bit size)
  0x4c,
  0x8b,
  0x01, // mov r8, [rcx] (bytes before this block)
  0x48,
  0x01,
  0x01, // add [rcx], rax
  0x48,
  0x89,
  0x71,
  0x08, // mov [rcx + 8], rsi
  0x48,
  0x89,
  0x41,
  0x10, // mov [rcx + 16], rax
  0x4c,
  0x3b,
  0x41,
  0x18, // cmp r8, [rcx + 24]
  0x73,
  0x0a, // jae +10 (the slice is used up)
  0x49,
  0x01,
  0xc0, // add r8, rax (bytes after this block)
  0x4c,
  0x3b,
  0x41,
  0x28, // cmp r8, [rcx + 40]
  0x77,
  0x01, // ja +1 (this block would run past the count)
  0xc3, // ret
  0xff,
  0x61,
  0x20, // jmp [rcx + 32]: uc_emu_stop(uc), rdi still holds uc
];

function loadBlockCounter(koffi: Koffi, lib: KoffiLib, arena: ArenaNative | null): BlockCounterNative | null {
  if (arena === null || process.env.ORC_UNICORN_JS_COUNTER === '1') return null;
  let bytes: Uint8Array;
  if (process.arch === 'x64') bytes = Uint8Array.from(BLOCK_COUNTER_X64);
  else if (process.arch === 'arm64') bytes = a64BlockCounter();
  else return null;
  try {
    const page = arena.mmap(0, PAGE_SIZE, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (typeof page !== 'number' || page <= 0 || page >= 2 ** 53) return null;
    arena.poke(page, bytes, bytes.length);
    if (arena.mprotect(page, PAGE_SIZE, 5) !== 0) {
      arena.munmap(page, PAGE_SIZE);
      return null;
    }
    if (process.arch === 'arm64') arena.clearCache?.(page, page + bytes.length);
    const hookAdd = lib.func('uc_hook_add', 'int', [
      'void *',
      koffi.out(koffi.pointer('size_t')),
      'int',
      'uintptr_t',
      'uintptr_t',
      'uint64_t',
      'uint64_t',
      '...',
    ]);
    const stop = koffi.address(lib.symbol('uc_emu_stop', 'uint8_t'));
    return { code: BigInt(page), stop, hookAdd };
  } catch {
    return null;
  }
}

/** The same counter for AArch64 hosts (AAPCS64: x0 = uc, x1 = address, w2 = size, x3 = user). */
function a64BlockCounter(): Uint8Array {
  const words = [
    0x2a0203e2, // mov w2, w2 (zero-extends the size)
    0xf9400064, // ldr x4, [x3] (bytes before this block)
    0x8b020085, // add x5, x4, x2
    0xf9000065, // str x5, [x3]
    0xf9000461, // str x1, [x3, #8]
    0xf9000862, // str x2, [x3, #16]
    0xf9400c66, // ldr x6, [x3, #24]
    0xeb06009f, // cmp x4, x6
    0x540000a2, // b.hs +20 (the slice is used up)
    0xf9401466, // ldr x6, [x3, #40]
    0xeb0600bf, // cmp x5, x6
    0x54000048, // b.hi +8 (this block would run past the count)
    0xd65f03c0, // ret
    0xf9401070, // ldr x16, [x3, #32]
    0xd61f0200, // br x16: uc_emu_stop(uc), x0 still holds uc
  ];
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(4 * i, words[i] as number, true);
  return out;
}

let native: Native | null = null;

function loadArena(koffi: Koffi, lib: KoffiLib): ArenaNative | null {
  if (process.platform !== 'linux') return null;
  try {
    const libc = koffi.load('libc.so.6');
    return {
      mapPtr: lib.func('int uc_mem_map_ptr(void *uc, uint64_t address, size_t size, uint32_t perms, uintptr_t ptr)'),
      mmap: libc.func('uintptr_t mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, intptr_t off)'),
      poke: libc.func('uintptr_t memcpy(uintptr_t dst, const uint8_t *src, size_t n)'),
      madvise: libc.func('int madvise(uintptr_t addr, size_t len, int advice)'),
      mprotect: libc.func('int mprotect(uintptr_t addr, size_t len, int prot)'),
      clearCache: clearCacheFn(koffi),
      munmap: libc.func('int munmap(uintptr_t addr, size_t len)'),
    };
  } catch {
    return null;
  }
}

function clearCacheFn(koffi: Koffi): NativeFn | undefined {
  if (process.arch !== 'arm64') return undefined;
  try {
    return koffi.load('libgcc_s.so.1').func('void __clear_cache(uintptr_t begin, uintptr_t end)');
  } catch {
    return undefined;
  }
}

const INSTALL_HINT =
  'the unicorn engine needs native Unicorn 2 and the npm package koffi: `apt-get install libunicorn2` and `npm install koffi`';

function loadNative(): Native {
  if (native) return native;
  let koffi: Koffi;
  try {
    const require = createRequire(import.meta.url);
    koffi = require('koffi') as Koffi;
  } catch (e) {
    throw new EngineUnavailable(`${INSTALL_HINT} (koffi could not be loaded: ${firstLine(e)})`);
  }
  let lib: KoffiLib | undefined;
  let why = '';
  for (const name of ['libunicorn.so.2', 'libunicorn.so', 'libunicorn.2.dylib', 'libunicorn.dylib', 'unicorn.dll']) {
    try {
      lib = koffi.load(name);
      break;
    } catch (e) {
      why ||= firstLine(e);
    }
  }
  if (!lib) throw new EngineUnavailable(`${INSTALL_HINT} (libunicorn.so.2 could not be loaded: ${why})`);
  const codeCb = koffi.proto('void orc_uc_code_cb(void *uc, uint64_t address, uint32_t size, void *user)');
  const memCb = koffi.proto(
    'void orc_uc_mem_cb(void *uc, int type, uint64_t address, int size, int64_t value, void *user)',
  );
  const invalidCb = koffi.proto(
    'bool orc_uc_invalid_cb(void *uc, int type, uint64_t address, int size, int64_t value, void *user)',
  );
  const intrCb = koffi.proto('void orc_uc_intr_cb(void *uc, uint32_t intno, void *user)');
  // uc_cb_insn_sys_t: (uc, destination uc_arm64_reg, const uc_arm64_cp_reg *, user) -> 1 = skip it.
  const insnSysCb = koffi.proto('uint32_t orc_uc_insn_sys_cb(void *uc, int reg, void *cp, void *user)');
  const cpReg = koffi.struct('orc_uc_arm64_cp_reg', {
    crn: 'uint32_t',
    crm: 'uint32_t',
    op0: 'uint32_t',
    op1: 'uint32_t',
    op2: 'uint32_t',
    val: 'uint64_t',
  });
  const region = koffi.struct('orc_uc_mem_region', { begin: 'uint64_t', end: 'uint64_t', perms: 'uint32_t' });
  const hookAdd = (cb: KoffiType): NativeFn =>
    (lib as KoffiLib).func('uc_hook_add', 'int', [
      'void *',
      koffi.out(koffi.pointer('size_t')),
      'int',
      koffi.pointer(cb),
      'void *',
      'uint64_t',
      'uint64_t',
      '...',
    ]);
  try {
    const arena = loadArena(koffi, lib);
    native = {
      koffi,
      open: lib.func('int uc_open(int arch, int mode, _Out_ void **uc)'),
      close: lib.func('int uc_close(void *uc)'),
      strerror: lib.func('const char *uc_strerror(int code)'),
      memMap: lib.func('int uc_mem_map(void *uc, uint64_t address, size_t size, uint32_t perms)'),
      memUnmap: lib.func('int uc_mem_unmap(void *uc, uint64_t address, size_t size)'),
      memProtect: lib.func('int uc_mem_protect(void *uc, uint64_t address, size_t size, uint32_t perms)'),
      arena,
      blockCounter: loadBlockCounter(koffi, lib, arena),
      memRead: lib.func('int uc_mem_read(void *uc, uint64_t address, _Out_ uint8_t *bytes, size_t size)'),
      memWrite: lib.func('int uc_mem_write(void *uc, uint64_t address, const uint8_t *bytes, size_t size)'),
      memRegions: lib.func('int uc_mem_regions(void *uc, _Out_ void **regions, _Out_ uint32_t *count)'),
      free: lib.func('int uc_free(void *mem)'),
      regRead: lib.func('int uc_reg_read(void *uc, int regid, _Inout_ uint8_t *value)'),
      regWrite: lib.func('int uc_reg_write(void *uc, int regid, const uint8_t *value)'),
      emuStart: lib.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
      emuStop: lib.func('int uc_emu_stop(void *uc)'),
      hookAddCode: hookAdd(codeCb),
      hookAddMem: hookAdd(memCb),
      hookAddInvalid: hookAdd(invalidCb),
      hookAddIntr: hookAdd(intrCb),
      hookAddInsn: hookAdd(insnSysCb),
      hookDel: lib.func('int uc_hook_del(void *uc, size_t hh)'),
      ctl: lib.func('int uc_ctl(void *uc, int control, ...)'),
      contextAlloc: lib.func('int uc_context_alloc(void *uc, _Out_ void **context)'),
      contextSave: lib.func('int uc_context_save(void *uc, void *context)'),
      contextRestore: lib.func('int uc_context_restore(void *uc, void *context)'),
      contextFree: lib.func('int uc_context_free(void *context)'),
      codeCb,
      memCb,
      invalidCb,
      intrCb,
      insnSysCb,
      cpReg,
      regionArray: (n) => koffi.array(region, n),
    };
  } catch (e) {
    throw new EngineUnavailable(`${INSTALL_HINT} (libunicorn lacks an expected function: ${firstLine(e)})`);
  }
  return native;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0] as string;
}

// ---- the engine ---------------------------------------------------------------------------------

interface HookEntry {
  id: number;
  handle: number;
  callback: unknown;
  /** Unicorn range (begin > end: everywhere). */
  begin?: number;
  end?: number;
}

interface UcContext extends EngineContext {
  readonly kind: 'unicorn';
}

interface ContextCell {
  ptr: unknown;
}

interface LastFault {
  access: AccessKind;
  kind: FaultKind;
  address: number;
  /** Exact (Unicorn reports 64-bit addresses). */
  address64: bigint;
  size: number;
}

const SCRATCH = 0x1000;

export class UnicornEngine implements Engine {
  readonly kind = 'unicorn' as const;
  private readonly n: Native;
  private uc: unknown;
  private closed = false;
  private readonly buf = Buffer.alloc(64);
  private readonly hooks = new Map<number, HookEntry>();
  private nextHookId = 1;
  private readonly internal: HookEntry[] = [];
  private readonly gates = new Map<number, { fn: HostGateFn; entry: HookEntry }>();
  private invalidHooks: { id: number; type: string; fn: MemInvalidHook }[] = [];
  private svcHooks: { id: number; fn: InsnHook; begin: number; end: number }[] = [];
  /** A fetch-protection fault a hook handled: start() resumes at pc (see onInvalid). */
  private fetchRetry = false;
  private intrHooks: { id: number; fn: InterruptHook }[] = [];
  private readonly contexts = new Set<ContextCell>();
  private readonly finalizer = new FinalizationRegistry<ContextCell>((cell) => this.freeContext(cell));
  // Run bookkeeping.
  private total = 0;
  private blockInsns = 0;
  private lastBlockStart = -1;
  private lastBlockEnd = -1;
  /**
   * The native counter's memory (see BlockCounterNative): [bytes, last block, its size, slice end
   * in bytes, uc_emu_stop, count end in bytes], u64 each.
   */
  private counterCell: unknown = null;
  private counterView: Uint32Array | null = null;
  /** counterView's byte total when the current start() began. */
  private counterBase = 0;
  /** StartOptions.slice: instructions of the current segment after which a block entry stops the run. */
  private sliceLeft = Number.POSITIVE_INFINITY;
  /** Instructions of the current start()'s earlier segments (see start). */
  private carried = 0;
  /** StartOptions.count, counted by the native counter: instructions the current segment may run. */
  private countLeft = Number.POSITIVE_INFINITY;
  private running = false;
  /**
   * Address of the instruction whose code/block hook (or host gate) is running, -1 outside such a
   * hook: instructionCount() inside a hook counts up to it (see liveCount).
   */
  private hookAt = -1;
  /** Inside a host gate: the gate instruction counts as executed (as on the ts engine). */
  private inGate = false;
  private stopRequested = false;
  private parked = false;
  private hookError: unknown = null;
  private lastFault: LastFault | null = null;
  private exception: { intno: number; pc: number } | null = null;
  /** Bit INTNO_x set: that exception ends start() with reason 'exception' (setExceptionStops). */
  private exceptionStops = 0;
  /** The stop exception that ended the current run (-1: none). */
  private exceptionHit = -1;
  /** Breakpoints: one code hook bounded to each address. */
  private readonly bps = new Map<number, HookEntry>();
  /** The breakpoint reached by the current run (-1: none). */
  private bpHit = -1;
  /** A breakpoint at start()'s `begin` lets the run's first instruction execute. */
  private bpSkip = -1;

  /** False: no counting block hook (native speed); `instructions` in results is then NaN. */
  private readonly counting: boolean;

  constructor(n: Native, options: EngineOptions = {}) {
    this.n = n;
    this.counting = options.countInstructions !== false;
    this.memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    const out: unknown[] = [null];
    this.check(n.open(UC_ARCH_ARM64, UC_MODE_ARM, out), 'uc_open');
    this.uc = out[0];
    this.installInternalHooks();
    this.enterEl0();
  }

  private check(err: unknown, what: string): void {
    if (err !== 0) throw new EngineApiError(`${what}: ${this.n.strerror(err)} (uc_err ${err})`);
  }

  private live(): void {
    if (this.closed) throw new EngineApiError('engine is closed');
  }

  private register(fn: (...args: never[]) => unknown, type: KoffiType): unknown {
    return this.n.koffi.register(fn, this.n.koffi.pointer(type));
  }

  private addNative(kind: 'code' | 'mem' | 'invalid' | 'intr', type: number, cb: unknown, begin = 1, end = 0): number {
    const out = [0];
    const add =
      kind === 'code'
        ? this.n.hookAddCode
        : kind === 'mem'
          ? this.n.hookAddMem
          : kind === 'invalid'
            ? this.n.hookAddInvalid
            : this.n.hookAddIntr;
    this.check(add(this.uc, out, type, cb, null, BigInt(begin), BigInt(end)), 'uc_hook_add');
    return out[0] as number;
  }

  private installInternalHooks(): void {
    const counter = this.n.blockCounter;
    if (this.counting && counter !== null) {
      this.counterCell = this.n.koffi.alloc('uint64_t', 6);
      this.counterView = new Uint32Array(this.n.koffi.view(this.counterCell, 48));
      this.counterView.fill(0);
      this.counterView.fill(0xffffffff, 6, 8);
      this.counterView.fill(0xffffffff, 10, 12);
      this.counterView[8] = Number(counter.stop & 0xffffffffn);
      this.counterView[9] = Number(counter.stop >> 32n);
      const out = [0];
      this.check(
        counter.hookAdd(this.uc, out, UC_HOOK_BLOCK, counter.code, this.n.koffi.address(this.counterCell), 1n, 0n),
        'uc_hook_add',
      );
      this.internal.push({ id: 0, handle: out[0] as number, callback: null });
    } else if (this.counting) {
      const blockCb = this.register((_uc: never, address: never, size: never) => {
        const a = Number(address as bigint);
        const k = (size as number) >>> 2;
        if (this.blockInsns >= this.sliceLeft) this.n.emuStop(this.uc); // see BlockCounterNative
        this.blockInsns += k;
        this.lastBlockStart = a;
        this.lastBlockEnd = a + 4 * k;
      }, this.n.codeCb);
      this.internal.push({ id: 0, handle: this.addNative('code', UC_HOOK_BLOCK, blockCb), callback: blockCb });
    }

    const invalidCb = this.register(
      (_uc: never, type: never, address: never, size: never, value: never) =>
        this.onInvalid(type as number, BigInt.asUintN(64, BigInt(address as bigint)), size as number, value as bigint),
      this.n.invalidCb,
    );
    this.internal.push({
      id: 0,
      handle: this.addNative('invalid', UC_HOOK_MEM_INVALID, invalidCb),
      callback: invalidCb,
    });

    const intrCb = this.register((_uc: never, intno: never) => this.onInterrupt(intno as number), this.n.intrCb);
    this.internal.push({ id: 0, handle: this.addNative('intr', UC_HOOK_INTR, intrCb), callback: intrCb });
  }

  /** See the file comment: configure SCTLR_EL1/CPACR_EL1 and ERET to EL0t. */
  private enterEl0(): void {
    const sctlr = this.readCpReg(1, 0, 3, 0, 0);
    this.writeCpReg(1, 0, 3, 0, 0, sctlr | SCTLR_UCT | SCTLR_DZE | SCTLR_UCI);
    this.writeU64(REG_CPACR_EL1, 3n << 20n);
    this.memMap(SCRATCH, PAGE_SIZE, 7);
    const code = new Uint8Array(16);
    const dv = new DataView(code.buffer);
    dv.setUint32(0, 0xd518401f, true); // msr spsr_el1, xzr
    dv.setUint32(4, 0xd5184021, true); // msr elr_el1, x1
    dv.setUint32(8, 0xd69f03e0, true); // eret
    dv.setUint32(12, 0xd503201f, true); // nop (the ERET target, never executed)
    this.memWrite(SCRATCH, code);
    this.writeU64(xReg(1), BigInt(SCRATCH + 12));
    if (this.n.arena !== null) this.sync();
    const err = this.n.emuStart(this.uc, BigInt(SCRATCH), BigInt(SCRATCH + 12), 0n, 0);
    this.check(err, 'switching to EL0');
    const pstate = this.readU64(REG_PSTATE);
    if ((pstate & 0xcn) !== 0n) throw new EngineApiError(`could not enter EL0 (PSTATE 0x${pstate.toString(16)})`);
    this.writeU64(xReg(1), 0n);
    this.writeU64(REG_PC, 0n);
    this.memUnmap(SCRATCH, PAGE_SIZE);
    this.total = 0;
    this.resetBlocks();
  }

  private readCpReg(crn: number, crm: number, op0: number, op1: number, op2: number): bigint {
    const b = this.buf;
    b.fill(0, 0, 32);
    b.writeUInt32LE(crn, 0);
    b.writeUInt32LE(crm, 4);
    b.writeUInt32LE(op0, 8);
    b.writeUInt32LE(op1, 12);
    b.writeUInt32LE(op2, 16);
    this.check(this.n.regRead(this.uc, REG_CP_REG, b), 'uc_reg_read(CP_REG)');
    return b.readBigUInt64LE(24);
  }

  private writeCpReg(crn: number, crm: number, op0: number, op1: number, op2: number, value: bigint): void {
    const b = this.buf;
    b.fill(0, 0, 32);
    b.writeUInt32LE(crn, 0);
    b.writeUInt32LE(crm, 4);
    b.writeUInt32LE(op0, 8);
    b.writeUInt32LE(op1, 12);
    b.writeUInt32LE(op2, 16);
    b.writeBigUInt64LE(value & U64, 24);
    this.check(this.n.regWrite(this.uc, REG_CP_REG, b), 'uc_reg_write(CP_REG)');
  }

  private readU64(id: number): bigint {
    const b = this.buf;
    b.fill(0, 0, 16);
    this.check(this.n.regRead(this.uc, id, b), 'uc_reg_read');
    return b.readBigUInt64LE(0);
  }

  private writeU64(id: number, v: bigint): void {
    const b = this.buf;
    b.fill(0, 0, 16);
    b.writeBigUInt64LE(v & U64, 0);
    this.check(this.n.regWrite(this.uc, id, b), 'uc_reg_write');
  }

  private readQ(i: number): bigint {
    const b = this.buf;
    b.fill(0, 0, 16);
    this.check(this.n.regRead(this.uc, REG_Q0 + i, b), 'uc_reg_read');
    return (b.readBigUInt64LE(8) << 64n) | b.readBigUInt64LE(0);
  }

  private writeQ(i: number, v: bigint): void {
    const b = this.buf;
    b.writeBigUInt64LE(v & U64, 0);
    b.writeBigUInt64LE((v >> 64n) & U64, 8);
    this.check(this.n.regWrite(this.uc, REG_Q0 + i, b), 'uc_reg_write');
  }

  // ---- memory ---------------------------------------------------------------------------------

  memMap(address: number, size: number, perms: number): void {
    this.live();
    checkPages(address, size, 'map');
    if (size > this.memoryLimit) {
      throw new OutOfMemory(
        'map',
        address,
        size,
        this.memoryLimit,
        undefined,
        `more than the limit of ${this.memoryLimit} bytes`,
      );
    }
    this.regionsCache = null;
    if (this.n.arena === null) {
      this.mappingsCache = null;
      this.mapPlain(address, size, perms);
      return;
    }
    if (!this.guest.isFree(address, address + size)) {
      const at = Math.max(address, this.firstMapped(address, address + size));
      throw new EngineApiError(
        `map 0x${address.toString(16)}+0x${size.toString(16)}: overlaps a mapping at 0x${at.toString(16)}`,
      );
    }
    if (this.guest.size >= DEFAULT_MAX_MAPPINGS && this.guest.wouldAdd(address, address + size, perms & 7)) {
      throw new OutOfMemory(
        'map',
        address,
        size,
        this.memoryLimit,
        undefined,
        `more than ${DEFAULT_MAX_MAPPINGS} mappings`,
      );
    }
    // Address space only: Unicorn sees the pages when they are first touched (activate).
    this.guest.set(address, address + size, perms & 7);
  }

  memUnmap(address: number, size: number): void {
    this.live();
    checkPages(address, size, 'unmap');
    this.regionsCache = null;
    this.mappingsCache = null;
    if (this.n.arena === null) {
      this.check(
        this.n.memUnmap(this.uc, BigInt(address), size),
        `unmap 0x${address.toString(16)}+0x${size.toString(16)}`,
      );
      return;
    }
    this.requireGuest(address, size, 'unmap');
    const end = address + size;
    this.active.forEachIn(address, end, (b, e) => {
      this.touched -= Math.min(e, end) - Math.max(b, address);
      return true;
    });
    const exec = this.mayHoldCode(address, end);
    this.guest.remove(address, end);
    this.active.remove(address, end);
    this.refresh(address, end);
    this.revoked(address, end, exec);
    // The host pages go back to the system, and a later mapping there reads zeros.
    this.forChunks(address, size, (host, len) => this.n.arena?.madvise(host, len, MADV_DONTNEED));
  }

  memProtect(address: number, size: number, perms: number): void {
    this.live();
    checkPages(address, size, 'protect');
    this.regionsCache = null;
    this.mappingsCache = null;
    if (this.n.arena === null) {
      this.check(
        this.n.memProtect(this.uc, BigInt(address), size, perms & 7),
        `protect 0x${address.toString(16)}+0x${size.toString(16)}`,
      );
      return;
    }
    this.requireGuest(address, size, 'protect');
    const exec = (perms & PROT_EXEC) === 0 && this.mayHoldCode(address, address + size);
    this.guest.set(address, address + size, perms & 7);
    this.refresh(address, address + size);
    this.revoked(address, address + size, exec);
  }

  /**
   * Guest permissions in [begin, end) may have dropped. Unicorn checks its region permissions (and
   * calls the invalid-memory hook) only when it fills its TLB for a page, and keeps translated
   * blocks without looking at permissions again: a page the hook let through (a coarse region) or
   * a region left unchanged would stay usable. So the TLB is emptied (TLBI VMALLE1 through the
   * system-register API: one call, no change to the memory map) and, where executable pages lost
   * their right to run, the blocks translated from them are dropped.
   */
  private revoked(begin: number, end: number, exec: boolean): void {
    this.writeCpReg(8, 7, 1, 0, 0, 0n);
    if (exec && this.translated !== 'none') this.flushCode(begin, end - 1);
  }

  /** Without the arena (no libc): plain uc_mem_map, bounded so Unicorn never hits its assertion. */
  private mapPlain(address: number, size: number, perms: number): void {
    if (this.mappings().length >= MAX_UC_REGIONS) {
      throw new OutOfMemory('map', address, size, this.memoryLimit, undefined, `more than ${MAX_UC_REGIONS} mappings`);
    }
    const err = this.n.memMap(this.uc, BigInt(address), size, perms & 7);
    if (err === UC_ERR_NOMEM)
      throw new OutOfMemory('map', address, size, this.memoryLimit, undefined, 'unicorn: no memory');
    this.check(err, `map 0x${address.toString(16)}+0x${size.toString(16)}`);
  }

  /*
   * Arena mode (libc available). Three views of guest memory:
   *  - `guest`: every mapping with its permissions (what the program sees; memRegions);
   *  - `active`: the mapped pages touched so far (first access by the guest, or a host write), in
   *    ACTIVATE-byte granules; their total (`touched`) is bounded by memoryLimit, so a guest that
   *    touches too much gets OutOfMemory('touch') and host memory stays bounded (MAP_NORESERVE
   *    reservations take host pages only where written);
   *  - `ucMaps`: Unicorn's regions, over active pages only, each inside one host chunk
   *    (uc_mem_map_ptr), at most MAX_UC_REGIONS (Unicorn 2.0.1 aborts the host near 1020).
   * A Unicorn region is exact (one run of equal permissions) while regions are plentiful. Past
   * SOFT_UC_REGIONS they are coarsened: neighbouring runs (and the gaps between them) share one
   * region whose Unicorn permissions are the AND of theirs (a gap counts as none). Unicorn then
   * refuses some accesses the guest may make; the invalid-memory hook checks them against `guest`
   * and lets them proceed (a permitted write is done by the hook itself, straight into host
   * memory) or reports the fault, with the kind (unmapped or protection) the guest table says. So
   * 20,000 mappings of mixed protections hold in a few hundred regions, slower only where coarse.
   */
  private ucMaps: UcRegion[] = [];
  private readonly guest = new IntervalMap();
  private readonly active = new IntervalMap();
  /** Bytes of active (touched) guest memory. */
  private touched = 0;
  /** Set inside a hook when regions run short: the run stops, maintain() runs, the run resumes. */
  private maintenanceDue = false;
  /** Host reservations backing the guest's 1 GiB chunks (uintptr by chunk number). */
  private readonly chunks = new Map<number, number>();
  private readonly memoryLimit: number;

  /** Bytes of guest memory touched so far (what memoryLimit bounds). */
  touchedBytes(): number {
    return this.n.arena === null ? Number.NaN : this.touched;
  }

  private firstMapped(begin: number, end: number): number {
    let at = end;
    this.guest.forEachIn(begin, end, (b) => {
      at = b;
      return false;
    });
    return at;
  }

  private requireGuest(address: number, size: number, what: string): void {
    const gap = this.guest.firstGap(address, address + size);
    if (gap < address + size) {
      throw new EngineApiError(
        `${what} 0x${address.toString(16)}+0x${size.toString(16)}: 0x${gap.toString(16)} is not mapped`,
      );
    }
  }

  /** Exact Unicorn pieces for [begin, end): runs of active pages of equal guest permissions. */
  private exactPieces(begin: number, end: number, out: MemRegion[]): void {
    this.active.forEachIn(begin, end, (ab, ae) => {
      const lo = Math.max(ab, begin);
      const hi = Math.min(ae, end);
      this.guest.forEachIn(lo, hi, (gb, ge, perms) => {
        let b = Math.max(gb, lo);
        const e = Math.min(ge, hi);
        while (b < e) {
          const cut = Math.min(e, (Math.floor(b / ARENA_CHUNK) + 1) * ARENA_CHUNK);
          const last = out[out.length - 1];
          if (
            last &&
            last.end === b &&
            last.perms === perms &&
            Math.floor((last.end - 1) / ARENA_CHUNK) === Math.floor(b / ARENA_CHUNK)
          )
            last.end = cut;
          else out.push({ begin: b, end: cut, perms });
          b = cut;
        }
        return true;
      });
      return true;
    });
  }

  /** Index of the first ucMap ending after x. */
  private ucIndex(x: number): number {
    const m = this.ucMaps;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((m[mid] as MemRegion).end <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ucUnmap(r: MemRegion): void {
    this.check(this.n.memUnmap(this.uc, BigInt(r.begin), r.end - r.begin), `unmap 0x${r.begin.toString(16)}`);
  }

  private ucMap(r: MemRegion): void {
    const host = this.hostAddress(r.begin, r.begin, r.end - r.begin);
    const arena = this.n.arena as ArenaNative;
    this.check(
      arena.mapPtr(this.uc, BigInt(r.begin), r.end - r.begin, r.perms, host),
      `map 0x${r.begin.toString(16)}+0x${(r.end - r.begin).toString(16)}`,
    );
  }

  /**
   * After guest/active changed inside [begin, end) (unmap, protect; outside a run), the Unicorn
   * regions overlapping it must not allow more than the tables do. While regions are few they are
   * made again exactly; once crowded, a region only has its permissions lowered when it must (a
   * coarse region already refusing everything costs no Unicorn call: the hook decides).
   */
  private refresh(begin: number, end: number): void {
    this.mappingsCache = null;
    if (!this.running) {
      this.pendingRefresh.push([begin, end]);
      return;
    }
    this.refreshNow(begin, end);
  }

  /**
   * Host-side changes (a linker's reserve, writes, protects) only update the tables; Unicorn's
   * regions follow when Unicorn next looks at memory (sync: a run, a read, a flush), so a segment
   * mapped, written and protected costs one region change instead of four (each one rebuilds
   * QEMU's whole memory map).
   */
  private pendingRefresh: [number, number][] = [];
  private pendingActivations: { lo: number; hi: number; fresh: [number, number][]; address: number }[] = [];
  /** Counts maintain() calls: a sync stops replaying once one has rebuilt every region. */
  private maintenances = 0;

  private sync(): void {
    if (this.pendingRefresh.length === 0 && this.pendingActivations.length === 0) return;
    const refreshes = this.pendingRefresh;
    const activations = this.pendingActivations;
    this.pendingRefresh = [];
    this.pendingActivations = [];
    const before = this.maintenances;
    for (const [b, e] of refreshes) {
      this.refreshNow(b, e);
      if (this.maintenances !== before) return;
    }
    for (const a of activations) {
      this.mapFresh(a.lo, a.hi, a.fresh, false, a.address);
      if (this.maintenances !== before) return;
    }
  }

  /**
   * Guest permissions or activity changed inside [begin, end) only, so a region overlapping it was
   * already right outside it: only the changed part is examined (O(runs in the range), whatever
   * the region covers). A region still refusing at least what the changed part refuses stays as
   * it is; one allowing more is cut exactly (an exact region, while regions are few) or has its
   * permissions lowered (the hook then decides); one left without active pages is removed.
   */
  private refreshNow(begin: number, end: number): void {
    this.mappingsCache = null;
    const i = this.ucIndex(begin);
    let j = i;
    while (j < this.ucMaps.length && (this.ucMaps[j] as UcRegion).begin < end) j++;
    if (i === j) return;
    const old = this.ucMaps.slice(i, j);
    const next: UcRegion[] = [];
    let changed = false;
    for (const r of old) {
      const lo = Math.max(r.begin, begin);
      const hi = Math.min(r.end, end);
      const allowed = this.andPerms(lo, hi);
      if ((allowed & r.perms) === r.perms) {
        next.push(r);
        continue;
      }
      changed = true;
      if (r.exact) {
        const middle: MemRegion[] = [];
        this.exactPieces(lo, hi, middle);
        if (this.ucMaps.length + middle.length + 1 <= CROWDED_UC_REGIONS) {
          if (r.begin < lo) next.push({ begin: r.begin, end: lo, perms: r.perms, exact: true });
          for (const p of middle) next.push({ ...p, exact: true });
          if (hi < r.end) next.push({ begin: hi, end: r.end, perms: r.perms, exact: true });
          continue;
        }
      }
      if (this.active.isFree(r.begin, r.end)) continue;
      next.push({ begin: r.begin, end: r.end, perms: r.perms & allowed, exact: false });
    }
    if (!changed) return;
    for (const r of old) if (!next.includes(r)) this.ucUnmap(r);
    for (const r of next) if (!old.includes(r)) this.ucMap(r);
    this.ucMaps.splice(i, j - i, ...next);
    if (this.ucMaps.length > SOFT_UC_REGIONS) this.maintain();
  }

  /** What every page of [begin, end) allows: the AND of their guest permissions, 0 if one is untouched or unmapped. */
  private andPerms(begin: number, end: number): number {
    const pieces: MemRegion[] = [];
    this.exactPieces(begin, end, pieces);
    let perms = 7;
    let at = begin;
    for (const p of pieces) {
      if (p.begin !== at) return 0;
      perms &= p.perms;
      at = p.end;
    }
    return at === end ? perms : 0;
  }

  /** The parts of [begin, end) no Unicorn region covers. */
  private uncovered(begin: number, end: number): [number, number][] {
    const out: [number, number][] = [];
    let at = begin;
    for (let k = this.ucIndex(begin); k < this.ucMaps.length && at < end; k++) {
      const r = this.ucMaps[k] as MemRegion;
      if (r.begin >= end) break;
      if (r.begin > at) out.push([at, r.begin]);
      at = Math.max(at, r.end);
    }
    if (at < end) out.push([at, end]);
    return out;
  }

  /**
   * Activates the granules of [address, address+size) that are mapped and not yet active: counts
   * them against the limit and gives the parts no region covers Unicorn regions (exact runs while
   * regions are few; once crowded, one region over the whole granule, refusing what any page of it
   * refuses, so later mappings and touches there cost no Unicorn call). `inRun`: called from a
   * hook, where regions are only added (removing one under a running block is not safe) and a
   * maintenance stop is asked for when they run short.
   */
  private activate(address: number, size: number, inRun: boolean, pc?: number): void {
    const lo = address - (address % ACTIVATE);
    const end = address + size;
    const hi = end % ACTIVATE === 0 ? end : end - (end % ACTIVATE) + ACTIVATE;
    const fresh: [number, number][] = [];
    let bytes = 0;
    this.guest.forEachIn(lo, hi, (gb, ge) => {
      const b = Math.max(gb, lo);
      const e = Math.min(ge, hi);
      let at = b;
      this.active.forEachIn(b, e, (ab, ae) => {
        if (ab > at) fresh.push([at, ab]);
        at = Math.max(at, ae);
        return true;
      });
      if (at < e) fresh.push([at, e]);
      return true;
    });
    for (const [b, e] of fresh) bytes += e - b;
    if (bytes === 0) return;
    if (this.touched + bytes > this.memoryLimit) {
      throw new OutOfMemory('touch', address - (address % PAGE_SIZE), PAGE_SIZE, this.memoryLimit, pc);
    }
    for (const [b, e] of fresh) this.active.set(b, e, 1);
    this.touched += bytes;
    this.mappingsCache = null;
    if (!inRun) {
      this.pendingActivations.push({ lo, hi, fresh, address });
      return;
    }
    this.mapFresh(lo, hi, fresh, inRun, address, pc);
  }

  /** Gives the fresh (just activated) parts of granules [lo, hi) Unicorn regions. */
  private mapFresh(
    lo: number,
    hi: number,
    fresh: [number, number][],
    inRun: boolean,
    address: number,
    pc?: number,
  ): void {
    const regions: UcRegion[] = [];
    if (this.ucMaps.length < CROWDED_UC_REGIONS) {
      const pieces: MemRegion[] = [];
      for (const [b, e] of fresh) for (const [ub, ue] of this.uncovered(b, e)) this.exactPieces(ub, ue, pieces);
      for (const p of pieces) regions.push({ ...p, exact: true });
    } else {
      for (const [ub, ue] of this.uncovered(lo, hi))
        regions.push({ begin: ub, end: ue, perms: this.andPerms(ub, ue), exact: false });
    }
    if (this.ucMaps.length + regions.length > MAX_UC_REGIONS) {
      if (!inRun) {
        this.maintain();
        return;
      }
      throw new OutOfMemory(
        'touch',
        address - (address % PAGE_SIZE),
        PAGE_SIZE,
        this.memoryLimit,
        pc,
        `more than ${MAX_UC_REGIONS} unicorn regions`,
      );
    }
    for (const p of regions) {
      this.ucMap(p);
      this.ucMaps.splice(this.ucIndex(p.begin), 0, p);
    }
    if (this.ucMaps.length > SOFT_UC_REGIONS) {
      if (inRun) {
        this.maintenanceDue = true;
        this.n.emuStop(this.uc);
      } else this.maintain();
    }
  }

  /**
   * Rebuilds every Unicorn region from the tables (outside a run): exact runs, then, while they
   * are more than TARGET_UC_REGIONS, the runs smaller than a window W that start in one W-aligned
   * window share one region over that whole window (clipped by big runs), refusing what any page
   * of it refuses; W doubles until they fit. Unchanged regions stay mapped.
   */
  private maintain(): void {
    this.maintenanceDue = false;
    this.maintenances++;
    this.pendingRefresh = [];
    this.pendingActivations = [];
    this.mappingsCache = null;
    const exact: MemRegion[] = [];
    this.active.forEach((b, e) => {
      this.exactPieces(b, e, exact);
    });
    let next: UcRegion[] = exact.map((p) => ({ ...p, exact: true }));
    for (let w = ACTIVATE; next.length > TARGET_UC_REGIONS && w <= ARENA_CHUNK; w *= 2) {
      // Items: a big run (kept exact) or a window (its first and last small run).
      const items: { big: boolean; begin: number; end: number; perms: number; window: number }[] = [];
      for (const p of exact) {
        const last = items[items.length - 1];
        const window = Math.floor(p.begin / w);
        if (p.end - p.begin >= w) items.push({ big: true, ...p, window });
        else if (last !== undefined && !last.big && last.window === window) last.end = p.end;
        else items.push({ big: false, ...p, window });
      }
      next = [];
      for (let k = 0; k < items.length; k++) {
        const it = items[k] as (typeof items)[number];
        if (it.big) {
          next.push({ begin: it.begin, end: it.end, perms: it.perms, exact: true });
          continue;
        }
        const prevEnd = next.length > 0 ? (next[next.length - 1] as MemRegion).end : 0;
        const following = items[k + 1];
        const begin = Math.max(it.window * w, prevEnd);
        // A small run may start in its window and end past it: the region still covers all of it.
        const end = Math.max(
          it.end,
          Math.min((it.window + 1) * w, following !== undefined ? following.begin : Number.POSITIVE_INFINITY),
        );
        next.push({ begin, end, perms: this.andPerms(begin, end), exact: false });
      }
    }
    const same = (a: UcRegion, b: UcRegion) => a.begin === b.begin && a.end === b.end && a.perms === b.perms;
    const keep = new Set<UcRegion>();
    const oldByBegin = new Map(this.ucMaps.map((r) => [r.begin, r]));
    const added: UcRegion[] = [];
    for (const r of next) {
      const o = oldByBegin.get(r.begin);
      if (o !== undefined && same(o, r)) keep.add(o);
      else added.push(r);
    }
    for (const r of this.ucMaps) if (!keep.has(r)) this.ucUnmap(r);
    for (const r of added) this.ucMap(r);
    this.ucMaps = next.map((r) => {
      const o = oldByBegin.get(r.begin);
      if (o !== undefined && keep.has(o)) {
        o.exact = r.exact;
        return o;
      }
      return r;
    });
  }

  /** Host address of guest `at` (reserving its chunk: address space only, no memory yet). */
  private hostAddress(at: number, address: number, size: number): number {
    const chunk = Math.floor(at / ARENA_CHUNK);
    let base = this.chunks.get(chunk);
    if (base === undefined) {
      if (this.chunks.size >= MAX_ARENA_CHUNKS) {
        throw new OutOfMemory(
          'touch',
          address,
          size,
          this.memoryLimit,
          undefined,
          'guest address space spread too wide',
        );
      }
      const arena = this.n.arena as ArenaNative;
      const r = arena.mmap(0, ARENA_CHUNK, 3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (typeof r !== 'number' || r <= 0 || r >= 2 ** 53) {
        throw new OutOfMemory('touch', address, size, this.memoryLimit, undefined, 'host mmap failed');
      }
      base = r;
      this.chunks.set(chunk, base);
    }
    return base + (at - chunk * ARENA_CHUNK);
  }

  private forChunks(address: number, size: number, fn: (host: number, len: number) => void): void {
    for (let b = address; b < address + size; ) {
      const chunk = Math.floor(b / ARENA_CHUNK);
      const e = Math.min(address + size, (chunk + 1) * ARENA_CHUNK);
      const base = this.chunks.get(chunk);
      if (base !== undefined) fn(base + (b - chunk * ARENA_CHUNK), e - b);
      b = e;
    }
  }

  memRead(address: number, size: number): Uint8Array {
    this.live();
    const out = new Uint8Array(size);
    if (size === 0) return out;
    if (this.n.arena !== null) {
      if (!Number.isSafeInteger(address) || address < 0 || !this.guest.covers(address, address + size)) {
        throw new MemoryFault('read', 'unmapped', address, size);
      }
      this.sync();
      // Pages never touched read as zeros without being touched.
      const end = address + size;
      this.active.forEachIn(address, end, (b, e) => {
        const lo = Math.max(b, address);
        const hi = Math.min(e, end);
        const part = out.subarray(lo - address, hi - address);
        if (this.n.memRead(this.uc, BigInt(lo), part, hi - lo) !== 0)
          throw new MemoryFault('read', 'unmapped', lo, hi - lo);
        return true;
      });
      return out;
    }
    if (this.n.memRead(this.uc, BigInt(address), out, size) !== 0) {
      throw new MemoryFault('read', 'unmapped', address, size);
    }
    return out;
  }

  memWrite(address: number, data: Uint8Array): void {
    this.live();
    if (data.length === 0) return;
    if (this.n.arena !== null) {
      if (!Number.isSafeInteger(address) || address < 0 || !this.guest.covers(address, address + data.length)) {
        throw new MemoryFault('write', 'unmapped', address, data.length);
      }
      this.activate(address, data.length, this.running);
      // Straight into the host memory behind Unicorn's regions: uc_mem_write on a region Unicorn
      // holds read-only (code, or a coarse region) makes it writable and read-only again, and each
      // change rebuilds QEMU's whole memory map (~0.1 ms a write, more with more regions).
      const arena = this.n.arena as ArenaNative;
      const end = address + data.length;
      for (let b = address; b < end; ) {
        const e = Math.min(end, (Math.floor(b / ARENA_CHUNK) + 1) * ARENA_CHUNK);
        arena.poke(this.hostAddress(b, address, data.length), data.subarray(b - address, e - address), e - b);
        b = e;
      }
    } else if (this.n.memWrite(this.uc, BigInt(address), data, data.length) !== 0) {
      throw new MemoryFault('write', 'unmapped', address, data.length);
    }
    // Unicorn keeps the blocks it translated from the old bytes (its uc_mem_write does not look at
    // its code cache): patched code (a JIT rewriting a linked body, a debugger's poke) must drop them.
    if (this.translated !== 'none' && this.mayHoldCode(address, address + data.length)) {
      this.flushCode(address, address + data.length - 1);
    }
  }

  /** Whether [lo, hi) overlaps an executable guest mapping (always true without the guest table). */
  private mayHoldCode(lo: number, hi: number): boolean {
    if (this.n.arena === null) return true;
    let exec = false;
    this.guest.forEachIn(lo, hi, (_b, _e, perms) => {
      if ((perms & PROT_EXEC) !== 0) exec = true;
      return !exec;
    });
    return exec;
  }

  private regionsCache: MemRegion[] | null = null;
  /** Which kind of run the cached translations come from. */
  private translated: 'none' | 'counted' | 'plain' = 'none';

  /** Unicorn's own regions (one per mapping, not merged), sorted; cached like memRegions(). */
  private mappings(): MemRegion[] {
    this.sync();
    if (this.mappingsCache) return this.mappingsCache;
    const ptr: unknown[] = [null];
    const count = [0];
    this.check(this.n.memRegions(this.uc, ptr, count), 'uc_mem_regions');
    const n = count[0] as number;
    if (n === 0 || ptr[0] === null) {
      this.mappingsCache = [];
      return this.mappingsCache;
    }
    const raw = this.n.koffi.decode(ptr[0], this.n.regionArray(n)) as { begin: unknown; end: unknown; perms: number }[];
    this.n.free(ptr[0]);
    this.mappingsCache = raw
      .map((r) => ({ begin: Number(r.begin), end: Number(r.end) + 1, perms: r.perms & 7 }))
      .sort((a, b) => a.begin - b.begin);
    return this.mappingsCache;
  }
  private mappingsCache: MemRegion[] | null = null;

  /**
   * Engine.memPagesIn: with the arena, the pages of the active (touched) granules; without it,
   * every mapped page (Unicorn holds them all). Read 256 KiB at a time.
   */
  memPagesIn(address: number, size: number, fn: (pageAddress: number, bytes: Uint8Array) => void): void {
    this.live();
    const end = address + size;
    const runs: [number, number][] = [];
    const mapped = (lo: number, hi: number): void => {
      this.guest.forEachIn(lo, hi, (b, e) => {
        runs.push([Math.max(b, lo), Math.min(e, hi)]);
        return true;
      });
    };
    if (this.n.arena !== null) {
      this.active.forEachIn(address, end, (b, e) => {
        mapped(Math.max(b, address), Math.min(e, end));
        return true;
      });
    } else mapped(address, end);
    const PIECE = 64 * PAGE_SIZE;
    for (const [lo, hi] of runs) {
      for (let c = lo; c < hi; c += PIECE) {
        const n = Math.min(PIECE, hi - c);
        const bytes = this.memRead(c, n);
        for (let o = 0; o < n; o += PAGE_SIZE) fn(c + o, bytes.subarray(o, o + PAGE_SIZE));
      }
    }
  }

  memRegions(): MemRegion[] {
    this.live();
    if (this.regionsCache) return this.regionsCache.map((r) => ({ ...r }));
    if (this.n.arena !== null) {
      const out: MemRegion[] = [];
      this.guest.forEach((begin, end, perms) => {
        out.push({ begin, end, perms });
      });
      this.regionsCache = out.map((r) => ({ ...r }));
      return out;
    }
    const regions = this.mappings();
    if (regions.length === 0) return [];
    const out: MemRegion[] = [];
    for (const r of regions) {
      const last = out[out.length - 1];
      if (last && last.end === r.begin && last.perms === r.perms) last.end = r.end;
      else out.push({ ...r });
    }
    this.regionsCache = out.map((r) => ({ ...r }));
    return out;
  }

  // ---- registers ------------------------------------------------------------------------------

  regRead(name: RegName): bigint {
    this.live();
    switch (name) {
      case 'pc':
        return this.readU64(REG_PC);
      case 'sp':
        return this.readU64(REG_SP);
      case 'wsp':
        return this.readU64(REG_SP) & 0xffffffffn;
      case 'lr':
        return this.readU64(REG_X30);
      case 'fp':
        return this.readU64(REG_X29);
      case 'xzr':
      case 'wzr':
        return 0n;
      case 'nzcv':
        return this.readU64(REG_NZCV) & 0xf0000000n;
      case 'fpcr':
        return this.readU64(REG_FPCR) & 0xffffffffn;
      case 'fpsr':
        return this.readU64(REG_FPSR) & 0xffffffffn;
      case 'tpidr_el0':
        return this.readU64(REG_TPIDR_EL0);
    }
    const c = name[0];
    if (c === 'x') return this.readU64(xReg(gprIndex(name)));
    if (c === 'w') return this.readU64(xReg(gprIndex(name))) & 0xffffffffn;
    const bytes = VEC_BYTES[c as string];
    if (bytes === undefined) throw new EngineApiError(`unknown register '${name}'`);
    const q = this.readQ(vecIndex(name));
    return bytes === 16 ? q : q & ((1n << BigInt(8 * bytes)) - 1n);
  }

  regWrite(name: RegName, value: bigint | number): void {
    this.live();
    const v = toRegisterValue(name, value);
    const v64 = v & U64;
    switch (name) {
      case 'pc':
        this.writeU64(REG_PC, v64);
        return;
      case 'sp':
        this.writeU64(REG_SP, v64);
        return;
      case 'wsp':
        this.writeU64(REG_SP, v64 & 0xffffffffn);
        return;
      case 'lr':
        this.writeU64(REG_X30, v64);
        return;
      case 'fp':
        this.writeU64(REG_X29, v64);
        return;
      case 'xzr':
      case 'wzr':
        return;
      case 'nzcv':
        this.writeU64(REG_NZCV, v64 & 0xf0000000n);
        return;
      case 'fpcr':
        this.writeU64(REG_FPCR, v64 & 0xffffffffn);
        return;
      case 'fpsr':
        this.writeU64(REG_FPSR, v64 & 0xffffffffn);
        return;
      case 'tpidr_el0':
        this.writeU64(REG_TPIDR_EL0, v64);
        return;
    }
    const c = name[0];
    if (c === 'x') {
      this.writeU64(xReg(gprIndex(name)), v64);
      return;
    }
    if (c === 'w') {
      this.writeU64(xReg(gprIndex(name)), v64 & 0xffffffffn);
      return;
    }
    const bytes = VEC_BYTES[c as string];
    if (bytes === undefined) throw new EngineApiError(`unknown register '${name}'`);
    // As the ts engine: writing a narrower view zeroes the rest of the vector register.
    this.writeQ(vecIndex(name), v & (bytes === 16 ? U128 : (1n << BigInt(8 * bytes)) - 1n));
  }

  getX(index: number): bigint {
    this.live();
    if (!Number.isInteger(index) || index < 0 || index > 31) throw new EngineApiError(`bad register index ${index}`);
    return this.readU64(index === 31 ? REG_SP : xReg(index));
  }

  setX(index: number, value: bigint | number): void {
    this.live();
    if (!Number.isInteger(index) || index < 0 || index > 31) throw new EngineApiError(`bad register index ${index}`);
    this.writeU64(index === 31 ? REG_SP : xReg(index), BigInt(value));
  }

  getPc(): number {
    return Number(this.regRead('pc'));
  }

  setPc(pc: number): void {
    this.regWrite('pc', BigInt(pc));
  }

  // ---- hooks ----------------------------------------------------------------------------------

  hookAdd(type: 'code' | 'block', fn: CodeHook, range?: HookRange): HookHandle;
  hookAdd(type: MemHookType, fn: MemHook, range?: HookRange): HookHandle;
  hookAdd(type: MemInvalidHookType, fn: MemInvalidHook): HookHandle;
  hookAdd(type: 'intr', fn: InterruptHook): HookHandle;
  hookAdd(type: 'insn', fn: InsnHook, options: InsnHookOptions & { insn: 'svc' }): HookHandle;
  hookAdd(type: 'insn', fn: MrsHook, options: InsnHookOptions & { insn: 'mrs' }): HookHandle;
  hookAdd(type: string, fn: unknown, range?: HookRange | InsnHookOptions): HookHandle {
    this.live();
    const id = this.nextHookId++;
    // Unicorn: begin > end means "everywhere".
    const begin = range?.begin ?? 1;
    const end = range?.end ?? 0;
    if (type === 'code' || type === 'block') {
      const user = fn as CodeHook;
      const cb = this.register((_uc: never, address: never, size: never) => {
        const a = Number(address as bigint);
        const outer = this.hookAt;
        this.hookAt = a;
        try {
          return this.guard(() => user(a, size as number));
        } finally {
          this.hookAt = outer;
        }
      }, this.n.codeCb);
      const handle = this.addNative('code', type === 'code' ? UC_HOOK_CODE : UC_HOOK_BLOCK, cb, begin, end);
      this.hooks.set(id, { id, handle, callback: cb, begin, end });
      this.flushCode(begin, end);
    } else if (type === 'mem-read' || type === 'mem-write' || type === 'mem-read-after' || type === 'mem-fetch') {
      const user = fn as MemHook;
      const cb = this.register(
        (_uc: never, kind: never, address: never, size: never, value: never) =>
          this.guard(() =>
            user(
              (kind as number) === UC_MEM_READ || (kind as number) === UC_MEM_READ_AFTER
                ? 'read'
                : (kind as number) === UC_MEM_WRITE
                  ? 'write'
                  : 'fetch',
              Number(address as bigint),
              size as number,
              BigInt.asUintN(64, BigInt(value as bigint)),
            ),
          ),
        this.n.memCb,
      );
      const ucType =
        type === 'mem-read'
          ? UC_HOOK_MEM_READ
          : type === 'mem-write'
            ? UC_HOOK_MEM_WRITE
            : type === 'mem-read-after'
              ? UC_HOOK_MEM_READ_AFTER
              : UC_HOOK_MEM_FETCH;
      const handle = this.addNative('mem', ucType, cb, begin, end);
      this.hooks.set(id, { id, handle, callback: cb, begin, end });
      this.flushCode(begin, end);
    } else if (type in MEM_INVALID_HOOK_TYPES) {
      // One native UC_HOOK_MEM_INVALID hook serves them all; onInvalid picks by access and kind.
      this.invalidHooks = [...this.invalidHooks, { id, type, fn: fn as MemInvalidHook }];
    } else if (type === 'insn' && (range as InsnHookOptions | undefined)?.insn === 'mrs') {
      const user = fn as MrsHook;
      const cb = this.register((_uc: never, reg: never, cp: never) => {
        const pc = Number(this.readU64(REG_PC));
        if (pc < begin && begin <= end) return 0;
        if (begin <= end && pc > end) return 0;
        const r = reg as number;
        const rt = r >= REG_X0 && r <= REG_X0 + 28 ? r - REG_X0 : r === REG_X29 ? 29 : r === REG_X30 ? 30 : 31;
        const c = this.n.koffi.decode(cp, this.n.cpReg) as {
          crn: number;
          crm: number;
          op0: number;
          op1: number;
          op2: number;
        };
        const info = { address: pc, rt, op0: c.op0, op1: c.op1, crn: c.crn, crm: c.crm, op2: c.op2 };
        return this.guard(() => user(info)) === true ? 1 : 0;
      }, this.n.insnSysCb);
      const out = [0];
      this.check(
        this.n.hookAddInsn(this.uc, out, UC_HOOK_INSN, cb, null, BigInt(1), BigInt(0), 'int', UC_ARM64_INS_MRS),
        'uc_hook_add',
      );
      this.hooks.set(id, { id, handle: out[0] as number, callback: cb, begin, end });
      this.flushCode(begin, end);
    } else if (type === 'insn') {
      const insn = (range as InsnHookOptions | undefined)?.insn;
      if (insn !== 'svc') throw new EngineApiError(`'insn' hooks take { insn: 'svc' | 'mrs' }, got ${String(insn)}`);
      // Unicorn has no UC_HOOK_INSN for SVC on AArch64: it arrives as interrupt 2 (onInterrupt).
      const lo = range?.begin ?? 0;
      const hi = range?.end ?? Number.MAX_SAFE_INTEGER;
      this.svcHooks = [...this.svcHooks, { id, fn: fn as InsnHook, begin: lo, end: hi }];
    } else if (type === 'intr') {
      this.intrHooks = [...this.intrHooks, { id, fn: fn as InterruptHook }];
    } else {
      throw new EngineApiError(`unknown hook type '${type}'`);
    }
    return { id };
  }

  hookDel(handle: HookHandle): void {
    this.live();
    const entry = this.hooks.get(handle.id);
    if (entry) {
      this.hooks.delete(handle.id);
      this.dropNative(entry);
      return;
    }
    this.invalidHooks = this.invalidHooks.filter((h) => h.id !== handle.id);
    this.intrHooks = this.intrHooks.filter((h) => h.id !== handle.id);
    this.svcHooks = this.svcHooks.filter((h) => h.id !== handle.id);
  }

  /**
   * Unicorn 2.0.1 keeps blocks translated before a hook was added (or deleted), so the change would
   * not be seen there: drop the translations of the hook's range, or of all mapped memory for a
   * hook without a range (UC_CTL_TB_FLUSH would do it too, but costs seconds on the first call).
   *
   * UC_CTL_TB_REMOVE_CACHE(begin, end) translates `begin` to Unicorn's internal RAM offset and drops
   * the translations of [offset, offset + (end - begin)): right only while the range lies in one
   * mapping (one RAM block). Separately mapped pages have unrelated offsets even when their
   * addresses are adjacent (memRegions() merges them), so the range is cut at the boundaries of
   * Unicorn's own regions (uc_mem_regions: one per mapping; uc_mem_protect splits a mapping into
   * separately allocated regions, listed separately) and each piece is flushed on its own.
   */
  private flushCode(begin = 1, end = 0): void {
    if (this.running) return;
    const lo = begin <= end ? begin : 0;
    const hi = begin <= end ? end + 1 : Number.POSITIVE_INFINITY;
    for (const r of this.mappings()) {
      const b = Math.max(r.begin, lo);
      const e = Math.min(r.end, hi);
      if (b >= e) continue;
      this.check(
        this.n.ctl(this.uc, UC_CTL_TB_REMOVE_CACHE_WRITE, 'uint64_t', BigInt(b), 'uint64_t', BigInt(e)),
        'uc_ctl(TB_REMOVE_CACHE)',
      );
    }
  }

  private dropNative(entry: HookEntry): void {
    this.n.hookDel(this.uc, entry.handle);
    this.flushCode(entry.begin, entry.end);
    // A hook may delete itself while Unicorn is inside it: unregister the trampoline later.
    if (this.running) this.pendingUnregister.push(entry.callback);
    else this.n.koffi.unregister(entry.callback);
  }

  private pendingUnregister: unknown[] = [];

  /** Runs a user callback; an exception stops the emulation and is rethrown by start(). */
  private guard<T>(body: () => T): T | undefined {
    try {
      return body();
    } catch (e) {
      if (this.hookError === null) this.hookError = e;
      this.n.emuStop(this.uc);
      return undefined;
    }
  }

  private onInvalid(type: number, address64: bigint, size: number, value: bigint): boolean {
    const address = Number(address64);
    const access: AccessKind =
      type === UC_MEM_READ_UNMAPPED || type === UC_MEM_READ_PROT
        ? 'read'
        : type === UC_MEM_WRITE_UNMAPPED || type === UC_MEM_WRITE_PROT
          ? 'write'
          : 'fetch';
    let kind: FaultKind =
      type === UC_MEM_READ_UNMAPPED || type === UC_MEM_WRITE_UNMAPPED || type === UC_MEM_FETCH_UNMAPPED
        ? 'unmapped'
        : 'protection';
    let at = address;
    let at64 = address64;
    if (this.n.arena !== null && this.hookError === null) {
      // Unicorn refused: an untouched page, a coarse region, or a real fault. The guest table decides.
      const verdict = this.guestVerdict(access, address, Math.max(size, 1));
      if (verdict === null) return this.letThrough(kind === 'protection', access, address, size, value);
      kind = verdict.kind;
      if (verdict.at !== address) {
        at = verdict.at;
        at64 = BigInt(verdict.at);
      }
    }
    this.lastFault = { access, kind, address: at, address64: at64, size };
    let handled = false;
    for (const h of this.invalidHooks) {
      if (!invalidHookSees(h.type, access, kind)) continue;
      const r = this.guard(() => h.fn(access, kind, address, size, BigInt.asUintN(64, BigInt(value))));
      if (r === true) handled = true;
    }
    if (handled) this.lastFault = null;
    if (handled && access === 'fetch' && kind === 'protection') {
      // Unicorn 2.0.1 crashes the process when it retries a fetch whose page a hook re-protected
      // or remapped: let it stop with the fault instead, and start() resumes at the same pc.
      this.fetchRetry = true;
      return false;
    }
    // A hook that mapped the page (memMap only reserves): Unicorn must find a region on its retry.
    if (handled && this.n.arena !== null && this.guestVerdict(access, address, Math.max(size, 1)) === null) {
      return this.letThrough(kind === 'protection', access, address, size, value);
    }
    return handled;
  }

  /** Null when the guest may make the access, else the kind of fault and the first address refused. */
  private guestVerdict(access: AccessKind, address: number, size: number): { kind: FaultKind; at: number } | null {
    const need = access === 'read' ? 1 : access === 'write' ? 2 : 4;
    const last = address + size - 1;
    for (let page = address - (address % PAGE_SIZE); page <= last; page += PAGE_SIZE) {
      const perms = this.guest.get(page);
      const at = Math.max(page, address);
      if (perms === undefined) return { kind: 'unmapped', at };
      if ((perms & need) === 0) return { kind: 'protection', at };
    }
    return null;
  }

  /**
   * The guest may make an access Unicorn refused: its pages are activated (counted against the
   * limit) and, when Unicorn refused it for a coarse region's permissions, a write is done here,
   * straight into host memory (Unicorn may not do it itself after a handled protection fault).
   */
  private letThrough(protection: boolean, access: AccessKind, address: number, size: number, value: bigint): boolean {
    try {
      this.activate(address, Math.max(size, 1), true);
    } catch (e) {
      if (this.hookError === null) this.hookError = e;
      this.n.emuStop(this.uc);
      return false;
    }
    if (protection && access === 'write' && size > 0 && size <= 8) {
      const bytes = this.pokeBuf;
      let v = BigInt.asUintN(64, BigInt(value));
      for (let k = 0; k < size; k++) {
        bytes[k] = Number(v & 0xffn);
        v >>= 8n;
      }
      const arena = this.n.arena as ArenaNative;
      for (let k = 0; k < size; ) {
        const a = address + k;
        const n = Math.min(size - k, PAGE_SIZE - (a % PAGE_SIZE));
        arena.poke(this.hostAddress(a, a, n), bytes.subarray(k, k + n), n);
        k += n;
      }
    }
    return true;
  }

  private readonly pokeBuf = new Uint8Array(8);

  private onInterrupt(intno: number): void {
    const pc = Number(this.readU64(REG_PC));
    if ((this.exceptionStops & (1 << intno)) !== 0) {
      this.exceptionHit = intno;
      this.n.emuStop(this.uc);
      return;
    }
    if (intno === INTNO_SVC && this.svcHooks.length > 0) {
      const at = pc - 4;
      const svc = this.svcHooks.filter((h) => at >= h.begin && at <= h.end);
      if (svc.length > 0) {
        for (const h of svc) this.guard(() => h.fn(at));
        return;
      }
    }
    // A data abort reaching here is an alignment fault (see start()): never a hook's business.
    if (this.intrHooks.length === 0 || intno === EXCP_DATA_ABORT) {
      this.exception = { intno, pc };
      this.n.emuStop(this.uc);
      return;
    }
    for (const h of this.intrHooks) this.guard(() => h.fn(intno));
    // Unicorn retries an UNDEFINED instruction forever unless a hook moved pc: treat as unhandled.
    if (intno === INTNO_UDEF && this.hookError === null && Number(this.readU64(REG_PC)) === pc) {
      this.exception = { intno, pc };
      this.n.emuStop(this.uc);
    }
  }

  // ---- exception stops and breakpoints ---------------------------------------------------------

  setExceptionStops(intnos: readonly number[]): void {
    this.live();
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
    this.live();
    if (!Number.isSafeInteger(address) || address < 0 || address % 4 !== 0) {
      throw new EngineApiError(`breakpoint address ${addressText(address)} is not a 4-aligned address`);
    }
    if (this.bps.has(address)) return;
    // A code hook bounded to the one address: the rest of the program runs hook-free.
    const cb = this.register((_uc: never, at: never) => {
      const a = Number(at as bigint);
      if (a !== address) return;
      if (a === this.bpSkip) {
        this.bpSkip = -1;
        return;
      }
      this.bpHit = a;
      this.n.emuStop(this.uc);
    }, this.n.codeCb);
    const handle = this.addNative('code', UC_HOOK_CODE, cb, address, address);
    this.bps.set(address, { id: 0, handle, callback: cb, begin: address, end: address });
    this.flushCode(address, address);
  }

  removeBreakpoint(address: number): void {
    this.live();
    const entry = this.bps.get(address);
    if (!entry) return;
    this.bps.delete(address);
    this.dropNative(entry);
  }

  // ---- host call gates ------------------------------------------------------------------------

  addHostGate(address: number, fn: HostGateFn): void {
    this.live();
    if (address % 4 !== 0) throw new EngineApiError(`host gate address 0x${address.toString(16)} is not 4-aligned`);
    this.removeHostGate(address);
    const cb = this.register((_uc: never, at: never) => {
      const a = Number(at as bigint);
      const outer = this.hookAt;
      const outerGate = this.inGate;
      this.hookAt = a;
      this.inGate = true;
      try {
        return this.guard(() => this.onGate(a));
      } finally {
        this.hookAt = outer;
        this.inGate = outerGate;
      }
    }, this.n.codeCb);
    const handle = this.addNative('code', UC_HOOK_CODE, cb, address, address);
    this.gates.set(address, { fn, entry: { id: 0, handle, callback: cb, begin: address, end: address } });
    this.flushCode(address, address);
  }

  removeHostGate(address: number): void {
    this.live();
    const g = this.gates.get(address);
    if (!g) return;
    this.gates.delete(address);
    this.dropNative(g.entry);
  }

  private onGate(address: number): void {
    const g = this.gates.get(address);
    if (!g) return;
    const answer = g.fn(this);
    if (answer === 'park') {
      this.parked = true;
      this.n.emuStop(this.uc);
    }
    // Otherwise the `ret` in the gate slot runs (unless the host function moved pc).
  }

  // ---- execution ------------------------------------------------------------------------------

  stop(): void {
    this.live();
    this.stopRequested = true;
    if (this.running) this.n.emuStop(this.uc);
  }

  /**
   * Instructions executed so far. Exact between runs; during a run (inside hooks) it is worked out
   * from the counting block hook: the instructions of the blocks entered so far in this start(),
   * minus those of the current block from the hooked instruction on (a code/block hook: the
   * instruction it fires for has not run yet; a host gate: the gate counts as executed, as on the ts
   * engine). Other hooks (memory, interrupts) locate themselves by pc. Without counting (the
   * `countInstructions: false` option) the count of the last completed start() is returned.
   */
  instructionCount(): number {
    if (!this.running || !this.counting) return this.total;
    return this.total + this.liveCount();
  }

  /** Starts a new segment of block bookkeeping (no block entered yet). */
  private resetBlocks(): void {
    this.blockInsns = 0;
    this.lastBlockStart = -1;
    this.lastBlockEnd = -1;
    const v = this.counterView;
    if (v !== null) {
      this.counterBase = (v[0] as number) + (v[1] as number) * 2 ** 32;
      v.fill(0, 2, 6);
      this.armEnd(6, this.sliceLeft);
      this.armEnd(10, this.countLeft);
    }
  }

  /** Writes the byte total at which the native counter stops, `insns` from now, at view index `at`. */
  private armEnd(at: number, insns: number): void {
    const v = this.counterView as Uint32Array;
    if (insns === Number.POSITIVE_INFINITY) v.fill(0xffffffff, at, at + 2);
    else {
      const end = this.counterBase + 4 * insns;
      v[at] = end >>> 0;
      v[at + 1] = Math.floor(end / 2 ** 32);
    }
  }

  /** Brings blockInsns and the last block from the native counter (no-op with the JavaScript hook). */
  private pullBlocks(): void {
    const v = this.counterView;
    if (v === null) return;
    const bytes = (v[0] as number) + (v[1] as number) * 2 ** 32;
    this.blockInsns = (bytes - this.counterBase) / 4;
    const size = (v[4] as number) + (v[5] as number) * 2 ** 32;
    if (size === 0) {
      this.lastBlockStart = -1;
      this.lastBlockEnd = -1;
      return;
    }
    this.lastBlockStart = (v[2] as number) + (v[3] as number) * 2 ** 32;
    this.lastBlockEnd = this.lastBlockStart + size;
  }

  /**
   * True when the counting hook's slice check stopped the run: the instructions before the last
   * block entered had reached the slice, and nothing else ended it.
   */
  private endedBySlice(): boolean {
    if (this.hookError !== null || this.exception !== null || this.exceptionHit >= 0 || this.bpHit >= 0) return false;
    if (this.parked || this.stopRequested) return false;
    return this.blockInsns - ((this.lastBlockEnd - this.lastBlockStart) >>> 2) >= this.sliceLeft;
  }

  /**
   * After a segment of a natively counted run: when the counter stopped it at the entry of a block
   * that would run past the count (nothing else ended it, and no slice stop came first), how many
   * of that block's instructions are still to run (0: the count ended at the block's start);
   * otherwise -1.
   */
  private countedBlockHead(): number {
    if (this.countLeft === Number.POSITIVE_INFINITY || this.lastBlockStart < 0) return -1;
    if (this.blockInsns <= this.countLeft || this.endedBySlice()) return -1;
    if (this.hookError !== null || this.exception !== null || this.exceptionHit >= 0 || this.bpHit >= 0) return -1;
    if (this.parked || this.stopRequested) return -1;
    const before = this.blockInsns - ((this.lastBlockEnd - this.lastBlockStart) >>> 2);
    // As for a slice stop, Unicorn may not have written pc back (endedBySlice's caller).
    this.writeU64(REG_PC, BigInt(this.lastBlockStart));
    return this.countLeft - before;
  }

  /** Instructions executed in the current start() so far (see instructionCount). */
  private liveCount(): number {
    this.pullBlocks();
    let at = this.hookAt;
    let gate = this.inGate;
    if (at < 0) {
      at = Number(this.readU64(REG_PC));
      gate = false;
    }
    let insns = this.carried + this.blockInsns;
    if (at >= this.lastBlockStart && at < this.lastBlockEnd) insns -= (this.lastBlockEnd - at) >>> 2;
    if (gate) insns += 1;
    return insns;
  }

  start(begin: number, until: number, options: StartOptions = {}): RunResult {
    this.live();
    if (this.running) throw new EngineApiError('start() called from inside a hook');
    let count = options.count !== undefined && options.count > 0 ? options.count : 0;
    let slice = options.slice !== undefined && options.slice > 0 ? options.slice : 0;
    if (slice > 0 && count > 0 && slice >= count) slice = 0;
    // Without the counting hook nothing sees block boundaries: the slice becomes an exact count.
    const exactSlice = slice > 0 && !this.counting;
    if (exactSlice) {
      count = slice;
      slice = 0;
    }
    this.sliceLeft = slice > 0 ? slice : Number.POSITIVE_INFINITY;
    // An exact count on the native counter: the run stops at the block that would pass it, whose
    // first instructions then run up to the count (BlockCounterNative). Unicorn counts otherwise.
    const nativeCount = count > 0 && this.counterView !== null;
    this.countLeft = nativeCount ? count : Number.POSITIVE_INFINITY;
    this.stopRequested = false;
    this.parked = false;
    this.hookError = null;
    this.lastFault = null;
    this.exception = null;
    this.exceptionHit = -1;
    this.bpHit = -1;
    this.bpSkip = this.bps.has(begin) ? begin : -1;
    this.fetchRetry = false;
    this.resetBlocks();
    if (begin === until) {
      this.writeU64(REG_PC, BigInt(begin));
      return { reason: 'until', instructions: 0, pc: begin };
    }
    // Unicorn counts with a code hook that only blocks translated during a counted run contain:
    // retranslate when switching between counted and plain runs.
    const unicornCount = count > 0 && !nativeCount;
    const mode = unicornCount ? 'counted' : 'plain';
    if (this.translated !== 'none' && this.translated !== mode) this.flushCode();
    this.translated = mode;
    let err: unknown;
    // Instructions of earlier segments (a run that stopped for region maintenance and resumed, or
    // for the block that would pass an exact count); this.carried is the same for hooks.
    let carried = 0;
    this.carried = 0;
    let from = begin;
    // Where this segment stops: `until`, or the end of a counted block's first instructions.
    let stopAt = until;
    this.sync();
    for (;;) {
      this.running = true;
      this.maintenanceDue = false;
      try {
        err = this.n.emuStart(this.uc, BigInt(from), BigInt(stopAt), 0n, unicornCount ? count - carried : 0);
      } finally {
        this.running = false;
        for (const cb of this.pendingUnregister) this.n.koffi.unregister(cb);
        this.pendingUnregister = [];
      }
      this.pullBlocks();
      if (!this.maintenanceDue) {
        const head = stopAt === until && err === 0 ? this.countedBlockHead() : 0;
        // (A block that begins at `until` never gets here: Unicorn ends the run before its hook.)
        if (head <= 0) break;
        // The count ends inside the block at lastBlockStart, which did not run: run its first
        // `head` instructions. Unicorn honours `until` only in code it translates after it is
        // set, so the block's cached translation goes first (its full one is made again later).
        const at = this.lastBlockStart;
        carried += this.blockInsns - ((this.lastBlockEnd - at) >>> 2);
        this.carried = carried;
        this.countLeft = Number.POSITIVE_INFINITY;
        this.resetBlocks();
        stopAt = until > at && until < at + 4 * head && (until - at) % 4 === 0 ? until : at + 4 * head;
        this.flushCode(at, stopAt - 1);
        from = at;
        continue;
      }
      this.maintain();
      // The stop was ours (activations filled Unicorn's regions) and lands between blocks: resume,
      // unless something else ended the run at the same time.
      const ended =
        err !== 0 ||
        this.hookError !== null ||
        this.exception !== null ||
        this.exceptionHit >= 0 ||
        this.bpHit >= 0 ||
        this.parked ||
        this.stopRequested;
      const at = Number(this.readU64(REG_PC));
      const done = this.blockInsns;
      if (ended || at === stopAt || (count > 0 && carried + done >= count)) break;
      if (slice > 0 && carried + done >= slice) break;
      carried += done;
      this.carried = carried;
      if (slice > 0) this.sliceLeft = slice - carried;
      if (nativeCount && stopAt === until) this.countLeft = count - carried;
      this.resetBlocks();
      from = at;
    }
    this.countLeft = Number.POSITIVE_INFINITY;
    this.carried = 0;
    let pc = Number(this.readU64(REG_PC));
    if (slice > 0 && err === 0 && this.lastBlockStart >= 0 && this.endedBySlice()) {
      // The counting hook stopped the run at the entry of the last block, before it ran. Unicorn
      // does not write pc back on such a stop while any code hook exists (a host gate, a
      // breakpoint): pc then still holds an older value.
      pc = this.lastBlockStart;
      this.writeU64(REG_PC, BigInt(pc));
    }
    const lf = this.lastFault as LastFault | null;
    if (err !== 0 && lf && lf.access !== 'fetch') pc = this.preciseFaultPc(pc);
    let insns = this.counting ? carried + this.blockInsns : Number.NaN;
    if (pc >= this.lastBlockStart && pc < this.lastBlockEnd) insns -= (this.lastBlockEnd - pc) >>> 2;
    if (this.parked) insns += 1; // the gate counts as executed, as in the ts engine
    if (count > 0 && insns > count) insns = count;
    this.total += insns;
    this.sliceLeft = Number.POSITIVE_INFINITY; // the counter stays armed only while a sliced run is on
    if (this.hookError !== null) {
      const e = this.hookError;
      this.hookError = null;
      throw e;
    }
    if (err === UC_ERR_FETCH_PROT && this.fetchRetry) {
      const rest = this.start(pc, until, {
        ...(count > 0 ? { count: count - insns } : {}),
        ...(slice > 0 ? { slice: Math.max(1, slice - insns) } : {}),
      });
      return { ...rest, instructions: insns + rest.instructions };
    }
    if (this.exception) {
      const { intno, pc: at } = this.exception;
      if (intno === INTNO_UDEF) throw new UndefinedInstruction(this.wordAt(at), at);
      if (intno === EXCP_DATA_ABORT) {
        // Unmapped/protection faults arrive as UC_ERR_* codes; a data abort exception here is an
        // alignment fault (exclusives, LDXP/STXP). Unicorn does not expose the fault address.
        const word = this.wordAt(at);
        const store = /^st/i.test(disassemble(word, at));
        const fault = new AlignmentFault(store ? 'write' : 'read', Number.NaN, 0, at);
        // Exclusives and acquire/release address [Xn|SP] without offset: the base is the address.
        const d = decodeWord(word);
        const rn = d?.fields.rn;
        if (d !== null && typeof rn === 'number' && d.def.cls === 'ldst-excl') {
          fault.setExactAddress(this.getX(rn));
        }
        throw fault;
      }
      // SVC and HVC report the address after the instruction, as the preferred return address.
      const svcLike = intno === 2 || intno === 11;
      throw new UnhandledException(intno, svcLike ? at - 4 : at);
    }
    if (err !== 0) throw this.translateError(err as number, pc);
    if (this.exceptionHit >= 0) return { reason: 'exception', instructions: insns, pc, intno: this.exceptionHit };
    if (this.bpHit >= 0) return { reason: 'breakpoint', instructions: insns, pc };
    if (this.parked) return { reason: 'parked', instructions: insns, pc };
    if (this.stopRequested) return { reason: 'stopped', instructions: insns, pc };
    if (pc === until) return { reason: 'until', instructions: insns, pc };
    if (count > 0 && (insns >= count || !this.counting))
      return { reason: exactSlice ? 'slice' : 'count', instructions: insns, pc };
    if (slice > 0 && insns >= slice) return { reason: 'slice', instructions: insns, pc };
    return { reason: 'stopped', instructions: insns, pc };
  }

  /**
   * Unicorn 2.0.1 leaves pc at the start of the translation block when a load/store faults in the
   * middle of it (the instructions before the faulting one have executed). When the block holds
   * exactly one memory access instruction (by our decoder's classes), that is the faulting one:
   * pc is corrected in the CPU too, so the state is architecturally right again. Otherwise pc stays
   * at the block start (a documented limitation of this oracle).
   */
  private preciseFaultPc(pc: number): number {
    if (pc !== this.lastBlockStart || this.lastBlockEnd - this.lastBlockStart <= 4) return pc;
    let found = -1;
    for (let a = this.lastBlockStart; a < this.lastBlockEnd; a += 4) {
      const d = decodeWord(this.wordAt(a));
      const memory = d === null || MEMORY_CLASSES.has(d.def.cls) || /^(DC|SYS)/i.test(d.def.id);
      if (!memory) continue;
      if (found >= 0) return pc;
      found = a;
    }
    if (found < 0) return pc;
    this.writeU64(REG_PC, BigInt(found));
    return found;
  }

  private wordAt(pc: number): number {
    try {
      const b = this.memRead(pc, 4);
      return ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0;
    } catch {
      return 0;
    }
  }

  private translateError(err: number, pc: number): Error {
    const f = this.lastFault;
    switch (err) {
      case UC_ERR_READ_UNMAPPED:
      case UC_ERR_WRITE_UNMAPPED:
      case UC_ERR_FETCH_UNMAPPED:
      case UC_ERR_READ_PROT:
      case UC_ERR_WRITE_PROT:
      case UC_ERR_FETCH_PROT: {
        const access: AccessKind =
          err === UC_ERR_READ_UNMAPPED || err === UC_ERR_READ_PROT
            ? 'read'
            : err === UC_ERR_WRITE_UNMAPPED || err === UC_ERR_WRITE_PROT
              ? 'write'
              : 'fetch';
        // The hook knows better (arena mode): Unicorn's code says what its regions refused.
        const kind: FaultKind =
          f?.kind ??
          (err === UC_ERR_READ_UNMAPPED || err === UC_ERR_WRITE_UNMAPPED || err === UC_ERR_FETCH_UNMAPPED
            ? 'unmapped'
            : 'protection');
        const size = f?.size ?? (access === 'fetch' ? 4 : 0);
        return new MemoryFault(access, kind, f?.address64 ?? pc, size, access === 'fetch' ? undefined : pc);
      }
      case UC_ERR_INSN_INVALID:
        return new UndefinedInstruction(this.wordAt(pc), pc);
      case UC_ERR_EXCEPTION:
        return new UnhandledException(INTNO_UDEF, pc);
      case UC_ERR_READ_UNALIGNED:
      case UC_ERR_WRITE_UNALIGNED:
      case UC_ERR_FETCH_UNALIGNED:
        return new EngineApiError(`unicorn: ${this.n.strerror(err)} at pc 0x${pc.toString(16)}`);
      default:
        return new EngineApiError(`uc_emu_start: ${this.n.strerror(err)} (uc_err ${err}) at pc 0x${pc.toString(16)}`);
    }
  }

  // ---- context --------------------------------------------------------------------------------

  contextSave(): EngineContext {
    this.live();
    const out: unknown[] = [null];
    this.check(this.n.contextAlloc(this.uc, out), 'uc_context_alloc');
    const cell: ContextCell = { ptr: out[0] };
    this.contexts.add(cell);
    this.check(this.n.contextSave(this.uc, cell.ptr), 'uc_context_save');
    const ctx = { kind: 'unicorn' as const, cell };
    this.finalizer.register(ctx, cell);
    return ctx as UcContext;
  }

  contextRestore(context: EngineContext): void {
    this.live();
    if (context.kind !== 'unicorn') throw new EngineApiError('context from another engine kind');
    const cell = (context as UcContext & { cell?: ContextCell }).cell;
    if (!cell || cell.ptr === null || !this.contexts.has(cell)) {
      throw new EngineApiError('context does not belong to this engine (or was freed)');
    }
    this.check(this.n.contextRestore(this.uc, cell.ptr), 'uc_context_restore');
  }

  private freeContext(cell: ContextCell): void {
    if (cell.ptr === null) return;
    this.n.contextFree(cell.ptr);
    cell.ptr = null;
    this.contexts.delete(cell);
  }

  isParked(): boolean {
    return this.parked;
  }

  close(): void {
    if (this.closed) return;
    for (const cell of [...this.contexts]) this.freeContext(cell);
    const all = [
      ...this.internal,
      ...this.hooks.values(),
      ...[...this.gates.values()].map((g) => g.entry),
      ...this.bps.values(),
    ];
    for (const h of all) this.n.hookDel(this.uc, h.handle);
    this.n.close(this.uc);
    for (const h of all) if (h.callback !== null) this.n.koffi.unregister(h.callback);
    if (this.counterCell !== null) this.n.koffi.free(this.counterCell);
    this.counterCell = null;
    this.counterView = null;
    for (const base of this.chunks.values()) this.n.arena?.munmap(base, ARENA_CHUNK);
    this.chunks.clear();
    this.ucMaps = [];
    this.hooks.clear();
    this.gates.clear();
    this.closed = true;
    this.uc = null;
  }
}

/** Guest address space is backed by host reservations of this size (MAP_NORESERVE). */
const ARENA_CHUNK = 2 ** 30;
/** Host address space the arena may reserve: 4 TiB. */
const MAX_ARENA_CHUNKS = 4096;
/**
 * Unicorn regions kept at most. Unicorn 2.0.1 aborts the host (QEMU's phys_section_add assertion)
 * at about 1020 separate mappings (4 of its 4096 sections each).
 */
const MAX_UC_REGIONS = 960;
/**
 * Unicorn's map/unmap cost grows faster than the number of regions (about 0.05 ms at 10, 0.5 ms at
 * 100, 5 ms at 300 for an unmap+map), so regions are kept few: from CROWDED on, first touches
 * make one region per granule; past SOFT, maintain() coarsens them down to TARGET (the gap up to
 * MAX covers what one run can activate before it stops for maintenance).
 */
const CROWDED_UC_REGIONS = 48;
const SOFT_UC_REGIONS = 96;
const TARGET_UC_REGIONS = 32;
/** Granule of activation (first touch): bytes counted against memoryLimit and given a region at once. */
const ACTIVATE = 64 * 1024;
const UC_ERR_NOMEM = 1;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_NORESERVE = 0x4000;
const MADV_DONTNEED = 4;

/** A Unicorn region; exact: one run of active pages of equal guest permissions, which it has. */
interface UcRegion extends MemRegion {
  exact: boolean;
}

/** QEMU's EXCP_DATA_ABORT, as passed to interrupt hooks. */
const EXCP_DATA_ABORT = 4;

const MEMORY_CLASSES = new Set<string>(['ldst', 'ldst-pair', 'ldst-excl', 'simd-ldst']);

const VEC_BYTES: Record<string, number> = { q: 16, v: 16, d: 8, s: 4, h: 2, b: 1 };

function vecIndex(name: string): number {
  const i = Number(name.slice(1));
  if (name.length < 2 || !Number.isInteger(i) || i < 0 || i > 31)
    throw new EngineApiError(`unknown register '${name}'`);
  return i;
}

function gprIndex(name: string): number {
  const i = Number(name.slice(1));
  if (name.length < 2 || !Number.isInteger(i) || i < 0 || i > 30)
    throw new EngineApiError(`unknown register '${name}'`);
  return i;
}

function checkPages(address: number, size: number, what: string): void {
  if (!Number.isSafeInteger(address) || !Number.isSafeInteger(size) || address < 0 || size <= 0) {
    throw new EngineApiError(`${what}: invalid range address=${addressText(address)} size=${addressText(size)}`);
  }
  if (address % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0) {
    throw new EngineApiError(
      `${what}: address 0x${address.toString(16)} and size 0x${size.toString(16)} must be 4 KiB aligned`,
    );
  }
}

/** Opens a Unicorn AArch64 engine running at EL0; throws EngineUnavailable when it cannot. */
export async function openUnicornEngine(options: EngineOptions = {}): Promise<Engine> {
  return new UnicornEngine(loadNative(), options);
}

/** Synchronous variant (for tools that hold one engine for a long time). */
export function openUnicornEngineSync(options: EngineOptions = {}): UnicornEngine {
  return new UnicornEngine(loadNative(), options);
}
