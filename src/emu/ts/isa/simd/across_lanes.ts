/** Advanced SIMD across lanes (integer): SADDLV/UADDLV, S/UMAXV, S/UMINV, ADDV. */
import { type InsnDef, insn } from '../../decoder.ts';
import { bitsOf, D32, fin, lanes, pairOf, R, type Rd, RS, RU, sr, vr, WD, type Wr } from './lanes.ts';

export const defs: InsnDef[] = [];
for (const [name, u, op, sg, kind] of [
  ['saddlv', 0, 3, true, 'addl'],
  ['uaddlv', 1, 3, false, 'addl'],
  ['smaxv', 0, 10, true, 'max'],
  ['umaxv', 1, 10, false, 'max'],
  ['sminv', 0, 26, true, 'min'],
  ['uminv', 1, 26, false, 'min'],
  ['addv', 0, 27, false, 'add'],
] as [string, number, number, boolean, string][]) {
  defs.push(
    insn({
      id: `${name.toUpperCase()}`,
      cls: 'simd',
      pattern: `0 q:1 ${u} 01110 size:2 11000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
      when: (f) => f.size !== 3 && !(f.size === 2 && f.q === 0),
      disasm: (f) => {
        const z = f.size;
        return `${name} ${sr(f.rd, kind === 'addl' ? z + 1 : z)}, ${vr(f.rn, z, f.q)}`;
      },
      exec: (f) => {
        const [n, d, z, q] = [f.rn, f.rd, f.size, f.q];
        const cnt = lanes(z, q);
        const ra = (sg ? RS : RU)[z] as Rd;
        const wz = kind === 'addl' ? z + 1 : z;
        return (s) => {
          let acc = ra(s, n, 0);
          for (let i = 1; i < cnt; i++) {
            const v = ra(s, n, i);
            if (kind === 'max') acc = v > acc ? v : acc;
            else if (kind === 'min') acc = v < acc ? v : acc;
            else acc += v;
          }
          D32[0] = 0;
          D32[1] = 0;
          if (wz === 3) {
            D32[0] = pairOf(acc);
            D32[1] = R.hi;
          } else (WD[wz] as Wr)(0, acc);
          fin(s, d, 0);
        };
      },
    }),
  );
}
