/**
 * A WebAssembly form of loop regions made of register arithmetic (moves, add/subtract in all three
 * operand forms, logic, multiply-add, long multiply-add and multiply-high, divide, variable shifts,
 * bitfield moves, extract, conditional select and compare, CLZ/CLS, RBIT/REV, ADR/ADRP),
 * general-register loads and stores (unsigned offset, unscaled, pre/post-index, register offset;
 * LDP/STP/LDPSW), the same loads and stores of SIMD&FP registers (B, H, S, D, Q; LDP/STP of S, D,
 * Q), MOVI/MVNI/ORR/BIC (vector, immediate), DUP (general; element, scalar), UMOV,
 * ADD/SUB/MUL/MLA/MLS, min/max and the bitwise three-same ops (vector, as WebAssembly SIMD),
 * SHL/USHR/SSHR (vector, immediate), USHL/SSHL (vector), SSHLL/USHLL,
 * SMULL/UMULL/SMLAL/UMLAL/SMLSL/UMLSL (vector), DUP (element, vector), CNT, ADDV/UADDLV/SADDLV,
 * SMAXV/UMAXV/SMINV/UMINV, FMOV to and from general registers, FMOV (register, immediate),
 * FABS/FNEG (scalar and vector), FCSEL, INS (general), on singles FADD/FSUB/FMUL/FDIV/FNMUL (scalar
 * and vector), FMADD and its negated forms, FMLA/FMLS (vector, by element), FCMP, FCVT to and from
 * doubles, on both FMAX/FMIN/FMAXNM/FMINNM and FRINTN/P/M/Z/A, on doubles
 * FADD/FSUB/FMUL/FDIV/FNMUL, FSQRT, FMADD/FMSUB/FNMADD/FNMSUB, FMLA/FMLS/FMUL (vector, by element,
 * scalar by element), FCMP/FCMPE, SCVTF/UCVTF and FCVTZS/FCVTZU (singles too, and vectors), the
 * permutes and narrowing (UZP/TRN/ZIP, EXT, XTN, SHRN, REV16/32/64, TBL/TBX: shuffles and
 * swizzles), widening and pairwise adds ([SU]ADDL/SUBL/ADDW/SUBW, [SU]ADDLP/ADALP), SABD/UABD/
 * SABA/UABA, ABS/NEG, the integer compares, ADDP, saturating adds and subtracts of bytes and
 * halfwords, SQXTN/UQXTN/SQXTUN to bytes and halfwords, the halving adds of bytes and halfwords,
 * FRINTN/M/P/Z and FMAX/FMIN/FMAXNM/FMINNM/FCMEQ/FCMGE/FCMGT (vector), FMOV (vector, immediate), LD1-LD4/ST1-ST4 (multiple structures, one lane) and
 * LD1R-LD4R, and B, BL,
 * BR, RET, B.cond, CBZ/CBNZ, TBZ/TBNZ. Fused multiply-adds use the host's where relaxed SIMD is
 * fused (host-fma.ts).
 * In JavaScript a 64-bit register is two int32 halves and every add, carry and multiply costs
 * several operations; WebAssembly has i64 locals and V8 compiles a small module in well under a
 * millisecond (Liftoff) and optimizes it in the background, with no type feedback to gather and
 * nothing to deoptimize. Any other instruction (other FP and SIMD, system registers, exclusives,
 * BLR) keeps the region in JavaScript (compile.ts).
 *
 * SIMD&FP registers live in the arena's header at V_AT while the region runs (copied in before the
 * call and back after it). FMLA's fused multiply-add is fpu.ts's fast path, the same double
 * operations in the same order (the module's function 2); what it cannot decide (subnormal, huge or
 * special operands, a tie after an inexact sum, an inexact result under another rounding mode)
 * leaves the region before the instruction, for its op. FADD, FSUB, FMUL and FDIV are inline
 * (emitQuickOr: once FPSR.IXC is set only their result is tested); FDIV and FSQRT (function 3) use
 * WebAssembly's correctly rounded f64.div and f64.sqrt on operands within [2^-500, 2^500] (the
 * square root's within [2^-1000, 2^1000]), exact when the remainder computed with Dekker's product
 * is zero; other operands leave for the op. An inexact result raises FPSR.IXC through FPSR_OR_AT.
 *
 * The function keeps the protocol of compile.ts: it runs whole blocks while the run's instruction
 * limit allows the whole block and `until` is neither reached nor inside it, adds the retired
 * instructions to `s.icount`, sets `s.pc`, and returns the linked successor (`follow`). A BL sets
 * X30 and goes on at its target when that is a member, else leaves for it; a RET goes on at the
 * return site X30 names when that is a member (a loop that calls a function it took in), else leaves.
 * A BR goes on at the member block it names (a jump table's cases, which a region gathers from the
 * targets seen while interpreted) and otherwise leaves with its target as the pc.
 *
 * Memory: the region runs over the Memory's arena (arena.ts), the one WebAssembly memory that holds
 * the guest pages. An access looks its page up in the arena's copy of the fast TLB; on a miss the
 * Memory fills the entry (imported `fill`), and when it cannot (a fault, a page with code or an
 * observer, an access crossing into the next page) the region leaves before the instruction: the
 * instruction's op and the rest of its block then run as the interpreter runs them, with the
 * state exact for a fault.
 *
 * Registers and NZCV: a region loads the registers it uses into i64 locals from the arena's header
 * (the int32 halves at XLO_AT and XHI_AT, arena.ts) and stores the ones it wrote back there. In a
 * shared arena those words are the CpuState's register file itself (CpuState.useRegisters, when
 * the engine makes its first WebAssembly region), so nothing is copied around a call; in an unshared one (a browser page without
 * cross-origin isolation) the wrapper copies the used registers in and the written ones out (a
 * region's one call out, `fill`, runs no guest code, so one region at a time uses the header).
 * NZCV cross as i32 at FLAGS_AT, copied both ways; the exit's index is at EXIT_AT.
 */
import {
  BOUNCE_AT,
  DYN_FROM_AT,
  DYN_PC_AT,
  EXIT_AT,
  FLAGS_AT,
  FP_RN_AT,
  FPSR_OR_AT,
  READ_OFFS,
  READ_TAGS,
  V_AT,
  WRITE_OFFS,
  WRITE_TAGS,
  XHI_AT,
  XLO_AT,
} from '../../arena.ts';
import type { Memory } from '../../memory.ts';
import type { Decoded } from '../decoder.ts';
import { IXC } from '../fpu.ts';
import { decodeBitMasks } from '../isa/alu.ts';
import { fpImmValue } from '../isa/fp.ts';
import {
  K_LDQ,
  K_LDRB,
  K_LDRSBW,
  K_LDRSBX,
  K_PRFM,
  K_STB,
  K_STQ,
  K_STRB,
  KINFO,
  kindOf,
  P_D,
  P_Q,
  P_S,
  P_SW,
  P_W,
  P_X,
  PSCALE,
  pairKind,
} from '../isa/ldst.ts';
import { imm5 } from '../isa/simd/copy.ts';
import { extBytes } from '../isa/simd/extract.ts';
import { QC } from '../isa/simd/lanes.ts';
import { modImm } from '../isa/simd/modified_immediate.ts';
import { PERMUTE_OPC, permuteBytes } from '../isa/simd/permute.ts';
import { immhSize } from '../isa/simd/shift_by_immediate.ts';
import { byElemKind, elemIndex, elemReg, sameKind } from '../isa/simd_fp.ts';
import { multInfo, regList, singleInfo } from '../isa/simd_ldst.ts';
import type { CpuState, Op } from '../state.ts';
import { F32X4_RELAXED_MADD, F64X2_RELAXED_MADD, hostFusedMadd } from './host-fma.ts';
import { type CompiledBlock, follow, type Links } from './links.ts';
import { staticSuccessors } from './successors.ts';
import { wasmApi, wasmCompiler, withPromotionMark } from './wasm-compiler.ts';

/** The branches a region's blocks may end with (their successors come from staticSuccessors). */
const BRANCHES = new Set(['B', 'BL', 'B_cond', 'CBZ', 'CBNZ', 'TBZ', 'TBNZ']);

/** A block of a region as emission needs it. */
interface EmitBlock {
  address: number;
  decoded: readonly Decoded[];
  fallthrough: boolean;
}

interface WasmBlock extends EmitBlock {
  /** The interpreter's ops of the block (an access the region leaves to JavaScript runs its op). */
  ops: readonly Op[];
}

const ZR = 32;
const ZR_W = 33;
/** The most blocks a region may have: branch depths must stay one LEB128 byte (Code). */
const MAX_BLOCKS = 96;
const FLAGS = FLAGS_AT;
const EXIT = EXIT_AT;
/** Exit indices from here on name an access left to the interpreter's op (MISS + its index). */
const MISS = 0x10000;
/** The exit index of a BR to a block outside the region: its target is the i64 at DYN_PC. */
const DYN = 0xffff;
/** The same for a RET: no block of the region notes its targets, so the engine is not told. */
const DYN_RET = 0xfffe;
const DYN_PC = DYN_PC_AT;
/** With DYN: the offset from the region's lowest address of the block whose BR left (i32). */
const DYN_FROM = DYN_FROM_AT;

// Locals: parameters entry, room, until offset; then i32 scratch; then i64 scratch and registers.
const P_ENTRY = 0;
const P_ROOM = 1;
const P_UNTIL = 2;
const L_IDX = 3;
const L_N = 4;
const L_EXIT = 5;
const L_F = 6; // N Z C V at 6..9
const L_T = 10; // i32 scratch 10..12
const L_FK = 13; // kind of the flag-setting instruction whose NZCV are not made yet (0: none)
const L_TI = 14; // an access's TLB entry (times 8), its offset in the page, its place in the arena
const L_PO = 15;
const L_AA = 16;
const I32_LOCALS = 14;
const L_X = 17; // i64 scratch 17..19
const L_FA = 20; // its operands and result (zero-extended for a 32-bit one)
const L_FB = 21;
const L_FR = 22;
const L_REG = 23; // X0..X30, SP at 23..54
const L_A = 55; // an access's address, its page number, the base register before writeback
const L_PN = 56;
const L_B = 57;
const I64_LOCALS = 41;
// f64: each FMLA lane's result and error (lane 0 at 58, 59; lane 1 at 60, 61).
const L_DR = 58;
const F64_LOCALS = 4;
/**
 * i32, in a region with FP: FPCR rounds to nearest (read once from FP_RN_AT: a region never
 * writes FPCR), and whether an FP result was inexact (ORed into FPSR_OR_AT as IXC on exit), so
 * that an FP instruction touches no memory for either.
 */
const L_RN = 62;
const L_IXC = 63;
/** i32: `decided` of an inline fast path (INLINE_FP). */
const L_FPOK = 64;
const I32_LOCALS_FP = 3;
/** f64 65..76: an inline fast path's operands and scratch. */
const L_FPX = 65;
const F64_LOCALS_FP = 12;
/**
 * SIMD&FP registers kept in locals while the region runs (Emitter.vcache): lane 0 as an f64 at
 * L_VLO + k, lane 1 as an i64 at L_VLO + MAX_CACHED_V + k, for the k-th of at most MAX_CACHED_V
 * registers (local indices stay one LEB128 byte).
 */
const L_VLO = L_FPX + F64_LOCALS_FP;
const MAX_CACHED_V = 16;
/**
 * f64 (4): the lanes of a single-precision vector result (emitSingleVector); then v128 (4): a
 * vector result, and the operands x, y, z of a fused x*y + z (fusedLanes).
 */
const L_LANES = L_VLO + 2 * MAX_CACHED_V;
const L_V128 = L_LANES + 4;
const L_VX = L_V128 + 1;
const L_VY = L_V128 + 2;
const L_VZ = L_V128 + 3;
/** v128 scratch of exactSingleLanes. */
const L_VA = L_V128 + 4;
const L_VB = L_V128 + 5;
const L_VC = L_V128 + 6;
const L_VD = L_V128 + 7;
/** f32: a single's result (emitSingleBinary's quick path). */
const L_S32 = L_V128 + 8;
/** An i32 scratch: 1 while the fused multiply-adds of an instruction are decided here. */
const L_OK = 12;

/**
 * Deferred flags, as in compile.ts: a flag-setting instruction keeps its operands and result and
 * its kind; a condition in the same block tests them directly (a compare and branch becomes one
 * comparison); NZCV are made only where a block reads flags an earlier block set, and on return.
 */
const K_ADD64 = 1;
const K_SUB64 = 2;
const K_ADD32 = 3;
const K_SUB32 = 4;
const K_LOGIC64 = 5;
const K_LOGIC32 = 6;
/**
 * Not a kind of L_FK: Emitter.known's "NZCV are made, in L_F..L_F+3, and L_FK is 0" (FCMP), so a
 * condition reads them as they are instead of making them again by L_FK's kind at run time.
 */
const K_MADE = 7;

/** The part of the WebAssembly JS API used here (the project's type libraries do not declare it). */

/**
 * Instructions after which a call returns (at a block boundary; the trampoline calls again). V8
 * runs a new module in its baseline code (Liftoff) and optimizes it in the background, but a call
 * already running keeps the baseline code: with no cap, a kernel's one long call ran in Liftoff
 * from start to end (int-loop 0.36 of Unicorn, 0.74 with the optimized code).
 */
const CALL_CAP = 1 << 16;

/** An access a region leaves to the interpreter: instruction `k` of a block and the block's ops. */
interface Miss {
  pc: number;
  ops: readonly Op[];
  k: number;
  end: number;
  fallthrough: boolean;
}

/**
 * What emission makes of a region: the module's bytes and what its wrapper needs, as plain data.
 */
interface EmittedRegion {
  bytes: Uint8Array;
  /** The lowest address of the region's blocks and the end of the highest. */
  lo: number;
  hi: number;
  /** The blocks' addresses in the module's order (case i is order[i]). */
  order: number[];
  /** The pc of each exit index below DYN_RET. */
  exits: number[];
  /** Accesses left to the interpreter (MISS + index): the block by its address. */
  misses: { pc: number; block: number; k: number; end: number; fallthrough: boolean }[];
  /** General registers read or written, and written; V registers copied in, and out. */
  regs: number[];
  written: number[];
  vIn: number[];
  vOut: number[];
  flags: boolean;
  fp: boolean;
}

/**
 * Thrown while emitting: the region has an instruction or form this file does not translate. Not an
 * Error: it never leaves this file, and capturing a stack trace for each was 1% of the programs
 * benchmark's time (wasmBlockSupported asks about every block a region search finds).
 */
class Unsupported {
  constructor(readonly message: string) {}
}

/**
 * The bytes of one function's code, in a buffer that doubles as it fills (a region's body is tens
 * of kilobytes: as number arrays, grown by push and copied into the module, its bytes were 10 of
 * the programs benchmark's 57 MiB of allocation). Local indices and branch depths stay below 128
 * (52 locals; a region of MAX_BLOCKS blocks nests at most MAX_BLOCKS + 6), so each is one LEB128
 * byte.
 */
const F64_BITS = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64_BITS.buffer);
const F32_BITS = new Float32Array(1);
const F32_BYTES = new Uint8Array(F32_BITS.buffer);

const SAFE_LO = -(2n ** 53n);
const SAFE_HI = 2n ** 53n;

class Code {
  private buf = new Uint8Array(256);
  /** Bytes written so far. */
  length = 0;
  private room(n: number): Uint8Array {
    if (this.length + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(2 * this.buf.length, this.length + n));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    return this.buf;
  }
  /** One to four bytes (opcodes and their one-byte immediates). */
  op(a: number, b?: number, c?: number, d?: number): this {
    const buf = this.room(4);
    buf[this.length++] = a;
    if (b !== undefined) buf[this.length++] = b;
    if (c !== undefined) buf[this.length++] = c;
    if (d !== undefined) buf[this.length++] = d;
    return this;
  }
  /** v128.const 0. */
  zeros(): this {
    return this.simd(0x0c).op(0, 0, 0, 0).op(0, 0, 0, 0).op(0, 0, 0, 0).op(0, 0, 0, 0);
  }
  /** A SIMD instruction (0xfd, its opcode), with its lane index when it has one. */
  simd(o: number, lane?: number): this {
    this.op(0xfd).uleb(o);
    return lane === undefined ? this : this.op(lane);
  }
  /** An unsigned LEB128 (a memory offset, a count). */
  uleb(v: number): this {
    const buf = this.room(10);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }
  /** A signed LEB128 of a safe integer (i32 and i64 constants alike). */
  sleb(v: number): this {
    const buf = this.room(10);
    for (;;) {
      const b = ((v % 128) + 128) % 128;
      v = (v - b) / 128;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        buf[this.length++] = b;
        return this;
      }
      buf[this.length++] = b | 0x80;
    }
  }
  i32(v: number): this {
    return this.op(0x41).sleb(v | 0);
  }
  /** An i64 constant: a number when it is a safe integer, else a bigint (taken mod 2^64). */
  i64(v: number | bigint): this {
    this.op(0x42);
    if (typeof v === 'number') return this.sleb(v);
    // Most constants are small: no BigInt arithmetic for them (the emitter runs too rarely for V8
    // to optimize it, and a BigInt operation in baseline code costs a microsecond).
    if (v >= SAFE_LO && v < SAFE_HI) return this.sleb(Number(v));
    const x = BigInt.asIntN(64, v);
    if (x >= SAFE_LO && x < SAFE_HI) return this.sleb(Number(x));
    // The low 7 bits each time, as a number, until the rest is all sign.
    let r = x;
    for (;;) {
      const b = Number(r & 0x7fn);
      r >>= 7n;
      if ((r === 0n && (b & 0x40) === 0) || (r === -1n && (b & 0x40) !== 0)) return this.op(b);
      this.op(b | 0x80);
    }
  }
  /** An f32 constant (its bits as the nearest single to v). */
  f32(v: number): this {
    F32_BITS[0] = v;
    this.op(0x43);
    this.room(4).set(F32_BYTES, this.length);
    this.length += 4;
    return this;
  }
  /** An f64 constant. */
  f64(v: number): this {
    F64_BITS[0] = v;
    this.op(0x44);
    // room() may move the buffer: ask for it before writing into it.
    this.room(8).set(F64_BYTES, this.length);
    this.length += 8;
    return this;
  }
  /** Appends another function part's bytes. */
  append(from: Code): this {
    this.room(from.length).set(from.bytes(), this.length);
    this.length += from.length;
    return this;
  }
  /** The bytes written (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  get(i: number): this {
    return this.op(0x20, i);
  }
  set(i: number): this {
    return this.op(0x21, i);
  }
  tee(i: number): this {
    return this.op(0x22, i);
  }
  br(depth: number): this {
    return this.op(0x0c, depth);
  }
}

const I32 = {
  eqz: 0x45,
  eq: 0x46,
  ne: 0x47,
  ltS: 0x48,
  ltU: 0x49,
  gtS: 0x4a,
  gtU: 0x4b,
  geS: 0x4e,
  geU: 0x4f,
} as const;
const I32OP = {
  add: 0x6a,
  sub: 0x6b,
  mul: 0x6c,
  and: 0x71,
  or: 0x72,
  xor: 0x73,
  shl: 0x74,
  shrS: 0x75,
  shrU: 0x76,
  rotr: 0x78,
} as const;
const I64 = {
  eqz: 0x50,
  eq: 0x51,
  ne: 0x52,
  ltS: 0x53,
  ltU: 0x54,
  gtS: 0x55,
  gtU: 0x56,
  geS: 0x59,
  geU: 0x5a,
} as const;
const I64OP = {
  add: 0x7c,
  sub: 0x7d,
  mul: 0x7e,
  and: 0x83,
  or: 0x84,
  xor: 0x85,
  shl: 0x86,
  shrS: 0x87,
  shrU: 0x88,
  rotr: 0x8a,
} as const;
const WRAP = 0xa7;
const EXTEND_U = 0xad;
const F64_NE = 0x62;
const F64_CONVERT_I64_U = 0xba;

/** Registers the region reads and writes (CpuState indices; ZR never, SP as 31). */
interface Uses {
  read: Set<number>;
  written: Set<number>;
  flags: boolean;
  /** SIMD&FP registers read and written (copied through V_AT around the call). */
  vread: Set<number>;
  vwritten: Set<number>;
  /** Reads FPCR's rounding mode and raises FPSR bits (FP_RN_AT, FPSR_OR_AT). */
  fp: boolean;
}

const newUses = (): Uses => ({
  read: new Set(),
  written: new Set(),
  flags: false,
  vread: new Set(),
  vwritten: new Set(),
  fp: false,
});

class Emitter {
  constructor(
    readonly c: Code,
    readonly uses: Uses,
  ) {}

  /**
   * Leaves the region before the instruction being emitted, for its op to run it (set per
   * instruction by the region's loop; `extra` is the depth of the code around the call).
   */
  leaveForOp: ((extra: number) => void) | null = null;

  /** Pushes X[r] (i64); 32 is the zero register. */
  x(r: number): void {
    if (r === ZR) {
      this.c.i64(0);
      return;
    }
    this.uses.read.add(r);
    this.c.get(L_REG + r);
  }
  /** Pops an i64 into X[r]; 33 discards (a flag-setting form writing to the zero register). */
  setX(r: number): void {
    if (r === ZR_W || r === ZR) {
      this.c.op(0x1a); // drop
      return;
    }
    this.uses.written.add(r);
    this.c.set(L_REG + r);
  }
  /** Pushes W[r] (i32). */
  w(r: number): void {
    this.x(r);
    this.c.op(WRAP);
  }
  /** Pops an i32 into X[r], zero-extended. */
  setW(r: number): void {
    this.c.op(EXTEND_U);
    this.setX(r);
  }
  /** Pops an i32 or i64 result into a W or X register. */
  setR(sf: boolean, r: number): void {
    if (sf) this.setX(r);
    else this.setW(r);
  }
  r(sf: boolean, r: number): void {
    if (sf) this.x(r);
    else this.w(r);
  }
  /** Pushes a constant at the width (a number when it is one: see Code.i64). */
  k(sf: boolean, v: number | bigint): void {
    if (sf) this.c.i64(v);
    else this.c.i32(typeof v === 'number' ? v | 0 : Number(BigInt.asIntN(32, v)));
  }
  bin(sf: boolean, op: keyof typeof I32OP): void {
    this.c.op(sf ? I64OP[op] : I32OP[op]);
  }

  /** Pushes Rm shifted (LSL, LSR, ASR, ROR by k) and optionally inverted. */
  shifted(sf: boolean, m: number, type: number, k: number, invert: boolean, rorAllowed: boolean): void {
    if (type === 3 && !rorAllowed) throw new Unsupported('reserved shift');
    if (!sf && k >= 32) throw new Unsupported('reserved amount');
    this.r(sf, m);
    if (k !== 0) {
      this.k(sf, k);
      this.bin(sf, (['shl', 'shrU', 'shrS', 'rotr'] as const)[type] as keyof typeof I32OP);
    }
    if (invert) {
      this.k(sf, -1);
      this.bin(sf, 'xor');
    }
  }

  /**
   * Pushes Rn / Rm rounded toward zero, 0 for a zero divisor, and for a signed division by -1 the
   * wrapped negation (WebAssembly traps on both; AArch64 does not).
   */
  divide(sf: boolean, signed: boolean, n: number, m: number): void {
    const c = this.c;
    const [tn, tm] = sf ? [L_X, L_X + 1] : [L_T, L_T + 1];
    const C = sf ? I64 : I32;
    const type = sf ? 0x7e : 0x7f;
    this.r(sf, m);
    c.set(tm);
    this.r(sf, n);
    c.set(tn);
    // 0 when Rm is 0, else (signed, Rm -1) 0 - Rn, else Rn / Rm. As branches, which a divisor that
    // is never 0 (or -1) always takes the same way, rather than selects around the division: those
    // were in the dependency of a loop of divisions (a GCD), 10% of the divs kernel's time.
    c.get(tm).op(C.eqz, 0x04, type);
    this.k(sf, 0);
    c.op(0x05);
    if (signed) {
      c.get(tm);
      this.k(sf, -1);
      c.op(C.eq, 0x04, type);
      this.k(sf, 0);
      c.get(tn);
      this.bin(sf, 'sub');
      c.op(0x05);
    }
    c.get(tn).get(tm);
    c.op(sf ? (signed ? 0x7f : 0x80) : signed ? 0x6d : 0x6e);
    if (signed) c.op(0x0b);
    c.op(0x0b);
  }

  /**
   * Pushes the high 64 bits of the 128-bit product Xn * Xm (signed: SMULH, else UMULH). WebAssembly
   * has no wide multiply: the four products of the 32-bit halves, the middle column's carry
   * gathered in a local; a signed high part is the unsigned one less each operand where the other
   * is negative.
   */
  mulHigh(signed: boolean, n: number, m: number): void {
    const c = this.c;
    const [a, b, t] = [L_X, L_X + 1, L_X + 2];
    this.x(n);
    c.set(a);
    this.x(m);
    c.set(b);
    const lo = (v: number): void => {
      c.get(v).i64(0xffffffff).op(I64OP.and);
    };
    const hi = (v: number): void => {
      c.get(v).i64(32).op(I64OP.shrU);
    };
    // Signed: minus the correction, first on the stack (a and b are scratch below).
    if (signed) {
      c.i64(0);
      c.get(a).i64(63).op(I64OP.shrS).get(b).op(I64OP.and);
      c.get(b).i64(63).op(I64OP.shrS).get(a).op(I64OP.and, I64OP.add, I64OP.sub);
    }
    // Four products, each once: t = aL*bH; the middle column's start (aL*bL >> 32) + low32(t) and the
    // high part's start aH*bH + (t >> 32) stay on the stack while t becomes aH*bL; then the middle
    // column (below 2^34) into a, the high start into b.
    lo(a);
    hi(b);
    c.op(I64OP.mul).set(t);
    lo(a);
    lo(b);
    c.op(I64OP.mul).i64(32).op(I64OP.shrU).get(t).i64(0xffffffff).op(I64OP.and, I64OP.add);
    hi(a);
    hi(b);
    c.op(I64OP.mul).get(t).i64(32).op(I64OP.shrU, I64OP.add);
    hi(a);
    lo(b);
    c.op(I64OP.mul).set(t);
    c.set(b);
    c.get(t).i64(0xffffffff).op(I64OP.and, I64OP.add).set(a);
    // aH*bH + (aL*bH >> 32) + (aH*bL >> 32) + (middle >> 32)
    c.get(b).get(t).i64(32).op(I64OP.shrU, I64OP.add).get(a).i64(32).op(I64OP.shrU, I64OP.add);
    if (signed) c.op(I64OP.add);
  }

  /** Pushes Rm extended (UXTB..SXTX by `option`) and shifted left by `shift`. */
  extended(sf: boolean, m: number, option: number, shift: number): void {
    const c = this.c;
    this.r(sf, m);
    switch (option) {
      case 0:
        this.k(sf, 0xff);
        this.bin(sf, 'and');
        break;
      case 1:
        this.k(sf, 0xffff);
        this.bin(sf, 'and');
        break;
      case 2:
        if (sf) {
          this.k(sf, 0xffffffff);
          this.bin(sf, 'and');
        }
        break;
      case 4:
        c.op(sf ? 0xc2 : 0xc0); // extend8_s
        break;
      case 5:
        c.op(sf ? 0xc3 : 0xc1); // extend16_s
        break;
      case 6:
        if (sf) c.op(0xc4); // i64.extend32_s
        break;
      default:
        break;
    }
    if (shift !== 0) {
      this.k(sf, shift);
      this.bin(sf, 'shl');
    }
  }

