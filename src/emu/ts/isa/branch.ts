/** Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. (Seed; extended by the ISA work.) */
import type { InsnDef } from '../decoder.ts';
import { signExtend, target } from './fmt.ts';
import { addrOf, setXNum, TWO32 } from './util.ts';

export const defs: InsnDef[] = [
  {
    id: 'B',
    cls: 'branch',
    pattern: '000101 imm26:26',
    flow: 'branch',
    disasm: (f, a, ctx) => `b ${target(a + signExtend(f.imm26 as number, 26) * 4, ctx?.symbolize)}`,
    exec: (f, a) => {
      const t = a + signExtend(f.imm26 as number, 26) * 4;
      return (s) => {
        s.pc = t;
      };
    },
  },
  {
    id: 'BL',
    cls: 'branch',
    pattern: '100101 imm26:26',
    flow: 'branch',
    disasm: (f, a, ctx) => `bl ${target(a + signExtend(f.imm26 as number, 26) * 4, ctx?.symbolize)}`,
    exec: (f, a) => {
      const t = a + signExtend(f.imm26 as number, 26) * 4;
      const ret = a + 4;
      return (s) => {
        setXNum(s, 30, ret);
        s.pc = t;
      };
    },
  },
  {
    id: 'RET',
    cls: 'branch',
    pattern: '1101011 0010 11111 000000 rn:5 00000',
    flow: 'branch',
    disasm: (f) => (f.rn === 30 ? 'ret' : `ret x${f.rn}`),
    exec: (f) => {
      const n = f.rn as number;
      return (s) => {
        s.pc = addrOf(s, n);
      };
    },
  },
];

export { TWO32 };
