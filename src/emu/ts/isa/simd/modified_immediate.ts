/** Advanced SIMD modified immediate (integer forms): MOVI, MVNI, ORR and BIC (vector, immediate). */
import { type Fields, type InsnDef, insn } from '../../decoder.ts';
import { imm } from '../fmt.ts';
import { D32, fin, vr } from './lanes.ts';

function byteMask(v: number): number {
  let r = 0;
  for (let i = 0; i < 4; i++) if ((v >> i) & 1) r |= 0xff << (8 * i);
  return r;
}

/**
 * What a MODIMM word does: the 64-bit immediate (int32 halves, repeated in both halves of the
 * register; the upper one is zeroed when q is 0), already inverted for MVNI; for ORR and BIC
 * (`logic`) it is ORed into the register, or its complement ANDed (`bic`). Shared with the
 * WebAssembly regions (jit/wasm.ts).
 */
export function modImm(f: Fields): { q: number; d: number; lo: number; hi: number; logic: boolean; bic: boolean } {
  const [q, op, cm, d] = [f.q as number, f.op as number, f.cmode as number, f.rd as number];
  const i8 = ((f.abc as number) << 5) | (f.defgh as number);
  let lo: number;
  let hi: number;
  if (cm < 8) lo = hi = i8 << ((cm >> 1) * 8);
  else if (cm < 12) lo = hi = (i8 << (((cm >> 1) & 1) * 8)) * 0x10001;
  else if (cm < 14) lo = hi = cm === 12 ? (i8 << 8) | 0xff : (i8 << 16) | 0xffff;
  else if (op === 0) lo = hi = i8 * 0x01010101;
  else {
    lo = byteMask(i8 & 15);
    hi = byteMask(i8 >> 4);
  }
  lo |= 0;
  hi |= 0;
  const logic = (cm & 1) === 1 && cm < 12;
  if (!logic && op === 1 && cm !== 14) {
    lo = ~lo;
    hi = ~hi;
  }
  return { q, d, lo, hi, logic, bic: logic && op === 1 };
}

export const defs: InsnDef[] = [
  insn({
    id: 'MODIMM',
    cls: 'simd',
    pattern: '0 q:1 op:1 0111100000 abc:3 cmode:4 0 1 defgh:5 rd:5',
    when: (f) => f.cmode !== 15,
    disasm: (f) => {
      const [q, op, cm, d] = [f.q, f.op, f.cmode, f.rd];
      const i8 = (f.abc << 5) | f.defgh;
      if (cm === 14) {
        if (op === 0) return `movi ${vr(d, 0, q)}, ${imm(i8)}`;
        const lo = byteMask(i8 & 15);
        const hi = byteMask(i8 >> 4);
        const t = (hi | lo) === 0 ? '#0000000000000000' : `#0x${fmt64(hi, lo)}`;
        return q ? `movi v${d}.2d, ${t}` : `movi d${d}, ${t}`;
      }
      const logic = (cm & 1) === 1 && cm < 12;
      const nm = logic ? (op ? 'bic' : 'orr') : op ? 'mvni' : 'movi';
      if (cm < 8) {
        const sh = (cm >> 1) * 8;
        return `${nm} ${vr(d, 2, q)}, ${imm(i8)}${sh ? `, lsl #${sh}` : ''}`;
      }
      if (cm < 12) {
        const sh = ((cm >> 1) & 1) * 8;
        return `${nm} ${vr(d, 1, q)}, ${imm(i8)}${sh ? `, lsl #${sh}` : ''}`;
      }
      return `${nm} ${vr(d, 2, q)}, ${imm(i8)}, msl #${(cm & 1) === 1 ? 16 : 8}`;
    },
    exec: (f) => {
      const { q, d, lo, hi, logic, bic } = modImm(f);
      if (!logic) {
        return (s) => {
          D32[0] = lo;
          D32[1] = hi;
          D32[2] = lo;
          D32[3] = hi;
          fin(s, d, q);
        };
      }
      return (s) => {
        const o = d << 2;
        for (let i = 0; i < 4; i++) {
          const v = s.vi[o + i] as number;
          const k = i & 1 ? hi : lo;
          D32[i] = bic ? v & ~k : v | k;
        }
        fin(s, d, q);
      };
    },
  }),
];

function fmt64(hi: number, lo: number): string {
  const h = (hi >>> 0).toString(16);
  const l = (lo >>> 0).toString(16);
  const full = hi ? h + l.padStart(8, '0') : l;
  return full.padStart(14, '0');
}