  /**
   * With an access's address in L_A: the arena address of its `size` bytes in L_AA, found in the
   * arena's copy of the fast TLB (arena.ts). On a miss, or an access crossing into the next page,
   * Memory makes the entry (import 0, Memory.fastSlot): the page's, or for a crossing access one
   * that points at the arena's bounce buffer (a store then ends with flushBounce); when it cannot,
   * the region leaves before the instruction and its op does the access (a fault, a page with code
   * or an observer, ...). Before the bounce buffer, every crossing access left: LDP of Q registers
   * 16 bytes off a page's alignment, as in clang's vectorized loops, left once a page.
   */
  tlb(size: number, write: boolean): void {
    const c = this.c;
    const leave = this.leaveForOp;
    if (leave === null) throw new Unsupported('access outside a block');
    c.get(L_A).i64(12).op(I64OP.shrU).tee(L_PN).op(F64_CONVERT_I64_U);
    c.get(L_PN).op(WRAP).i32(255).op(I32OP.and).i32(3).op(I32OP.shl).tee(L_TI);
    c.op(0x2b, 3).uleb(write ? WRITE_TAGS : READ_TAGS); // f64.load: the entry's page number
    c.op(F64_NE);
    c.get(L_A)
      .op(WRAP)
      .i32(4095)
      .op(I32OP.and)
      .tee(L_PO)
      .i32(4096 - size)
      .op(I32.gtU, I32OP.or);
    c.op(0x04, 0x40);
    c.i32(write ? 1 : 0)
      .get(L_A)
      .op(F64_CONVERT_I64_U)
      .i32(size)
      .op(0x10, 0); // call fill
    c.op(I32.eqz, 0x04, 0x40);
    leave(2);
    c.op(0x0b, 0x0b);
    c.get(L_TI).i32(1).op(I32OP.shrU);
    c.op(0x28, 2).uleb(write ? WRITE_OFFS : READ_OFFS); // i32.load: the page's slot
    c.get(L_PO).op(I32OP.add).set(L_AA);
  }

  /**
   * After a store through tlb(size, true): when it went to the bounce buffer, copies it to its two
   * pages (import 0, kind 2: Memory.flushBounce), or leaves for the op, which stores again. Before
   * any writeback: the op then starts from the registers as they were.
   */
  flushStore(size: number): void {
    const c = this.c;
    const leave = this.leaveForOp;
    if (leave === null) throw new Unsupported('access outside a block');
    c.get(L_AA).i32(BOUNCE_AT).op(I32.eq, 0x04, 0x40);
    c.i32(2).get(L_A).op(F64_CONVERT_I64_U).i32(size).op(0x10, 0);
    c.op(I32.eqz, 0x04, 0x40);
    leave(2);
    c.op(0x0b, 0x0b);
  }

  /**
   * V registers in locals (lane 0 as f64, lane 1 as i64: see L_VLO), by register: every access to
   * them is one of a 64-bit lane. Registers also accessed whole (v128, an element loaded from the
   * register file: `vWhole`) stay in the register file; a first emission finds them (cachedVs).
   */
  vcache: ReadonlyMap<number, number> = new Map();
  /** Registers accessed whole (recorded during that first emission). */
  readonly vwhole = new Set<number>();

  /**
   * V[r] is read other than by 64-bit lanes (a v128, or an element from the register file). A
   * register in locals accessed so would mean the first emission saw other code than this one: the
   * region then stays JavaScript (Unsupported) rather than run with a stale register.
   */
  vWhole(r: number): void {
    this.uses.vread.add(r);
    this.vwhole.add(r);
    if (this.vcache.has(r)) throw new Unsupported(`V${r} is in locals but read whole`);
  }
  /** V[r] is written other than by 64-bit lanes (an element stored into the register file). */
  vWholeWrite(r: number): void {
    this.uses.vwritten.add(r);
    this.vwhole.add(r);
    if (this.vcache.has(r)) throw new Unsupported(`V${r} is in locals but written whole`);
  }
  /** Pushes the i64 at bytes 8h..8h+7 of V[r]. */
  v64(r: number, h: number): void {
    this.uses.vread.add(r);
    const k = this.vcache.get(r);
    if (k !== undefined) {
      if (h === 0) this.c.get(k).op(F64.bits);
      else this.c.get(k + MAX_CACHED_V);
      return;
    }
    this.c
      .i32(0)
      .op(0x29, 3)
      .uleb(V_AT + 16 * r + 8 * h);
  }
  /** Stores the i64 `push` pushes as bytes 8h..8h+7 of V[r]. */
  setV64(r: number, h: number, push: () => void): void {
    this.uses.vwritten.add(r);
    const k = this.vcache.get(r);
    if (k !== undefined) {
      push();
      if (h === 0) this.c.op(F64_FROM_BITS).set(k);
      else this.c.set(k + MAX_CACHED_V);
      return;
    }
    this.c.i32(0);
    push();
    this.c.op(0x37, 3).uleb(V_AT + 16 * r + 8 * h);
  }
  /** Pushes V[r] (v128). */
  v128(r: number): void {
    this.vWhole(r);
    this.c
      .i32(0)
      .op(0xfd, 0x00, 4)
      .uleb(V_AT + 16 * r);
  }
  /**
   * Stores the v128 on the stack (above an i32 0 pushed before it) as V[r]; its upper 64 bits
   * zeroed first when `zeroHigh` (a 64-bit vector's result).
   */
  setV128(r: number, zeroHigh = false): void {
    this.uses.vwritten.add(r);
    this.vwhole.add(r);
    if (this.vcache.has(r)) throw new Unsupported(`V${r} is in locals but written whole`);
    if (zeroHigh) this.c.i64(0).simd(0x1e, 1); // i64x2.replace_lane 1
    this.c.op(0xfd, 0x0b, 4).uleb(V_AT + 16 * r);
  }

  /**
   * V[r] = the i64 (`f64`: the double) `push` pushes, zero-extended to 128 bits. A register in the
   * register file gets one 16-byte store: a later v128 load of it (a vector instruction) then takes
   * its bytes from the store buffer, which x86 cannot do from two 8-byte stores (it stalls the load
   * until they retire: an LDP of Q registers before vector arithmetic cost 40 ns, an INS before a
   * widening 10 ns).
   */
  setVScalar(r: number, push: () => void, f64 = false): void {
    if (this.vcache.has(r)) {
      if (f64) this.setVf(r, 0, push);
      else this.setV64(r, 0, push);
      this.setV64(r, 1, () => this.c.i64(0));
      return;
    }
    this.uses.vwritten.add(r);
    const c = this.c;
    c.i32(0).zeros();
    push();
    c.simd(f64 ? 0x22 : 0x1e, 0); // f64x2/i64x2.replace_lane 0
    c.op(0xfd, 0x0b, 4).uleb(V_AT + 16 * r);
  }

  /**
   * V[r] = the i64s (`f64`: the doubles) `lo` and `hi` push, as setVScalar: one 16-byte store in
   * the register file. Both are pushed before V[r] is written: `hi` must not read lane 0 of V[r]
   * as `lo` made it.
   */
  setVPair(r: number, lo: () => void, hi: () => void, f64 = false): void {
    if (this.vcache.has(r)) {
      if (f64) {
        this.setVf(r, 0, lo);
        this.setVf(r, 1, hi);
      } else {
        this.setV64(r, 0, lo);
        this.setV64(r, 1, hi);
      }
      return;
    }
    this.uses.vwritten.add(r);
    const c = this.c;
    c.i32(0);
    lo();
    c.simd(f64 ? 0x14 : 0x12); // f64x2/i64x2.splat
    hi();
    c.simd(f64 ? 0x22 : 0x1e, 1); // f64x2/i64x2.replace_lane 1
    c.op(0xfd, 0x0b, 4).uleb(V_AT + 16 * r);
  }
  /** Pushes double lane h of V[r]. */
  vf(r: number, h: number): void {
    this.uses.vread.add(r);
    const k = this.vcache.get(r);
    if (k !== undefined) {
      if (h === 0) this.c.get(k);
      else this.c.get(k + MAX_CACHED_V).op(F64_FROM_BITS);
      return;
    }
    this.c
      .i32(0)
      .op(F64.load, 3)
      .uleb(V_AT + 16 * r + 8 * h);
  }
  /** Stores the double `push` pushes as lane h of V[r]. */
  setVf(r: number, h: number, push: () => void): void {
    this.uses.vwritten.add(r);
    const k = this.vcache.get(r);
    if (k !== undefined) {
      push();
      if (h === 0) this.c.set(k);
      else this.c.op(F64.bits).set(k + MAX_CACHED_V);
      return;
    }
    this.c.i32(0);
    push();
    this.c.op(F64.store, 3).uleb(V_AT + 16 * r + 8 * h);
  }
  /**
   * V[t] from the 2^scale bytes at the access's arena address (L_AA) plus `off`: an element below
   * 16 bytes zero-extended, the rest of the register zeroed (a scalar load's rule).
   */
  loadV(t: number, scale: number, off: number): void {
    const c = this.c;
    if (!this.vcache.has(t)) {
      // One 16-byte store of the register: a vector instruction's v128 load of it then takes its
      // bytes from the store buffer, which it cannot from two 8-byte stores (x86 stalls such a load
      // until the stores retire: an LDP of Q registers before vector arithmetic cost 40 ns).
      this.uses.vwritten.add(t);
      c.i32(0);
      if (scale >= 2) {
        c.get(L_AA)
          .simd(scale === 4 ? 0x00 : scale === 3 ? 0x5d : 0x5c) // v128.load, load64_zero, load32_zero
          .op(scale)
          .uleb(off);
      } else {
        c.zeros()
          .get(L_AA)
          .op(VLOAD[scale] as number, 0)
          .uleb(off);
        c.simd(0x1e, 0); // i64x2.replace_lane 0
      }
      c.op(0xfd, 0x0b, 4).uleb(V_AT + 16 * t); // v128.store
      return;
    }
    this.setV64(t, 0, () => {
      c.get(L_AA)
        .op(VLOAD[Math.min(scale, 3)] as number, 0)
        .uleb(off);
    });
    this.setV64(t, 1, () => {
      if (scale === 4)
        c.get(L_AA)
          .op(0x29, 0)
          .uleb(off + 8);
      else c.i64(0);
    });
  }
  /** The low 2^scale bytes of V[t] to the access's arena address (L_AA) plus `off`. */
  storeV(t: number, scale: number, off: number): void {
    const c = this.c;
    if (scale === 4 && !this.vcache.has(t)) {
      this.uses.vread.add(t);
      c.get(L_AA)
        .i32(0)
        .op(0xfd, 0x00, 4)
        .uleb(V_AT + 16 * t); // v128.load
      c.simd(0x0b).op(0).uleb(off); // v128.store
      return;
    }
    c.get(L_AA);
    this.v64(t, 0);
    c.op(STORE_OP[Math.min(scale, 3)] as number, 0).uleb(off);
    if (scale === 4) {
      c.get(L_AA);
      this.v64(t, 1);
      c.op(0x37, 0).uleb(off + 8);
    }
  }

  /** Kind of the deferred flags set earlier in this block (0: not known here; K_MADE: none deferred). */
  known = 0;
  /**
   * Set by FCMP for the instruction after it (fcmpLive while that one is emitted): FCMP's operands
   * are in INLINE_FP's f(0) and f(1), neither a NaN (the region left otherwise), so a condition is
   * one comparison of them instead of a test of the flags made from them.
   */
  fcmpNext = false;
  fcmpLive = false;

  /** Starts an instruction: FCMP's operands are the conditions' only for the next one. */
  nextInsn(): void {
    this.fcmpLive = this.fcmpNext;
    this.fcmpNext = false;
  }

  /** Pops an i32 or i64 value into an i64 local (a 32-bit one zero-extended). */
  keep(sf: boolean, local: number): void {
    if (!sf) this.c.op(EXTEND_U);
    this.c.set(local);
  }

  /**
   * With a and b on the stack: the sum or difference on the stack; when `flags`, NZCV are
   * deferred (the operands, the result and the kind kept).
   */
  addSub(sf: boolean, sub: boolean, flags: boolean): void {
    const c = this.c;
    if (!flags) {
      this.bin(sf, sub ? 'sub' : 'add');
      return;
    }
    this.uses.flags = true;
    const [ta, tb, tr] = sf ? [L_X, L_X + 1, L_X + 2] : [L_T, L_T + 1, L_T + 2];
    c.set(tb).set(ta);
    c.get(ta);
    this.keep(sf, L_FA);
    c.get(tb);
    this.keep(sf, L_FB);
    c.get(ta).get(tb);
    this.bin(sf, sub ? 'sub' : 'add');
    c.tee(tr);
    this.keep(sf, L_FR);
    const kind = sf ? (sub ? K_SUB64 : K_ADD64) : sub ? K_SUB32 : K_ADD32;
    c.i32(kind).set(L_FK);
    this.known = kind;
    c.get(tr);
  }

  /** With the result on the stack: deferred NZ from it, C = V = 0 (ANDS, BICS); the result stays. */
  logicFlags(sf: boolean): void {
    this.uses.flags = true;
    const c = this.c;
    const t = sf ? L_X : L_T;
    c.tee(t);
    this.keep(sf, L_FR);
    const kind = sf ? K_LOGIC64 : K_LOGIC32;
    c.i32(kind).set(L_FK);
    this.known = kind;
    c.get(t);
  }

  /** Pushes a kept value at the kind's width. */
  private kept(kind: number, local: number): void {
    this.c.get(local);
    if (kind === K_ADD32 || kind === K_SUB32 || kind === K_LOGIC32) this.c.op(WRAP);
  }

  /** Pushes flag `f` (0 N, 1 Z, 2 C, 3 V) of deferred flags of kind `kind`, as i32 0/1. */
  private flagOf(kind: number, f: number): void {
    const c = this.c;
    const wide = kind === K_ADD64 || kind === K_SUB64 || kind === K_LOGIC64;
    const C = wide ? I64 : I32;
    const O = wide ? I64OP : I32OP;
    const logic = kind === K_LOGIC64 || kind === K_LOGIC32;
    const sub = kind === K_SUB64 || kind === K_SUB32;
    if (f === 0) {
      this.kept(kind, L_FR);
      this.k(wide, 0);
      c.op(C.ltS);
    } else if (f === 1) {
      this.kept(kind, L_FR);
      c.op(C.eqz);
    } else if (logic) {
      c.i32(0);
    } else if (f === 2) {
      // C: a + b wrapped when r <u a; a - b borrows when a <u b.
      if (sub) {
        this.kept(kind, L_FA);
        this.kept(kind, L_FB);
        c.op(C.geU);
      } else {
        this.kept(kind, L_FR);
        this.kept(kind, L_FA);
        c.op(C.ltU);
      }
    } else {
      // V: (a ^ b) & (a ^ r) < 0 for a difference, (a ^ r) & (b ^ r) < 0 for a sum.
      this.kept(kind, L_FA);
      this.kept(kind, sub ? L_FB : L_FR);
      c.op(O.xor);
      this.kept(kind, sub ? L_FA : L_FB);
      this.kept(kind, L_FR);
      c.op(O.xor, O.and);
      this.k(wide, 0);
      c.op(C.ltS);
    }
  }

  /** Makes NZCV from deferred flags, whatever their kind, when there are any (at run time). */
  materialize(): void {
    const c = this.c;
    c.get(L_FK).op(0x04, 0x40);
    for (const kind of [K_ADD64, K_SUB64, K_ADD32, K_SUB32, K_LOGIC64, K_LOGIC32]) {
      c.get(L_FK).i32(kind).op(I32.eq, 0x04, 0x40);
      for (let f = 0; f < 4; f++) {
        this.flagOf(kind, f);
        c.set(L_F + f);
      }
      c.op(0x0b);
    }
    c.i32(0).set(L_FK).op(0x0b);
  }

  /** ConditionHolds(cond) as an i32 0/1. */
  cond(cond: number): void {
    const c = this.c;
    this.uses.flags = true;
    const base = cond >> 1;
    if (base === 7) {
      c.i32(1);
      return;
    }
    const kind = this.known;
    if (kind === K_MADE && this.fcmpLive) {
      // N: x < y, Z: x == y, C: x >= y, V: 0 (no NaN): EQ, CS, MI, VS, HI, GE, GT as one compare.
      if (base === 3) c.i32(0);
      else
        c.get(INLINE_FP.f(0))
          .get(INLINE_FP.f(1))
          .op([F64.eq, F64.ge, F64.lt, 0, F64.gt, F64.ge, F64.gt][base] as number);
      if ((cond & 1) === 1) c.op(I32.eqz);
      return;
    }
    const sub = kind === K_SUB64 || kind === K_SUB32;
    const flag = (f: number): void => {
      if (kind === 0 || kind === K_MADE) c.get(L_F + f);
      else this.flagOf(kind, f);
    };
    if (kind === 0) this.materialize();
    if (sub && (base === 1 || base === 4 || base === 5 || base === 6)) {
      // A compare: the unsigned or signed comparison of its operands.
      const C = kind === K_SUB64 ? I64 : I32;
      this.kept(kind, L_FA);
      this.kept(kind, L_FB);
      c.op(base === 1 ? C.geU : base === 4 ? C.gtU : base === 5 ? C.geS : C.gtS);
    } else {
      switch (base) {
        case 0:
          flag(1);
          break;
        case 1:
          flag(2);
          break;
        case 2:
          flag(0);
          break;
        case 3:
          flag(3);
          break;
        case 4:
          flag(2);
          flag(1);
          c.op(I32.eqz, I32OP.and);
          break;
        case 5:
          flag(0);
          flag(3);
          c.op(I32.eq);
          break;
        default:
          flag(1);
          c.op(I32.eqz);
          flag(0);
          flag(3);
          c.op(I32.eq, I32OP.and);
      }
    }
    if ((cond & 1) === 1) c.op(I32.eqz);
  }
}

const u = (d: Decoded, k: string): number => d.fields[k] as number;
const rz = (r: number): number => (r === 31 ? ZR : r);
const wz = (r: number): number => (r === 31 ? ZR_W : r);

