/**
 * Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. Targets of immediate branches are
 * computed at decode time; each condition code gets its own closure.
 */
import { type DisasmContext, type InsnDef, insn } from '../decoder.ts';
import type { Op } from '../state.ts';
import { rz } from './alu.ts';
import { COND, imm, rr, signExtend, target, xr } from './fmt.ts';
import { addrOf, setXNum, TWO32 } from './util.ts';

/** Branch target, wrapped into [0, 2^64) like the hardware would (only matters below 0). */
function wrap(t: number): number {
  return t < 0 ? t + 2 ** 64 : t;
}

/** Target text: exact 64-bit hex even for targets that wrapped below 0. */
function tgt(t: number, ctx?: DisasmContext): string {
  return t < 0 ? `0x${(BigInt(t) & 0xffffffffffffffffn).toString(16)}` : target(t, ctx?.symbolize);
}

/** B.cond: one closure per condition so the test is a couple of field reads. */
function bcond(cond: number, t: number, nx: number): Op {
  switch (cond) {
    case 0:
      return (s) => {
        s.pc = s.z === 1 ? t : nx;
      };
    case 1:
      return (s) => {
        s.pc = s.z === 0 ? t : nx;
      };
    case 2:
      return (s) => {
        s.pc = s.c === 1 ? t : nx;
      };
    case 3:
      return (s) => {
        s.pc = s.c === 0 ? t : nx;
      };
    case 4:
      return (s) => {
        s.pc = s.n === 1 ? t : nx;
      };
    case 5:
      return (s) => {
        s.pc = s.n === 0 ? t : nx;
      };
    case 6:
      return (s) => {
        s.pc = s.v === 1 ? t : nx;
      };
    case 7:
      return (s) => {
        s.pc = s.v === 0 ? t : nx;
      };
    case 8:
      return (s) => {
        s.pc = s.c === 1 && s.z === 0 ? t : nx;
      };
    case 9:
      return (s) => {
        s.pc = s.c === 1 && s.z === 0 ? nx : t;
      };
    case 10:
      return (s) => {
        s.pc = s.n === s.v ? t : nx;
      };
    case 11:
      return (s) => {
        s.pc = s.n !== s.v ? t : nx;
      };
    case 12:
      return (s) => {
        s.pc = s.z === 0 && s.n === s.v ? t : nx;
      };
    case 13:
      return (s) => {
        s.pc = s.z === 0 && s.n === s.v ? nx : t;
      };
    default:
      return (s) => {
        s.pc = t;
      };
  }
}

