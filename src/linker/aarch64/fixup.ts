/**
 * AArch64 fixup formulas (JITLink aarch64.h `applyFixup`), as pure functions on numbers so
 * they can be property-tested. Instruction words are u32 numbers; values are exact integers
 * (|v| < 2^53). A violated check throws a `FixupViolation` that the caller turns into a
 * LinkError naming the object, section, offset, relocation and symbol.
 */
import { K } from './edges.ts';

export class FixupViolation {
  constructor(
    readonly what: 'range' | 'align' | 'insn',
    /** The offending value (displacement or address). */
    readonly value: number,
    readonly lo: number,
    readonly hi: number,
    /** For 'align': the required alignment. For 'insn': the instruction word. */
    readonly extra: number,
    readonly detail = '',
  ) {}
}

const TWO32 = 0x1_0000_0000;

function range(value: number, lo: number, hi: number): never {
  throw new FixupViolation('range', value, lo, hi, 0);
}
function misaligned(value: number, align: number): never {
  throw new FixupViolation('align', value, 0, 0, align);
}

/** Low 32 bits of an integer (two's complement), as u32. */
export function lo32(v: number): number {
  return v >>> 0;
}
/** High 32 bits of an integer (two's complement), as u32. */
export function hi32(v: number): number {
  return Math.floor(v / TWO32) >>> 0;
}

export function fixBranch26(I: number, P: number, T: number, A: number): number {
  const V = T - P + A;
  if ((V & 3) !== 0) misaligned(V, 4);
  if (V < -0x8000000 || V > 0x7fffffc) range(V, -0x8000000, 0x7fffffc);
  return (I | ((V & 0x0fffffff) >>> 2)) >>> 0;
}

export function fixTestBranch14(I: number, P: number, T: number, A: number): number {
  const D = T + A - P;
  if ((D & 3) !== 0) misaligned(D, 4);
  if (D < -0x8000 || D > 0x7ffc) range(D, -0x8000, 0x7ffc);
  return (I | (((D >> 2) & 0x3fff) << 5)) >>> 0;
}

/** CondBranch19PCRel and LDRLiteral19 share their encoding. */
export function fixImm19(I: number, P: number, T: number, A: number): number {
  const D = T + A - P;
  if ((D & 3) !== 0) misaligned(D, 4);
  if (D < -0x100000 || D > 0xffffc) range(D, -0x100000, 0xffffc);
  return (I | (((D >> 2) & 0x7ffff) << 5)) >>> 0;
}

export function fixAdr21(I: number, P: number, T: number, A: number): number {
  const D = T + A - P;
  if (D < -0x100000 || D > 0xfffff) range(D, -0x100000, 0xfffff);
  return (I | (((D >> 2) & 0x7ffff) << 5) | ((D & 3) << 29)) >>> 0;
}

export function pageOf(v: number): number {
  return Math.floor(v / 4096) * 4096;
}

export function fixPage21(I: number, P: number, T: number, A: number): number {
  const PD = pageOf(T + A) - pageOf(P);
  if (PD < -0x100000000 || PD > 0xfffff000) range(PD, -0x100000000, 0xfffff000);
  const pages = PD / 4096;
  return (I | ((pages & 3) << 29) | (((pages >> 2) & 0x7ffff) << 5)) >>> 0;
}

/** Implied scale of a PageOffset12 instruction (load/store unsigned imm12), 0 for others. */
export function pageOffset12Shift(I: number): number {
  if ((I & 0x3b000000) >>> 0 === 0x39000000) {
    const size = I >>> 30;
    if (size === 0 && (I & 0x04800000) >>> 0 === 0x04800000) return 4;
    return size;
  }
  return 0;
}

export function fixPageOffset12(I: number, T: number, A: number): number {
  const O = (T + A) & 0xfff;
  const S = pageOffset12Shift(I);
  if ((O & ((1 << S) - 1)) !== 0) misaligned(T + A, 1 << S);
  return (I | ((O >>> S) << 10)) >>> 0;
}

export function fixGotPageOffset15(I: number, T: number, A: number, got: number): number {
  const O = T + A - pageOf(got);
  if (O < 0 || O > 0x7fff) range(O, 0, 0x7ff8);
  if ((O & 7) !== 0) misaligned(O, 8);
  return (I | ((O >>> 3) << 10)) >>> 0;
}

export function fixMoveWide16(I: number, T: number, A: number): number {
  const v = T + A;
  const hw = (I >>> 21) & 3;
  const word = hw < 2 ? lo32(v) : hi32(v);
  const imm = (hw & 1 ? word >>> 16 : word) & 0xffff;
  return (I | (imm << 5)) >>> 0;
}

