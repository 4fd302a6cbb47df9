/**
 * decode_operand support: maps OUR decoder's result (src/emu/ts/isa) onto LLVM MCInst operand
 * lists for the instruction forms relocations touch. The form is recognised from the decoded
 * def's pattern (its fixed-bit mask/value must cover the form's opcode bits) and immediates are
 * read from the def's named fields, falling back to the architectural bit positions.
 */
import type { Decoded } from '../../emu/ts/decoder.ts';
import { decodeWord, disassemble } from '../../emu/ts/isa/index.ts';

/** One MCInst operand: a register (not an immediate) or an immediate value. */
export type McOperand = { reg: true } | { reg: false; imm: bigint };

const REG: McOperand = { reg: true };
const imm = (v: number | bigint): McOperand => ({ reg: false, imm: BigInt(v) });

function sext(v: number, bits: number): number {
  const m = 2 ** (bits - 1);
  return v >= m ? v - 2 * m : v;
}

function field(d: Decoded, names: readonly string[], shift: number, width: number): number {
  for (const n of names) {
    const v = d.fields[n];
    if (v !== undefined) return v;
  }
  return width === 32 ? d.word : (d.word >>> shift) & ((1 << width) - 1);
}

interface Form {
  name: string;
  mask: number;
  value: number;
  /** Extra test on the word (for forms sharing an opcode space). */
  when?: (w: number) => boolean;
  operands(d: Decoded): McOperand[];
}

const FORMS: Form[] = [
  {
    name: 'B/BL',
    mask: 0x7c000000,
    value: 0x14000000,
    operands: (d) => [imm(sext(field(d, ['imm26'], 0, 26), 26))],
  },
  {
    name: 'B.cond',
    mask: 0xff000010,
    value: 0x54000000,
    operands: (d) => [imm(field(d, ['cond'], 0, 4)), imm(sext(field(d, ['imm19'], 5, 19), 19))],
  },
  {
    name: 'CBZ/CBNZ',
    mask: 0x7e000000,
    value: 0x34000000,
    operands: (d) => [REG, imm(sext(field(d, ['imm19'], 5, 19), 19))],
  },
  {
    name: 'TBZ/TBNZ',
    mask: 0x7e000000,
    value: 0x36000000,
    operands: (d) => {
      const b5 = field(d, ['b5'], 31, 1);
      const b40 = field(d, ['b40'], 19, 5);
      return [REG, imm((b5 << 5) | b40), imm(sext(field(d, ['imm14'], 5, 14), 14))];
    },
  },
  {
    name: 'ADR/ADRP',
    mask: 0x1f000000,
    value: 0x10000000,
    operands: (d) => {
      const lo = field(d, ['immlo'], 29, 2);
      const hi = field(d, ['immhi'], 5, 19);
      return [REG, imm(sext(hi * 4 + lo, 21))];
    },
  },
  {
    name: 'ADD/SUB (immediate)',
    mask: 0x1f800000,
    value: 0x11000000,
    operands: (d) => [REG, REG, imm(field(d, ['imm12'], 10, 12)), imm(field(d, ['sh', 'shift'], 22, 1) * 12)],
  },
  {
    name: 'LDR/STR (unsigned immediate)',
    mask: 0x3b000000,
    value: 0x39000000,
    operands: (d) => {
      const w = d.word;
      const prfm = w >>> 22 === 0x3e6; // PRFM: operand 0 is the prefetch operation
      return [prfm ? imm(w & 31) : REG, REG, imm(field(d, ['imm12'], 10, 12))];
    },
  },
  {
    name: 'LDR (literal)',
    mask: 0x3b000000,
    value: 0x18000000,
    operands: (d) => {
      const prfm = d.word >>> 24 === 0xd8;
      return [prfm ? imm(d.word & 31) : REG, imm(sext(field(d, ['imm19'], 5, 19), 19))];
    },
  },
  {
    name: 'MOVN/MOVZ',
    mask: 0x1f800000,
    value: 0x12800000,
    when: (w) => ((w >>> 29) & 3) !== 1 && ((w >>> 29) & 3) !== 3,
    operands: (d) => [REG, imm(field(d, ['imm16'], 5, 16)), imm(field(d, ['hw'], 21, 2) * 16)],
  },
  {
    name: 'MOVK',
    mask: 0x1f800000,
    value: 0x12800000,
    when: (w) => ((w >>> 29) & 3) === 3,
    operands: (d) => [REG, REG, imm(field(d, ['imm16'], 5, 16)), imm(field(d, ['hw'], 21, 2) * 16)],
  },
];

export interface DecodedOperands {
  form: string;
  text: string;
  operands: McOperand[];
}

export class OperandDecodeError extends Error {
  override name = 'OperandDecodeError';
}

/** Decodes one word with our decoder and returns its LLVM-style operand list. */
export function decodeOperands(word: number, address = 0): DecodedOperands {
  const w = word >>> 0;
  const d = decodeWord(w);
  if (d === null)
    throw new OperandDecodeError(
      `Couldn't decode instruction 0x${w.toString(16).padStart(8, '0')} (not in our decoder's table)`,
    );
  const text = disassemble(w, address);
  for (const f of FORMS) {
    if ((w & f.mask) >>> 0 !== f.value) continue;
    if (f.when && !f.when(w)) continue;
    // The decoded def must be an instance of this form: its fixed bits cover the form's opcode bits.
    if (((d.def.mask & f.mask) >>> 0 !== f.mask || (d.def.value & f.mask) >>> 0 !== f.value) && !covers(d, f)) continue;
    return { form: f.name, text, operands: f.operands(d) };
  }
  throw new OperandDecodeError(
    `decode_operand does not know the operands of '${text}' (0x${w.toString(16).padStart(8, '0')}, ${d.def.id})`,
  );
}

/** A def whose pattern is more general than the form but whose fields carry the form's immediates. */
function covers(d: Decoded, f: Form): boolean {
  const need: Record<string, string[]> = {
    'B/BL': ['imm26'],
    'B.cond': ['imm19'],
    'CBZ/CBNZ': ['imm19'],
    'TBZ/TBNZ': ['imm14'],
    'ADR/ADRP': ['immlo', 'immhi'],
    'ADD/SUB (immediate)': ['imm12'],
    'LDR/STR (unsigned immediate)': ['imm12'],
    'LDR (literal)': ['imm19'],
    'MOVN/MOVZ': ['imm16'],
    MOVK: ['imm16'],
  };
  return (need[f.name] ?? []).every((n) => d.fields[n] !== undefined);
}