export const defs: InsnDef[] = [
  insn({
    id: 'B',
    cls: 'branch',
    pattern: '000101 imm26:26',
    flow: 'branch',
    disasm: (f, a, ctx) => `b ${tgt(a + signExtend(f.imm26, 26) * 4, ctx)}`,
    exec: (f, a) => {
      const t = wrap(a + signExtend(f.imm26, 26) * 4);
      return (s) => {
        s.pc = t;
      };
    },
  }),
  insn({
    id: 'BL',
    cls: 'branch',
    pattern: '100101 imm26:26',
    flow: 'branch',
    disasm: (f, a, ctx) => `bl ${tgt(a + signExtend(f.imm26, 26) * 4, ctx)}`,
    exec: (f, a) => {
      const t = wrap(a + signExtend(f.imm26, 26) * 4);
      const lo = ((a + 4) % TWO32) | 0;
      const hi = Math.floor((a + 4) / TWO32) | 0;
      return (s) => {
        s.xlo[30] = lo;
        s.xhi[30] = hi;
        s.pc = t;
      };
    },
  }),
  insn({
    id: 'B_cond',
    cls: 'branch',
    pattern: '0101010 0 imm19:19 0 cond:4',
    flow: 'branch',
    disasm: (f, a, ctx) => `b.${COND[f.cond]} ${tgt(a + signExtend(f.imm19, 19) * 4, ctx)}`,
    exec: (f, a) => bcond(f.cond, wrap(a + signExtend(f.imm19, 19) * 4), a + 4),
  }),
  insn({
    id: 'CBZ',
    cls: 'branch',
    pattern: 'sf:1 011010 0 imm19:19 rt:5',
    flow: 'branch',
    disasm: (f, a, ctx) => `cbz ${rr(f.sf, f.rt)}, ${tgt(a + signExtend(f.imm19, 19) * 4, ctx)}`,
    exec: (f, a) => {
      const t = wrap(a + signExtend(f.imm19, 19) * 4);
      const nx = a + 4;
      const r = rz(f.rt);
      if (f.sf) {
        return (s) => {
          s.pc = ((s.xlo[r] as number) | (s.xhi[r] as number)) === 0 ? t : nx;
        };
      }
      return (s) => {
        s.pc = s.xlo[r] === 0 ? t : nx;
      };
    },
  }),
  insn({
    id: 'CBNZ',
    cls: 'branch',
    pattern: 'sf:1 011010 1 imm19:19 rt:5',
    flow: 'branch',
    disasm: (f, a, ctx) => `cbnz ${rr(f.sf, f.rt)}, ${tgt(a + signExtend(f.imm19, 19) * 4, ctx)}`,
    exec: (f, a) => {
      const t = wrap(a + signExtend(f.imm19, 19) * 4);
      const nx = a + 4;
      const r = rz(f.rt);
      if (f.sf) {
        return (s) => {
          s.pc = ((s.xlo[r] as number) | (s.xhi[r] as number)) !== 0 ? t : nx;
        };
      }
      return (s) => {
        s.pc = s.xlo[r] !== 0 ? t : nx;
      };
    },
  }),
  ...(['TBZ', 'TBNZ'] as const).map(
    (id, op): InsnDef =>
      insn({
        id,
        cls: 'branch',
        pattern: `b5:1 011011 ${op} b40:5 imm14:14 rt:5`,
        flow: 'branch',
        disasm: (f, a, ctx) => {
          const bit = (f.b5 << 5) | f.b40;
          const t = a + signExtend(f.imm14, 14) * 4;
          return `${id.toLowerCase()} ${rr(f.b5, f.rt)}, ${imm(bit)}, ${tgt(t, ctx)}`;
        },
        exec: (f, a) => {
          const t = wrap(a + signExtend(f.imm14, 14) * 4);
          const nx = a + 4;
          const r = rz(f.rt);
          const mask = 1 << f.b40;
          if (f.b5) {
            return op === 0
              ? (s) => {
                  s.pc = ((s.xhi[r] as number) & mask) === 0 ? t : nx;
                }
              : (s) => {
                  s.pc = ((s.xhi[r] as number) & mask) !== 0 ? t : nx;
                };
          }
          return op === 0
            ? (s) => {
                s.pc = ((s.xlo[r] as number) & mask) === 0 ? t : nx;
              }
            : (s) => {
                s.pc = ((s.xlo[r] as number) & mask) !== 0 ? t : nx;
              };
        },
      }),
  ),
  insn({
    id: 'BR',
    cls: 'branch',
    pattern: '1101011 0000 11111 000000 rn:5 00000',
    flow: 'branch',
    disasm: (f) => `br ${xr(f.rn)}`,
    exec: (f) => {
      const n = rz(f.rn);
      return (s) => {
        s.pc = addrOf(s, n);
      };
    },
  }),
  insn({
    id: 'BLR',
    cls: 'branch',
    pattern: '1101011 0001 11111 000000 rn:5 00000',
    flow: 'branch',
    disasm: (f) => `blr ${xr(f.rn)}`,
    exec: (f, a) => {
      const n = rz(f.rn);
      const ret = a + 4;
      return (s) => {
        const t = addrOf(s, n); // read before x30 is written (blr x30)
        setXNum(s, 30, ret);
        s.pc = t;
      };
    },
  }),
  insn({
    id: 'RET',
    cls: 'branch',
    pattern: '1101011 0010 11111 000000 rn:5 00000',
    flow: 'branch',
    disasm: (f) => (f.rn === 30 ? 'ret' : `ret ${xr(f.rn)}`),
    exec: (f) => {
      const n = rz(f.rn);
      return (s) => {
        s.pc = addrOf(s, n);
      };
    },
  }),
];

export { TWO32 };
