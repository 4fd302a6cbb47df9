/**
 * Architectural state of the ts engine. 64-bit registers are split into int32 halves so the hot
 * path never touches BigInt. Register file layout: 0..30 = X0..X30, 31 = SP, 32 = the zero
 * register as read (always 0, never written), 33 = the zero register as written (a sink).
 * Decoders map a register field of 31 to SP, ZR (read) or ZR_W (write) as the encoding says.
 */
import { REGISTERS } from '../arena.ts';
import type { Memory } from '../memory.ts';

export const SP = 31;
export const ZR = 32;
export const ZR_W = 33;

/** Exception kinds raised by instructions; the run loop turns them into interrupt hooks. */
export const EXC_NONE = 0;
export const EXC_SVC = 1;
export const EXC_BRK = 2;
export const EXC_HVC = 3;
export const EXC_UDF = 4;

/** A first value that is not a small integer, so V8 stores the field as a double from the start. */
const AS_DOUBLE = 0.5;

export class CpuState {
  /**
   * The int32 halves of X0..X30, SP and the zero registers. Replaced by useRegisters (once at
   * most) and by ownRegisters when the engine closes: nothing may keep them across a call that can
   * translate code.
   */
  xlo: Int32Array<ArrayBufferLike> = new Int32Array(REGISTERS);
  xhi: Int32Array<ArrayBufferLike> = new Int32Array(REGISTERS);
  /** Address of the next instruction to execute (exact at block boundaries). */
  pc = 0;
  /** NZCV flags, each 0 or 1. */
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  /** V0..V31, 16 bytes each, little-endian, with typed views over the same bytes. */
  readonly vbuf = new ArrayBuffer(32 * 16);
  readonly vb = new Uint8Array(this.vbuf);
  readonly vh = new Uint16Array(this.vbuf);
  readonly vi = new Int32Array(this.vbuf);
  readonly vf32 = new Float32Array(this.vbuf);
  readonly vf64 = new Float64Array(this.vbuf);
  readonly vdv = new DataView(this.vbuf);
  fpcr = 0;
  fpsr = 0;
  tpidrLo = 0;
  tpidrHi = 0;
  /** Exclusive monitor (QEMU semantics: address and the value seen by the load-exclusive). */
  exclAddr = AS_DOUBLE;
  exclSize = 0;
  exclLo = 0;
  exclHi = 0;
  exclLo2 = 0;
  exclHi2 = 0;
  /** Instructions retired since the engine was opened; exact at block boundaries. */
  icount = 0;
  /** Set by exception-raising instructions (SVC/BRK/HVC/UDF). */
  excKind = EXC_NONE;
  excImm = 0;
  /** The current run's `until` address (-1: none), read by translated regions. */
  until = AS_DOUBLE;
  /** The current run's instruction limit as an `icount` value (Infinity: none). */
  ilim = Number.POSITIVE_INFINITY;
  /**
   * Translated blocks: the address of the instruction being run and the instructions the block
   * retired before it (exact state when it throws).
   */
  k = AS_DOUBLE;
  jn = 0;
  /**
   * Links of the last translated block that retired instructions (the dispatcher fills them): a
   * jit/compile.ts `Links`, held as an opaque object so the state does not depend on the translator.
   */
  lk: object | null = null;
  constructor(readonly mem: Memory) {
    // Address fields first set in the middle of a run start as doubles (AS_DOUBLE): a field V8
    // first saw as a small integer switches to a double when an address past int32 (or a double
    // from address arithmetic) arrives, which gives every CpuState a new map and deoptimizes each
    // optimized function that took one (`k`, at the first access a WebAssembly region left to its
    // op: 43 deoptimizations at once on the programs benchmark). `pc` makes that switch at the
    // first RET, before anything is optimized; `pc` and `icount` as doubles from the start made
    // CoreMark slower.
    this.exclAddr = -1;
    this.until = -1;
    this.k = 0;
  }

  /**
   * Takes `xlo` and `xhi` (the Memory's arena header words, arena.ts) as the register file, with the
   * registers' values: translated WebAssembly then reads and writes the registers in place.
   */
  useRegisters(xlo: Int32Array, xhi: Int32Array): void {
    xlo.set(this.xlo);
    xhi.set(this.xhi);
    this.xlo = xlo;
    this.xhi = xhi;
  }

  /** Takes back arrays of its own for the registers (values kept): the arena's are about to be reused. */
  ownRegisters(): void {
    this.xlo = Int32Array.from(this.xlo);
    this.xhi = Int32Array.from(this.xhi);
  }

  getX(i: number): bigint {
    return (BigInt((this.xhi[i] as number) >>> 0) << 32n) | BigInt((this.xlo[i] as number) >>> 0);
  }

  setX(i: number, v: bigint): void {
    this.xlo[i] = Number(BigInt.asIntN(32, v));
    this.xhi[i] = Number(BigInt.asIntN(32, v >> 32n));
  }

  nzcv(): number {
    return (this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28);
  }

  setNzcv(value: number): void {
    this.n = (value >>> 31) & 1;
    this.z = (value >>> 30) & 1;
    this.c = (value >>> 29) & 1;
    this.v = (value >>> 28) & 1;
  }
}

/** One executable instruction: reads and writes the state. Branch-like ops set `pc`. */
export type Op = (s: CpuState) => void;
