/**
 * Where a block may continue, as far as its last instruction says at decode time: shared by the
 * region builders (compile.ts, wasm.ts) and the engine, which collects a region's blocks.
 */
import type { Decoded } from '../decoder.ts';

/** Sign-extends the low `bits` bits of v. */
function sext(v: number, bits: number): number {
  const sh = 32 - bits;
  return (v << sh) >> sh;
}

/**
 * Addresses a block ending in `d` (at `a`) may continue at that are known at decode time:
 * branch targets and the next instruction (conditional branches, and after calls, where a
 * return usually lands).
 */
export function staticSuccessors(d: Decoded, a: number): number[] {
  const f = d.fields;
  switch (d.def.id) {
    case 'B':
      return [a + sext(f.imm26 as number, 26) * 4];
    case 'BL':
      return [a + sext(f.imm26 as number, 26) * 4, a + 4];
    case 'B_cond':
    case 'CBZ':
    case 'CBNZ':
      return [a + sext(f.imm19 as number, 19) * 4, a + 4];
    case 'TBZ':
    case 'TBNZ':
      return [a + sext(f.imm14 as number, 14) * 4, a + 4];
    case 'BLR':
      return [a + 4];
    default:
      return [];
  }
}
