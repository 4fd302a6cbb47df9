/** Advanced SIMD scalar pairwise (integer): ADDP (scalar). */
import { type InsnDef, insn } from '../../decoder.ts';
import { add64, D32, fin, R } from './lanes.ts';

export const defs: InsnDef[] = [
  insn({
    id: 'ADDP_s',
    cls: 'simd',
    pattern: '01 0 11110 11 11000 11011 10 rn:5 rd:5',
    disasm: (f) => `addp d${f.rd}, v${f.rn}.2d`,
    exec: (f) => {
      const n = f.rn << 2;
      const d = f.rd;
      return (s) => {
        const vi = s.vi;
        D32[0] = add64(vi[n] as number, vi[n + 1] as number, vi[n + 2] as number, vi[n + 3] as number);
        D32[1] = R.hi;
        fin(s, d, 0);
      };
    },
  }),
];
