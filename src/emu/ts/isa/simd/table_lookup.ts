/** Advanced SIMD table lookup: TBL, TBX (one to four table registers). */
import { type InsnDef, insn } from '../../decoder.ts';
import { D8, fin, vr } from './lanes.ts';

export const defs: InsnDef[] = [
  insn({
    id: 'TBL_TBX',
    cls: 'simd',
    pattern: '0 q:1 001110 00 0 rm:5 0 len:2 op:1 00 rn:5 rd:5',
    disasm: (f) => {
      const q = f.q;
      const regs: string[] = [];
      for (let i = 0; i <= f.len; i++) regs.push(`v${(f.rn + i) % 32}.16b`);
      return `${f.op ? 'tbx' : 'tbl'} ${vr(f.rd, 0, q)}, { ${regs.join(', ')} }, ${vr(f.rm, 0, q)}`;
    },
    exec: (f) => {
      const [q, n, m, d] = [f.q, f.rn, f.rm, f.rd];
      const nregs = f.len + 1;
      const tbx = f.op === 1;
      const len = q ? 16 : 8;
      const limit = nregs * 16;
      return (s) => {
        const vb = s.vb;
        for (let j = 0; j < len; j++) {
          const k = vb[(m << 4) + j] as number;
          if (k < limit) D8[j] = vb[(((n + (k >> 4)) & 31) << 4) + (k & 15)] as number;
          else D8[j] = tbx ? (vb[(d << 4) + j] as number) : 0;
        }
        fin(s, d, q);
      };
    },
  }),
];
