/** Data processing (immediate). (Seed; extended by the ISA work.) */
import type { InsnDef } from '../decoder.ts';
import { SP, ZR_W } from '../state.ts';
import { imm, rr } from './fmt.ts';

export const defs: InsnDef[] = [
  {
    id: 'MOVZ',
    cls: 'dp-imm',
    pattern: 'sf:1 10 100101 hw:2 imm16:16 rd:5',
    when: (f) => f.sf === 1 || (f.hw as number) < 2,
    disasm: (f) =>
      `mov ${rr(f.sf as number, f.rd as number)}, ${imm(BigInt(f.imm16 as number) << BigInt(16 * (f.hw as number)))}`,
    exec: (f) => {
      const d = f.rd === 31 ? ZR_W : (f.rd as number);
      const hw = f.hw as number;
      const v = f.imm16 as number;
      const lo = hw === 0 ? v : hw === 1 ? v << 16 : 0;
      const hi = hw === 2 ? v : hw === 3 ? v << 16 : 0;
      return (s) => {
        s.xlo[d] = lo;
        s.xhi[d] = hi;
      };
    },
  },
  {
    id: 'ADD_imm64',
    cls: 'dp-imm',
    pattern: '1 0 0 100010 sh:1 imm12:12 rn:5 rd:5',
    disasm: (f) =>
      `add ${rr(1, f.rd as number, true)}, ${rr(1, f.rn as number, true)}, ${imm(f.imm12 as number)}${f.sh ? ', lsl #12' : ''}`,
    exec: (f) => {
      const n = f.rn as number;
      const d = f.rd === 31 ? SP : (f.rd as number);
      const k = (f.imm12 as number) * (f.sh ? 4096 : 1);
      return (s) => {
        const lo = ((s.xlo[n] as number) >>> 0) + k;
        s.xhi[d] = (s.xhi[n] as number) + (lo > 0xffffffff ? 1 : 0);
        s.xlo[d] = lo;
      };
    },
  },
];
