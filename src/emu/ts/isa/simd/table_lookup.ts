/** Advanced SIMD table lookup: TBL, TBX (one to four table registers). */
import { type InsnDef, insn } from '../../decoder.ts';
import { D8, D32, fin, vr } from './lanes.ts';

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
      if (nregs === 1 && !tbx) {
        // One table register, TBL: index bytes four at a time from the int32 view, each result
        // word made before any is written (Vd may be the table or the indices).
        const t = n << 4;
        const x = m << 2;
        const cw = len >> 2;
        return (s) => {
          const vb = s.vb;
          const vi = s.vi;
          for (let w = 0; w < cw; w++) {
            const k = vi[x + w] as number;
            const b0 = k & 0xff;
            const b1 = (k >>> 8) & 0xff;
            const b2 = (k >>> 16) & 0xff;
            const b3 = k >>> 24;
            D32[w] =
              (b0 < 16 ? (vb[t + b0] as number) : 0) |
              ((b1 < 16 ? (vb[t + b1] as number) : 0) << 8) |
              ((b2 < 16 ? (vb[t + b2] as number) : 0) << 16) |
              ((b3 < 16 ? (vb[t + b3] as number) : 0) << 24);
          }
          fin(s, d, q);
        };
      }
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