/**
 * Bits [16g+31:16g] of an exact integer's 64-bit two's complement, as lld's `(uint32_t)(val >> 16g)`
 * on a uint64: for g = 3 only 16 bits remain, so G3 never turns into MOVN.
 */
function shr16(v: number, g: number): number {
  if (g === 0) return v | 0;
  const s = Math.floor(v / 2 ** (16 * g)) | 0;
  return g === 3 ? s & 0xffff : s;
}

/**
 * lld's signed move-wide write: MOVK keeps its opcode and takes the 16 bits; MOVZ/MOVN become
 * MOVZ for a non-negative group value and MOVN (inverted immediate) for a negative one, judged
 * by bit 16 of the shifted value.
 */
export function writeSignedMoveWide(I: number, shifted: number): number {
  let imm = shifted;
  let insn = I;
  if ((insn & (1 << 29)) === 0) {
    if (imm & 0x10000) {
      imm ^= 0xffff;
      insn &= ~(1 << 30);
    } else insn |= 1 << 30;
  }
  return (insn | ((imm & 0xffff) << 5)) >>> 0;
}

/** Move-wide group (hw field) of the instruction. */
function moveGroup(I: number): number {
  return (I >>> 21) & 3;
}

export function fixMoveWide16Checked(I: number, T: number, A: number): number {
  const v = T + A;
  const g = moveGroup(I);
  const hi = 2 ** (16 * g + 16) - 1;
  if (v < 0 || v > hi) range(v, 0, hi);
  return fixMoveWide16(I, T, A);
}

/** Signed move-wide of `v`; `checked` limits v to signed 16g+17 bits (g = 0..2). */
export function fixMoveWideSigned(I: number, v: number, checked: boolean): number {
  const g = moveGroup(I);
  if (checked) {
    const lim = 2 ** (16 * g + 16);
    if (v < -lim || v > lim - 1) range(v, -lim, lim - 1);
  }
  return writeSignedMoveWide(I, shr16(v, g));
}

export function fixPage21NoCheck(I: number, P: number, T: number, A: number): number {
  const pages = (pageOf(T + A) - pageOf(P)) / 4096;
  return (I | ((pages & 3) << 29) | (((pages >> 2) & 0x7ffff) << 5)) >>> 0;
}

export function fixTPRelAddHi12(I: number, v: number): number {
  if (v < 0 || v > 0xffffff) range(v, 0, 0xffffff);
  return (I | (((v >>> 12) & 0xfff) << 10)) >>> 0;
}

/** Checks an instruction has the form a relocation expects (at graph build time). */
export function insnCheck(I: number, ok: boolean, detail: string): void {
  if (!ok) throw new FixupViolation('insn', I, 0, 0, I, detail);
}

function readU32BE(d: Uint8Array, o: number): number {
  return (
    (((d[o] as number) << 24) | ((d[o + 1] as number) << 16) | ((d[o + 2] as number) << 8) | (d[o + 3] as number)) >>> 0
  );
}
function writeU32BE(d: Uint8Array, o: number, v: number): void {
  d[o] = (v >>> 24) & 0xff;
  d[o + 1] = (v >>> 16) & 0xff;
  d[o + 2] = (v >>> 8) & 0xff;
  d[o + 3] = v & 0xff;
}
/** A 64-bit data word in the object's byte order. */
function writeData64(d: Uint8Array, o: number, v: number, be: boolean): void {
  if (be) {
    writeU32BE(d, o, hi32(v));
    writeU32BE(d, o + 4, lo32(v));
  } else {
    writeU32(d, o, lo32(v));
    writeU32(d, o + 4, hi32(v));
  }
}

function readU32(d: Uint8Array, o: number): number {
  return (
    ((d[o] as number) | ((d[o + 1] as number) << 8) | ((d[o + 2] as number) << 16) | ((d[o + 3] as number) << 24)) >>> 0
  );
}
function writeU32(d: Uint8Array, o: number, v: number): void {
  d[o] = v & 0xff;
  d[o + 1] = (v >>> 8) & 0xff;
  d[o + 2] = (v >>> 16) & 0xff;
  d[o + 3] = (v >>> 24) & 0xff;
}

/**
 * Applies one fixup to `content` at `offset`. P = fixup address, T = target address,
 * A = addend, got = start of the graph's GOT (GotPageOffset15 only), be = big-endian data
 * (aarch64_be: data words are big-endian, instruction words little-endian).
 */