/** Emits one non-branch instruction at `at` (a block's last instruction is the caller's). */
function emitInsn(e: Emitter, d: Decoded, at: number): void {
  e.nextInsn();
  const id = d.def.id;
  const sf = u(d, 'sf') === 1;
  switch (id) {
    case 'NOP':
      return;
    case 'MOVZ':
    case 'MOVN':
    case 'MOVK': {
      const hw = u(d, 'hw');
      if (!sf && hw >= 2) throw new Unsupported('reserved hw');
      const v = BigInt(u(d, 'imm16')) << BigInt(16 * hw);
      const r = wz(u(d, 'rd'));
      if (id === 'MOVK') {
        e.r(sf, r === ZR_W ? ZR : r);
        e.k(sf, ~(0xffffn << BigInt(16 * hw)));
        e.bin(sf, 'and');
        e.k(sf, v);
        e.bin(sf, 'or');
      } else e.k(sf, id === 'MOVN' ? ~v : v);
      e.setR(sf, r);
      return;
    }
    case 'ADD_imm':
    case 'ADDS_imm':
    case 'SUB_imm':
    case 'SUBS_imm': {
      const flags = id.startsWith('ADDS') || id.startsWith('SUBS');
      const n = u(d, 'rn');
      const rd = u(d, 'rd');
      e.r(sf, n);
      e.k(sf, u(d, 'imm12') * (u(d, 'sh') ? 4096 : 1));
      e.addSub(sf, id.startsWith('SUB'), flags);
      e.setR(sf, flags ? wz(rd) : rd);
      return;
    }
    case 'ADD_reg':
    case 'ADDS_reg':
    case 'SUB_reg':
    case 'SUBS_reg': {
      const flags = id.startsWith('ADDS') || id.startsWith('SUBS');
      e.r(sf, rz(u(d, 'rn')));
      e.shifted(sf, rz(u(d, 'rm')), u(d, 'shift'), u(d, 'imm6'), false, false);
      e.addSub(sf, id.startsWith('SUB'), flags);
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'AND_imm':
    case 'ORR_imm':
    case 'EOR_imm':
    case 'ANDS_imm': {
      if (!sf && u(d, 'N') === 1) throw new Unsupported('reserved N');
      const mk = decodeBitMasks(u(d, 'N'), u(d, 'imms'), u(d, 'immr'), true, sf ? 64 : 32);
      if (mk === null) throw new Unsupported('reserved mask');
      const mask = (BigInt(mk[1] >>> 0) << 32n) | BigInt(mk[0] >>> 0);
      e.r(sf, rz(u(d, 'rn')));
      e.k(sf, mask);
      e.bin(sf, id === 'ORR_imm' ? 'or' : id === 'EOR_imm' ? 'xor' : 'and');
      if (id === 'ANDS_imm') {
        e.logicFlags(sf);
        e.setR(sf, wz(u(d, 'rd')));
      } else e.setR(sf, u(d, 'rd')); // rd 31 is SP here
      return;
    }
    case 'AND_reg':
    case 'BIC_reg':
    case 'ORR_reg':
    case 'ORN_reg':
    case 'EOR_reg':
    case 'EON_reg':
    case 'ANDS_reg':
    case 'BICS_reg': {
      const invert = id === 'BIC_reg' || id === 'ORN_reg' || id === 'EON_reg' || id === 'BICS_reg';
      e.r(sf, rz(u(d, 'rn')));
      e.shifted(sf, rz(u(d, 'rm')), u(d, 'shift'), u(d, 'imm6'), invert, true);
      e.bin(sf, id.startsWith('ORR') || id.startsWith('ORN') ? 'or' : id.startsWith('EO') ? 'xor' : 'and');
      if (id === 'ANDS_reg' || id === 'BICS_reg') e.logicFlags(sf);
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'MADD':
    case 'MSUB': {
      e.r(sf, rz(u(d, 'ra')));
      e.r(sf, rz(u(d, 'rn')));
      e.r(sf, rz(u(d, 'rm')));
      e.bin(sf, 'mul');
      e.bin(sf, id === 'MADD' ? 'add' : 'sub');
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'UBFM':
    case 'SBFM': {
      const size = sf ? 64 : 32;
      const immr = u(d, 'immr');
      const imms = u(d, 'imms');
      if ((sf ? 1 : 0) !== u(d, 'N') || immr >= size || imms >= size) throw new Unsupported('reserved bitfield');
      const signed = id === 'SBFM';
      const n = rz(u(d, 'rn'));
      const K = (v: number): void => e.k(sf, v);
      if (imms >= immr) {
        // (S)BFX: bits imms..immr of Rn, at bit 0.
        e.r(sf, n);
        K(size - 1 - imms);
        e.bin(sf, 'shl');
        K(size - 1 - imms + immr);
        e.bin(sf, signed ? 'shrS' : 'shrU');
      } else {
        // (S)BFIZ: bits imms..0 of Rn, at bit size - immr.
        e.r(sf, n);
        K(size - 1 - imms);
        e.bin(sf, 'shl');
        K(size - 1 - imms);
        e.bin(sf, signed ? 'shrS' : 'shrU');
        K(size - immr);
        e.bin(sf, 'shl');
      }
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'BFM': {
      // BFXIL (imms >= immr): bits imms..immr of Rn into the low bits of Rd; BFI: bits imms..0 of
      // Rn into Rd at bit size - immr. Rd's other bits stay (a W form zeroes the upper half).
      const size = sf ? 64 : 32;
      const immr = u(d, 'immr');
      const imms = u(d, 'imms');
      if ((sf ? 1 : 0) !== u(d, 'N') || immr >= size || imms >= size) throw new Unsupported('reserved bitfield');
      const extract = imms >= immr;
      const width = extract ? imms - immr + 1 : imms + 1;
      const at = extract ? 0 : size - immr;
      const mask = ((1n << BigInt(width)) - 1n) << BigInt(at);
      const rd = u(d, 'rd');
      e.r(sf, rz(rd));
      e.k(sf, ~mask & ((1n << BigInt(size)) - 1n));
      e.bin(sf, 'and');
      e.r(sf, rz(u(d, 'rn')));
      if (extract && immr > 0) {
        e.k(sf, immr);
        e.bin(sf, 'shrU');
      } else if (at > 0) {
        e.k(sf, at);
        e.bin(sf, 'shl');
      }
      e.k(sf, mask);
      e.bin(sf, 'and');
      e.bin(sf, 'or');
      e.setR(sf, wz(rd));
      return;
    }
    case 'CSEL':
    case 'CSINC':
    case 'CSINV':
    case 'CSNEG': {
      // Rn when the condition holds, else Rm, Rm + 1, ~Rm or -Rm.
      e.r(sf, rz(u(d, 'rn')));
      if (id === 'CSNEG') e.k(sf, 0);
      e.r(sf, rz(u(d, 'rm')));
      if (id === 'CSINC') {
        e.k(sf, 1);
        e.bin(sf, 'add');
      } else if (id === 'CSINV') {
        e.k(sf, -1);
        e.bin(sf, 'xor');
      } else if (id === 'CSNEG') e.bin(sf, 'sub');
      e.cond(u(d, 'cond'));
      e.c.op(0x1b); // select
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'LSLV':
    case 'LSRV':
    case 'ASRV':
    case 'RORV': {
      // The amount is Rm modulo the width, as WebAssembly's shifts take it.
      e.r(sf, rz(u(d, 'rn')));
      e.r(sf, rz(u(d, 'rm')));
      e.bin(sf, id === 'LSLV' ? 'shl' : id === 'LSRV' ? 'shrU' : id === 'ASRV' ? 'shrS' : 'rotr');
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'UDIV':
    case 'SDIV':
      e.divide(sf, id === 'SDIV', rz(u(d, 'rn')), rz(u(d, 'rm')));
      e.setR(sf, wz(u(d, 'rd')));
      return;
    case 'RBIT':
    case 'REV16':
    case 'REV32':
    case 'REV': {
      // Swaps of ever wider fields by masks and shifts (WebAssembly has no byte or bit reversal):
      // RBIT all of them, REV the bytes and up, REV32 within words, REV16 within halfwords.
      const steps: Record<string, number[]> = {
        RBIT: [1, 2, 4, 8, 16, 32],
        REV16: [8],
        REV32: [8, 16],
        REV: [8, 16, 32],
      };
      const width = sf ? 64 : 32;
      const swaps = (steps[id] as number[]).filter((k) => k < width);
      if (!sf && id === 'REV') throw new Unsupported('REV (32-bit, opc 3)');
      const t = L_X;
      e.x(rz(u(d, 'rn')));
      if (!sf) e.c.i64(0xffffffff).op(I64OP.and);
      e.c.set(t);
      for (const k of swaps) {
        const mask = SWAP_MASKS[k] as bigint;
        e.c.get(t).i64(k).op(I64OP.shrU).i64(mask).op(I64OP.and);
        e.c.get(t).i64(mask).op(I64OP.and).i64(k).op(I64OP.shl, I64OP.or).set(t);
      }
      e.c.get(t);
      if (!sf) e.c.op(WRAP);
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'UMULH':
    case 'SMULH':
      e.mulHigh(id === 'SMULH', rz(u(d, 'rn')), rz(u(d, 'rm')));
      e.setX(wz(u(d, 'rd')));
      return;
    case 'CLZ':
    case 'CLS': {
      e.r(sf, rz(u(d, 'rn')));
      if (id === 'CLS') {
        // CLS(x) = CLZ(x ^ (x >> 1)) - 1, the shift arithmetic.
        const t = sf ? L_X : L_T;
        e.c.tee(t).get(t);
        e.k(sf, 1);
        e.bin(sf, 'shrS');
        e.bin(sf, 'xor');
      }
      e.c.op(sf ? 0x79 : 0x67); // clz
      if (id === 'CLS') {
        e.k(sf, 1);
        e.bin(sf, 'sub');
      }
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'EXTR': {
      const lsb = u(d, 'imms');
      if ((sf ? 1 : 0) !== u(d, 'N') || (!sf && lsb >= 32)) throw new Unsupported('reserved extract');
      e.r(sf, rz(u(d, 'rm')));
      if (lsb !== 0) {
        e.k(sf, lsb);
        e.bin(sf, 'shrU');
        e.r(sf, rz(u(d, 'rn')));
        e.k(sf, (sf ? 64 : 32) - lsb);
        e.bin(sf, 'shl');
        e.bin(sf, 'or');
      }
      e.setR(sf, wz(u(d, 'rd')));
      return;
    }
    case 'ADR':
    case 'ADRP': {
      const raw = (u(d, 'immhi') << 2) | u(d, 'immlo');
      const off = BigInt((raw << 11) >> 11);
      const v = id === 'ADRP' ? BigInt(at - (at % 4096)) + off * 4096n : BigInt(at) + off;
      e.c.i64(v);
      e.setX(wz(u(d, 'rd')));
      return;
    }
    case 'ADD_ext':
    case 'ADDS_ext':
    case 'SUB_ext':
    case 'SUBS_ext': {
      const flags = id.startsWith('ADDS') || id.startsWith('SUBS');
      const shift = u(d, 'imm3');
      if (shift > 4) throw new Unsupported('reserved shift');
      e.r(sf, u(d, 'rn')); // 31 is SP
      e.extended(sf, rz(u(d, 'rm')), u(d, 'option'), shift);
      e.addSub(sf, id.startsWith('SUB'), flags);
      const rd = u(d, 'rd');
      e.setR(sf, flags ? wz(rd) : rd);
      return;
    }
    case 'SMADDL':
    case 'SMSUBL':
    case 'UMADDL':
    case 'UMSUBL': {
      const ext = id.startsWith('S') ? 0xac : EXTEND_U;
      e.x(rz(u(d, 'ra')));
      e.w(rz(u(d, 'rn')));
      e.c.op(ext);
      e.w(rz(u(d, 'rm')));
      e.c.op(ext, I64OP.mul);
      e.bin(true, id.endsWith('ADDL') ? 'add' : 'sub');
      e.setX(wz(u(d, 'rd')));
      return;
    }
    case 'CCMP_reg':
    case 'CCMP_imm':
    case 'CCMN_reg':
    case 'CCMN_imm': {
      // Flags of the compare when the condition holds, else the instruction's NZCV.
      const c = e.c;
      e.cond(u(d, 'cond'));
      c.op(0x04, 0x40);
      e.r(sf, rz(u(d, 'rn')));
      if (id.endsWith('_imm')) e.k(sf, u(d, 'imm5'));
      else e.r(sf, rz(u(d, 'rm')));
      e.addSub(sf, id.startsWith('CCMP'), true);
      c.op(0x1a, 0x05); // drop the result; else
      const nzcv = u(d, 'nzcv');
      for (let f = 0; f < 4; f++) c.i32((nzcv >> (3 - f)) & 1).set(L_F + f);
      c.i32(0).set(L_FK).op(0x0b);
      // Which of the two ran is known only at run time.
      e.known = 0;
      return;
    }
    case 'MODIMM':
      emitModImm(e, d);
      return;
    case 'DUP_gen': {
      // The element (lowest set bit of imm5: B, H, S, D) repeated over 64 bits by a multiply.
      const [z] = imm5(u(d, 'imm5'));
      const r = u(d, 'rd');
      const repeated = (): void => {
        e.x(rz(u(d, 'rn')));
        if (z < 3)
          e.c
            .i64([0xff, 0xffff, 0xffffffff][z] as number)
            .op(I64OP.and)
            .i64([0x0101010101010101n, 0x0001000100010001n, 0x0000000100000001n][z] as bigint)
            .op(I64OP.mul);
      };
      e.setVPair(r, repeated, u(d, 'q') === 0 ? () => e.c.i64(0) : repeated);
      return;
    }
    case 'ADD_v':
    case 'SUB_v':
    case 'MUL_v':
    case 'MLA_v':
    case 'MLS_v':
    case 'SMAX_v':
    case 'SMIN_v':
    case 'UMAX_v':
    case 'UMIN_v':
    case 'AND_v':
    case 'BIC_v':
    case 'ORR_v':
    case 'ORN_v':
    case 'EOR_v':
    case 'BSL_v':
    case 'BIT_v':
    case 'BIF_v':
      emitVectorSame(e, d, id);
      return;
    case 'UZP1':
    case 'UZP2':
    case 'TRN1':
    case 'TRN2':
    case 'ZIP1':
    case 'ZIP2':
      emitShuffle(
        e,
        u(d, 'q'),
        u(d, 'rd'),
        u(d, 'rn'),
        u(d, 'rm'),
        permuteBytes(PERMUTE_OPC[id] as number, u(d, 'size'), u(d, 'q')),
      );
      return;
    case 'EXT':
      emitShuffle(e, u(d, 'q'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'), extBytes(u(d, 'q'), u(d, 'imm4')));
      return;
    case 'XTN_v':
      emitNarrow(e, u(d, 'q'), u(d, 'size'), 0, u(d, 'rd'), u(d, 'rn'));
      return;
    case 'SQXTN_v':
    case 'UQXTN_v':
    case 'SQXTUN_v':
      emitSaturatingNarrow(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'));
      return;
    case 'SHRN_imm_v': {
      const [immh, immb] = [u(d, 'immh'), u(d, 'immb')];
      const z = immhSize(immh);
      if (z < 0 || z === 3) throw new Unsupported(`${id} reserved immh`);
      emitNarrow(e, u(d, 'q'), z, (16 << z) - ((immh << 3) | immb), u(d, 'rd'), u(d, 'rn'));
      return;
    }
    case 'SADDL_v':
    case 'UADDL_v':
    case 'SSUBL_v':
    case 'USUBL_v':
    case 'SADDW_v':
    case 'UADDW_v':
    case 'SSUBW_v':
    case 'USUBW_v':
      emitWidening(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    case 'CMEQ_v':
    case 'CMTST_v':
    case 'CMGT_v':
    case 'CMGE_v':
    case 'CMHI_v':
    case 'CMHS_v':
    case 'CMEQ_zv':
    case 'CMGT_zv':
    case 'CMGE_zv':
    case 'CMLE_zv':
    case 'CMLT_zv':
      emitCompare(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'), id.endsWith('_zv') ? -1 : u(d, 'rm'));
      return;
    case 'ADDP_s':
      e.setVScalar(u(d, 'rd'), () => {
        e.v64(u(d, 'rn'), 0);
        e.v64(u(d, 'rn'), 1);
        e.c.op(I64OP.add);
      });
      return;
    case 'ADDP_v':
      emitAddPairs(e, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    case 'ABS_v':
    case 'NEG_v':
    case 'REV16_v':
    case 'REV32_v':
    case 'REV64_v':
    case 'SADDLP_v':
    case 'UADDLP_v':
    case 'SADALP_v':
    case 'UADALP_v':
      emitVectorUnary(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'));
      return;
    case 'SHADD_v':
    case 'UHADD_v':
    case 'SRHADD_v':
    case 'URHADD_v':
      emitHalvingAdd(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    case 'SQADD_v':
    case 'UQADD_v':
    case 'SQSUB_v':
    case 'UQSUB_v':
    case 'SABD_v':
    case 'UABD_v':
    case 'SABA_v':
    case 'UABA_v':
      emitVectorSaturating(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    case 'TBL_TBX':
      emitTable(e, u(d, 'q'), u(d, 'len') + 1, u(d, 'op') === 1, u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    case 'FMOV_vec_imm': {
      // The immediate in every lane: a double's bits (2D), or a single's twice over 64 bits.
      const v = fpImmValue((u(d, 'abc') << 5) | u(d, 'defgh'));
      const bits = u(d, 'op') ? f64Bits(v) : BigInt(f32Bits(v)) * 0x100000001n;
      e.setVPair(
        u(d, 'rd'),
        () => e.c.i64(bits),
        () => e.c.i64(u(d, 'q') ? bits : 0n),
      );
      return;
    }
    case 'DUP_elem_v': {
      // One element of Vn in every element of Vd: zero-extended and multiplied by 0x0101...
      // (for bytes) it repeats over 64 bits without a carry.
      const q = u(d, 'q');
      const { z, at } = element(id, u(d, 'imm5'), u(d, 'rn'));
      if (z === 3 && q === 0) throw new Unsupported(`${id} reserved imm5`);
      const t = L_X;
      e.vWhole(u(d, 'rn'));
      e.c
        .i32(0)
        .op(ELEMENT_LOAD_U[z] as number, z)
        .uleb(at);
      e.c
        .i64([0x0101010101010101n, 0x0001000100010001n, 0x0000000100000001n, 1n][z] as bigint)
        .op(I64OP.mul)
        .set(t);
      e.setVPair(
        u(d, 'rd'),
        () => e.c.get(t),
        () => (q ? e.c.get(t) : e.c.i64(0)),
      );
      return;
    }
    case 'SSHLL_imm_v':
    case 'USHLL_imm_v': {
      // The low (or, SSHLL2/USHLL2, high) half's elements widened, then shifted left.
      const [q, immh, immb] = [u(d, 'q'), u(d, 'immh'), u(d, 'immb')];
      const z = immhSize(immh);
      if (z < 0 || z === 3) throw new Unsupported(`${id} reserved immh`);
      const shift = ((immh << 3) | immb) - (8 << z);
      const unsigned = id === 'USHLL_imm_v';
      e.c.i32(0);
      e.v128(u(d, 'rn'));
      e.c
        .op(0xfd)
        .uleb((unsigned ? (q ? EXTEND_HIGH_U : EXTEND_LOW_U) : q ? EXTEND_HIGH_S : EXTEND_LOW_S)[z] as number);
      if (shift > 0)
        e.c
          .i32(shift)
          .op(0xfd)
          .uleb(SIMD_SHL[z + 1] as number);
      e.setV128(u(d, 'rd'));
      return;
    }
    case 'SMULL_v':
    case 'UMULL_v':
    case 'SMLAL_v':
    case 'UMLAL_v':
    case 'SMLSL_v':
    case 'UMLSL_v': {
      // Widening multiply of the low (or, for the "2" forms, high) halves' elements, added to or
      // subtracted from Vd's wide elements for the accumulating forms.
      const [q, z] = [u(d, 'q'), u(d, 'size')];
      if (z === 3) throw new Unsupported(`${id} reserved size`);
      const unsigned = id.startsWith('U');
      const acc = id.includes('MLAL') ? SIMD_ADD : id.includes('MLSL') ? SIMD_SUB : null;
      e.c.i32(0);
      if (acc) e.v128(u(d, 'rd'));
      e.v128(u(d, 'rn'));
      e.v128(u(d, 'rm'));
      e.c
        .op(0xfd)
        .uleb((unsigned ? (q ? EXTMUL_HIGH_U : EXTMUL_LOW_U) : q ? EXTMUL_HIGH_S : EXTMUL_LOW_S)[z] as number);
      if (acc) e.c.op(0xfd).uleb(acc[z + 1] as number);
      e.setV128(u(d, 'rd'));
      return;
    }
    case 'SHL_imm_v':
    case 'USHR_imm_v':
    case 'SSHR_imm_v':
    case 'USRA_imm_v':
    case 'SSRA_imm_v':
      emitShiftImm(e, id, u(d, 'q'), u(d, 'immh'), u(d, 'immb'), u(d, 'rd'), u(d, 'rn'));
      return;
    case 'USHL_v':
    case 'SSHL_v':
      emitShiftReg(e, id === 'SSHL_v', u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    case 'FMOV_dx':
    case 'FMOV_sw': {
      const r = u(d, 'rd');
      e.setVScalar(r, () => {
        e.x(rz(u(d, 'rn')));
        if (id === 'FMOV_sw') e.c.i64(0xffffffff).op(I64OP.and);
      });
      return;
    }
    case 'FMOV_xd':
    case 'FMOV_ws':
      e.v64(u(d, 'rn'), 0);
      if (id === 'FMOV_ws') e.c.i64(0xffffffff).op(I64OP.and);
      e.setX(wz(u(d, 'rd')));
      return;
    case 'FP_DP2': {
      const op = DP2_FAST[u(d, 'op')];
      if (u(d, 'op') >= 4 && u(d, 'op') <= 7) {
        emitFpMinMax(e, u(d, 'op'), u(d, 'ft') === 1, u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
        return;
      }
      if (op === undefined) throw new Unsupported(id);
      if (u(d, 'ft') === 1) emitFpBinary(e, op, u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      else emitSingleBinary(e, op, u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
      return;
    }
    case 'FRINT':
      emitFrint(e, u(d, 'rm'), u(d, 'ft') === 1, u(d, 'rd'), u(d, 'rn'));
      return;
    case 'FCVT_prec':
      emitFcvtPrecision(e, u(d, 'ft'), u(d, 'opc'), u(d, 'rd'), u(d, 'rn'));
      return;
    case 'SIMD_FP_ELEM_scalar': {
      // FMLA, FMLS, FMUL (scalar by element, double): lane 0 as the vector forms' lanes.
      const kind = byElemKind(d.fields);
      if (u(d, 'sz') !== 1) throw new Unsupported(id);
      const [rd, rn, m, idx] = [u(d, 'rd'), u(d, 'rn'), elemReg(d.fields), elemIndex(d.fields)];
      if (kind === 'fmul') emitFpBinary(e, 'fmul', rd, rn, m, idx);
      else if (kind === 'fmla' || kind === 'fmls') emitFusedScalar(e, rd, rn, m, rd, kind === 'fmls', false, idx);
      else throw new Unsupported(id);
      return;
    }
    case 'SIMD_FP_MISC': {
      // FABS, FNEG (vector): the sign bits of every lane, as bit operations (no FP exception, NaNs
      // as bits); the upper half zeroed for 2S.
      const key = (u(d, 'u') << 6) | (u(d, 'a') << 5) | u(d, 'op');
      if (key === 29 || key === 93 || key === 59 || key === 123) {
        emitVectorConvert(e, key, u(d, 'q'), u(d, 'sz'), u(d, 'rd'), u(d, 'rn'));
        return;
      }
      if (FRINT_OF[key] !== undefined) {
        emitVectorFrint(e, FRINT_OF[key] as readonly [number, number], u(d, 'q'), u(d, 'sz'), u(d, 'rd'), u(d, 'rn'));
        return;
      }
      if (key !== 47 && key !== 111) throw new Unsupported(`${id} ${key}`);
      const sign = u(d, 'sz') === 1 ? -0x8000000000000000n : -0x7fffffff80000000n;
      const lane = (h: number) => (): void => {
        if (h === 1 && u(d, 'q') === 0) {
          e.c.i64(0);
          return;
        }
        e.v64(u(d, 'rn'), h);
        if (key === 47) e.c.i64(~sign).op(I64OP.and);
        else e.c.i64(sign).op(I64OP.xor);
      };
      e.setVPair(u(d, 'rd'), lane(0), lane(1));
      return;
    }
    case 'FCMP':
      emitFcmp(e, u(d, 'ft'), u(d, 'rn'), u(d, 'z') === 1 ? -1 : u(d, 'rm'));
      return;
    case 'FCSEL': {
      // Vn when the condition holds, else Vm: lane 0 (the low word of it for a single), the rest
      // of Vd zeroed.
      const single = u(d, 'ft') === 0;
      if (single) {
        // A single as f32 throughout (setVSingleOf, f32Of): the loop-carried value of a running
        // maximum (`fcmp s3, s2; fcsel s2, s3, s2, gt`) no longer crosses into i64 and back at each
        // FCSEL. V8 branches on this select: a maximum search ran 0.61 -> 0.42 s (native Unicorn
        // 0.375), the larger of two random floats summed 0.41 -> 0.47 (0.42).
        setVSingleOf(e, u(d, 'rd'), () => {
          f32Of(e, u(d, 'rn'));
          f32Of(e, u(d, 'rm'));
          e.cond(u(d, 'cond'));
          e.c.op(0x1b);
        });
        return;
      }
      e.setVScalar(u(d, 'rd'), () => {
        e.v64(u(d, 'rn'), 0);
        e.v64(u(d, 'rm'), 0);
        e.cond(u(d, 'cond'));
        e.c.op(0x1b);
      });
      return;
    }
    case 'CVTF_from_int':
      emitIntToDouble(e, d);
      return;
    case 'FCVT_to_int':
      emitDoubleToInt(e, d);
      return;
    case 'FP_DP1':
      emitFpUnary(e, u(d, 'op'), u(d, 'ft') === 1, u(d, 'rd'), u(d, 'rn'));
      return;
    case 'FMOV_imm': {
      const v = fpImmValue(u(d, 'imm8'));
      const bits = u(d, 'ft') === 1 ? f64Bits(v) : BigInt(f32Bits(v));
      e.setVScalar(u(d, 'rd'), () => e.c.i64(BigInt.asIntN(64, bits)));
      return;
    }
    case 'DUP_elem_s':
    case 'UMOV': {
      // One element of Vn: into Vd's element 0 (the rest zeroed), or zero-extended into Xd/Wd.
      const { z, at } = element(id, u(d, 'imm5'), u(d, 'rn'));
      const load = (): void => {
        e.vWhole(u(d, 'rn'));
        e.c
          .i32(0)
          .op(ELEMENT_LOAD_U[z] as number, z)
          .uleb(at);
      };
      if (id === 'UMOV') {
        load();
        e.setX(wz(u(d, 'rd')));
        return;
      }
      e.setVScalar(u(d, 'rd'), load);
      return;
    }
    case 'CNT_v': {
      // Bytes only (the other sizes are reserved); the upper half zeroed for 8B.
      if (u(d, 'size') !== 0) throw new Unsupported('CNT reserved size');
      e.c.i32(0);
      e.v128(u(d, 'rn'));
      e.c.op(0xfd, 0x62); // i8x16.popcnt
      e.setV128(u(d, 'rd'), u(d, 'q') === 0);
      return;
    }
    case 'ADDV':
    case 'UADDLV':
    case 'SADDLV':
    case 'SMAXV':
    case 'UMAXV':
    case 'SMINV':
    case 'UMINV':
      emitAcross(e, id, u(d, 'q'), u(d, 'size'), u(d, 'rd'), u(d, 'rn'));
      return;
    case 'FP_DP3': {
      // FMADD a + n*m, FMSUB a - n*m, FNMADD -a - n*m, FNMSUB -a + n*m: the fused sum of the
      // negated operands, as the instruction's op forms it (negation is exact).
      const [negN, negA] = [u(d, 'o0') !== u(d, 'o1'), u(d, 'o1') === 1];
      if (u(d, 'ft') === 1) emitFusedScalar(e, u(d, 'rd'), u(d, 'rn'), u(d, 'rm'), u(d, 'ra'), negN, negA);
      else emitFusedSingle(e, u(d, 'rd'), u(d, 'rn'), u(d, 'rm'), u(d, 'ra'), negN, negA);
      return;
    }
    case 'INS_gen': {
      // Wn (or Xn) into one element of Vd, the others kept: a store into the register file.
      // As a lane replaced in the whole register, stored as one (setVScalar says why).
      const rd = u(d, 'rd');
      const { z, at } = element(id, u(d, 'imm5'), rd);
      e.c.i32(0);
      e.v128(rd);
      e.x(rz(u(d, 'rn')));
      if (z < 3) e.c.op(WRAP);
      e.c.simd([0x17, 0x1a, 0x1c, 0x1e][z] as number, (at - V_AT - 16 * rd) >> z); // iNxM.replace_lane
      e.setV128(rd);
      return;
    }
    case 'SIMD_FP_3SAME':
    case 'SIMD_FP_ELEM': {
      // FMLA/FMLS on two doubles (vector, or by element), FADD/FSUB/FMUL/FDIV on two doubles
      // (vector); other forms stay with their ops.
      const kind = id === 'SIMD_FP_3SAME' ? sameKind(d.fields) : byElemKind(d.fields);
      const byElem = id === 'SIMD_FP_ELEM';
      const m = byElem ? elemReg(d.fields) : u(d, 'rm');
      if (!byElem && u(d, 'sz') === 0 && (kind === 'fadd' || kind === 'fsub' || kind === 'fmul' || kind === 'fdiv')) {
        emitSingleVector(e, kind, u(d, 'q'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
        return;
      }
      if (u(d, 'sz') === 0 && (kind === 'fmla' || kind === 'fmls')) {
        emitSingleVectorFma(
          e,
          u(d, 'q'),
          u(d, 'rd'),
          u(d, 'rn'),
          m,
          byElem ? elemIndex(d.fields) : -1,
          kind === 'fmls',
        );
        return;
      }
      if (!byElem && kind !== undefined && FP_SELECT_OF[kind] !== undefined) {
        emitFpSelect(e, kind, u(d, 'q'), u(d, 'sz'), u(d, 'rd'), u(d, 'rn'), u(d, 'rm'));
        return;
      }
      if (u(d, 'sz') !== 1 || u(d, 'q') !== 1) throw new Unsupported(id);
      if (kind === 'fmul' || (!byElem && (kind === 'fadd' || kind === 'fsub' || kind === 'fdiv'))) {
        emitFpBinaryLanes(e, kind, u(d, 'rd'), u(d, 'rn'), m, byElem ? elemIndex(d.fields) : -1);
        return;
      }
      if (kind !== 'fmla' && kind !== 'fmls') throw new Unsupported(id);
      emitFmla(e, u(d, 'rd'), u(d, 'rn'), m, byElem ? elemIndex(d.fields) : -1, kind === 'fmls');
      return;
    }
    case 'LDST_uimm':
    case 'LDST_unscaled':
    case 'LDST_pre':
    case 'LDST_post':
    case 'LDST_reg':
      emitAccess(e, d, id);
      return;
    case 'LDSTP_off':
    case 'LDSTP_pre':
    case 'LDSTP_post':
      emitPair(e, d, id);
      return;
    case 'SIMD_LDST_MULT':
    case 'SIMD_LDST_MULT_post':
      emitStructures(e, d, id);
      return;
    case 'SIMD_LDR':
    case 'SIMD_LDR_post':
    case 'SIMD_LDST_LANE':
    case 'SIMD_LDST_LANE_post':
      emitSingleStructure(e, d, id);
      return;
    default:
      throw new Unsupported(id);
  }
}

/** The emitter of wasmBlockSupported's trials (its bytes and uses are never read). */
const TRIAL = new Emitter(new Code(), newUses());
TRIAL.leaveForOp = () => {};

/**
 * Whether a block's instructions can all be WebAssembly: an early region search (the engine's
 * WASM_HOT_HITS) leaves the other blocks out, as exits, instead of failing the whole loop.
 */
export function wasmBlockSupported(decoded: readonly Decoded[], address: number, fallthrough: boolean): boolean {
  const last = decoded[decoded.length - 1] as Decoded;
  if (!fallthrough && last.def.id !== 'BR' && last.def.id !== 'RET' && !BRANCHES.has(last.def.id)) return false;
  const e = TRIAL;
  e.c.length = 0;
  e.known = 0;
  e.fcmpNext = false;
  const straight = fallthrough ? decoded : decoded.slice(0, -1);
  try {
    straight.forEach((d, k) => {
      emitInsn(e, d, address + 4 * k);
    });
    const id = last.def.id;
    if (!fallthrough && id !== 'BR' && id !== 'RET' && id !== 'B' && id !== 'BL') emitBranchCond(e, last);
  } catch (err) {
    if (err instanceof Unsupported) return false;
    throw err;
  }
  return true;
}

/**
 * LD1/ST1 (multiple structures: one to four registers of consecutive bytes) and LD2/ST2, LD3/ST3,
 * LD4/ST4 (two to four registers whose elements alternate in memory: each register, or each 16
 * bytes of memory, gathered by shuffles), with no offset or post-indexed by the bytes moved or by
 * Xm. One access of all the bytes: the region leaves for the op when it would cross a page or
 * cannot be made (as for LDP).
 */
function emitStructures(e: Emitter, d: Decoded, id: string): void {
  const c = e.c;
  const info = multInfo(d.fields);
  if (info === undefined) throw new Unsupported(`${id} reserved`);
  const [rpt, selem] = info;
  const [q, z, load, n, m] = [u(d, 'q'), u(d, 'size'), u(d, 'L') === 1, u(d, 'rn'), u(d, 'rm')];
  const regBytes = q ? 16 : 8;
  const total = rpt * selem * regBytes;
  const regs = regList(u(d, 'rt'), rpt * selem);
  e.x(n);
  c.set(L_B).get(L_B).set(L_A);
  e.tlb(total, !load);
  if (selem === 1)
    regs.forEach((r, k) => {
      if (load) e.loadV(r, q ? 4 : 3, k * regBytes);
      else e.storeV(r, q ? 4 : 3, k * regBytes);
    });
  else {
    const eb = 1 << z;
    // Memory element el is element el / selem of register el % selem.
    if (load) {
      // The 16-byte pieces of memory (the last of a 64-bit LD3 only 8: v128.load64_zero).
      const pieces = Array.from({ length: Math.ceil(total / 16) }, (_, k) => (): void => {
        c.get(L_AA);
        if (16 * k + 16 <= total)
          c.simd(0x00)
            .op(0)
            .uleb(16 * k);
        else
          c.simd(0x5d)
            .op(0)
            .uleb(16 * k);
      });
      regs.forEach((r, reg) => {
        const src: number[] = [];
        for (let j = 0; j < 16; j++) {
          const i = Math.floor(j / eb);
          src.push(j < regBytes ? (i * selem + reg) * eb + (j % eb) : -1);
        }
        c.i32(0);
        gather(c, pieces, src);
        e.setV128(r, q === 0);
      });
    } else {
      const sources = regs.map((r) => (): void => e.v128(r));
      for (let w = 0; w < total / 16; w++) {
        const src: number[] = [];
        for (let j = 0; j < 16; j++) {
          const el = Math.floor((16 * w + j) / eb);
          src.push(16 * (el % selem) + Math.floor(el / selem) * eb + (j % eb));
        }
        c.get(L_AA);
        gather(c, sources, src);
        // The last 8 bytes of a 64-bit ST3: v128.store64_lane 0.
        if (16 * w + 16 <= total)
          c.simd(0x0b)
            .op(0)
            .uleb(16 * w);
        else
          c.simd(0x5b)
            .op(0)
            .uleb(16 * w)
            .op(0);
      }
    }
  }
  if (!load) e.flushStore(total);
  if (id === 'SIMD_LDST_MULT_post') postIndex(e, n, m, total);
}

/** Xn (base in L_B) plus the bytes moved (Xm 31) or Xm: a structure load or store's post-index. */
function postIndex(e: Emitter, n: number, m: number, total: number): void {
  e.c.get(L_B);
  if (m === 31) e.c.i64(total);
  else e.x(m);
  e.c.op(I64OP.add);
  e.setX(n);
}

/**
 * LD1R-LD4R (one element loaded into every element of one to four registers) and LD1-LD4/ST1-ST4
 * of one lane (an element of each register, the others kept), with no offset or post-indexed by
 * the bytes moved or by Xm: one access of all the bytes, as for the multiple structures.
 */
function emitSingleStructure(e: Emitter, d: Decoded, id: string): void {
  const c = e.c;
  const info = singleInfo(d.fields);
  if (info === undefined) throw new Unsupported(`${id} reserved`);
  const { selem, scale, index, replicate } = info;
  const [q, n, m] = [u(d, 'q'), u(d, 'rn'), u(d, 'rm')];
  const load = u(d, 'L') === 1;
  const eb = 1 << scale;
  const total = selem * eb;
  const regs = regList(u(d, 'rt'), selem);
  e.x(n);
  c.set(L_B).get(L_B).set(L_A);
  e.tlb(total, !load);
  regs.forEach((r, k) => {
    if (replicate) {
      // The element, zero-extended, times 0x0101... repeats it over 64 bits without a carry.
      const element = (): void => {
        c.get(L_AA)
          .op(VLOAD[scale] as number, 0)
          .uleb(k * eb);
        if (scale < 3)
          c.i64([0x0101010101010101n, 0x0001000100010001n, 0x0000000100000001n][scale] as bigint).op(I64OP.mul);
      };
      if (!q) e.setVScalar(r, element);
      else if (e.vcache.has(r)) {
        e.setV64(r, 0, element);
        e.setV64(r, 1, () => e.v64(r, 0));
      } else {
        e.uses.vwritten.add(r);
        c.i32(0);
        element();
        c.simd(0x12)
          .op(0xfd, 0x0b, 4)
          .uleb(V_AT + 16 * r); // i64x2.splat, v128.store
      }
    } else if (load) {
      e.vWholeWrite(r);
      c.i32(0);
      c.get(L_AA)
        .op(VLOAD[scale] as number, 0)
        .uleb(k * eb);
      c.op(STORE_OP[scale] as number, scale).uleb(V_AT + 16 * r + index * eb);
    } else {
      e.vWhole(r);
      c.get(L_AA);
      c.i32(0)
        .op(VLOAD[scale] as number, scale)
        .uleb(V_AT + 16 * r + index * eb);
      c.op(STORE_OP[scale] as number, 0).uleb(k * eb);
    }
  });
  if (!load) e.flushStore(total);
  if (id.endsWith('_post')) postIndex(e, n, m, total);
}

/**
 * Pushes the v128 whose byte j is byte src[j] (-1: zero) of the concatenation of the v128
 * `sources` push (at most four): one shuffle of the first two, and for bytes of the third and
 * fourth a second shuffle and one that merges the two.
 */
function gather(c: Code, sources: readonly (() => void)[], src: readonly number[]): void {
  const pair = (k: number, pick: (b: number) => boolean): void => {
    (sources[k] as () => void)();
    if (sources[k + 1]) (sources[k + 1] as () => void)();
    else c.zeros();
    shuffle(
      c,
      src.map((b) => (b >= 0 && pick(b) ? b - 16 * k : 0)),
    );
  };
  if (sources.length <= 2 && src.every((b) => b < 32)) {
    pair(0, () => true);
    return;
  }
  pair(0, (b) => b < 32);
  pair(2, (b) => b >= 32);
  shuffle(
    c,
    src.map((b, j) => (b >= 32 ? 16 + j : j)),
  );
}

/** i64 loads by access kind (zero- or sign-extending), and stores by size. */
const LOAD_OP: Record<number, number> = {
  [K_LDRB]: 0x31,
  [K_LDRB + 1]: 0x33,
  [K_LDRB + 2]: 0x35,
  [K_LDRB + 3]: 0x29,
  [K_LDRSBX]: 0x30,
  [K_LDRSBX + 1]: 0x32,
  [K_LDRSBX + 2]: 0x34,
  // LDRSB/LDRSH to a W register: sign-extended to 32 bits, then zero-extended.
  [K_LDRSBW]: 0x2c,
  [K_LDRSBW + 1]: 0x2e,
};
const STORE_OP = [0x3c, 0x3d, 0x3e, 0x37];
/** i64 zero-extending loads of 1, 2, 4 and 8 bytes. */
const VLOAD = [0x31, 0x33, 0x35, 0x29];

/**
 * A general register's load or store (immediate, pre/post-index, register offset), in the
 * interpreter's order: the address from the base, the access, then the writeback (which wins over
 * a loaded register that is also the base).
 */
function emitAccess(e: Emitter, d: Decoded, id: string): void {
  const c = e.c;
  const k = kindOf(u(d, 'size'), u(d, 'v'), u(d, 'opc'));
  if (k === K_PRFM) return;
  // SIMD&FP registers (B, H, S, D, Q): through the V_AT copy of the register file.
  const vec = k >= K_STB && k <= K_LDQ;
  const store = (k >= K_STRB && k < K_STRB + 4) || (k >= K_STB && k <= K_STQ);
  const load = LOAD_OP[k];
  if (!store && !vec && load === undefined) throw new Unsupported(id);
  const scale = (KINFO[k] as { scale: number }).scale;
  const size = 1 << scale;
  const n = u(d, 'rn');
  const t = vec ? u(d, 'rt') : u(d, 'rt') === 31 ? (store ? ZR : ZR_W) : u(d, 'rt');
  e.x(n);
  c.set(L_B);
  let wbo: number | null = null;
  if (id === 'LDST_reg') {
    c.get(L_B);
    e.extended(true, rz(u(d, 'rm')), u(d, 'option'), u(d, 'S') === 1 ? scale : 0);
    c.op(I64OP.add);
  } else {
    const off = id === 'LDST_uimm' ? u(d, 'imm12') * size : (u(d, 'imm9') << 23) >> 23;
    c.get(L_B);
    if (id !== 'LDST_post' && off !== 0) c.i64(off).op(I64OP.add);
    if (id === 'LDST_pre' || id === 'LDST_post') wbo = off;
  }
  c.set(L_A);
  e.tlb(size, store);
  if (vec) {
    if (store) e.storeV(t, scale, 0);
    else e.loadV(t, scale, 0);
  } else if (store) {
    c.get(L_AA);
    e.x(t);
    c.op(STORE_OP[scale] as number, 0, 0);
  } else {
    c.get(L_AA);
    c.op(load as number, 0, 0);
    if (k === K_LDRSBW || k === K_LDRSBW + 1) c.op(EXTEND_U);
    e.setX(t);
  }
  if (store) e.flushStore(size);
  if (wbo !== null) {
    c.get(L_B).i64(wbo).op(I64OP.add);
    e.setX(n);
  }
}

/** LDP/STP/LDPSW of general registers: both accesses in one page, Rt2 loaded before Rt. */
function emitPair(e: Emitter, d: Decoded, id: string): void {
  const c = e.c;
  const pk = pairKind(d.fields, false);
  const vec = pk === P_S || pk === P_D || pk === P_Q;
  if (pk !== P_W && pk !== P_SW && pk !== P_X && !vec) throw new Unsupported(id);
  const load = u(d, 'L') === 1;
  const scale = PSCALE[pk] as number;
  const bytes = 1 << scale;
  const off = ((u(d, 'imm7') << 25) >> 25) * bytes;
  const n = u(d, 'rn');
  const reg = (r: number): number => (r !== 31 ? r : load ? ZR_W : ZR);
  const t = reg(u(d, 'rt'));
  const t2 = reg(u(d, 'rt2'));
  e.x(n);
  c.set(L_B).get(L_B);
  if (id !== 'LDSTP_post' && off !== 0) c.i64(off).op(I64OP.add);
  c.set(L_A);
  e.tlb(2 * bytes, !load);
  if (vec) {
    // As the interpreter: Rt from the first access, then Rt2 from the second.
    const [v1, v2] = [u(d, 'rt'), u(d, 'rt2')];
    if (load) {
      e.loadV(v1, scale, 0);
      e.loadV(v2, scale, bytes);
    } else {
      e.storeV(v1, scale, 0);
      e.storeV(v2, scale, bytes);
    }
  } else if (load) {
    const op = pk === P_X ? 0x29 : pk === P_SW ? 0x34 : 0x35;
    c.get(L_AA).op(op, 0, 0).set(L_X);
    c.get(L_AA).op(op, 0, bytes);
    e.setX(t2);
    c.get(L_X);
    e.setX(t);
  } else {
    const op = pk === P_X ? 0x37 : 0x3e;
    c.get(L_AA);
    e.x(t);
    c.op(op, 0, 0);
    c.get(L_AA);
    e.x(t2);
    c.op(op, 0, bytes);
  }
  if (!load) e.flushStore(2 * bytes);
  if (id !== 'LDSTP_off') {
    c.get(L_B).i64(off).op(I64OP.add);
    e.setX(n);
  }
}

/** WebAssembly SIMD opcodes (after the 0xfd prefix) of the lanewise integer ops, by element size. */
const SIMD_ADD = [0x6e, 0x8e, 0xae, 0xce];
const SIMD_SUB = [0x71, 0x91, 0xb1, 0xd1];
const SIMD_MUL = [-1, 0x95, 0xb5, -1];
/** i8x16/i16x8/i32x4 min_s, min_u, max_s, max_u (none for 64-bit lanes). */
const SIMD_MINMAX: Record<string, number[]> = {
  SMIN_v: [0x76, 0x96, 0xb6, -1],
  UMIN_v: [0x77, 0x97, 0xb7, -1],
  SMAX_v: [0x78, 0x98, 0xb8, -1],
  UMAX_v: [0x79, 0x99, 0xb9, -1],
};
const V128_NOT = 0x4d;
const V128_AND = 0x4e;
const V128_ANDNOT = 0x4f;
const V128_OR = 0x50;
const V128_XOR = 0x51;
const V128_BITSELECT = 0x52;

/**
 * The integer three-same ops whose lanes wrap (ADD, SUB, MUL, MLA, MLS), min/max and the bitwise ones, as
 * WebAssembly SIMD over the V registers in the header: 128 bits at once, the upper half zeroed
 * for a 64-bit form. No 8-bit multiply in WebAssembly: those stay with their ops.
 */
function emitVectorSame(e: Emitter, d: Decoded, id: string): void {
  const c = e.c;
  const [rd, rn, rm, q, z] = [u(d, 'rd'), u(d, 'rn'), u(d, 'rm'), u(d, 'q'), u(d, 'size')];
  const simd = (op: number): void => {
    c.op(0xfd).uleb(op);
  };
  const arith = (op: number[]): number => {
    const o = op[z] as number;
    if (o < 0) throw new Unsupported(`${id} of size ${z}`);
    return o;
  };
  /** n * m on the stack: bytes as the low bytes of the two halves' halfword products. */
  const mul = (): void => {
    if (z !== 0) {
      simd(arith(SIMD_MUL));
      return;
    }
    c.set(L_VY).set(L_VX);
    c.get(L_VX)
      .get(L_VY)
      .simd(EXTMUL_LOW_U[0] as number);
    c.get(L_VX)
      .get(L_VY)
      .simd(EXTMUL_HIGH_U[0] as number);
    shuffle(c, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
  };
  c.i32(0);
  switch (id) {
    case 'ADD_v':
    case 'SUB_v':
      e.v128(rn);
      e.v128(rm);
      simd(arith(id === 'ADD_v' ? SIMD_ADD : SIMD_SUB));
      break;
    case 'MUL_v':
      e.v128(rn);
      e.v128(rm);
      mul();
      break;
    case 'SMAX_v':
    case 'SMIN_v':
    case 'UMAX_v':
    case 'UMIN_v':
      e.v128(rn);
      e.v128(rm);
      simd(arith(SIMD_MINMAX[id] as number[]));
      break;
    case 'MLA_v':
    case 'MLS_v':
      e.v128(rd);
      e.v128(rn);
      e.v128(rm);
      mul();
      simd(arith(id === 'MLA_v' ? SIMD_ADD : SIMD_SUB));
      break;
    case 'BSL_v':
    case 'BIT_v':
    case 'BIF_v': {
      // bitselect(v1, v2, c) = (v1 & c) | (v2 & ~c).
      const [v1, v2, sel] = id === 'BSL_v' ? [rn, rm, rd] : id === 'BIT_v' ? [rn, rd, rm] : [rd, rn, rm];
      e.v128(v1);
      e.v128(v2);
      e.v128(sel);
      simd(V128_BITSELECT);
      break;
    }
    default:
      e.v128(rn);
      e.v128(rm);
      if (id === 'ORN_v') simd(V128_NOT);
      simd(id === 'AND_v' ? V128_AND : id === 'BIC_v' ? V128_ANDNOT : id === 'EOR_v' ? V128_XOR : V128_OR);
  }
  e.setV128(rd, q === 0);
}

/**
 * SCVTF/UCVTF (key 29, 93) and FCVTZS/FCVTZU (59, 123) on vectors of singles (4S, 2S, as f32x4)
 * or doubles (2D, lane by lane). To FP: decided when every lane is exact (an integer of at most
 * 24 or 53 significant bits), or FPCR rounds to nearest with IXC already set (quickIf: the host's
 * rounding is the architecture's). To integers (toward zero, whatever FPCR's mode): decided when
 * every lane is in range (no NaN: Invalid is the op's) and FPCR's RMode, FZ and DN are clear (a
 * subnormal flushed would raise IDC); a lane with a fraction raises IXC. Else the op.
 */
function emitVectorConvert(e: Emitter, key: number, q: number, sz: number, d: number, n: number): void {
  const c = e.c;
  e.uses.fp = true;
  const toFp = key === 29 || key === 93;
  const unsigned = key >= 64;
  if (sz === 0) {
    const mask = q ? 15 : 3;
    pushV(e, n);
    c.set(L_VX);
    if (toFp) {
      c.get(L_VX)
        .simd(unsigned ? 0xfb : 0xfa)
        .set(L_V128); // f32x4.convert_i32x4_s/u
      c.get(L_VX);
      if (!unsigned) c.simd(0xa0); // i32x4.abs (of INT_MIN: 2^31 unsigned, past the bound)
      c.i32(2 ** 24)
        .simd(0x11)
        .simd(0x3e); // i32x4.splat, i32x4.le_u
      everyLane(c, true, mask);
      pushQuick(c);
      c.op(I32OP.or);
    } else {
      c.get(L_VX)
        .simd(unsigned ? 0xf9 : 0xf8)
        .set(L_V128); // i32x4.trunc_sat_f32x4_s/u
      c.get(L_VX);
      splatOf(c, true, unsigned ? -1 : -(2 ** 31));
      c.simd(unsigned ? F32X4_GT : F32X4_GE);
      c.get(L_VX);
      splatOf(c, true, unsigned ? 2 ** 32 : 2 ** 31);
      c.simd(F32X4_LT).simd(V128_AND);
      everyLane(c, true, mask);
      pushModeClear(c);
      c.op(I32OP.and);
    }
    leaveUnless(e);
    if (!toFp) {
      // Inexact: a lane whose truncation differs from it.
      c.get(L_VX).simd(0x69).get(L_VX).simd(0x42); // f32x4.trunc, f32x4.ne
      c.simd(I32X4_BITMASK).i32(mask).op(I32OP.and).i32(0).op(I32.ne);
      c.get(L_IXC).op(I32OP.or).set(L_IXC);
    }
    setVFromV128(e, d, q);
    return;
  }
  // 2D: each lane as the scalar conversion, both decided before either is written.
  const lanes = [L_FPX, L_FPX + 1];
  c.i32(1);
  for (let h = 0; h < 2; h++) {
    if (toFp) {
      e.v64(n, h);
      c.tee(L_X);
      c.op(unsigned ? 0xba : 0xb9).set(lanes[h] as number); // f64.convert_i64_s/u
      c.get(L_X);
      if (!unsigned) c.i64(2 ** 53).op(I64OP.add);
      c.i64(unsigned ? 2n ** 53n + 1n : 2n ** 54n + 1n).op(I64.ltU, I32OP.and);
    } else {
      e.vf(n, h);
      c.set(lanes[h] as number);
      c.get(lanes[h] as number)
        .f64(unsigned ? -1 : -(2 ** 63))
        .op(unsigned ? F64.gt : F64.ge, I32OP.and);
      c.get(lanes[h] as number)
        .f64(unsigned ? 2 ** 64 : 2 ** 63)
        .op(F64.lt, I32OP.and);
    }
  }
  if (toFp) pushQuick(c);
  else pushModeClear(c);
  c.op(toFp ? I32OP.or : I32OP.and);
  leaveUnless(e);
  const [v0, v1] = lanes as [number, number];
  if (toFp) {
    e.setVPair(
      d,
      () => c.get(v0),
      () => c.get(v1),
      true,
    );
    return;
  }
  for (const v of [v0, v1]) c.get(v).op(F64.trunc).get(v).op(F64.ne).get(L_IXC).op(I32OP.or).set(L_IXC);
  // i64.trunc_sat_f64_s/u
  e.setVPair(
    d,
    () => c.get(v0).op(0xfc, unsigned ? 7 : 6),
    () => c.get(v1).op(0xfc, unsigned ? 7 : 6),
  );
}

/** i8x16/i16x8/i32x4/i64x2 abs and neg; extadd_pairwise (s, u) of i8x16 and i16x8 (after 0xfd). */
const SIMD_ABS = [0x60, 0x80, 0xa0, 0xc0];
const SIMD_NEG = [0x61, 0x81, 0xa1, 0xc1];
const EXTADD_PAIRWISE_S = [0x7c, 0x7e];
const EXTADD_PAIRWISE_U = [0x7d, 0x7f];

/**
 * ABS, NEG (wrapping, as the instructions: ABS of the most negative element is itself), REV16/
 * REV32/REV64 (a shuffle reversing the elements within each container), SADDLP/UADDLP and the
 * accumulating SADALP/UADALP (adjacent pairs added into elements twice as wide: WebAssembly's
 * extadd_pairwise for bytes and halfwords; words as even and odd words each extended, then added).
 */
function emitVectorUnary(e: Emitter, id: string, q: number, z: number, d: number, n: number): void {
  const c = e.c;
  c.i32(0);
  if (id === 'ABS_v' || id === 'NEG_v') {
    if (z === 3 && q === 0) throw new Unsupported(`${id} reserved size`);
    e.v128(n);
    c.simd((id === 'ABS_v' ? SIMD_ABS : SIMD_NEG)[z] as number);
  } else if (id.startsWith('REV')) {
    const container = id === 'REV16_v' ? 2 : id === 'REV32_v' ? 4 : 8;
    const eb = 1 << z;
    if (eb >= container) throw new Unsupported(`${id} reserved size`);
    const perm: number[] = [];
    for (let j = 0; j < 16; j++) {
      const base = j - (j % container);
      const el = Math.floor((j % container) / eb);
      perm.push(base + container - eb * (el + 1) + (j % eb));
    }
    e.v128(n);
    e.v128(n);
    shuffle(c, perm);
  } else {
    if (z === 3) throw new Unsupported(`${id} reserved size`);
    const unsigned = id.startsWith('U');
    const acc = id.includes('ADALP');
    if (acc) e.v128(d);
    e.v128(n);
    if (z < 2) c.simd((unsigned ? EXTADD_PAIRWISE_U : EXTADD_PAIRWISE_S)[z] as number);
    else {
      c.set(L_VX);
      for (const odd of [0, 4]) {
        c.get(L_VX).get(L_VX);
        shuffle(c, [odd, odd + 1, odd + 2, odd + 3, odd + 8, odd + 9, odd + 10, odd + 11, 0, 0, 0, 0, 0, 0, 0, 0]);
        c.simd((unsigned ? EXTEND_LOW_U : EXTEND_LOW_S)[2] as number);
      }
      c.simd(SIMD_ADD[3] as number);
    }
    if (acc) c.simd(SIMD_ADD[z + 1] as number);
  }
  e.setV128(d, q === 0);
}

/**
 * URHADD on bytes and halfwords is WebAssembly's avgr_u, (a + b + 1) >> 1; UHADD is that less the
 * carry of the odd sum ((a ^ b) & 1); the signed forms are the unsigned ones on operands with the
 * sign bit flipped (a bias of 2^(n-1) on each, one in the halved sum), flipped back.
 */
function emitHalvingAdd(e: Emitter, id: string, q: number, z: number, d: number, n: number, m: number): void {
  const c = e.c;
  if (z > 1) throw new Unsupported(`${id} of size ${z}`);
  const signed = id.startsWith('S');
  const bias = (): void => {
    if (signed)
      c.i32(z ? 0x8000 : 0x80)
        .simd(z ? 0x10 : 0x0f)
        .simd(V128_XOR);
  };
  e.v128(n);
  bias();
  c.set(L_VX);
  e.v128(m);
  bias();
  c.set(L_VY);
  c.i32(0);
  c.get(L_VX)
    .get(L_VY)
    .simd(z ? 0x9b : 0x7b); // avgr_u
  if (!id.includes('RHADD')) {
    c.get(L_VX).get(L_VY).simd(V128_XOR);
    c.i32(1)
      .simd(z ? 0x10 : 0x0f)
      .simd(V128_AND);
    c.simd(SIMD_SUB[z] as number);
  }
  bias();
  e.setV128(d, q === 0);
}

/** i8x16 and i16x8 add_sat_s/u, sub_sat_s/u (WebAssembly has none for wider lanes). */
const SIMD_SAT: Record<string, readonly number[]> = {
  SQADD_v: [0x6f, 0x8f],
  UQADD_v: [0x70, 0x90],
  SQSUB_v: [0x72, 0x92],
  UQSUB_v: [0x73, 0x93],
};

/**
 * SQADD/UQADD/SQSUB/UQSUB on bytes and halfwords (WebAssembly's saturating ops; FPSR.QC set when a
 * lane saturated, which is where it differs from the wrapping op), SABD/UABD (the larger less the
 * smaller, wrapping as the element) and SABA/UABA (that added to Vd).
 */
function emitVectorSaturating(e: Emitter, id: string, q: number, z: number, d: number, n: number, m: number): void {
  const c = e.c;
  if (id.endsWith('QADD_v') || id.endsWith('QSUB_v')) {
    if (z > 1) throw new Unsupported(`${id} of size ${z}`);
    e.uses.fp = true; // FPSR_OR_AT: cleared before the call, ORed into FPSR after it
    e.v128(n);
    e.v128(m);
    c.simd((SIMD_SAT[id] as readonly number[])[z] as number).set(L_V128);
    // QC when a lane saturated: the wrapping result differs.
    e.v128(n);
    e.v128(m);
    c.simd((id.includes('ADD') ? SIMD_ADD : SIMD_SUB)[z] as number);
    c.get(L_V128).simd((SIMD_CMP.ne as readonly number[])[z] as number);
    if (q === 0) {
      c.i64(-1).simd(I64X2_SPLAT).i64(0).simd(I64X2_REPLACE, 1);
      c.simd(V128_AND);
    }
    c.simd(0x53); // v128.any_true
    c.op(0x04, 0x40);
    raiseQc(c);
    c.op(0x0b);
    c.i32(0).get(L_V128);
  } else {
    if (z > 2) throw new Unsupported(`${id} of size ${z}`);
    const signed = id.startsWith('S');
    const [min, max] = signed ? ['SMIN_v', 'SMAX_v'] : ['UMIN_v', 'UMAX_v'];
    c.i32(0);
    if (id.endsWith('ABA_v')) e.v128(d);
    e.v128(n);
    e.v128(m);
    c.simd((SIMD_MINMAX[max] as number[])[z] as number);
    e.v128(n);
    e.v128(m);
    c.simd((SIMD_MINMAX[min] as number[])[z] as number);
    c.simd(SIMD_SUB[z] as number);
    if (id.endsWith('ABA_v')) c.simd(SIMD_ADD[z] as number);
  }
  e.setV128(d, q === 0);
}

/** FMAX/FMIN/FMAXNM/FMINNM and FCMEQ/FCMGE/FCMGT (vector): f32x4 and f64x2 max, min, eq, ge, gt. */
const FP_SELECT_OF: Record<string, readonly [number, number]> = {
  fmax: [0xe9, 0xf5],
  fmaxnm: [0xe9, 0xf5],
  fmin: [0xe8, 0xf4],
  fminnm: [0xe8, 0xf4],
  fcmeq: [0x41, 0x47],
  fcmge: [0x46, 0x4c],
  fcmgt: [0x44, 0x4a],
};

/**
 * FMAX/FMIN/FMAXNM/FMINNM and FCMEQ/FCMGE/FCMGT on vectors of singles (4S, 2S) or doubles (2D):
 * decided when no lane of either operand is a NaN (the NaN rules, and the Invalid Operation the
 * compares raise, are the op's) and FPCR's RMode, FZ and DN are clear (a subnormal flushed would
 * raise IDC); WebAssembly's max and min then are the architecture's, zeros' signs included
 * (max(-0, +0) = +0, min(-0, +0) = -0), and nothing is raised.
 */
function emitFpSelect(e: Emitter, kind: string, q: number, sz: number, d: number, n: number, m: number): void {
  const c = e.c;
  if (sz === 1 && q === 0) throw new Unsupported(`${kind} reserved`);
  e.uses.fp = true;
  const single = sz === 0;
  pushV(e, n);
  c.set(L_VX);
  pushV(e, m);
  c.set(L_VY);
  leaveUnlessNoNaN(e, single, single ? (q ? 15 : 3) : 3, [L_VX, L_VY]);
  c.get(L_VX)
    .get(L_VY)
    .simd((FP_SELECT_OF[kind] as readonly [number, number])[sz] as number)
    .set(L_V128);
  setVFromV128(e, d, q);
}

/** FRINTN, FRINTM, FRINTP, FRINTZ (vector) by SIMD_FP_MISC key: f32x4 and f64x2 nearest, floor, ceil, trunc. */
const FRINT_OF: Record<number, readonly [number, number]> = {
  24: [0x6a, 0x94],
  25: [0x68, 0x75],
  56: [0x67, 0x74],
  57: [0x69, 0x7a],
};

/**
 * FRINTN/FRINTM/FRINTP/FRINTZ on vectors of singles or doubles: WebAssembly's nearest (ties to
 * even), floor, ceil and trunc are the architecture's roundings, signs of zero and infinities
 * included, and these four raise nothing (FRINTX would raise Inexact): decided when no lane is a
 * NaN and FPCR's RMode, FZ and DN are clear (a subnormal flushed would raise IDC).
 */
function emitVectorFrint(
  e: Emitter,
  ops: readonly [number, number],
  q: number,
  sz: number,
  d: number,
  n: number,
): void {
  const c = e.c;
  if (sz === 1 && q === 0) throw new Unsupported('FRINT reserved');
  e.uses.fp = true;
  const single = sz === 0;
  pushV(e, n);
  c.set(L_VX);
  leaveUnlessNoNaN(e, single, single ? (q ? 15 : 3) : 3, [L_VX]);
  c.get(L_VX)
    .simd(ops[sz] as number)
    .set(L_V128);
  setVFromV128(e, d, q);
}

/** i8x16.shuffle of the two v128 on the stack: byte j of the result is byte perm[j] of a ++ b. */
function shuffle(c: Code, perm: readonly number[]): void {
  c.simd(0x0d);
  for (let j = 0; j < 16; j++) c.op(Math.max(0, perm[j] as number));
}

/**
 * UZP/TRN/ZIP and EXT: Vd's bytes from Vn ++ Vm as the ISA's permutation names them (the same
 * table the op uses), one i8x16.shuffle; a 64-bit form's upper half zeroed.
 */
function emitShuffle(e: Emitter, q: number, d: number, n: number, m: number, perm: readonly number[]): void {
  e.c.i32(0);
  e.v128(n);
  e.v128(m);
  shuffle(e.c, perm);
  e.setV128(d, q === 0);
}

/**
 * XTN and SHRN (`shift` > 0): Vn's elements of size 2^(z+1) bytes, shifted right logically, each
 * truncated to its low half, into Vd's low 64 bits (the upper half zeroed) or, for XTN2/SHRN2,
 * into its upper 64 bits (the lower kept).
 */
function emitNarrow(e: Emitter, q: number, z: number, shift: number, d: number, n: number): void {
  const c = e.c;
  const eb = 1 << z;
  const narrow: number[] = [];
  for (let k = 0; k < 8 / eb; k++) for (let j = 0; j < eb; j++) narrow.push(2 * eb * k + j);
  c.i32(0);
  e.v128(n);
  if (shift > 0) c.i32(shift).simd(SIMD_SHR_U[z + 1] as number);
  if (q) {
    e.v128(d);
    shuffle(c, [16, 17, 18, 19, 20, 21, 22, 23, ...narrow]);
  } else {
    c.zeros();
    shuffle(c, [...narrow, 16, 16, 16, 16, 16, 16, 16, 16]);
  }
  e.setV128(d);
}

/** i8x16.narrow_i16x8_s/u and i16x8.narrow_i32x4_s/u (after 0xfd). */
const NARROW_S = [0x65, 0x85];
const NARROW_U = [0x66, 0x86];

/**
 * SQXTN, UQXTN, SQXTUN (halfwords to bytes, words to halfwords): WebAssembly's saturating narrow
 * (UQXTN's unsigned input first clamped to the narrow maximum, as the narrow reads it signed), into
 * Vd's low half (upper zeroed) or, for the "2" forms, its upper half; FPSR.QC when a lane saturated,
 * which is where the result widened back differs from the input.
 */
function emitSaturatingNarrow(e: Emitter, id: string, q: number, z: number, d: number, n: number): void {
  const c = e.c;
  if (z > 1) throw new Unsupported(`${id} of size ${z}`);
  e.uses.fp = true; // FPSR_OR_AT: cleared before the call, ORed into FPSR after it
  e.v128(n);
  c.set(L_VX);
  c.get(L_VX);
  if (id === 'UQXTN_v')
    c.i32(z ? 0xffff : 0xff)
      .simd(z ? 0x11 : 0x10)
      .simd((SIMD_MINMAX.UMIN_v as number[])[z + 1] as number);
  c.set(L_VY);
  c.get(L_VY).get(L_VY);
  c.simd((id === 'SQXTN_v' ? NARROW_S : NARROW_U)[z] as number).set(L_V128);
  // QC: the narrow lanes widened back differ from the input.
  c.get(L_V128).simd((id === 'SQXTN_v' ? EXTEND_LOW_S : EXTEND_LOW_U)[z] as number);
  c.get(L_VX)
    .simd((SIMD_CMP.ne as readonly number[])[z + 1] as number)
    .simd(0x53); // v128.any_true
  c.op(0x04, 0x40);
  raiseQc(c);
  c.op(0x0b);
  c.i32(0);
  if (q) {
    e.v128(d);
    c.get(L_V128);
    shuffle(c, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    e.setV128(d);
  } else {
    c.get(L_V128);
    e.setV128(d, true);
  }
}

/**
 * SADDL/UADDL/SSUBL/USUBL and the wide forms SADDW/UADDW/SSUBW/USUBW: the low (or, "2" forms, high)
 * half's elements of Vm (and of Vn for the long forms) extended to twice their size, then added or
 * subtracted lane by lane.
 */
function emitWidening(e: Emitter, id: string, q: number, z: number, d: number, n: number, m: number): void {
  const c = e.c;
  if (z === 3) throw new Unsupported(`${id} reserved size`);
  const unsigned = id.startsWith('U');
  const extend = (unsigned ? (q ? EXTEND_HIGH_U : EXTEND_LOW_U) : q ? EXTEND_HIGH_S : EXTEND_LOW_S)[z] as number;
  c.i32(0);
  e.v128(n);
  if (id.endsWith('L_v')) c.simd(extend);
  e.v128(m);
  c.simd(extend);
  c.simd((id.includes('ADD') ? SIMD_ADD : SIMD_SUB)[z + 1] as number);
  e.setV128(d);
}

/** i8x16/i16x8/i32x4/i64x2 comparisons (after 0xfd), -1 where WebAssembly has none. */
const SIMD_CMP: Record<string, readonly number[]> = {
  eq: [0x23, 0x2d, 0x37, 0xd6],
  ne: [0x24, 0x2e, 0x38, 0xd7],
  ltS: [0x25, 0x2f, 0x39, 0xd8],
  gtS: [0x27, 0x31, 0x3b, 0xd9],
  gtU: [0x28, 0x32, 0x3c, -1],
  leS: [0x29, 0x33, 0x3d, 0xda],
  geS: [0x2b, 0x35, 0x3f, 0xdb],
  geU: [0x2c, 0x36, 0x40, -1],
};
/** Each compare's WebAssembly comparison (CMTST: Vn AND Vm not zero; the _zv forms: Vn with zero). */
const COMPARE_OF: Record<string, string> = {
  CMEQ_v: 'eq',
  CMTST_v: 'ne',
  CMGT_v: 'gtS',
  CMGE_v: 'geS',
  CMHI_v: 'gtU',
  CMHS_v: 'geU',
  CMEQ_zv: 'eq',
  CMGT_zv: 'gtS',
  CMGE_zv: 'geS',
  CMLE_zv: 'leS',
  CMLT_zv: 'ltS',
};

/** CMEQ, CMTST, CMGT, CMGE, CMHI, CMHS (register; m -1: CMEQ, CMGT, CMGE, CMLE, CMLT with zero). */
function emitCompare(e: Emitter, id: string, q: number, z: number, d: number, n: number, m: number): void {
  const c = e.c;
  const op = (SIMD_CMP[COMPARE_OF[id] as string] as readonly number[])[z] as number;
  if (op < 0) throw new Unsupported(`${id} of size ${z}`);
  const zero = (): void => {
    c.zeros();
  };
  c.i32(0);
  e.v128(n);
  if (m < 0) zero();
  else {
    e.v128(m);
    if (id === 'CMTST_v') {
      c.simd(V128_AND);
      zero();
    }
  }
  c.simd(op);
  e.setV128(d, q === 0);
}

/**
 * ADDP (vector): the sums of adjacent element pairs of Vn ++ Vm (the low halves for a 64-bit
 * form), as the even elements plus the odd ones, each gathered by a shuffle.
 */
function emitAddPairs(e: Emitter, q: number, z: number, d: number, n: number, m: number): void {
  const c = e.c;
  const eb = 1 << z;
  const cnt = (q ? 16 : 8) / eb;
  const pairs = (odd: number): number[] => {
    const perm: number[] = [];
    for (let i = 0; i < cnt; i++) {
      const el = i < cnt / 2 ? 2 * i + odd : 16 / eb + 2 * (i - cnt / 2) + odd;
      for (let j = 0; j < eb; j++) perm.push(el * eb + j);
    }
    while (perm.length < 16) perm.push(0);
    return perm;
  };
  c.i32(0);
  for (const odd of [0, 1]) {
    e.v128(n);
    e.v128(m);
    shuffle(c, pairs(odd));
  }
  c.simd(SIMD_ADD[z] as number);
  e.setV128(d, q === 0);
}

/**
 * TBL/TBX with `regs` table registers (Vn, Vn+1, ... modulo 32): each register's i8x16.swizzle by
 * the indices less 16 times its place (an index below it wraps past 15: zero), ORed; TBX keeps
 * Vd's byte where the index is past the table.
 */
function emitTable(e: Emitter, q: number, regs: number, tbx: boolean, d: number, n: number, m: number): void {
  const c = e.c;
  c.i32(0);
  for (let k = 0; k < regs; k++) {
    e.v128((n + k) % 32);
    e.v128(m);
    if (k > 0)
      c.i32(16 * k)
        .simd(0x0f)
        .simd(0x71); // i8x16.splat, i8x16.sub
    c.simd(0x0e); // i8x16.swizzle
    if (k > 0) c.simd(V128_OR);
  }
  if (tbx) {
    e.v128(d);
    e.v128(m);
    c.i32(16 * regs)
      .simd(0x0f)
      .simd(0x26); // i8x16.lt_u
    c.simd(V128_BITSELECT);
  }
  e.setV128(d, q === 0);
}

/** Widening (by source element size 8, 16, 32): extend_low/high_s/u, extmul_low/high_s/u. */
const EXTEND_LOW_S = [0x87, 0xa7, 0xc7];
const EXTEND_HIGH_S = [0x88, 0xa8, 0xc8];
const EXTEND_LOW_U = [0x89, 0xa9, 0xc9];
const EXTEND_HIGH_U = [0x8a, 0xaa, 0xca];
const EXTMUL_LOW_S = [0x9c, 0xbc, 0xdc];
const EXTMUL_HIGH_S = [0x9d, 0xbd, 0xdd];
const EXTMUL_LOW_U = [0x9e, 0xbe, 0xde];
const EXTMUL_HIGH_U = [0x9f, 0xbf, 0xdf];
/** i8x16/i16x8/i32x4/i64x2 shl, shr_s, shr_u (after the 0xfd prefix). */
const SIMD_SHL = [0x6b, 0x8b, 0xab, 0xcb];
const SIMD_SHR_S = [0x6c, 0x8c, 0xac, 0xcc];
const SIMD_SHR_U = [0x6d, 0x8d, 0xad, 0xcd];

/**
 * SHL, USHR, SSHR, and USRA/SSRA (the shifted value added to Vd) (vector, immediate) as WebAssembly SIMD shifts by a constant: the element size
 * from immh's top bit, SHL by immh:immb - esize, the right shifts by 2*esize - immh:immb, which
 * may be the element size itself (WebAssembly takes the count modulo it: two shifts then, the
 * logical one giving 0, the arithmetic one the sign).
 */
function emitShiftImm(e: Emitter, id: string, q: number, immh: number, immb: number, d: number, n: number): void {
  const c = e.c;
  const z = immhSize(immh);
  if (z < 0 || (z === 3 && q === 0)) throw new Unsupported(`${id} reserved immh`);
  const esize = 8 << z;
  const field = (immh << 3) | immb;
  const left = id === 'SHL_imm_v';
  const amount = left ? field - esize : 2 * esize - field;
  const unsigned = id === 'USHR_imm_v' || id === 'USRA_imm_v';
  const op = (left ? SIMD_SHL : unsigned ? SIMD_SHR_U : SIMD_SHR_S)[z] as number;
  const accumulate = id.endsWith('SRA_imm_v');
  c.i32(0);
  if (accumulate) e.v128(d);
  e.v128(n);
  if (amount === esize)
    c.i32(esize - 1)
      .op(0xfd)
      .uleb(op)
      .i32(1)
      .op(0xfd)
      .uleb(op);
  else c.i32(amount).op(0xfd).uleb(op);
  if (accumulate) c.simd(SIMD_ADD[z] as number);
  e.setV128(d, q === 0);
}

/**
 * USHL, SSHL (vector, register): each element of Vn shifted by the signed low byte of Vm's
 * element, left when positive, right (logical, arithmetic) when negative; 0 (or the sign) once
 * the count reaches the element size. WebAssembly SIMD shifts all lanes by one count, so lane by
 * lane in i64 from and to the register file.
 */
function emitShiftReg(e: Emitter, signed: boolean, q: number, z: number, d: number, n: number, m: number): void {
  const c = e.c;
  if (z === 3 && q === 0) throw new Unsupported('SSHL/USHL reserved size');
  const esize = 8 << z;
  const lanes = (q ? 128 : 64) / esize;
  const [x, t] = [L_X, L_X + 1];
  e.vWhole(n);
  e.vWhole(m);
  e.vWholeWrite(d);
  const load = signed ? ELEMENT_LOAD_S : ELEMENT_LOAD_U;
  for (let k = 0; k < lanes; k++) {
    const at = k * (esize / 8);
    c.i32(0);
    c.i32(0)
      .op(load[z] as number, z)
      .uleb(V_AT + 16 * n + at)
      .set(x);
    c.i32(0)
      .op(0x30, 0)
      .uleb(V_AT + 16 * m + at)
      .set(t); // i64.load8_s: the count
    // Left: t <u esize ? x << t : 0 (a negative t is huge unsigned).
    c.get(x).get(t).op(I64OP.shl).i64(0).get(t).i64(esize).op(I64.ltU, 0x1b);
    // Right: -t <u esize ? x >> -t : (signed ? x >> 63 : 0).
    c.get(x)
      .i64(0)
      .get(t)
      .op(I64OP.sub, signed ? I64OP.shrS : I64OP.shrU);
    if (signed) c.get(x).i64(63).op(I64OP.shrS);
    else c.i64(0);
    c.i64(0).get(t).op(I64OP.sub).i64(esize).op(I64.ltU, 0x1b);
    c.get(t).i64(0).op(I64.geS, 0x1b);
    c.op(STORE_OP[z] as number, z).uleb(V_AT + 16 * d + at);
  }
  if (q === 0) e.setV64(d, 1, () => c.i64(0));
}

/** MOVI, MVNI, ORR and BIC (vector, immediate): the immediate made when the region is. */
function emitModImm(e: Emitter, d: Decoded): void {
  const c = e.c;
  const { q, d: r, lo, hi, logic, bic } = modImm(d.fields);
  const k = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const lane = (h: number) => (): void => {
    if (h === 1 && q === 0) c.i64(0);
    else if (!logic) c.i64(k);
    else {
      e.v64(r, h);
      c.i64(bic ? ~k : k).op(bic ? I64OP.and : I64OP.or);
    }
  };
  e.setVPair(r, lane(0), lane(1));
}

const F64 = {
  abs: 0x99,
  neg: 0x9a,
  add: 0xa0,
  sub: 0xa1,
  mul: 0xa2,
  div: 0xa3,
  sqrt: 0x9f,
  eq: 0x61,
  ne: 0x62,
  lt: 0x63,
  gt: 0x64,
  le: 0x65,
  ge: 0x66,
  load: 0x2b,
  store: 0x39,
  bits: 0xbd,
  trunc: 0x9d,
  ceil: 0x9b,
  floor: 0x9c,
  nearest: 0x9e,
  min: 0xa4,
  max: 0xa5,
} as const;
const F64_COPYSIGN = 0xa6;
/** f64.reinterpret_i64 (F64.bits is the other way). */
const F64_FROM_BITS = 0xbf;
/** The bounds of fpu.ts's fused multiply-add fast path (fmaCore). */
const MIN64 = 2 ** -1022;
const MAX64 = Number.MAX_VALUE;
const LIM_HI = 2 ** 995;
const LIM_LO = 2 ** -900;
const SPLIT = 134217729;

/**
 * FMLA/FMLS (vector or by element) on the two doubles of V registers: Vd += (-)Vn * Vm, lane by
 * lane, each decided here by fpu.ts's fast path (fmaLane) when FPCR rounds to nearest or the
 * result is exact; otherwise the region leaves before the instruction and its op computes it.
 * Both lanes are computed before Vd is written (it may be Vn or Vm); an inexact lane raises IXC.
 * With the host's fused multiply-add (host-fma.ts), once FPSR.IXC is set: its two lanes, kept when
 * both are normal (quickIf).
 */
function emitFmla(e: Emitter, d: number, n: number, m: number, idx: number, neg: boolean): void {
  const c = e.c;
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('FMLA outside a block');
  const fused = (): void => {
    pushV(e, n);
    if (neg) c.simd(F64X2_NEG);
    if (idx >= 0) {
      e.vf(m, idx);
      c.simd(F64X2_SPLAT);
    } else pushV(e, m);
    pushV(e, d);
    fusedLanes(c, false, 3);
  };
  finishLanes(
    e,
    d,
    (lane) => {
      e.vf(d, lane);
      e.vf(n, lane);
      if (neg) c.op(F64.neg);
      e.vf(m, idx >= 0 ? idx : lane);
      c.op(0x10, FMA_FN);
    },
    hostFusedMadd() ? fused : undefined,
  );
}

/**
 * The two double lanes of a vector FP instruction: `lane` pushes lane k's (r, err, decided); the
 * results are kept until both are decided, then finished as one (finishFp). `quick`, when given,
 * leaves both lanes as the host computes them in L_V128 and pushes whether both are decided (under
 * quickIf's conditions: fusedLanes).
 */
function finishLanes(e: Emitter, d: number, lane: (k: number) => void, quick?: () => void): void {
  const c = e.c;
  e.uses.fp = true;
  if (quick) {
    quickIf(c);
    quick();
    c.set(L_T);
    c.op(0x05);
    c.i32(0).set(L_T);
    c.op(0x0b);
    c.get(L_T).op(0x04, 0x40);
    setVFromV128(e, d, 1);
    c.op(0x05);
  }
  c.i32(1).set(L_OK);
  for (let k = 0; k < 2; k++) {
    lane(k);
    c.get(L_OK)
      .op(I32OP.and)
      .set(L_OK)
      .set(L_DR + 2 * k + 1)
      .set(L_DR + 2 * k);
  }
  finishFp(e, d, 2, false, quick ? 2 : 1);
  if (quick) c.op(0x0b);
}

/**
 * Opens an `if` taken when FPCR rounds to nearest with FZ and DN clear and FPSR.IXC is set (at
 * entry, or by an earlier instruction of this call): the host's operation is then the
 * architecture's result whenever that is a normal finite number, and its only exception, Inexact,
 * is already raised (emitQuickOr).
 */
function quickIf(c: Code): void {
  pushQuick(c);
  c.op(0x04, 0x40);
}

/** Pushes quickIf's condition (1 or 0). */
function pushQuick(c: Code): void {
  c.get(L_RN).i32(1).op(I32OP.shrU).get(L_IXC).op(I32OP.and);
}

/** Pushes 1 when FPCR's RMode, FZ and DN are all clear (fpModeWord's bit 1), else 0. */
function pushModeClear(c: Code): void {
  c.get(L_RN).i32(1).op(I32OP.shrU).i32(1).op(I32OP.and);
}

/** With "decided" (i32) on the stack: leaves the region for the instruction's op unless it is 1. */
function leaveUnless(e: Emitter): void {
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('outside a block');
  e.c.op(I32.eqz, 0x04, 0x40);
  leave(1);
  e.c.op(0x0b);
}

/**
 * Leaves for the op unless no lane `mask` selects of the v128 locals `regs` is a NaN (singles or
 * doubles) and FPCR's RMode, FZ and DN are clear.
 */
function leaveUnlessNoNaN(e: Emitter, single: boolean, mask: number, regs: readonly number[]): void {
  const c = e.c;
  const eq = single ? F32X4_EQ : F64X2_EQ;
  regs.forEach((r, k) => {
    c.get(r).get(r).simd(eq);
    if (k > 0) c.simd(V128_AND);
  });
  everyLane(c, single, mask);
  pushModeClear(c);
  c.op(I32OP.and);
  leaveUnless(e);
}

/** V[d] from L_V128: both 64-bit lanes, or (q 0) the low one and the upper half zeroed. */
function setVFromV128(e: Emitter, d: number, q: number): void {
  if (e.vcache.has(d)) {
    for (let h = 0; h < 2; h++)
      e.setV64(d, h, () => (h === 1 && q === 0 ? e.c.i64(0) : e.c.get(L_V128).simd(I64X2_EXTRACT, h)));
    return;
  }
  // One 16-byte store (setVScalar says why), and the register stays one that locals may hold.
  e.uses.vwritten.add(d);
  e.c.i32(0).get(L_V128);
  if (q === 0) e.c.i64(0).simd(0x1e, 1); // i64x2.replace_lane 1
  e.c.op(0xfd, 0x0b, 4).uleb(V_AT + 16 * d);
}

/** Raises FPSR.QC (through FPSR_OR_AT, which the wrapper ORs into FPSR: the region uses fp). */
function raiseQc(c: Code): void {
  c.i32(0).i32(0).op(0x28, 2).uleb(FPSR_OR_AT).i32(QC).op(I32OP.or).op(0x36, 2).uleb(FPSR_OR_AT);
}

/** Pushes lo < |v| < hi for the f64 local v: a normal result (of a double, or of a single as a double). */
function normalResult(c: Code, v: number, lo: number, hi: number): void {
  c.get(v).op(F64.abs).f64(lo).op(F64.gt);
  c.get(v).op(F64.abs).f64(hi).op(F64.lt, I32OP.and);
}

/** Pushes, lane by lane (all ones or zeros), whether the lanes of L_V128 are normal numbers. */
function normalLanes(c: Code, single: boolean): void {
  const [abs, gt, lt] = single ? [F32X4_ABS, F32X4_GT, F32X4_LT] : [F64X2_ABS, F64X2_GT, F64X2_LT];
  c.get(L_V128).simd(abs);
  splatOf(c, single, single ? MIN32 : MIN64);
  c.simd(gt);
  c.get(L_V128).simd(abs);
  splatOf(c, single, single ? MAX32 : MAX64);
  c.simd(lt).simd(V128_AND);
}

/** Pushes v in every lane (singles or doubles). */
function splatOf(c: Code, single: boolean, v: number): void {
  c.f64(v);
  if (single) c.op(F32_DEMOTE);
  c.simd(single ? F32X4_SPLAT : F64X2_SPLAT);
}

/** With lane masks on the stack: pushes whether the lanes `mask` selects are all set. */
function everyLane(c: Code, single: boolean, mask: number): void {
  c.simd(single ? I32X4_BITMASK : I64X2_BITMASK);
  c.i32(mask).op(I32OP.and).i32(mask).op(I32.eq);
}

/**
 * With the v128 operands x, y, z on the stack: x*y + z by the host's fused multiply-add into
 * L_V128 (the operands kept in L_VX, L_VY, L_VZ), and pushes whether every lane `mask` selects is
 * decided once IXC is set (quickIf): a normal result, or z zero and a zero factor times a finite
 * one, whose ±0 (IEEE's sign rule, the architecture's) is exact and raises nothing, or a zero result
 * of factors of at least 2^-450 (singles 2^-50) and a normal z: every term is then a multiple of
 * the smallest subnormal, so the exact sum is too and a zero result is exact (+0 to nearest), never
 * an underflow. A zero in the data (a sparse row, an accumulator that starts at 0.0, re*re - im*im
 * of equal parts) would otherwise leave the region every time.
 */
function fusedLanes(c: Code, single: boolean, mask: number): void {
  const [eq, le, abs, and, or] = single
    ? [F32X4_EQ, F32X4_LE, F32X4_ABS, V128_AND, V128_OR]
    : [F64X2_EQ, F64X2_LE, F64X2_ABS, V128_AND, V128_OR];
  const max = single ? MAX32 : MAX64;
  c.set(L_VZ).set(L_VY).set(L_VX);
  c.get(L_VX).get(L_VY).get(L_VZ);
  c.simd(single ? F32X4_RELAXED_MADD : F64X2_RELAXED_MADD).set(L_V128);
  // Every lane normal decides it at once; the rules for zeros only when one is not (fusedDecided).
  normalLanes(c, single);
  everyLane(c, single, mask);
  c.op(0x04, 0x7f).i32(1).op(0x05);
  normalLanes(c, single);
  for (const [zero, finite] of [
    [L_VX, L_VY],
    [L_VY, L_VX],
  ] as const) {
    c.get(zero);
    splatOf(c, single, 0);
    c.simd(eq).get(finite).simd(abs);
    splatOf(c, single, max);
    c.simd(le).simd(and);
  }
  c.simd(or).get(L_VZ);
  splatOf(c, single, 0);
  c.simd(eq).simd(and).simd(or);
  // An exact cancellation (re*re - im*im of equal parts): +0, exact, decided (cancelledZero).
  const [ge, lo] = single ? [F32X4_GE, 2 ** -50] : [F64X2_GE, 2 ** -450];
  c.get(L_V128);
  splatOf(c, single, 0);
  c.simd(eq);
  for (const v of [L_VX, L_VY]) {
    c.get(v).simd(abs);
    splatOf(c, single, lo);
    c.simd(ge).simd(and).get(v).simd(abs);
    splatOf(c, single, max);
    c.simd(le).simd(and);
  }
  c.get(L_VZ).simd(abs);
  splatOf(c, single, single ? MIN32 : MIN64);
  c.simd(ge).simd(and).get(L_VZ).simd(abs);
  splatOf(c, single, max);
  c.simd(le).simd(and).simd(or);
  everyLane(c, single, mask);
  c.op(0x0b);
}

/**
 * Pushes whether a fused x*y + z of the f64 locals x, y, z (singles as doubles) with the result in
 * r is decided once IXC is set: r normal (within `lo`, `hi`), or fusedLanes' rule for zeros.
 */
function fusedDecided(c: Code, r: number, x: number, y: number, z: number, lo: number, hi: number): void {
  normalResult(c, r, lo, hi);
  // A normal result, by far the usual case, decides it: the rules for zeros are tried only when it
  // is not (computed together, they were a third of a scalar FMADD loop's time: ddot 0.70 s
  // against 0.45 s without them).
  c.op(0x04, 0x7f).i32(1).op(0x05);
  for (const [zero, finite] of [
    [x, y],
    [y, x],
  ] as const)
    c.get(zero).f64(0).op(F64.eq).get(finite).op(F64.abs).f64(hi).op(F64.le, I32OP.and);
  c.op(I32OP.or).get(z).f64(0).op(F64.eq, I32OP.and);
  // fusedLanes' exact cancellation: r zero, x and y not tiny (singles: as doubles, 2^-50), z normal.
  c.get(r).f64(0).op(F64.eq);
  for (const v of [x, y]) within(c, v, lo === MIN32 ? 2 ** -50 : 2 ** -450, hi, true);
  within(c, z, lo, hi, true);
  c.op(I32OP.and, I32OP.and, I32OP.and, I32OP.or);
  c.op(0x0b);
}

/** Pushes V[r] as a v128 from its two 64-bit lanes (so that it may stay in locals: Emitter.vcache). */
function pushV(e: Emitter, r: number): void {
  e.v64(r, 0);
  e.c.simd(I64X2_SPLAT);
  e.v64(r, 1);
  e.c.simd(I64X2_REPLACE, 1);
}

/** SIMD opcodes (after 0xfd) of the fused paths, beside F32X4_* below. */
const I64X2_SPLAT = 0x12;
const F64X2_SPLAT = 0x14;
const I64X2_EXTRACT = 0x1d;
const I64X2_REPLACE = 0x1e;
const F32X4_EXTRACT = 0x1f;
const F32X4_REPLACE = 0x20;
const F64X2_EXTRACT = 0x21;
const F64X2_EQ = 0x47;
const F64X2_LT = 0x49;
const F64X2_GT = 0x4a;
const F64X2_LE = 0x4b;
const F64X2_GE = 0x4c;
const F32X4_EQ = 0x41;
const F32X4_LE = 0x45;
const F32X4_GE = 0x46;
const I64X2_BITMASK = 0xc4;
const F32X4_NEG = 0xe1;
const F64X2_ABS = 0xec;
const F64X2_ADD = 0xf0;
const F64X2_SUB = 0xf1;
const F64X2_MUL = 0xf2;
const F64X2_DIV = 0xf3;
const F64X2_PROMOTE_LOW = 0x5f;
const F32X4_DEMOTE_ZERO = 0x5e;
const F64X2_NEG = 0xed;

/**
 * With "inexact" (i32) on the stack, kept in L_T: leaves the region for the instruction's op
 * (`depth`: the blocks around this code within the instruction, the leave's own included) unless
 * every lane was decided (L_OK) and, when inexact, FPCR rounds to nearest.
 */
function leaveUnlessDecided(e: Emitter, depth: number): void {
  const c = e.c;
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('FP outside a block');
  c.tee(L_T);
  c.op(I32.eqz).get(L_RN).op(I32OP.or).get(L_OK).op(I32OP.and).i32(1).op(I32OP.and);
  c.op(I32.eqz, 0x04, 0x40);
  leave(depth);
  c.op(0x0b);
}

/** The element imm5 names in V[r] (copy.ts's rule): its size index and its place in the register file. */
function element(id: string, field: number, r: number): { z: number; at: number } {
  const [z, i] = imm5(field);
  if (z < 0) throw new Unsupported(`${id} reserved imm5`);
  return { z, at: V_AT + 16 * r + i * (1 << z) };
}

/**
 * After the lanes of an FP instruction were computed (results and errors at L_DR.., decided in
 * L_OK): leaves for the op unless every lane was decided and, when one is inexact, FPCR rounds to
 * nearest; else writes the lanes to Vd (a scalar zeroes the rest) and raises IXC if inexact.
 */
function finishFp(e: Emitter, d: number, lanes: number, single = false, depth = 1): void {
  const c = e.c;
  c.get(L_DR + 1)
    .f64(0)
    .op(F64.ne);
  if (lanes === 2)
    c.get(L_DR + 3)
      .f64(0)
      .op(F64.ne, I32OP.or);
  leaveUnlessDecided(e, depth);
  if (single) setVSingle(e, d, () => c.get(L_DR));
  else if (lanes === 2)
    e.setVPair(
      d,
      () => c.get(L_DR),
      () => c.get(L_DR + 2),
      true,
    );
  else e.setVScalar(d, () => c.get(L_DR), true);
  c.get(L_IXC).get(L_T).op(I32OP.or).set(L_IXC);
}

const F32_DEMOTE = 0xb6;
const F64_PROMOTE = 0xbb;
const I32_FROM_F32 = 0xbc;
const F32_FROM_I32 = 0xbe;
/** The smallest normal single, and the largest finite one. */
const MIN32 = 2 ** -126;
const MAX32 = (2 - 2 ** -23) * 2 ** 127;

/** Pushes the single in lane 0 of V[r], as the double of the same value. */
function vs(e: Emitter, r: number): void {
  f32Of(e, r);
  e.c.op(F64_PROMOTE);
}

/** V[r] = the single of the double `push` pushes (rounded to it), the rest of V[r] zeroed. */
function setVSingle(e: Emitter, r: number, push: () => void): void {
  setVSingleOf(e, r, () => {
    push();
    e.c.op(F32_DEMOTE);
  });
}

/**
 * FADD, FSUB, FMUL, FDIV, FNMUL (single). The operands are exact as doubles, and rounding the
 * double result to single gives the single result (double rounding is harmless for these four
 * operations: 53 >= 2 * 24 + 2). Once FPSR.IXC is set (and FPCR's RMode, FZ, DN clear) only the
 * result is tested, as for doubles and as the JavaScript snippet does; else both operands within
 * [2^-100, 2^100] and the result within (2^-125, 2^127), and it is exact when: the product is the
 * single (it is exact as a double), the single times the divisor is the dividend (exactly, as
 * doubles), or the double sum is exact (TwoSum) and is the single.
 */
function emitSingleBinary(e: Emitter, op: FpBinary, d: number, n: number, m: number): void {
  const c = e.c;
  e.uses.fp = true;
  // Once IXC is set under round to nearest (FZ, DN clear): WebAssembly's single-precision op is
  // the architecture's whenever its result is normal, and raises nothing new. In singles
  // throughout, a chain of FADDs (a float reduction) no longer converts to double and back at
  // every step.
  c.i32(0).set(L_T);
  quickIf(c);
  f32Of(e, n);
  f32Of(e, m);
  c.op(F32_OP[op]);
  if (op === 'fnmul') c.op(F32_NEG);
  c.tee(L_S32).op(F32_ABS).f32(MIN32).op(F32_GT);
  c.get(L_S32).op(F32_ABS).f32(MAX32).op(F32_LT, I32OP.and).set(L_T);
  c.op(0x0b);
  c.get(L_T).op(0x04, 0x40);
  setVSingleOf(e, d, () => c.get(L_S32));
  c.op(0x05);
  singleLane(e, op, () => {
    vs(e, n);
    vs(e, m);
  });
  c.get(INLINE_FP.f(2)).set(L_DR);
  c.get(INLINE_FP.f(3)).set(L_DR + 1);
  c.get(INLINE_FP.ok).set(L_OK);
  if (op === 'fnmul') c.get(L_DR).op(F64.neg).set(L_DR);
  finishFp(e, d, 1, true, 2);
  c.op(0x0b);
}

/** WebAssembly's f32 add, sub, mul, div (FNMUL: mul, then negated). */
const F32_OP: Record<FpBinary, number> = { fadd: 0x92, fsub: 0x93, fmul: 0x94, fdiv: 0x95, fnmul: 0x94 };
const F32_ABS = 0x8b;
const F32_NEG = 0x8c;
const F32_LT = 0x5d;
const F32_GT = 0x5e;

/**
 * Pushes the single in lane 0 of V[r] as an f32: from locals without leaving the vector registers
 * (f64 to i64 to f32 crossed between register files twice, a latency a chain of FADDs paid at
 * every step), or with f32.load.
 */
function f32Of(e: Emitter, r: number): void {
  e.uses.vread.add(r);
  const k = e.vcache.get(r);
  if (k !== undefined) e.c.get(k).simd(F64X2_SPLAT).simd(F32X4_EXTRACT, 0);
  else
    e.c
      .i32(0)
      .op(0x2a, 2)
      .uleb(V_AT + 16 * r); // f32.load
}

/**
 * V[r] = the f32 `push` pushes, the rest of V[r] zeroed: in locals, the single's bits as the low
 * half of the lane's double (f32Of's way back); else one 16-byte store (setVScalar says why).
 */
function setVSingleOf(e: Emitter, r: number, push: () => void): void {
  const c = e.c;
  e.uses.vwritten.add(r);
  const k = e.vcache.get(r);
  if (k === undefined) c.i32(0);
  c.zeros();
  push();
  c.simd(F32X4_REPLACE, 0);
  if (k === undefined) {
    c.op(0xfd, 0x0b, 4).uleb(V_AT + 16 * r); // v128.store
    return;
  }
  c.simd(F64X2_EXTRACT, 0).set(k);
  e.setV64(r, 1, () => c.i64(0));
}

/**
 * One single-precision lane of emitSingleBinary: `operands` pushes x and y as doubles; the result
 * (as a double), 1 when inexact, and `decided` are left in INLINE_FP's locals 2, 3 and `ok`.
 */
function singleLane(e: Emitter, op: FpBinary, operands: () => void): void {
  const c = e.c;
  const f = INLINE_FP.f;
  const [x, y, r, err, wide, bb] = [f(0), f(1), f(2), f(3), f(4), f(5)];
  const ok = INLINE_FP.ok;
  const host = op === 'fdiv' ? F64.div : op === 'fadd' || op === 'fsub' ? F64.add : F64.mul;
  operands();
  if (op === 'fsub') c.op(F64.neg);
  c.set(y).set(x);
  c.i32(0).set(ok);
  quickIf(c);
  c.get(x).get(y).op(host, F32_DEMOTE, F64_PROMOTE).set(r);
  c.f64(1).set(err);
  normalResult(c, r, MIN32, MAX32);
  c.set(ok);
  c.op(0x0b);
  c.get(ok).op(I32.eqz, 0x04, 0x40);
  zeroRule(c, host, x, y, MIN32, MAX32);
  c.op(0x04, 0x40);
  c.get(x).get(y).op(host).set(r);
  c.f64(0).set(err);
  c.i32(1).set(ok);
  c.op(0x05);
  within(c, x, 2 ** -100, 2 ** 100, true);
  within(c, y, 2 ** -100, 2 ** 100, true);
  c.op(I32OP.and).tee(ok).op(0x04, 0x40);
  c.get(x).get(y).op(host).set(wide);
  c.get(wide).op(F32_DEMOTE, F64_PROMOTE).set(r);
  within(c, wide, 2 ** -125, 2 ** 127);
  c.set(ok);
  if (op === 'fdiv') c.get(r).get(y).op(F64.mul).get(x).op(F64.ne);
  else c.get(r).get(wide).op(F64.ne);
  if (op === 'fadd' || op === 'fsub') {
    c.get(wide).get(x).op(F64.sub).set(bb);
    twoSumErr(c, x, wide, y, bb, err);
    c.get(err).f64(0).op(F64.ne, I32OP.or);
  }
  c.op(0xb8).set(err); // f64.convert_i32_u: 1 when inexact
  c.op(0x0b, 0x0b, 0x0b);
}

/**
 * FMADD, FMSUB, FNMADD, FNMSUB (single): the product of two singles is exact as a double, so the
 * fused result is the single nearest z + x*y, which a double sum s (TwoSum error e) gives: rounding
 * s to single is exact-then-rounded when e is 0, and when it is not, s lies on the same side of
 * every single midpoint as the exact sum unless s is itself a midpoint (left to the op). Decided
 * for x, y within [2^-60, 2^60], z zero or within [2^-120, 2^120], s within (2^-125, 2^127);
 * inexact when e is not 0 or the single differs from s.
 */
function emitFusedSingle(e: Emitter, d: number, n: number, m: number, a: number, negN: boolean, negA: boolean): void {
  const c = e.c;
  e.uses.fp = true;
  const lane = (): void =>
    fusedSingleLane(
      e,
      () => {
        vs(e, a);
        if (negA) c.op(F64.neg);
      },
      () => {
        vs(e, n);
        if (negN) c.op(F64.neg);
      },
      () => vs(e, m),
    );
  if (hostFusedMadd()) {
    // The host's fused single once IXC is set, kept when normal; else (or not tried) the lane.
    const f = INLINE_FP.f;
    const [x, y, z, r, inexact] = [f(1), f(2), f(0), f(7), f(8)];
    quickIf(c);
    for (const [v, neg, to] of [
      [n, negN, x],
      [m, false, y],
      [a, negA, z],
    ] as const) {
      vs(e, v);
      if (neg) c.op(F64.neg);
      c.tee(to).op(F32_DEMOTE).simd(F32X4_SPLAT);
    }
    c.simd(F32X4_RELAXED_MADD).simd(F32X4_EXTRACT, 0).op(F64_PROMOTE).set(r);
    c.f64(1).set(inexact);
    fusedDecided(c, r, x, y, z, MIN32, MAX32);
    c.set(INLINE_FP.ok);
    c.op(0x05);
    c.i32(0).set(INLINE_FP.ok);
    c.op(0x0b);
    c.get(INLINE_FP.ok).op(I32.eqz, 0x04, 0x40);
    lane();
    c.op(0x0b);
  } else lane();
  c.get(INLINE_FP.f(7)).set(L_DR);
  c.get(INLINE_FP.f(8)).set(L_DR + 1);
  c.get(INLINE_FP.ok).set(L_OK);
  finishFp(e, d, 1, true);
}

/**
 * One lane of emitFusedSingle: z, x, y pushed (as doubles) by the three functions; the single
 * result (as a double), 1 when inexact, and `decided` left in INLINE_FP's locals 7, 8 and `ok`.
 */
function fusedSingleLane(e: Emitter, pushZ: () => void, pushX: () => void, pushY: () => void): void {
  const c = e.c;
  const f = INLINE_FP.f;
  const [z, x, y, p, s, bb, err, r, inexact] = [f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), f(8)];
  const ok = INLINE_FP.ok;
  pushZ();
  c.set(z);
  pushX();
  c.set(x);
  pushY();
  c.set(y);
  within(c, x, 2 ** -60, 2 ** 60, true);
  within(c, y, 2 ** -60, 2 ** 60, true);
  c.op(I32OP.and);
  within(c, z, 2 ** -120, 2 ** 120, true);
  c.get(z).f64(0).op(F64.eq, I32OP.or, I32OP.and).tee(ok).op(0x04, 0x40);
  c.get(x).get(y).op(F64.mul).set(p);
  c.get(z).get(p).op(F64.add).set(s);
  c.get(s).get(z).op(F64.sub).set(bb);
  twoSumErr(c, z, s, p, bb, err);
  c.get(s).op(F32_DEMOTE, F64_PROMOTE).set(r);
  // Decided: s normal as a single, and not a midpoint between two singles when inexact.
  within(c, s, 2 ** -125, 2 ** 127);
  c.get(err).f64(0).op(F64.ne);
  c.get(s).op(F64.bits).i64(0x1fffffff).op(I64OP.and).i64(0x10000000).op(I64.eq, I32OP.and);
  c.op(I32.eqz, I32OP.and).set(ok);
  c.get(err).f64(0).op(F64.ne);
  c.get(r).get(s).op(F64.ne, I32OP.or);
  c.op(0xb8).set(inexact);
  c.op(0x05);
  zeroFactor(c, x, y, z, MIN32, MAX32);
  c.tee(ok).op(0x04, 0x40);
  c.get(z).set(r).f64(0).set(inexact);
  c.op(0x0b, 0x0b);
}

/** f32x4 add, sub, mul, div, abs, lt, gt and i32x4.bitmask (after the 0xfd prefix). */
const F32X4: Partial<Record<FpBinary, number>> = { fadd: 0xe4, fsub: 0xe5, fmul: 0xe6, fdiv: 0xe7 };
const F32X4_ABS = 0xe0;
const F32X4_LT = 0x43;
const F32X4_GT = 0x44;
const F32X4_SPLAT = 0x13;
const I32X4_BITMASK = 0xa4;

/**
 * FADD, FSUB, FMUL, FDIV (vector, 4S and 2S). Once FPSR.IXC is set (FPCR's RMode, FZ, DN clear),
 * WebAssembly's f32x4 operation, kept when every lane's result is a normal finite number (its
 * only exception, Inexact, already raised); else lane by lane as the scalar single (singleLane),
 * written when every lane is decided.
 */
function emitSingleVector(e: Emitter, op: FpBinary, q: number, d: number, n: number, m: number): void {
  const c = e.c;
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('FP outside a block');
  const vop = F32X4[op];
  if (vop === undefined) throw new Unsupported(`${op} (vector, single)`);
  e.uses.fp = true;
  const lanes = q ? 4 : 2;
  const mask = q ? 15 : 3;
  quickIf(c);
  e.v128(n);
  e.v128(m);
  c.simd(vop).set(L_V128);
  normalLanes(c, true);
  everyLane(c, true, mask);
  c.set(L_T);
  c.op(0x05);
  c.i32(0).set(L_T);
  c.op(0x0b);
  if (op === 'fadd' || op === 'fsub' || op === 'fmul') {
    // Else, FPCR's RMode, FZ and DN clear: every lane exact (exactSingleLanes).
    c.get(L_T).op(I32.eqz);
    pushModeClear(c);
    c.op(I32OP.and, 0x04, 0x40);
    e.v128(n);
    e.v128(m);
    exactSingleLanes(c, mask, op);
    c.set(L_T);
    c.op(0x0b);
  }
  // Every lane normal, or exact: that result; else lane by lane (a zero, a lane left to the op).
  c.get(L_T).op(0x04, 0x40);
  c.i32(0).get(L_V128);
  e.setV128(d, q === 0);
  c.op(0x05);
  singleLanes(e, d, lanes, 2, (k) => {
    singleLane(e, op, () => {
      singleOfLane(e, n, k);
      singleOfLane(e, m, k);
    });
    return [INLINE_FP.f(2), INLINE_FP.f(3)];
  });
  if (q === 0) e.setV64(d, 1, () => c.i64(0));
  c.op(0x0b);
}

/** Pushes single lane k of V[r] as the double of the same value. */
function singleOfLane(e: Emitter, r: number, k: number): void {
  e.v64(r, k >> 1);
  if (k & 1) e.c.i64(32).op(I64OP.shrU);
  e.c.op(WRAP, F32_FROM_I32, F64_PROMOTE);
}

/**
 * The lanes of a single-precision vector result, each computed by `lane` (which returns the locals
 * of its result and of its 1-when-inexact, `decided` in INLINE_FP.ok): kept until every lane is
 * decided, then written; otherwise (or inexact under another rounding mode) the region leaves for
 * the op (`depth`: the blocks around this code within the instruction, the leave's own included).
 */
function singleLanes(e: Emitter, d: number, lanes: number, depth: number, lane: (k: number) => [number, number]): void {
  const c = e.c;
  c.i32(1).set(L_OK);
  c.f64(0).set(L_DR + 1);
  for (let k = 0; k < lanes; k++) {
    const [r, inexact] = lane(k);
    c.get(r).set(L_LANES + k);
    c.get(L_OK).get(INLINE_FP.ok).op(I32OP.and).set(L_OK);
    c.get(L_DR + 1)
      .get(inexact)
      .op(F64.add)
      .set(L_DR + 1);
  }
  c.get(L_DR + 1)
    .f64(0)
    .op(F64.ne);
  leaveUnlessDecided(e, depth);
  const bits = (k: number): void => {
    c.get(L_LANES + k).op(F32_DEMOTE, I32_FROM_F32, EXTEND_U);
  };
  const half = (h: number) => (): void => {
    bits(2 * h);
    bits(2 * h + 1);
    c.i64(32).op(I64OP.shl, I64OP.or);
  };
  if (lanes === 4) e.setVPair(d, half(0), half(1));
  else e.setV64(d, 0, half(0));
  c.get(L_IXC).get(L_T).op(I32OP.or).set(L_IXC);
}

/**
 * FMLA, FMLS on single-precision vectors (4S, 2S; by element too): each lane as the scalar fused
 * single (fusedSingleLane), written when all are decided.
 */
function emitSingleVectorFma(e: Emitter, q: number, d: number, n: number, m: number, idx: number, neg: boolean): void {
  const c = e.c;
  e.uses.fp = true;
  const lanes = q ? 4 : 2;
  const mask = q ? 15 : 3;
  const operands = (): void => {
    pushV(e, n);
    if (neg) c.simd(F32X4_NEG);
    if (idx >= 0) {
      e.v64(m, idx >> 1);
      if (idx & 1) c.i64(32).op(I64OP.shrU);
      c.op(WRAP, F32_FROM_I32).simd(F32X4_SPLAT);
    } else pushV(e, m);
    pushV(e, d);
  };
  c.i32(0).set(L_T);
  if (hostFusedMadd()) {
    // The host's fused lanes once IXC is set, kept when all are decided (fusedLanes).
    quickIf(c);
    operands();
    fusedLanes(c, true, mask);
    c.set(L_T);
    c.op(0x0b);
  }
  // Else, FPCR's RMode, FZ and DN clear: every lane exact (exactSingleLanes), the data of a matrix
  // of small fractions or integers in floats, whose products and sums never round.
  c.get(L_T).op(I32.eqz);
  pushModeClear(c);
  c.op(I32OP.and, 0x04, 0x40);
  operands();
  exactSingleLanes(c, mask, 'fma');
  c.set(L_T);
  c.op(0x0b);
  c.get(L_T).op(0x04, 0x40);
  setVFromV128(e, d, q);
  c.op(0x05);
  singleLanes(e, d, lanes, 2, (k) => {
    fusedSingleLane(
      e,
      () => singleOfLane(e, d, k),
      () => {
        singleOfLane(e, n, k);
        if (neg) c.op(F64.neg);
      },
      () => singleOfLane(e, m, idx >= 0 ? idx : k),
    );
    return [INLINE_FP.f(7), INLINE_FP.f(8)];
  });
  if (q === 0) e.setV64(d, 1, () => c.i64(0));
  c.op(0x0b);
}

/**
 * With the f32x4 operands on the stack (x, y, z for `fma`: z + x*y; x, y for the others): the
 * result lane by lane in doubles, two lanes at a time. The product of two singles is exact as a
 * double, and TwoSum's error of a double sum of singles (and of such a product) is exact (no
 * double overflows from singles), so a lane is exact when that error is zero (a product has none)
 * and the double is a single (an infinite operand makes the error NaN; an overflow is no single).
 * Leaves the singles in L_V128 and pushes whether every lane `mask` selects is exact: then the
 * result raises nothing (the caller has FPCR's RMode, FZ and DN clear, so the host's rounding of
 * a zero's sign is the architecture's).
 */
function exactSingleLanes(c: Code, mask: number, kind: 'fma' | 'fadd' | 'fsub' | 'fmul'): void {
  if (kind === 'fma') c.set(L_VZ);
  c.set(L_VY).set(L_VX);
  const [b, s, bb, lo] = [L_VA, L_VB, L_VC, L_VD];
  const half = (v: number, h: number): void => {
    c.get(v);
    if (h) {
      c.get(v);
      shuffle(c, [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
    }
    c.simd(F64X2_PROMOTE_LOW);
  };
  for (let h = 0; h < 2; h++) {
    // a + b with a pushed again each time it is read (z, or x), b in its local.
    const pushA = (): void => half(kind === 'fma' ? L_VZ : L_VX, h);
    if (kind === 'fmul') {
      half(L_VX, h);
      half(L_VY, h);
      c.simd(F64X2_MUL).set(s);
      c.get(s).simd(F32X4_DEMOTE_ZERO).simd(F64X2_PROMOTE_LOW).get(s).simd(F64X2_EQ);
    } else {
      if (kind === 'fma') {
        half(L_VX, h);
        half(L_VY, h);
        c.simd(F64X2_MUL);
      } else {
        half(L_VY, h);
        if (kind === 'fsub') c.simd(F64X2_NEG);
      }
      c.set(b);
      pushA();
      c.get(b).simd(F64X2_ADD).set(s);
      // TwoSum: bb = s - a; err = (a - (s - bb)) + (b - bb).
      c.get(s);
      pushA();
      c.simd(F64X2_SUB).set(bb);
      pushA();
      c.get(s).get(bb).simd(F64X2_SUB).simd(F64X2_SUB);
      c.get(b).get(bb).simd(F64X2_SUB).simd(F64X2_ADD);
      splatOf(c, false, 0);
      c.simd(F64X2_EQ);
      // The sum a single: demoted and promoted back unchanged.
      c.get(s).simd(F32X4_DEMOTE_ZERO).simd(F64X2_PROMOTE_LOW).get(s).simd(F64X2_EQ).simd(V128_AND);
    }
    c.simd(I64X2_BITMASK)
      .i32(h ? 2 : 0)
      .op(I32OP.shl);
    c.get(s).simd(F32X4_DEMOTE_ZERO);
    if (h === 0) c.set(lo);
    else {
      c.set(L_V128);
      c.get(lo).get(L_V128);
      shuffle(c, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
      c.set(L_V128);
      c.op(I32OP.or);
    }
  }
  c.i32(mask).op(I32OP.and).i32(mask).op(I32.eq);
}

/**
 * FCVT single to double (exact: decided for normal or zero singles; a NaN, an infinity and a
 * subnormal under FZ go to the op) and double to single (decided for zero or a double within
 * [2^-125, 2^127], finished as the FP ops: inexact when the single differs from it).
 */
function emitFcvtPrecision(e: Emitter, ft: number, opc: number, d: number, n: number): void {
  const c = e.c;
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('FCVT outside a block');
  const x = INLINE_FP.f(0);
  if (ft === 0 && opc === 1) {
    vs(e, n);
    c.set(x);
    within(c, x, MIN32, MAX32, true);
    c.get(x).f64(0).op(F64.eq, I32OP.or, I32.eqz, 0x04);
    c.op(0x40);
    leave(1);
    c.op(0x0b);
    e.setVScalar(d, () => c.get(x), true);
    return;
  }
  if (ft !== 1 || opc !== 0) throw new Unsupported('FCVT (half)');
  e.uses.fp = true;
  e.vf(n, 0);
  c.set(x);
  within(c, x, 2 ** -125, 2 ** 127, true);
  c.get(x).f64(0).op(F64.eq, I32OP.or).set(L_OK);
  c.get(x).op(F32_DEMOTE, F64_PROMOTE).tee(L_DR);
  c.get(x)
    .op(F64.ne, 0xb8)
    .set(L_DR + 1);
  finishFp(e, d, 1, true);
}

/** Masks of the low field of each pair of k-bit fields (64 bits; in a W register, the low 32). */
const SWAP_MASKS: Record<number, bigint> = {
  1: 0x5555555555555555n,
  2: 0x3333333333333333n,
  4: 0x0f0f0f0f0f0f0f0fn,
  8: 0x00ff00ff00ff00ffn,
  16: 0x0000ffff0000ffffn,
  32: 0x00000000ffffffffn,
};

/**
 * FMAX, FMIN, FMAXNM, FMINNM (scalar, single or double): decided when both operands are normal or
 * zero, where they raise nothing and all four are WebAssembly's f64.max/f64.min (which order -0
 * below +0, as the instructions do); NaNs, infinities and subnormals go to the op.
 */
function emitFpMinMax(e: Emitter, op: number, dbl: boolean, d: number, n: number, m: number): void {
  const c = e.c;
  const [x, y] = [INLINE_FP.f(0), INLINE_FP.f(1)];
  e.uses.fp = true;
  for (const [r, v] of [
    [n, x],
    [m, y],
  ] as const) {
    if (dbl) e.vf(r, 0);
    else vs(e, r);
    c.set(v);
  }
  for (const v of [x, y]) {
    within(c, v, dbl ? MIN64 : MIN32, dbl ? MAX64 : MAX32, true);
    c.get(v).f64(0).op(F64.eq, I32OP.or);
  }
  c.op(I32OP.and).set(L_OK);
  c.get(x)
    .get(y)
    .op(op === 4 || op === 6 ? F64.max : F64.min)
    .set(L_DR);
  c.f64(0).set(L_DR + 1);
  finishFp(e, d, 1, !dbl);
}

/**
 * FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA (scalar, single or double): decided for normal or zero
 * operands (the result is exact and none of these raises Inexact); FRINTA (ties away) from the
 * truncation and the exact remainder. FRINTX and FRINTI use FPCR's mode: left to the op.
 */
function emitFrint(e: Emitter, mode: number, dbl: boolean, d: number, n: number): void {
  const c = e.c;
  if (mode > 4) throw new Unsupported('FRINTX/FRINTI');
  const x = INLINE_FP.f(0);
  const r = INLINE_FP.f(1);
  e.uses.fp = true;
  if (dbl) e.vf(n, 0);
  else vs(e, n);
  c.set(x);
  within(c, x, dbl ? MIN64 : MIN32, dbl ? MAX64 : MAX32, true);
  c.get(x).f64(0).op(F64.eq, I32OP.or).set(L_OK);
  c.get(x);
  if (mode === 4) {
    c.op(F64.trunc).set(r);
    c.get(x).get(r).op(F64.sub, F64.abs).f64(0.5).op(F64.ge);
    c.op(0x04, 0x7c); // if (result f64): a half or more dropped, one more away from zero
    c.get(r).f64(1).get(x).op(F64_COPYSIGN, F64.add);
    c.op(0x05).get(r).op(0x0b);
  } else c.op([F64.nearest, F64.ceil, F64.floor, F64.trunc][mode] as number);
  c.set(L_DR);
  c.f64(0).set(L_DR + 1);
  finishFp(e, d, 1, !dbl);
}

/** i64 loads of an element of 1, 2, 4, 8 bytes, zero- or sign-extended. */
const ELEMENT_LOAD_U = [0x31, 0x33, 0x35, 0x29];
const ELEMENT_LOAD_S = [0x30, 0x32, 0x34, 0x29];

/**
 * ADDV (the sum of Vn's elements, modulo their size), UADDLV and SADDLV (the sum in twice their
 * size, from zero- or sign-extended elements), SMAXV/UMAXV/SMINV/UMINV (the largest or smallest,
 * signed or not) into Vd's element 0, the rest of Vd zeroed: each element loaded from the register
 * file as an i64.
 */
function emitAcross(e: Emitter, id: string, q: number, size: number, d: number, n: number): void {
  const lanes = (q ? 16 : 8) >> size;
  if (size === 3 || lanes < 4) throw new Unsupported(`${id} reserved size`);
  const c = e.c;
  const signed = id.startsWith('S');
  const bits = id === 'ADDV' || id.endsWith('MAXV') || id.endsWith('MINV') ? 8 << size : 16 << size;
  const load = (k: number): void => {
    c.i32(0)
      .op((signed ? ELEMENT_LOAD_S : ELEMENT_LOAD_U)[size] as number, size)
      .uleb(V_AT + 16 * n + k * (1 << size));
  };
  e.vWhole(n);
  e.setVScalar(d, () => {
    if (id.includes('ADD'))
      for (let k = 0; k < lanes; k++) {
        load(k);
        if (k > 0) c.op(I64OP.add);
      }
    else {
      // The largest (smallest) element so far in a local, each next one kept when beyond it.
      const [best, v] = [L_X, L_X + 1];
      load(0);
      c.set(best);
      const beyond = id.endsWith('MAXV') ? (signed ? I64.gtS : I64.gtU) : signed ? I64.ltS : I64.ltU;
      for (let k = 1; k < lanes; k++) {
        load(k);
        c.tee(v).get(best).get(v).get(best).op(beyond, 0x1b).set(best);
      }
      c.get(best);
    }
    c.i64(bits === 64 ? -1n : (1n << BigInt(bits)) - 1n).op(I64OP.and);
  });
}

const F64_BITS_OF = new Float64Array(1);
const F32_BITS_OF = new Float32Array(1);
const f64Bits = (v: number): bigint => {
  F64_BITS_OF[0] = v;
  return new BigUint64Array(F64_BITS_OF.buffer)[0] as bigint;
};
const f32Bits = (v: number): number => {
  F32_BITS_OF[0] = v;
  return new Uint32Array(F32_BITS_OF.buffer)[0] as number;
};

/**
 * FCMP/FCMPE (single, double) against Vm, or 0.0 when m is -1: decided when neither operand is a NaN
 * and FPCR's FZ (with RMode and DN) is clear, or both are normal or zero (then nothing is raised, and
 * FCMPE differs from FCMP only on NaNs); NZCV 1000 below, 0110 equal, 0010 above. Else (a NaN, or
 * under FZ an infinity or a subnormal, flushed with IDC) the op runs it.
 */
function emitFcmp(e: Emitter, ft: number, n: number, m: number): void {
  const c = e.c;
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('FCMP outside a block');
  // FPCR's mode word (L_RN) is read in the prologue of a region that uses fp.
  e.uses.fp = true;
  const [x, y] = [INLINE_FP.f(0), INLINE_FP.f(1)];
  const read = (r: number): void => {
    if (ft === 1) e.vf(r, 0);
    else vs(e, r);
  };
  read(n);
  c.set(x);
  if (m < 0) c.f64(0);
  else read(m);
  c.set(y);
  // With FZ clear (pushModeClear) only a NaN raises anything (and makes FCMPE differ), so two
  // numbers decide it, infinities and subnormals too: the usual case, tested first; the range
  // checks of each operand only under FZ (or with a NaN, which they send to the op).
  pushModeClear(c);
  c.get(x).get(x).op(F64.eq, I32OP.and).get(y).get(y).op(F64.eq, I32OP.and);
  c.op(0x04, 0x7f).i32(1).op(0x05);
  for (const v of [x, y]) {
    if (ft === 1) within(c, v, MIN64, MAX64, true);
    else within(c, v, MIN32, MAX32, true);
    c.get(v).f64(0).op(F64.eq, I32OP.or);
  }
  c.op(I32OP.and, 0x0b);
  c.op(I32.eqz, 0x04, 0x40);
  leave(1);
  c.op(0x0b);
  e.uses.flags = true;
  c.get(x).get(y).op(F64.lt).set(L_F);
  c.get(x)
    .get(y)
    .op(F64.eq)
    .set(L_F + 1);
  c.get(x)
    .get(y)
    .op(F64.ge)
    .set(L_F + 2);
  c.i32(0).set(L_F + 3);
  c.i32(0).set(L_FK);
  e.known = K_MADE;
  e.fcmpNext = true;
}

/**
 * SCVTF/UCVTF (to single or double, from W or X): WebAssembly's conversion rounds to nearest; it is exact
 * when the result truncates back to the integer (saturating, so 2^63 and 2^64 never equal it),
 * and an inexact one is finished as the FP ops are (IXC, or the op under another rounding mode).
 */
function emitIntToDouble(e: Emitter, d: Decoded): void {
  const c = e.c;
  e.uses.fp = true;
  const sf = u(d, 'sf') === 1;
  const unsigned = u(d, 'u') === 1;
  const t = L_X;
  e.r(sf, rz(u(d, 'rn')));
  if (!sf) c.op(unsigned ? EXTEND_U : 0xac);
  c.tee(t);
  if (u(d, 'ft') === 0) {
    // To single: f32.convert_i64_s/u rounds once (through a double would round twice), exact
    // when i64.trunc_sat_f32_s/u gives the integer back.
    c.op(unsigned ? 0xb5 : 0xb4, F64_PROMOTE).tee(L_DR);
    c.op(0xfc, unsigned ? 7 : 6)
      .get(t)
      .op(I64.ne, 0xb8)
      .set(L_DR + 1);
    c.i32(1).set(L_OK);
    finishFp(e, u(d, 'rd'), 1, true);
    return;
  }
  c.op(unsigned ? F64_CONVERT_I64_U : 0xb9).set(L_DR);
  // The error: 1 (f64.convert_i32_u of i64.ne) when i64.trunc_sat_f64_s/u gives another integer.
  c.get(L_DR)
    .op(0xfc, unsigned ? 7 : 6)
    .get(t)
    .op(I64.ne, 0xb8)
    .set(L_DR + 1);
  c.i32(1).set(L_OK);
  finishFp(e, u(d, 'rd'), 1);
}

/**
 * FCVTZS/FCVTZU (single or double to W or X, toward zero): decided for a normal or zero value within the
 * result's range (NaNs, infinities, values out of range saturate with IOC, a subnormal is flushed
 * under FZ: the op runs those). Inexact (a fraction dropped) raises IXC whatever FPCR's mode: the
 * instruction names its rounding.
 */
function emitDoubleToInt(e: Emitter, d: Decoded): void {
  const c = e.c;
  const leave = e.leaveForOp;
  if (leave === null) throw new Unsupported('FCVTZ outside a block');
  if (u(d, 'rmode') !== 3) throw new Unsupported('FCVT (other rounding)');
  e.uses.fp = true;
  const sf = u(d, 'sf') === 1;
  const unsigned = u(d, 'u') === 1;
  const dbl = u(d, 'ft') === 1;
  const x = INLINE_FP.f(0);
  // A single converts as the double of the same value (its normal range checked as a single's).
  if (dbl) e.vf(u(d, 'rn'), 0);
  else vs(e, u(d, 'rn'));
  c.tee(x);
  c.f64(unsigned ? -1 : sf ? -(2 ** 63) : -(2 ** 31) - 1).op(unsigned || !sf ? F64.gt : F64.ge);
  c.get(x)
    .f64(unsigned ? (sf ? 2 ** 64 : 2 ** 32) : sf ? 2 ** 63 : 2 ** 31)
    .op(F64.lt, I32OP.and);
  within(c, x, dbl ? MIN64 : MIN32, dbl ? MAX64 : MAX32, true);
  c.get(x).f64(0).op(F64.eq, I32OP.or, I32OP.and);
  c.op(I32.eqz, 0x04, 0x40);
  leave(1);
  c.op(0x0b);
  c.get(L_IXC).get(x).get(x).op(F64.trunc, F64.ne, I32OP.or).set(L_IXC);
  c.get(x).op(0xfc, (sf ? 6 : 2) + (unsigned ? 1 : 0)); // i64/i32.trunc_sat_f64_s/u
  e.setR(sf, wz(u(d, 'rd')));
}

type FpBinary = 'fadd' | 'fsub' | 'fmul' | 'fdiv' | 'fnmul';
/** FP_DP2's op field: the two-operand ops a region decides (fmax, fmin and the rest stay ops). */
const DP2_FAST: readonly (FpBinary | undefined)[] = [
  'fmul',
  'fdiv',
  'fadd',
  'fsub',
  undefined,
  undefined,
  undefined,
  undefined,
  'fnmul',
];

/**
 * Pushes op(lane h of Vn, lane mh of Vm) as (r, err, decided), inline (emitQuickOr): FSUB as the
 * sum with -Vm, FNMUL as FMUL whose result is negated (exact, and round to nearest is symmetric;
 * under another mode an inexact result leaves for the op anyway).
 */
function fpBinaryLane(e: Emitter, op: FpBinary, n: number, m: number, h: number, mh = h): void {
  const c = e.c;
  e.vf(n, h);
  e.vf(m, mh);
  if (op === 'fsub') c.op(F64.neg);
  // Inline: the operands into the fast path's locals, its code, (r, err, decided) left as a call's.
  c.set(INLINE_FP.f(1)).set(INLINE_FP.f(0));
  if (op === 'fdiv') emitQuickOr(c, F64.div, fdivCode);
  else if (op === 'fadd' || op === 'fsub') emitQuickOr(c, F64.add, faddCode);
  else emitQuickOr(c, F64.mul, fmulCode);
  if (op === 'fnmul') {
    // (r, err, ok) -> (-r, err, ok): the error's sign is not read (finishFp tests it against 0).
    c.set(L_OK).set(L_DR + 1);
    c.op(F64.neg)
      .get(L_DR + 1)
      .get(L_OK);
  }
}

/** FADD, FSUB, FMUL, FDIV, FNMUL (scalar, double; FMUL by element `idx`), finished as FMLA's lanes. */
function emitFpBinary(e: Emitter, op: FpBinary, d: number, n: number, m: number, idx = 0): void {
  const c = e.c;
  e.uses.fp = true;
  fpBinaryLane(e, op, n, m, 0, idx);
  c.set(L_OK)
    .set(L_DR + 1)
    .set(L_DR);
  finishFp(e, d, 1);
}

/**
 * FADD, FSUB, FMUL, FDIV (vector, two doubles; FMUL also by element `idx` of Vm): each lane as the
 * scalar op, written together.
 */
function emitFpBinaryLanes(e: Emitter, op: FpBinary, d: number, n: number, m: number, idx: number): void {
  const c = e.c;
  const hostOp = HOST_VECTOR_OP[op];
  // Once IXC is set (quickIf), both lanes at once, kept when both results are normal (else lane by
  // lane): faddp's loop of vector FMUL and FADD on doubles 0.69 -> 0.65 s.
  const quick =
    hostOp === undefined
      ? undefined
      : (): void => {
          pushV(e, n);
          if (idx >= 0) {
            e.vf(m, idx);
            c.simd(F64X2_SPLAT);
          } else pushV(e, m);
          c.simd(hostOp).set(L_V128);
          normalLanes(c, false);
          everyLane(c, false, 3);
        };
  finishLanes(
    e,
    d,
    (lane) => {
      fpBinaryLane(e, op, n, m, lane, idx >= 0 ? idx : lane);
    },
    quick,
  );
}

/**
 * The host's two-lane operation for a vector FP instruction: correctly rounded as the architecture
 * rounds to nearest, so a normal result is the instruction's (x - y is x + -y, as fpBinaryLane forms it).
 */
const HOST_VECTOR_OP: Partial<Record<FpBinary, number>> = {
  fadd: F64X2_ADD,
  fsub: F64X2_SUB,
  fmul: F64X2_MUL,
  fdiv: F64X2_DIV,
};

/**
 * FMADD, FMSUB, FNMADD, FNMSUB (double), and FMLA/FMLS (scalar by element `idx` of Vm, addend Vd):
 * function 2 on (-)Va, (-)Vn, Vm.
 */
function emitFusedScalar(
  e: Emitter,
  d: number,
  n: number,
  m: number,
  a: number,
  negN: boolean,
  negA: boolean,
  idx = 0,
): void {
  const c = e.c;
  e.uses.fp = true;
  e.vf(a, 0);
  if (negA) c.op(F64.neg);
  e.vf(n, 0);
  if (negN) c.op(F64.neg);
  e.vf(m, idx);
  // Inline: one lane's fused multiply-add is a few hundred bytes, and a call cost as much as it.
  const F = FMA_INLINE;
  const [r, err] = [L_FPX + 10, L_FPX + 11];
  c.set(F.y).set(F.x).set(F.z);
  c.i32(1).set(F.ok);
  if (hostFusedMadd()) {
    // The host's fused result once IXC is set, kept when normal; else (or not tried) fmaLane.
    quickIf(c);
    for (const v of [F.x, F.y, F.z]) c.get(v).simd(F64X2_SPLAT);
    c.simd(F64X2_RELAXED_MADD).simd(F64X2_EXTRACT, 0).set(r);
    c.f64(1).set(err);
    fusedDecided(c, r, F.x, F.y, F.z, MIN64, MAX64);
    c.set(L_T);
    c.op(0x05);
    c.i32(0).set(L_T);
    c.op(0x0b);
    c.get(L_T).op(I32.eqz, 0x04, 0x40);
    fmaLane(c, r, err, F);
    c.op(0x0b);
  } else fmaLane(c, r, err, F);
  c.get(L_FPX + 10).set(L_DR);
  c.get(L_FPX + 11).set(L_DR + 1);
  c.get(F.ok).set(L_OK);
  finishFp(e, d, 1);
}

/**
 * FMOV, FABS, FNEG (register; single or double): bit operations that raise nothing and pass NaNs
 * through as bits, as the ops do; the rest of Vd zeroed. FSQRT (double) through function 3.
 */
function emitFpUnary(e: Emitter, op: number, dbl: boolean, d: number, n: number): void {
  const c = e.c;
  if (op === 3) {
    if (!dbl) throw new Unsupported('FSQRT (single)');
    e.uses.fp = true;
    e.vf(n, 0);
    c.f64(0).op(0x10, FSQRT_FN);
    c.set(L_OK)
      .set(L_DR + 1)
      .set(L_DR);
    finishFp(e, d, 1);
    return;
  }
  const sign = dbl ? -0x8000000000000000n : 0x80000000n;
  e.setVScalar(d, () => {
    e.v64(n, 0);
    if (!dbl) c.i64(0xffffffff).op(I64OP.and);
    if (op === 1) c.i64(dbl ? 0x7fffffffffffffffn : 0x7fffffffn).op(I64OP.and);
    else if (op === 2) c.i64(sign).op(I64OP.xor);
  });
}

/** The module's function 2 (when a region has FMLA): fused z + x*y, see fmaBody. */
const FMA_FN = 2;
const FMA_TYPE = [0x60, 3, 0x7c, 0x7c, 0x7c, 3, 0x7c, 0x7c, 0x7f];
// Its locals: z, x, y (parameters), then f64 scratch, the result and its error, and `decided`.
const L_DZ = 0;
const L_DX = 1;
const L_DY = 2;
const L_DP = 3;
const L_DE = 4;
const L_DS = 5;
const L_DB = 6;
const L_DT = 7;
const L_DU = 8;
const L_DW = 9;
const L_QR = 10;
const L_QC = 11;
const L_QOK = 12;

/**
 * The body of function 2, `fma(z, x, y) -> (r, err, decided)`: z + x*y as fpu.ts's fmaCore decides
 * it (the same operations in the same order, so the same doubles): the rounded result, the
 * sign-carrying error (0: exact), and 0 when the fast path cannot decide it. A function of its
 * own rather than inline code: an FMLA of two lanes would be 300 bytes of code (the matrix loop of
 * the programs benchmark has 20 of them), which V8's baseline compiler ran at 45 ns a lane.
 */
/** The locals of fmaLane: z, x, y, then scratch, and its i32 `decided`. */
interface FmaLocals {
  z: number;
  x: number;
  y: number;
  p: number;
  e: number;
  s: number;
  b: number;
  t: number;
  u: number;
  w: number;
  ok: number;
}
const FMA_FN_LOCALS: FmaLocals = {
  z: L_DZ,
  x: L_DX,
  y: L_DY,
  p: L_DP,
  e: L_DE,
  s: L_DS,
  b: L_DB,
  t: L_DT,
  u: L_DU,
  w: L_DW,
  ok: L_QOK,
};
/** fmaLane inline in a region (scalar FMADD and its kind): INLINE_FP's locals, result and error after them. */
const FMA_INLINE: FmaLocals = {
  z: L_FPX,
  x: L_FPX + 1,
  y: L_FPX + 2,
  p: L_FPX + 3,
  e: L_FPX + 4,
  s: L_FPX + 5,
  b: L_FPX + 6,
  t: L_FPX + 7,
  u: L_FPX + 8,
  w: L_FPX + 9,
  ok: L_FPOK,
};

function fmaBody(): Code {
  const c = new Code().op(2, 9, 0x7c, 1).op(0x7f);
  c.i32(1).set(L_QOK);
  fmaLane(c, L_QR, L_QC);
  c.get(L_QR).get(L_QC).get(L_QOK).op(0x0b);
  return c;
}

/**
 * Pushes whether z + x*y is z exactly, raising nothing (fmaCore's zero case, and a zero addend):
 * a zero factor, the other zero or normal, and z normal, or z a zero of the product's sign (the
 * sum of two zeros of one sign is that zero in every rounding mode). Normal: within [lo, hi] (a
 * single's bounds for singles as doubles). Values in data (a sparse row, an accumulator that
 * starts at 0.0) would otherwise leave the region every time.
 */
function zeroFactor(c: Code, x: number, y: number, z: number, lo: number, hi: number): void {
  c.get(x).f64(0).op(F64.eq).get(y).f64(0).op(F64.eq, I32OP.or);
  for (const v of [x, y]) {
    c.get(v).f64(0).op(F64.eq);
    within(c, v, lo, hi, true);
    c.op(I32OP.or, I32OP.and);
  }
  within(c, z, lo, hi, true);
  c.get(z).f64(0).op(F64.eq);
  c.get(x).get(y).op(F64.mul, F64.bits).get(z).op(F64.bits, I64OP.xor).i64(0).op(I64.geS, I32OP.and, I32OP.or);
  c.op(I32OP.and);
}

/** Pushes (lo <= |v| && |v| < hi), or <= hi, for the f64 local v. */
function within(c: Code, v: number, lo: number, hi: number, hiIncluded = false): void {
  c.get(v).op(F64.abs).f64(lo).op(F64.ge);
  c.get(v)
    .op(F64.abs)
    .f64(hi)
    .op(hiIncluded ? F64.le : F64.lt, I32OP.and);
}

/** a - (b - k) + (d - k) into the local `to` (the correction of a TwoSum). */
function twoSumErr(c: Code, a: number, b: number, d: number, k: number, to: number): void {
  c.get(a).get(b).get(k).op(F64.sub, F64.sub).get(d).get(k).op(F64.sub, F64.add).set(to);
}

/**
 * The error of the product p = fl(x*y) into `to` (Dekker, as fpu.ts's prodErr): the halves of x in
 * scratch[1], scratch[2], of y in scratch[3], scratch[4], scratch[0] for the split.
 */
function prodErr(c: Code, x: number, y: number, p: number, scratch: readonly number[], to: number): void {
  const [t, xh, xl, yh, yl] = scratch as [number, number, number, number, number];
  c.f64(SPLIT).get(x).op(F64.mul).set(t);
  c.get(t).get(t).get(x).op(F64.sub, F64.sub).set(xh);
  c.get(x).get(xh).op(F64.sub).set(xl);
  c.f64(SPLIT).get(y).op(F64.mul).set(t);
  c.get(t).get(t).get(y).op(F64.sub, F64.sub).set(yh);
  c.get(y).get(yh).op(F64.sub).set(yl);
  c.get(xh).get(yh).op(F64.mul).get(p).op(F64.sub);
  c.get(xh).get(yl).op(F64.mul, F64.add);
  c.get(xl).get(yh).op(F64.mul, F64.add);
  c.get(xl).get(yl).op(F64.mul, F64.add).set(to);
}

function fmaLane(c: Code, r: number, err: number, F: FmaLocals = FMA_FN_LOCALS): void {
  const fail = (): void => {
    c.i32(0).set(F.ok);
  };
  within(c, F.x, MIN64, LIM_HI);
  within(c, F.y, MIN64, LIM_HI);
  c.op(I32OP.and, 0x04, 0x40);
  c.get(F.x).get(F.y).op(F64.mul).set(F.p);
  c.get(F.p).op(F64.abs).f64(LIM_LO).op(F64.gt);
  c.get(F.p).op(F64.abs).f64(LIM_HI).op(F64.lt, I32OP.and);
  c.op(0x04, 0x40);
  prodErr(c, F.x, F.y, F.p, [F.s, F.b, F.t, F.u, F.w], F.e);
  c.get(F.z).f64(0).op(F64.eq, 0x04, 0x40);
  c.get(F.p).set(r).get(F.e).set(err);
  c.op(0x05);
  within(c, F.z, MIN64, LIM_HI);
  c.op(0x04, 0x40);
  c.get(F.z).get(F.p).op(F64.add).set(F.s);
  c.get(F.s).get(F.z).op(F64.sub).set(F.b);
  twoSumErr(c, F.z, F.s, F.p, F.b, F.t);
  c.get(F.t).get(F.e).op(F64.add).set(F.u);
  c.get(F.u).get(F.t).op(F64.sub).set(F.b);
  twoSumErr(c, F.t, F.u, F.e, F.b, F.w);
  c.get(F.s).get(F.u).op(F64.add).set(r);
  c.get(r).op(F64.abs).f64(MIN64).op(F64.gt);
  c.get(r).op(F64.abs).f64(MAX64).op(F64.lt, I32OP.and);
  c.op(0x04, 0x40);
  c.get(r).get(F.s).op(F64.sub).set(F.b);
  twoSumErr(c, F.s, r, F.u, F.b, err);
  // A tie or an exact sum on a double while the last TwoSum was inexact: not decided here.
  c.get(F.w).f64(0).op(F64.ne);
  c.get(err).f64(0).op(F64.eq);
  c.get(err)
    .op(F64.bits)
    .i64(2 ** 52 - 1)
    .op(I64OP.and, I64.eqz, I32OP.or, I32OP.and);
  c.op(0x04, 0x40);
  fail();
  c.op(0x0b);
  c.op(0x05);
  fail();
  c.op(0x0b);
  c.op(0x05);
  fail();
  c.op(0x0b, 0x0b);
  c.op(0x05);
  fail();
  c.op(0x0b);
  c.op(0x05);
  zeroFactor(c, F.x, F.y, F.z, MIN64, MAX64);
  c.op(0x04, 0x40);
  c.get(F.z).set(r).f64(0).set(err);
  c.op(0x05);
  fail();
  c.op(0x0b);
  c.op(0x0b);
}

const FMA_BODY = fmaBody();

/** The type of function 3 (with FMA_FN), fsqrt(x, unused) -> (r, err, decided). */
const FOP_TYPE = [0x60, 2, 0x7c, 0x7c, 3, 0x7c, 0x7c, 0x7f];

/**
 * x + y as fpu.ts's fadd64 decides it: both normal below 2^1021 (TwoSum cannot overflow), the sum
 * normal. Locals: x, y, then r, bb, err, then `decided`.
 */
function faddCode(c: Code, l: Locals): void {
  const [x, y, r, err, bb, ok] = [l.f(0), l.f(1), l.f(2), l.f(3), l.f(4), l.ok];
  within(c, x, MIN64, 2 ** 1021);
  within(c, y, MIN64, 2 ** 1021);
  c.op(I32OP.and).tee(ok).op(0x04, 0x40);
  c.get(x).get(y).op(F64.add).set(r);
  c.get(r).op(F64.abs).f64(MIN64).op(F64.gt);
  c.get(r).op(F64.abs).f64(MAX64).op(F64.lt, I32OP.and).tee(ok).op(0x04, 0x40);
  c.get(r).get(x).op(F64.sub).set(bb);
  twoSumErr(c, x, r, y, bb, err);
  c.op(0x0b, 0x0b);
}

/**
 * x * y as fpu.ts's fmul64 decides it: both normal, the product within (2^-900, 2^1020) and both
 * factors below 2^995 (Dekker's error stays exact). Locals: x, y, r, err, five for the split,
 * `decided`.
 */
function fmulCode(c: Code, l: Locals): void {
  const [x, y, r, err, ok] = [l.f(0), l.f(1), l.f(2), l.f(3), l.ok];
  within(c, x, MIN64, MAX64, true);
  within(c, y, MIN64, MAX64, true);
  c.op(I32OP.and).tee(ok).op(0x04, 0x40);
  c.get(x).get(y).op(F64.mul).set(r);
  c.get(r).op(F64.abs).f64(LIM_LO).op(F64.gt);
  c.get(r)
    .op(F64.abs)
    .f64(2 ** 1020)
    .op(F64.lt, I32OP.and);
  c.get(x).op(F64.abs).f64(LIM_HI).op(F64.lt, I32OP.and);
  c.get(y).op(F64.abs).f64(LIM_HI).op(F64.lt, I32OP.and).tee(ok).op(0x04, 0x40);
  prodErr(c, x, y, r, [l.f(4), l.f(5), l.f(6), l.f(7), l.f(8)], err);
  c.op(0x0b, 0x0b);
}

const FSQRT_FN = 3;
/** The operands of the division and square root fast paths: 2^-500 <= |v| <= 2^500. */
const QLO = 2 ** -500;
const QHI = 2 ** 500;

/**
 * x / y, decided when both lie within [2^-500, 2^500]: the quotient is then normal, f64.div rounds
 * it to nearest as the instruction does, and it is exact exactly when q*y = x. Dekker's product
 * p + e = q*y is exact there (both factors far below 2^995, nothing underflows), x - p is exact (p
 * is within a few units of x), so the remainder x - q*y = (x - p) - e, zero only when exact, is the
 * error. Locals: x, y, q, err, five for the split, then `decided`.
 */
function fdivCode(c: Code, l: Locals): void {
  const [x, y, q, err, p, ok] = [l.f(0), l.f(1), l.f(2), l.f(3), l.f(4), l.ok];
  within(c, x, QLO, QHI, true);
  within(c, y, QLO, QHI, true);
  c.op(I32OP.and).tee(ok).op(0x04, 0x40);
  c.get(x).get(y).op(F64.div).set(q);
  c.get(q).get(y).op(F64.mul).set(p);
  prodErr(c, q, y, p, [l.f(5), l.f(6), l.f(7), l.f(8), err], err);
  c.get(x).get(p).op(F64.sub).get(err).op(F64.sub).set(err);
  c.op(0x0b);
}

/**
 * Where an inline fast path keeps its values in the region's function: f(i) is its i-th f64 (the
 * operands x, y first, the result and its error at 2 and 3), `ok` its i32 `decided`. Inline, not
 * module functions as FMA's: V8 ran a region's calls to these small paths at 3-6 ns each.
 */
interface Locals {
  f: (i: number) => number;
  ok: number;
}
const INLINE_FP: Locals = { f: (i) => L_FPX + i, ok: L_FPOK };

/**
 * x op y (the operands in INLINE_FP's first two locals) as (r, err, decided) on the stack. Once
 * FPSR.IXC is set (at entry, or by an earlier instruction of this call) with FPCR's RMode, FZ and
 * DN clear, the host's operation is the architecture's result whenever that is a normal finite
 * number, and its only exception, Inexact, is already raised: so then the result alone is tested
 * (as the JavaScript snippets' FP_FAST test does, snippets.ts), with a nonzero error that keeps
 * IXC set. Else `exact` decides it, exactness included.
 */
function emitQuickOr(c: Code, hostOp: number, exact: (c: Code, l: Locals) => void): void {
  const l = INLINE_FP;
  c.i32(0).set(l.ok);
  quickIf(c);
  c.get(l.f(0)).get(l.f(1)).op(hostOp).set(l.f(2));
  c.f64(1).set(l.f(3));
  normalResult(c, l.f(2), MIN64, MAX64);
  c.set(l.ok);
  c.op(0x0b);
  // Not decided by that (or not tried): a zero operand, else the exact fast path.
  c.get(l.ok).op(I32.eqz, 0x04, 0x40);
  zeroRule(c, hostOp, l.f(0), l.f(1), MIN64, MAX64);
  c.op(0x04, 0x40);
  c.get(l.f(0)).get(l.f(1)).op(hostOp).set(l.f(2));
  c.f64(0).set(l.f(3));
  c.i32(1).set(l.ok);
  c.op(0x05);
  exact(c, l);
  c.op(0x0b, 0x0b);
  c.get(l.f(2)).get(l.f(3)).get(l.ok);
}

/**
 * Pushes whether x op y (the host's operation `hostOp`: add, mul, div) has a zero operand whose
 * result is exact and raises nothing, with normal numbers within [lo, hi] otherwise: a product
 * with a zero factor and the other normal or zero (±0, the host's sign rule is the
 * architecture's), a sum with one operand zero and the other normal (the other) or of two zeros
 * (of one sign that zero; of two signs +0 when FPCR rounds to nearest, else left), a zero dividend over a normal divisor. Zeros in
 * data (a sparse matrix, a product with 0.0) would otherwise leave the region every time.
 */
function zeroRule(c: Code, hostOp: number, x: number, y: number, lo: number, hi: number): void {
  const zero = (v: number): void => {
    c.get(v).f64(0).op(F64.eq);
  };
  const normal = (v: number): void => {
    within(c, v, lo, hi, true);
  };
  if (hostOp === F64.mul) {
    zero(x);
    zero(y);
    c.op(I32OP.or);
    zero(x);
    normal(x);
    c.op(I32OP.or, I32OP.and);
    zero(y);
    normal(y);
    c.op(I32OP.or, I32OP.and);
  } else if (hostOp === F64.add) {
    zero(x);
    normal(y);
    c.op(I32OP.and);
    zero(y);
    normal(x);
    c.op(I32OP.and, I32OP.or);
    // Two zeros: of one sign that zero in every rounding mode (2 * 0.0, an accumulator's first
    // step); of two signs +0 when FPCR rounds to nearest, as the host's sum.
    zero(x);
    zero(y);
    c.op(I32OP.and);
    c.get(x).op(F64.bits).get(y).op(F64.bits, I64OP.xor).i64(0).op(I64.geS);
    c.get(L_RN).i32(1).op(I32OP.and, I32OP.or, I32OP.and, I32OP.or);
  } else {
    zero(x);
    normal(y);
    c.op(I32OP.and);
  }
}

/**
 * sqrt(x), decided for x within [2^-1000, 2^1000] (positive): the root is normal, f64.sqrt
 * rounds it to nearest, and it is exact exactly when r*r = x; the error is x - r*r as for fdiv.
 * Locals: x, the unused second operand, r, err, five for the split, then `decided`.
 */
function fsqrtBody(): Code {
  const c = new Code().op(2, 7, 0x7c, 1).op(0x7f);
  c.get(0)
    .f64(2 ** -1000)
    .op(F64.ge);
  c.get(0)
    .f64(2 ** 1000)
    .op(F64.le, I32OP.and)
    .tee(9)
    .op(0x04, 0x40);
  c.get(0).op(F64.sqrt).set(2);
  c.get(2).get(2).op(F64.mul).set(4);
  prodErr(c, 2, 2, 4, [5, 6, 7, 8, 3], 3);
  c.get(0).get(4).op(F64.sub).get(3).op(F64.sub).set(3);
  c.op(0x0b);
  c.get(2).get(3).get(9).op(0x0b);
  return c;
}

const FSQRT_BODY = fsqrtBody();

/** Branches a block may end with, and their successors (taken first). */
function branchTargets(d: Decoded, a: number): number[] | null {
  if (!BRANCHES.has(d.def.id)) return null;
  // A call goes to its target only (its return lands on a + 4 through the callee's RET).
  if (d.def.id === 'BL')
    return staticSuccessors(d, a)
      .slice(0, 1)
      .map((t) => (t < 0 ? t + 2 ** 64 : t));
  // A backward branch below address 0 wraps, as the table's branches do.
  return staticSuccessors(d, a).map((t) => (t < 0 ? t + 2 ** 64 : t));
}

/** True when `b` ends with a BL whose return address is `site`. */
function callsReturnTo(b: EmitBlock, site: number): boolean {
  const len = b.decoded.length;
  return !b.fallthrough && (b.decoded[len - 1] as Decoded).def.id === 'BL' && b.address + 4 * len === site;
}

/**
 * The blocks in chains where each is followed by a successor it can fall into (the not-taken one
 * first), so that fewer transitions go back through the loop's `br_table`. The entry stays first.
 */
function fallOrder(blocks: readonly EmitBlock[]): EmitBlock[] {
  const byAddress = new Map<number, EmitBlock>(blocks.map((b) => [b.address, b]));
  const placed = new Set<EmitBlock>();
  const out: EmitBlock[] = [];
  for (const first of blocks) {
    let b: EmitBlock | undefined = first;
    while (b !== undefined && !placed.has(b)) {
      placed.add(b);
      out.push(b);
      const len = b.decoded.length;
      const last = b.decoded[len - 1] as Decoded;
      const next: number[] = b.fallthrough
        ? [b.address + 4 * len]
        : (branchTargets(last, b.address + 4 * (len - 1)) ?? []);
      b = [...next]
        .reverse()
        .map((t) => byAddress.get(t))
        .find((c) => c !== undefined && !placed.has(c));
    }
  }
  return out;
}

/** Pushes the branch's condition (i32, 1 = taken). */
function emitBranchCond(e: Emitter, d: Decoded): void {
  e.nextInsn();
  const c = e.c;
  switch (d.def.id) {
    case 'B_cond':
      e.cond(u(d, 'cond'));
      return;
    case 'CBZ':
    case 'CBNZ': {
      const sf = u(d, 'sf') === 1;
      e.r(sf, rz(u(d, 'rt')));
      c.op(sf ? I64.eqz : I32.eqz);
      if (d.def.id === 'CBNZ') c.op(I32.eqz);
      return;
    }
    default: {
      const bit = u(d, 'b5') * 32 + u(d, 'b40');
      e.x(rz(u(d, 'rt')));
      c.i64(bit).op(I64OP.shrU).i64(1).op(I64OP.and, I64.eqz);
      if (d.def.id === 'TBNZ') c.op(I32.eqz);
    }
  }
}

/** Modules emitted here that WebAssembly rejected as invalid (an emitter bug: tests check it stays 0). */
export const emitterStats = { invalidModules: 0 };

/**
 * The region as WebAssembly, or null when one of its instructions (or its shape) is not one
 * this file translates. `blocks[0]` is the entry; every block is a member the others may
 * continue in.
 */
export function compileWasmRegion(
  region: readonly WasmBlock[],
  guards: readonly { code: unknown }[],
  links: Links,
  mem: Memory,
  onDynamicExit?: (from: number, to: number) => void,
  onOpExit?: () => void,
): CompiledBlock | null {
  const api = wasmApi;
  const arena = mem.useArena();
  if (api === undefined || arena === null) return null;
  const emitted = emitWasmRegion(region, arena.shared);
  if (emitted === null) return null;
  const compiler = wasmCompiler();
  let module: object;
  try {
    module = compiler === null ? new api.Module(emitted.bytes) : compiler.compile(emitted.bytes, false);
  } catch {
    // A browser refuses to compile a module over 4 KiB synchronously on its main thread, and a
    // content security policy can forbid WebAssembly: the region stays JavaScript. A module
    // WebAssembly does not validate is this file's bug: counted, for the tests.
    if (api.validate?.(emitted.bytes) === false) emitterStats.invalidModules++;
    return null;
  }
  return wasmRegionFn(emitted, module, { region, guards, links, mem, onDynamicExit, onOpExit, api, arena });
}

/** What a region's wrapper works with besides its emission and module (see compileWasmRegion). */
interface RegionContext {
  region: readonly WasmBlock[];
  guards: readonly { code: unknown }[];
  links: Links;
  mem: Memory;
  onDynamicExit: ((from: number, to: number) => void) | undefined;
  onOpExit: (() => void) | undefined;
  api: NonNullable<typeof wasmApi>;
  arena: NonNullable<ReturnType<Memory['useArena']>>;
}

/**
 * The module's bytes and its wrapper's data for the region (see compileWasmRegion), or null when
 * it cannot be WebAssembly. `shared`: the arena's memory is shared (the module imports it so).
 */
function emitWasmRegion(
  region: readonly EmitBlock[],
  shared: boolean,
  vcache: ReadonlyMap<number, number> = new Map(),
): EmittedRegion | null {
  const blocks = fallOrder(region);
  const lo = Math.min(...blocks.map((b) => b.address));
  const hi = Math.max(...blocks.map((b) => b.address + 4 * b.decoded.length));
  const index = new Map<number, number>(blocks.map((b, i) => [b.address, i]));
  const exits: number[] = [];
  const exitOf = (pc: number): number => {
    let i = exits.indexOf(pc);
    if (i < 0) i = exits.push(pc) - 1;
    return i;
  };
  // Accesses left to the interpreter: the instruction's address, its block and its index.
  const misses: EmittedRegion['misses'] = [];
  const uses: Uses = newUses();
  const body = new Code();
  const e = new Emitter(body, uses);
  e.vcache = vcache;
  const m = blocks.length;
  if (m > MAX_BLOCKS) return null;
  // The members a call in the region returns to: where a RET may go on without leaving.
  const returnSites = blocks.filter((r) => blocks.some((c) => callsReturnTo(c, r.address)));
  try {
    // block $exit; loop $L; block $c_{m-1} ... block $c_0; br_table; end; case 0; end; case 1 ...
    body.op(0x02, 0x40, 0x03, 0x40);
    for (let i = 0; i < m; i++) body.op(0x02, 0x40);
    body.get(L_IDX).op(0x0e);
    body.uleb(m);
    for (let i = 0; i < m; i++) body.uleb(i);
    body.uleb(0);
    for (let i = 0; i < m; i++) {
      body.op(0x0b); // end of $c_i: case i follows
      e.known = 0;
      e.fcmpNext = false;
      const b = blocks[i] as EmitBlock;
      const len = b.decoded.length;
      const so = b.address - lo;
      const toLoop = m - 1 - i;
      const toExit = m - i;
      const leave = (pc: number, depth: number): void => {
        body.i32(exitOf(pc)).set(L_EXIT).br(depth);
      };
      // Room for the whole block, and `until` not at or inside it: until - start <u the block's
      // size (with no `until` in the region, -1 - start is never below it).
      body.get(L_N).i32(len).op(I32OP.add).get(P_ROOM).op(I32.gtS);
      body
        .get(P_UNTIL)
        .i32(so)
        .op(I32OP.sub)
        .i32(4 * len)
        .op(I32.ltU, I32OP.or);
      body.op(0x04, 0x40);
      leave(b.address, toExit + 1);
      body.op(0x0b);
      const last = b.decoded[len - 1] as Decoded;
      const lastAt = b.address + 4 * (len - 1);
      // BR: to the member block it names (a jump table's cases), else out of the region. RET: to
      // the return site it names when that is a member (a call within the region), else out.
      const indirect = !b.fallthrough && (last.def.id === 'BR' || last.def.id === 'RET');
      const targets = b.fallthrough ? [b.address + 4 * len] : indirect ? [] : branchTargets(last, lastAt);
      if (targets === null) throw new Unsupported(last.def.id);
      const straight = b.fallthrough ? b.decoded : b.decoded.slice(0, -1);
      straight.forEach((d, k) => {
        const at = b.address + 4 * k;
        e.leaveForOp = (extra) => {
          if (k > 0) body.get(L_N).i32(k).op(I32OP.add).set(L_N);
          body
            .i32(
              MISS +
                misses.push({ pc: at, block: b.address, k, end: b.address + 4 * len, fallthrough: b.fallthrough }) -
                1,
            )
            .set(L_EXIT)
            .br(toExit + extra);
        };
        emitInsn(e, d, at);
      });
      e.leaveForOp = null;
      body.get(L_N).i32(len).op(I32OP.add).set(L_N);
      /** Continues at `pc` from a depth `extra` inside this case's code. */
      const goTo = (pc: number, extra: number, mayFall: boolean): void => {
        const j = index.get(pc);
        if (j === undefined) {
          leave(pc, toExit + extra);
          return;
        }
        if (mayFall && j === i + 1) {
          body.i32(j).set(L_IDX);
          return;
        }
        body
          .i32(j)
          .set(L_IDX)
          .br(toLoop + extra);
      };
      if (last.def.id === 'BL') {
        body.i64(lastAt + 4).set(L_REG + 30);
        uses.written.add(30);
      }
      if (indirect) {
        e.x(rz(u(last, 'rn')));
        body.set(L_A);
        const sites = last.def.id === 'RET' ? returnSites : blocks;
        sites.forEach((t) => {
          const j = index.get(t.address) as number;
          body.get(L_A).i64(t.address).op(I64.eq, 0x04, 0x40);
          body
            .i32(j)
            .set(L_IDX)
            .br(toLoop + 1)
            .op(0x0b);
        });
        body.i32(0).get(L_A).op(0x37, 3).uleb(DYN_PC);
        if (last.def.id === 'RET') body.i32(DYN_RET).set(L_EXIT).br(toExit);
        else {
          body
            .i32(0)
            .i32(b.address - lo)
            .op(0x36, 2)
            .uleb(DYN_FROM);
          body.i32(DYN).set(L_EXIT).br(toExit);
        }
      } else if (targets.length === 1 || (last.def.id === 'B_cond' && u(last, 'cond') >= 14)) {
        goTo(targets[0] as number, 0, i + 1 < m);
      } else {
        // The successor that is the next case is the one that falls through into it.
        const [taken, other] = targets as [number, number];
        const fallTaken = i + 1 < m && index.get(taken) === i + 1 && index.get(other) !== i + 1;
        emitBranchCond(e, last);
        if (fallTaken) body.op(I32.eqz);
        body.op(0x04, 0x40);
        goTo(fallTaken ? other : taken, 1, false);
        body.op(0x0b);
        goTo(fallTaken ? taken : other, 0, i + 1 < m);
      }
    }
    // The last case never falls off the loop's end: every path above branches.
    body.op(0x0b, 0x0b); // end loop, end $exit
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  if (vcache.size === 0) {
    // Emitted again with the V registers only ever accessed by 64-bit lanes in locals (the FP
    // registers of scalar code, above all): each FP instruction loaded and stored them through
    // memory, which with the fast paths' own work left a scalar FP loop at 0.7 of native Unicorn.
    const lanes = [...new Set([...uses.vread, ...uses.vwritten])]
      .filter((r) => !e.vwhole.has(r))
      .sort((a, b) => a - b)
      .slice(0, MAX_CACHED_V);
    if (lanes.length > 0)
      return emitWasmRegion(region, shared, new Map(lanes.map((r, k): [number, number] => [r, L_VLO + k])));
  }
  const regs = [...new Set([...uses.read, ...uses.written])].sort((a, b) => a - b);
  const written = [...uses.written].sort((a, b) => a - b);
  // Prologue: registers and flags from the scratch memory; epilogue: back, with the exit.
  const pro = new Code();
  // V registers in locals: both lanes from the register file's copy, and back if written.
  for (const [r, k] of vcache) {
    pro
      .i32(0)
      .op(F64.load, 3)
      .uleb(V_AT + 16 * r)
      .set(k);
    pro
      .i32(0)
      .op(0x29, 3)
      .uleb(V_AT + 16 * r + 8)
      .set(k + MAX_CACHED_V);
  }
  // X[r] = lo | hi << 32, from the int32 halves (i64.load32_u).
  for (const r of regs)
    pro
      .i32(0)
      .op(0x35, 2)
      .uleb(XLO_AT + 4 * r)
      .i32(0)
      .op(0x35, 2)
      .uleb(XHI_AT + 4 * r)
      .i64(32)
      .op(I64OP.shl, I64OP.or)
      .set(L_REG + r);
  if (uses.flags)
    for (let f = 0; f < 4; f++)
      pro
        .i32(0)
        .op(0x28, 2)
        .uleb(FLAGS + 4 * f)
        .set(L_F + f);
  if (uses.fp) {
    pro.i32(0).op(0x28, 2).uleb(FP_RN_AT).tee(L_RN);
    pro.i32(2).op(I32OP.shrU).i32(1).op(I32OP.and).set(L_IXC);
  }
  pro.get(P_ENTRY).set(L_IDX);
  const epi = new Code();
  if (uses.fp)
    epi
      .i32(0)
      .i32(0)
      .op(0x28, 2)
      .uleb(FPSR_OR_AT)
      .get(L_IXC)
      .i32(IXC)
      .op(I32OP.mul, I32OP.or)
      .op(0x36, 2)
      .uleb(FPSR_OR_AT);
  if (uses.flags) new Emitter(epi, uses).materialize();
  // Back as int32 halves (i64.store32 of X[r] and of X[r] >> 32).
  for (const r of written)
    epi
      .i32(0)
      .get(L_REG + r)
      .op(0x3e, 2)
      .uleb(XLO_AT + 4 * r)
      .i32(0)
      .get(L_REG + r)
      .i64(32)
      .op(I64OP.shrU, 0x3e, 2)
      .uleb(XHI_AT + 4 * r);
  if (uses.flags)
    for (let f = 0; f < 4; f++)
      epi
        .i32(0)
        .get(L_F + f)
        .op(0x36, 2)
        .uleb(FLAGS + 4 * f);
  for (const [r, k] of vcache) {
    if (!uses.vwritten.has(r)) continue;
    epi
      .i32(0)
      .get(k)
      .op(F64.store, 3)
      .uleb(V_AT + 16 * r);
    epi
      .i32(0)
      .get(k + MAX_CACHED_V)
      .op(0x37, 3)
      .uleb(V_AT + 16 * r + 8);
  }
  epi.i32(0).get(L_EXIT).op(0x36, 2).uleb(EXIT);
  epi.get(L_N).op(0x0b);
  const fnBody = new Code()
    .op(10, I32_LOCALS, 0x7f, I64_LOCALS)
    .op(0x7e, F64_LOCALS, 0x7c)
    .op(I32_LOCALS_FP, 0x7f, F64_LOCALS_FP, 0x7c)
    .op(MAX_CACHED_V, 0x7c, MAX_CACHED_V, 0x7e)
    .op(4, 0x7c, 8, 0x7b)
    .op(1, 0x7d)
    .append(pro)
    .append(body)
    .append(epi);
  return {
    bytes: moduleBytes(fnBody, shared, uses.fp),
    lo,
    hi,
    order: blocks.map((b) => b.address),
    exits,
    misses,
    regs,
    written,
    // Every V register the region uses goes in (a register written on some paths only keeps its
    // value on the others), the written ones come back.
    vIn: [...new Set([...uses.vread, ...uses.vwritten])],
    vOut: [...uses.vwritten],
    flags: uses.flags,
    fp: uses.fp,
  };
}

/**
 * The FP word a region reads at FP_RN_AT: bit 0, FPCR rounds to nearest; bit 1, FPCR's RMode,
 * FZ and DN are all clear; bit 2, FPSR.IXC is already set (emitQuickOr's test).
 */
export const fpModeWord = (fpcr: number, fpsr: number): number =>
  (((fpcr >>> 22) & 3) === 0 ? 1 : 0) | ((fpcr & 0x3c00000) === 0 ? 2 : 0) | ((fpsr & IXC) !== 0 ? 4 : 0);

/**
 * The region's function over a module compiled from `emitted.bytes`: it calls the module's `run`
 * as compile.ts's protocol says; an access the module leaves to the interpreter runs the ops of
 * its block in `region` (by address).
 */
function wasmRegionFn(emitted: EmittedRegion, module: object, ctx: RegionContext): CompiledBlock | null {
  const { region, guards, links, mem, onDynamicExit, onOpExit, api, arena } = ctx;
  const { lo, hi, flags, fp } = emitted;
  const span = hi - lo;
  // kind 0 read, 1 write: the access's entry made (0: leave); 2: a bounced store's flush (0: leave).
  const fill = (kind: number, address: number, size: number): number =>
    (kind === 2 ? mem.flushBounce(address, size) : mem.fastSlot(address, size, kind === 1)) ? 1 : 0;
  const imports = { m: { mem: arena.memory, fill } };
  let instance: { exports: Record<string, unknown> };
  try {
    instance = new api.Instance(module, imports);
  } catch {
    return null;
  }
  const opsOf = new Map<number, readonly Op[]>(region.map((b) => [b.address, b.ops]));
  const misses: Miss[] = emitted.misses.map((m) => ({
    pc: m.pc,
    ops: opsOf.get(m.block) ?? [],
    k: m.k,
    end: m.end,
    fallthrough: m.fallthrough,
  }));
  const compiler = wasmCompiler();
  type Run = (entry: number, room: number, until: number) => number;
  let run = instance.exports.run as Run;
  // Instructions run so far, until the compiler's promotion (wasm-compiler.ts).
  let spent = compiler === null ? Number.NEGATIVE_INFINITY : 0;
  const promoteAfter = compiler === null ? 0 : compiler.promoteAfter(emitted.bytes.length);
  const promote = (): void => {
    spent = Number.NEGATIVE_INFINITY;
    try {
      const optimized = (compiler as NonNullable<typeof compiler>).compile(withPromotionMark(emitted.bytes), true);
      run = new api.Instance(optimized, imports).exports.run as Run;
    } catch {
      // Not compiled again (the host's memory or policy): the region keeps its first module.
    }
  };
  // The case of each member block by its word offset from lo: an array while the region spans
  // at most 64 KiB, else (blocks in objects far apart) a map.
  const near = span <= 1 << 16;
  const entryOf = new Int8Array(near ? span >> 2 : 0).fill(-1);
  const entryFar = new Map<number, number>();
  emitted.order.forEach((address, i) => {
    if (near) entryOf[(address - lo) >> 2] = i;
    else entryFar.set((address - lo) >> 2, i);
  });
  const exitPcs = emitted.exits.slice();
  const readRegs = Int32Array.from(emitted.regs);
  const writtenRegs = Int32Array.from(emitted.written);
  // SIMD&FP registers cross through V_AT.
  const vIn = Int32Array.from(emitted.vIn);
  const vOut = Int32Array.from(emitted.vOut);
  const P = guards[0] as { code: unknown };
  const C = P.code;
  // Every page's decoded code as it was when the region was made (usually the entry's page only).
  const codes = guards.map((g) => g.code);
  const many = guards.length > 1;
  /** True when code on one of the pages changed. */
  const stale = (): boolean => {
    let changed = false;
    for (let k = 0; k < guards.length; k++) if ((guards[k] as { code: unknown }).code !== codes[k]) changed = true;
    // The blocks on the other pages that run this region are dropped with it, so that the
    // dispatcher builds them again instead of calling it again and again.
    if (changed)
      for (let k = 0; k < guards.length; k++) {
        const g = guards[k] as { code: unknown };
        if (g.code === codes[k]) g.code = null;
      }
    return changed;
  };
  return function wasmRegion(s: CpuState): CompiledBlock | null {
    if (many ? stale() : P.code !== C) return null;
    const off = s.pc - lo;
    if (!(off >= 0 && off < span) || (off & 3) !== 0) return null;
    const entry = near ? (entryOf[off >> 2] as number) : (entryFar.get(off >> 2) ?? -1);
    if (entry < 0) return null;
    const left = s.ilim - s.icount;
    const room = left > CALL_CAP ? CALL_CAP : left | 0;
    const until = s.until;
    const uo = until >= lo && until < hi ? until - lo : -1;
    // In a shared arena the registers live in its header (the engine moved them there when it
    // made its first WebAssembly region); else they are copied in and out around the call.
    const xl = s.xlo;
    const xh = s.xhi;
    const copied = xl !== arena.xlo;
    // The arena's views change when a page taken during the call grows it.
    let M = arena.i32;
    if (copied)
      for (let k = 0; k < readRegs.length; k++) {
        const r = readRegs[k] as number;
        M[(XLO_AT >> 2) + r] = xl[r] as number;
        M[(XHI_AT >> 2) + r] = xh[r] as number;
      }
    if (vIn.length > 0) copyVectors(vIn, s.vi, 0, M, V_AT >> 2);
    if (fp) {
      M[FPSR_OR_AT >> 2] = 0;
      M[FP_RN_AT >> 2] = fpModeWord(s.fpcr, s.fpsr);
    }
    if (flags) {
      M[FLAGS >> 2] = s.n;
      M[(FLAGS >> 2) + 1] = s.z;
      M[(FLAGS >> 2) + 2] = s.c;
      M[(FLAGS >> 2) + 3] = s.v;
    }
    const n = run(entry, room, uo);
    spent += n;
    if (spent >= promoteAfter) promote();
    M = arena.i32;
    const x = M[EXIT >> 2] as number;
    if (n === 0 && x < MISS) return null;
    if (copied)
      for (let k = 0; k < writtenRegs.length; k++) {
        const r = writtenRegs[k] as number;
        xl[r] = M[(XLO_AT >> 2) + r] as number;
        xh[r] = M[(XHI_AT >> 2) + r] as number;
      }
    if (vOut.length > 0) copyVectors(vOut, M, V_AT >> 2, s.vi, 0);
    if (fp) s.fpsr |= M[FPSR_OR_AT >> 2] as number;
    if (flags) {
      s.n = M[FLAGS >> 2] as number;
      s.z = M[(FLAGS >> 2) + 1] as number;
      s.c = M[(FLAGS >> 2) + 2] as number;
      s.v = M[(FLAGS >> 2) + 3] as number;
    }
    s.icount += n;
    if (x >= MISS) {
      // The access the region could not make: its op makes it and the block's other ops finish the
      // block, as the interpreter would (the same decoded ops even when the access stored into
      // them). A fault leaves state exact through s.jn and s.k, as in a JavaScript region.
      const m = misses[x - MISS] as Miss;
      onOpExit?.();
      const ops = m.ops;
      for (let j = m.k; j < ops.length; j++) {
        s.jn = j - m.k;
        s.k = m.pc + 4 * (j - m.k);
        (ops[j] as Op)(s);
      }
      s.icount += ops.length - m.k;
      if (m.fallthrough) s.pc = m.end;
      return follow(s, links, s.pc);
    }
    // A BR or RET out of the region: its target as the interpreter's makes it (a double).
    let pc: number;
    if (x === DYN || x === DYN_RET) {
      pc = ((M[(DYN_PC >> 2) + 1] as number) >>> 0) * 4294967296 + ((M[DYN_PC >> 2] as number) >>> 0);
      if (x === DYN && onDynamicExit !== undefined) onDynamicExit(lo + (M[DYN_FROM >> 2] as number), pc);
    } else pc = exitPcs[x] as number;
    s.pc = pc;
    return follow(s, links, pc);
  };
}

/** Copies the V registers `regs` (four int32 words each) from `src` at word `from` to `dst` at `to`. */
function copyVectors(regs: Int32Array, src: Int32Array, from: number, dst: Int32Array, to: number): void {
  for (let k = 0; k < regs.length; k++) {
    const i = (regs[k] as number) << 2;
    dst[to + i] = src[from + i] as number;
    dst[to + i + 1] = src[from + i + 1] as number;
    dst[to + i + 2] = src[from + i + 2] as number;
    dst[to + i + 3] = src[from + i + 3] as number;
  }
}

/**
 * A module importing `fill(write, address, size) -> filled` (function 0) and the arena's memory
 * (shared or not, as the arena), and exporting `run(entry, room, until) -> n` (function 1).
 */
function moduleBytes(fnBody: Code, shared: boolean, fma: boolean): Uint8Array {
  const out = new Code().op(0x00, 0x61, 0x73, 0x6d).op(0x01, 0x00, 0x00, 0x00);
  const section = (id: number, content: readonly number[]): void => {
    out.op(id).uleb(content.length);
    for (const b of content) out.op(b);
  };
  // Types: run, fill, the fused multiply-add (f64 z, x, y) -> (f64 r, f64 err, i32 decided), and
  // the two-operand ops (f64 x, y) -> (r, err, decided).
  section(1, [4, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 3, 0x7f, 0x7c, 0x7f, 1, 0x7f, ...FMA_TYPE, ...FOP_TYPE]);
  // The memory's limits: at least 1 page; a shared memory must be imported as shared, with its
  // maximum (65536 pages, arena.ts).
  const limits = shared ? [0x03, 1, 0x80, 0x80, 0x04] : [0x00, 1];
  section(2, [2, 1, 0x6d, 4, 0x66, 0x69, 0x6c, 0x6c, 0x00, 1, 1, 0x6d, 3, 0x6d, 0x65, 0x6d, 0x02, ...limits]);
  section(3, fma ? [3, 0, 2, 3] : [1, 0]);
  section(7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 1]);
  // The code section: the function bodies, each with its size first.
  const bodies = fma ? [fnBody, FMA_BODY, FSQRT_BODY] : [fnBody];
  const sizes = bodies.map((b) => new Code().uleb(b.length));
  out.op(10).uleb(1 + bodies.reduce((n, b, i) => n + (sizes[i] as Code).length + b.length, 0));
  out.op(bodies.length);
  bodies.forEach((b, i) => {
    out.append(sizes[i] as Code).append(b);
  });
  return out.bytes();
}
