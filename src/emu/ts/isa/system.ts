/** System: exceptions, hints, barriers, MRS/MSR. (Seed; extended by the ISA work.) */
import type { InsnDef } from '../decoder.ts';
import { EXC_SVC } from '../state.ts';
import { imm } from './fmt.ts';

export const defs: InsnDef[] = [
  {
    id: 'SVC',
    cls: 'system',
    pattern: '11010100 000 imm16:16 000 01',
    flow: 'alone',
    disasm: (f) => `svc ${imm(f.imm16 as number)}`,
    exec: (f, a) => {
      const k = f.imm16 as number;
      return (s) => {
        s.excKind = EXC_SVC;
        s.excImm = k;
        s.pc = a + 4;
      };
    },
  },
  {
    id: 'NOP',
    cls: 'system',
    pattern: '11010101000000110010 0000 000 11111',
    disasm: () => 'nop',
    exec: () => () => {},
  },
];