export function applyFixup(
  kind: number,
  content: Uint8Array,
  offset: number,
  P: number,
  T: number,
  A: number,
  got: number,
  be = false,
): void {
  switch (kind) {
    case K.Branch26PCRel:
    case K.Branch26PCRelRelaxable:
      writeU32(content, offset, fixBranch26(readU32(content, offset), P, T, A));
      return;
    case K.Page21:
    case K.Page21Relaxable:
      writeU32(content, offset, fixPage21(readU32(content, offset), P, T, A));
      return;
    case K.PageOffset12:
    case K.PageOffset12Relaxable:
      writeU32(content, offset, fixPageOffset12(readU32(content, offset), T, A));
      return;
    case K.Pointer64:
      writeData64(content, offset, T + A, be);
      return;
    case K.Pointer32: {
      const v = T + A;
      if (v < 0 || v > 0xffffffff) range(v, 0, 0xffffffff);
      if (be) writeU32BE(content, offset, v);
      else writeU32(content, offset, v);
      return;
    }
    case K.Pointer16:
    case K.Delta16: {
      const v = kind === K.Pointer16 ? T + A : T - P + A;
      if (v < -0x8000 || v > 0xffff) range(v, -0x8000, 0xffff);
      if (be) {
        content[offset] = (v >>> 8) & 0xff;
        content[offset + 1] = v & 0xff;
      } else {
        content[offset] = v & 0xff;
        content[offset + 1] = (v >>> 8) & 0xff;
      }
      return;
    }
    case K.Delta64:
    case K.NegDelta64:
      writeData64(content, offset, kind === K.Delta64 ? T - P + A : P - T + A, be);
      return;
    case K.Delta32:
    case K.NegDelta32: {
      const v = kind === K.Delta32 ? T - P + A : P - T + A;
      if (v < -0x80000000 || v > 0x7fffffff) range(v, -0x80000000, 0x7fffffff);
      if (be) writeU32BE(content, offset, v >>> 0);
      else writeU32(content, offset, v >>> 0);
      return;
    }
    case K.TestAndBranch14PCRel:
      writeU32(content, offset, fixTestBranch14(readU32(content, offset), P, T, A));
      return;
    case K.CondBranch19PCRel:
    case K.LDRLiteral19:
      writeU32(content, offset, fixImm19(readU32(content, offset), P, T, A));
      return;
    case K.ADRLiteral21:
      writeU32(content, offset, fixAdr21(readU32(content, offset), P, T, A));
      return;
    case K.MoveWide16:
      writeU32(content, offset, fixMoveWide16(readU32(content, offset), T, A));
      return;
    case K.MoveWide16Checked:
      writeU32(content, offset, fixMoveWide16Checked(readU32(content, offset), T, A));
      return;
    case K.MoveWideSignedChecked:
      writeU32(content, offset, fixMoveWideSigned(readU32(content, offset), T + A, true));
      return;
    case K.MoveWidePCRel:
    case K.MoveWidePCRelChecked:
      writeU32(
        content,
        offset,
        fixMoveWideSigned(readU32(content, offset), T + A - P, kind === K.MoveWidePCRelChecked),
      );
      return;
    case K.Page21NoCheck:
      writeU32(content, offset, fixPage21NoCheck(readU32(content, offset), P, T, A));
      return;
    // TP-relative kinds: the caller passes the target's TP offset as T.
    case K.TPRelMoveWide:
    case K.TPRelMoveWideChecked:
      writeU32(content, offset, fixMoveWideSigned(readU32(content, offset), T + A, kind === K.TPRelMoveWideChecked));
      return;
    case K.TPRelAddHi12:
      writeU32(content, offset, fixTPRelAddHi12(readU32(content, offset), T + A));
      return;
    case K.TPRelLo12Checked:
      if (T + A < 0 || T + A > 0xfff) range(T + A, 0, 0xfff);
      writeU32(content, offset, fixPageOffset12(readU32(content, offset), T, A));
      return;
    case K.TPRelLo12:
      writeU32(content, offset, fixPageOffset12(readU32(content, offset), T, A));
      return;
    case K.TPOff64:
      writeData64(content, offset, T + A, be);
      return;
    case K.GotPageOffset15:
      writeU32(content, offset, fixGotPageOffset15(readU32(content, offset), T, A, got));
      return;
    case K.KeepAlive:
      return;
    default:
      throw new FixupViolation('insn', 0, 0, 0, 0, 'edge kind reached fixup without being lowered');
  }
}

export { readU32, readU32BE, writeU32 };
