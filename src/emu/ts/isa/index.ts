/**
 * The instruction table: every encoding class, in priority order (first match wins inside the
 * decoder's buckets; aliases and special cases come before the general encodings they refine).
 * Every id it holds is listed, in this order, in `ids.generated.ts`.
 */
import { type Decoded, DecodeTable, type DisasmContext, type InsnDef } from '../decoder.ts';
import { defs as branch } from './branch.ts';
import { defs as crypto } from './crypto.ts';
import { defs as dpImm } from './dp_imm.ts';
import { defs as dpReg } from './dp_reg.ts';
import { defs as fp } from './fp.ts';
import { defs as ldst } from './ldst.ts';
import { groups as simdGroups } from './simd/index.ts';
import { defs as simdFp } from './simd_fp.ts';
import { defs as simdLdst } from './simd_ldst.ts';
import { defs as system } from './system.ts';

/** The table's parts in priority order, each named by the module (under isa/) declaring it. */
export const MODULES: readonly (readonly [module: string, defs: readonly InsnDef[]])[] = [
  ['system.ts', system],
  ['branch.ts', branch],
  ['dp_imm.ts', dpImm],
  ['dp_reg.ts', dpReg],
  ['ldst.ts', ldst],
  ['simd_ldst.ts', simdLdst],
  ['fp.ts', fp],
  ['crypto.ts', crypto],
  ['simd_fp.ts', simdFp],
  ...simdGroups.map(([name, defs]) => [`simd/${name}.ts`, defs] as const),
];

// Field names are checked by tests/unit/isa-ids.test.ts, not at every start-up (see DecodeTable).
export const TABLE = new DecodeTable(
  MODULES.flatMap(([, defs]) => defs),
  { checkFields: false },
);

export function decodeWord(word: number): Decoded | null {
  return TABLE.decode(word);
}

/** llvm-objdump-style text for one word; undecodable words print as `.inst 0x…`. */
export function disassemble(word: number, address = 0, ctx?: DisasmContext): string {
  const d = TABLE.decode(word);
  if (d === null) return `.inst 0x${(word >>> 0).toString(16).padStart(8, '0')}`;
  return d.def.disasm(d.fields, address, ctx);
}
