/**
 * Data processing (register): logical and add/subtract (shifted and extended register),
 * add/subtract with carry, conditional compare and select, 1-, 2- and 3-source operations.
 * ARMv8.0-A only: CSSC, flag manipulation (RMIF/SETF), PAC and SUBP encodings stay undefined;
 * the CRC32 encodings of the 2-source group belong to crypto.ts.
 *
 * Hot forms (no shift, common aliases) get dedicated closures; the rest share generic ones
 * whose switches depend only on values fixed at decode time.
 */
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import {
  adds32,
  adds64,
  asr64,
  bswap32,
  cls32,
  cls64,
  clz64,
  condHolds,
  extendOperand,
  logicFlags32,
  logicFlags64,
  lsl64,
  lsr64,
  mul64,
  R,
  rbit32,
  rev16w,
  ror32,
  ror64,
  rz,
  sdiv32,
  sdiv64,
  shift32,
  shift64,
  smulh64,
  smulhi32,
  udiv32,
  udiv64,
  umulh64,
  umulhi32,
  wz,
} from './alu.ts';
import { COND, EXTEND, imm, rr, SHIFT, wr, xr } from './fmt.ts';

function bits(v: number, width: number): string {
  return v.toString(2).padStart(width, '0');
}

/** `, lsl #3` suffix of a shifted register operand (omitted for LSL #0). */
function shiftText(f: Fields): string {
  const t = f.shift;
  const k = f.imm6;
  return t === 0 && k === 0 ? '' : `, ${SHIFT[t]} #${k}`;
}

function validShift(f: Fields): boolean {
  return f.sf === 1 || f.imm6 < 32;
}

// ---- logical (shifted register) ----------------------------------------------------------------

/** opc: 0 AND, 1 ORR, 2 EOR, 3 ANDS; inv: the second operand is inverted (BIC/ORN/EON/BICS). */
function logicalRegExec(f: Fields, opc: number, inv: boolean): Op {
  const sf = f.sf;
  const n = rz(f.rn);
  const m = rz(f.rm);
  const d = wz(f.rd);
  const t = f.shift;
  const k = f.imm6;
  const plain = k === 0 && !inv;
  if (sf && plain) {
    switch (opc) {
      case 0:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) & (s.xlo[m] as number);
          s.xhi[d] = (s.xhi[n] as number) & (s.xhi[m] as number);
        };
      case 1:
        if (n === rz(31)) {
          return (s) => {
            s.xlo[d] = s.xlo[m] as number;
            s.xhi[d] = s.xhi[m] as number;
          };
        }
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) | (s.xlo[m] as number);
          s.xhi[d] = (s.xhi[n] as number) | (s.xhi[m] as number);
        };
      case 2:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) ^ (s.xlo[m] as number);
          s.xhi[d] = (s.xhi[n] as number) ^ (s.xhi[m] as number);
        };
      default:
        return (s) => {
          const lo = (s.xlo[n] as number) & (s.xlo[m] as number);
          const hi = (s.xhi[n] as number) & (s.xhi[m] as number);
          s.xlo[d] = lo;
          s.xhi[d] = hi;
          logicFlags64(s, lo, hi);
        };
    }
  }
  if (!sf && plain) {
    switch (opc) {
      case 0:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) & (s.xlo[m] as number);
          s.xhi[d] = 0;
        };
      case 1:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) | (s.xlo[m] as number);
          s.xhi[d] = 0;
        };
      case 2:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) ^ (s.xlo[m] as number);
          s.xhi[d] = 0;
        };
      default:
        return (s) => {
          const r = (s.xlo[n] as number) & (s.xlo[m] as number);
          s.xlo[d] = r;
          s.xhi[d] = 0;
          logicFlags32(s, r);
        };
    }
  }
  const x = inv ? -1 : 0;
  if (sf) {
    return (s) => {
      const bl = shift64(t, s.xlo[m] as number, s.xhi[m] as number, k) ^ x;
      const bh = R.hi ^ x;
      const al = s.xlo[n] as number;
      const ah = s.xhi[n] as number;
      let lo: number;
      let hi: number;
      if (opc === 1) {
        lo = al | bl;
        hi = ah | bh;
      } else if (opc === 2) {
        lo = al ^ bl;
        hi = ah ^ bh;
      } else {
        lo = al & bl;
        hi = ah & bh;
      }
      s.xlo[d] = lo;
      s.xhi[d] = hi;
      if (opc === 3) logicFlags64(s, lo, hi);
    };
  }
  return (s) => {
    const b = shift32(t, s.xlo[m] as number, k) ^ x;
    const a = s.xlo[n] as number;
    const r = opc === 1 ? a | b : opc === 2 ? a ^ b : a & b;
    s.xlo[d] = r;
    s.xhi[d] = 0;
    if (opc === 3) logicFlags32(s, r);
  };
}

const LOGICAL: [id: string, opc: number, inv: boolean][] = [
  ['AND', 0, false],
  ['BIC', 0, true],
  ['ORR', 1, false],
  ['ORN', 1, true],
  ['EOR', 2, false],
  ['EON', 2, true],
  ['ANDS', 3, false],
  ['BICS', 3, true],
];

const logicalReg: InsnDef[] = LOGICAL.map(([id, opc, inv]) =>
  insn({
    id: `${id}_reg`,
    cls: 'dp-reg' as const,
    pattern: `sf:1 ${bits(opc, 2)} 01010 shift:2 ${inv ? 1 : 0} rm:5 imm6:6 rn:5 rd:5`,
    when: validShift,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const d = rr(sf, f.rd);
      const n = rr(sf, f.rn);
      const m = rr(sf, f.rm);
      const sh = shiftText(f);
      if (id === 'ORR' && f.rn === 31 && f.imm6 === 0 && f.shift === 0) return `mov ${d}, ${m}`;
      if (id === 'ORN' && f.rn === 31) return `mvn ${d}, ${m}${sh}`;
      if (id === 'ANDS' && f.rd === 31) return `tst ${n}, ${m}${sh}`;
      return `${id.toLowerCase()} ${d}, ${n}, ${m}${sh}`;
    },
    exec: (f: Fields) => logicalRegExec(f, opc, inv),
  }),
);

// ---- add/subtract (shifted and extended register) ----------------------------------------------
// The shifted and the extended forms build the same closure around a different operand helper;
// they stay two functions so each closure calls one helper directly (these are among the most
// executed ops), instead of going through a function-valued parameter.

function addSubShiftedExec(f: Fields, sub: boolean, setf: boolean): Op {
  const sf = f.sf;
  const n = rz(f.rn);
  const m = rz(f.rm);
  const rd = f.rd;
  const d = wz(rd);
  const t = f.shift;
  const k = f.imm6;
  if (k === 0) {
    if (sf) {
      if (!setf && !sub) {
        return (s) => {
          const lo = ((s.xlo[n] as number) >>> 0) + ((s.xlo[m] as number) >>> 0);
          s.xhi[d] = (s.xhi[n] as number) + (s.xhi[m] as number) + (lo > 0xffffffff ? 1 : 0);
          s.xlo[d] = lo;
        };
      }
      if (!setf) {
        return (s) => {
          const lo = ((s.xlo[n] as number) >>> 0) - ((s.xlo[m] as number) >>> 0);
          s.xhi[d] = (s.xhi[n] as number) - (s.xhi[m] as number) - (lo < 0 ? 1 : 0);
          s.xlo[d] = lo;
        };
      }
      if (sub && rd === 31) {
        return (s) => {
          adds64(s, s.xlo[n] as number, s.xhi[n] as number, ~(s.xlo[m] as number), ~(s.xhi[m] as number), 1);
        };
      }
      if (sub) {
        return (s) => {
          s.xlo[d] = adds64(s, s.xlo[n] as number, s.xhi[n] as number, ~(s.xlo[m] as number), ~(s.xhi[m] as number), 1);
          s.xhi[d] = R.hi;
        };
      }
      return (s) => {
        s.xlo[d] = adds64(s, s.xlo[n] as number, s.xhi[n] as number, s.xlo[m] as number, s.xhi[m] as number, 0);
        s.xhi[d] = R.hi;
      };
    }
    if (!setf && !sub) {
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) + (s.xlo[m] as number);
        s.xhi[d] = 0;
      };
    }
    if (!setf) {
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) - (s.xlo[m] as number);
        s.xhi[d] = 0;
      };
    }
    if (sub && rd === 31) {
      return (s) => {
        adds32(s, s.xlo[n] as number, ~(s.xlo[m] as number), 1);
      };
    }
    const x = sub ? -1 : 0;
    const cin = sub ? 1 : 0;
    return (s) => {
      s.xlo[d] = adds32(s, s.xlo[n] as number, (s.xlo[m] as number) ^ x, cin);
      s.xhi[d] = 0;
    };
  }
  const x = sub ? -1 : 0;
  const cin = sub ? 1 : 0;
  if (sf) {
    return (s) => {
      const bl = shift64(t, s.xlo[m] as number, s.xhi[m] as number, k) ^ x;
      const bh = R.hi ^ x;
      if (setf) {
        s.xlo[d] = adds64(s, s.xlo[n] as number, s.xhi[n] as number, bl, bh, cin);
        s.xhi[d] = R.hi;
      } else {
        const lo = ((s.xlo[n] as number) >>> 0) + (bl >>> 0) + cin;
        s.xhi[d] = (s.xhi[n] as number) + bh + (lo > 0xffffffff ? 1 : 0);
        s.xlo[d] = lo;
      }
    };
  }
  return (s) => {
    const b = shift32(t, s.xlo[m] as number, k) ^ x;
    if (setf) s.xlo[d] = adds32(s, s.xlo[n] as number, b, cin);
    else s.xlo[d] = (s.xlo[n] as number) + b + cin;
    s.xhi[d] = 0;
  };
}

function addSubExtExec(f: Fields, sub: boolean, setf: boolean): Op {
  const sf = f.sf;
  const n = f.rn; // 31 = SP
  const m = rz(f.rm);
  const d = setf ? wz(f.rd) : f.rd; // 31 = SP unless flags are set
  const opt = f.option;
  const k = f.imm3;
  const x = sub ? -1 : 0;
  const cin = sub ? 1 : 0;
  if (sf) {
    return (s) => {
      const bl = extendOperand(opt, s.xlo[m] as number, s.xhi[m] as number, k) ^ x;
      const bh = R.hi ^ x;
      if (setf) {
        s.xlo[d] = adds64(s, s.xlo[n] as number, s.xhi[n] as number, bl, bh, cin);
        s.xhi[d] = R.hi;
      } else {
        const lo = ((s.xlo[n] as number) >>> 0) + (bl >>> 0) + cin;
        s.xhi[d] = (s.xhi[n] as number) + bh + (lo > 0xffffffff ? 1 : 0);
        s.xlo[d] = lo;
      }
    };
  }
  return (s) => {
    const b = extendOperand(opt, s.xlo[m] as number, 0, k) ^ x;
    if (setf) s.xlo[d] = adds32(s, s.xlo[n] as number, b, cin);
    else s.xlo[d] = (s.xlo[n] as number) + b + cin;
    s.xhi[d] = 0;
  };
}

const ADDSUB: [id: string, sub: boolean, setf: boolean][] = [
  ['ADD', false, false],
  ['ADDS', false, true],
  ['SUB', true, false],
  ['SUBS', true, true],
];

const addSubShifted: InsnDef[] = ADDSUB.map(([id, sub, setf]) =>
  insn({
    id: `${id}_reg`,
    cls: 'dp-reg' as const,
    pattern: `sf:1 ${sub ? 1 : 0} ${setf ? 1 : 0} 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5`,
    when: (f: Fields) => f.shift !== 3 && validShift(f),
    disasm: (f: Fields) => {
      const sf = f.sf;
      const d = rr(sf, f.rd);
      const n = rr(sf, f.rn);
      const m = rr(sf, f.rm);
      const sh = shiftText(f);
      if (setf && f.rd === 31) return `${sub ? 'cmp' : 'cmn'} ${n}, ${m}${sh}`;
      if (sub && f.rn === 31) return `${setf ? 'negs' : 'neg'} ${d}, ${m}${sh}`;
      return `${id.toLowerCase()} ${d}, ${n}, ${m}${sh}`;
    },
    exec: (f: Fields) => addSubShiftedExec(f, sub, setf),
  }),
);

function extText(f: Fields, setf: boolean): string {
  const sf = f.sf;
  const opt = f.option;
  const k = f.imm3;
  const spInvolved = f.rn === 31 || (!setf && f.rd === 31);
  if (spInvolved && opt === (sf ? 3 : 2)) return k ? `, lsl #${k}` : '';
  return `, ${EXTEND[opt]}${k ? ` #${k}` : ''}`;
}

const addSubExt: InsnDef[] = ADDSUB.map(([id, sub, setf]) =>
  insn({
    id: `${id}_ext`,
    cls: 'dp-reg' as const,
    pattern: `sf:1 ${sub ? 1 : 0} ${setf ? 1 : 0} 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5`,
    when: (f: Fields) => f.imm3 <= 4,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const d = rr(sf, f.rd, !setf);
      const n = rr(sf, f.rn, true);
      const m = sf && (f.option & 3) === 3 ? xr(f.rm) : wr(f.rm);
      const ext = extText(f, setf);
      if (setf && f.rd === 31) return `${sub ? 'cmp' : 'cmn'} ${n}, ${m}${ext}`;
      return `${id.toLowerCase()} ${d}, ${n}, ${m}${ext}`;
    },
    exec: (f: Fields) => addSubExtExec(f, sub, setf),
  }),
);

// ---- add/subtract with carry -------------------------------------------------------------------

const carry: InsnDef[] = ADDSUB.map(([name, sub, setf]) => {
  const id = name.replace('ADD', 'ADC').replace('SUB', 'SBC');
  return insn({
    id,
    cls: 'dp-reg' as const,
    pattern: `sf:1 ${sub ? 1 : 0} ${setf ? 1 : 0} 11010000 rm:5 000000 rn:5 rd:5`,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const d = rr(sf, f.rd);
      const m = rr(sf, f.rm);
      if (sub && f.rn === 31) return `${setf ? 'ngcs' : 'ngc'} ${d}, ${m}`;
      return `${id.toLowerCase()} ${d}, ${rr(sf, f.rn)}, ${m}`;
    },
    exec: (f: Fields): Op => {
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const x = sub ? -1 : 0;
      if (f.sf) {
        if (setf) {
          return (s) => {
            s.xlo[d] = adds64(
              s,
              s.xlo[n] as number,
              s.xhi[n] as number,
              (s.xlo[m] as number) ^ x,
              (s.xhi[m] as number) ^ x,
              s.c,
            );
            s.xhi[d] = R.hi;
          };
        }
        return (s) => {
          const lo = ((s.xlo[n] as number) >>> 0) + (((s.xlo[m] as number) ^ x) >>> 0) + s.c;
          s.xhi[d] = (s.xhi[n] as number) + ((s.xhi[m] as number) ^ x) + (lo > 0xffffffff ? 1 : 0);
          s.xlo[d] = lo;
        };
      }
      if (setf) {
        return (s) => {
          s.xlo[d] = adds32(s, s.xlo[n] as number, (s.xlo[m] as number) ^ x, s.c);
          s.xhi[d] = 0;
        };
      }
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) + ((s.xlo[m] as number) ^ x) + s.c;
        s.xhi[d] = 0;
      };
    },
  });
});

// ---- conditional compare -----------------------------------------------------------------------

function condCompareExec(f: Fields, sub: boolean, immediate: boolean): Op {
  const sf = f.sf;
  const n = rz(f.rn);
  const m = immediate ? 0 : rz(f.rm);
  const k = immediate ? f.imm5 : 0;
  const cond = f.cond;
  const nzcv = f.nzcv;
  const fn = (nzcv >>> 3) & 1;
  const fz = (nzcv >>> 2) & 1;
  const fc = (nzcv >>> 1) & 1;
  const fv = nzcv & 1;
  const x = sub ? -1 : 0;
  const cin = sub ? 1 : 0;
  if (sf) {
    return (s: CpuState) => {
      if (condHolds(s, cond)) {
        const bl = immediate ? k : (s.xlo[m] as number);
        const bh = immediate ? 0 : (s.xhi[m] as number);
        adds64(s, s.xlo[n] as number, s.xhi[n] as number, bl ^ x, bh ^ x, cin);
      } else {
        s.n = fn;
        s.z = fz;
        s.c = fc;
        s.v = fv;
      }
    };
  }
  return (s: CpuState) => {
    if (condHolds(s, cond)) {
      const b = immediate ? k : (s.xlo[m] as number);
      adds32(s, s.xlo[n] as number, b ^ x, cin);
    } else {
      s.n = fn;
      s.z = fz;
      s.c = fc;
      s.v = fv;
    }
  };
}

const condCompare: InsnDef[] = [];
for (const [name, sub] of [
  ['CCMN', false],
  ['CCMP', true],
] as const) {
  condCompare.push(
    insn({
      id: `${name}_reg`,
      cls: 'dp-reg',
      pattern: `sf:1 ${sub ? 1 : 0} 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4`,
      disasm: (f) => `${name.toLowerCase()} ${rr(f.sf, f.rn)}, ${rr(f.sf, f.rm)}, ${imm(f.nzcv)}, ${COND[f.cond]}`,
      exec: (f) => condCompareExec(f, sub, false),
    }),
  );
  condCompare.push(
    insn({
      id: `${name}_imm`,
      cls: 'dp-reg',
      pattern: `sf:1 ${sub ? 1 : 0} 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4`,
      disasm: (f) => `${name.toLowerCase()} ${rr(f.sf, f.rn)}, ${imm(f.imm5)}, ${imm(f.nzcv)}, ${COND[f.cond]}`,
      exec: (f) => condCompareExec(f, sub, true),
    }),
  );
}

// ---- conditional select ------------------------------------------------------------------------

/** kind: 0 CSEL, 1 CSINC, 2 CSINV, 3 CSNEG. */
function condSelectExec(f: Fields, kind: number): Op {
  const n = rz(f.rn);
  const m = rz(f.rm);
  const d = wz(f.rd);
  const cond = f.cond;
  if (cond >= 14) {
    // AL/NV: always the first operand.
    if (f.sf) {
      return (s) => {
        s.xlo[d] = s.xlo[n] as number;
        s.xhi[d] = s.xhi[n] as number;
      };
    }
    return (s) => {
      s.xlo[d] = s.xlo[n] as number;
      s.xhi[d] = 0;
    };
  }
  if (f.sf) {
    switch (kind) {
      case 0:
        return (s) => {
          const r = condHolds(s, cond) ? n : m;
          s.xlo[d] = s.xlo[r] as number;
          s.xhi[d] = s.xhi[r] as number;
        };
      case 1:
        return (s) => {
          if (condHolds(s, cond)) {
            s.xlo[d] = s.xlo[n] as number;
            s.xhi[d] = s.xhi[n] as number;
          } else {
            const lo = ((s.xlo[m] as number) >>> 0) + 1;
            s.xhi[d] = (s.xhi[m] as number) + (lo > 0xffffffff ? 1 : 0);
            s.xlo[d] = lo;
          }
        };
      case 2:
        return (s) => {
          if (condHolds(s, cond)) {
            s.xlo[d] = s.xlo[n] as number;
            s.xhi[d] = s.xhi[n] as number;
          } else {
            s.xlo[d] = ~(s.xlo[m] as number);
            s.xhi[d] = ~(s.xhi[m] as number);
          }
        };
      default:
        return (s) => {
          if (condHolds(s, cond)) {
            s.xlo[d] = s.xlo[n] as number;
            s.xhi[d] = s.xhi[n] as number;
          } else {
            const lo = s.xlo[m] as number;
            s.xhi[d] = ~(s.xhi[m] as number) + (lo === 0 ? 1 : 0);
            s.xlo[d] = -lo;
          }
        };
    }
  }
  return (s) => {
    if (condHolds(s, cond)) {
      s.xlo[d] = s.xlo[n] as number;
    } else {
      const v = s.xlo[m] as number;
      s.xlo[d] = kind === 0 ? v : kind === 1 ? v + 1 : kind === 2 ? ~v : -v;
    }
    s.xhi[d] = 0;
  };
}

const CSEL: [id: string, op: number, o2: number][] = [
  ['CSEL', 0, 0],
  ['CSINC', 0, 1],
  ['CSINV', 1, 0],
  ['CSNEG', 1, 1],
];

const condSelect: InsnDef[] = CSEL.map(([id, op, o2], kind) =>
  insn({
    id,
    cls: 'dp-reg' as const,
    pattern: `sf:1 ${op} 0 11010100 rm:5 cond:4 0 ${o2} rn:5 rd:5`,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const d = rr(sf, f.rd);
      const n = rr(sf, f.rn);
      const m = rr(sf, f.rm);
      const cond = f.cond;
      const inv = COND[cond ^ 1];
      if (kind !== 0 && cond < 14) {
        if (kind !== 3 && f.rn === 31 && f.rm === 31) return `${kind === 1 ? 'cset' : 'csetm'} ${d}, ${inv}`;
        if (f.rn === f.rm && (kind === 3 || f.rn !== 31)) {
          return `${['', 'cinc', 'cinv', 'cneg'][kind]} ${d}, ${n}, ${inv}`;
        }
      }
      return `${id.toLowerCase()} ${d}, ${n}, ${m}, ${COND[cond]}`;
    },
    exec: (f: Fields) => condSelectExec(f, kind),
  }),
);

// ---- data processing (1 source) ----------------------------------------------------------------

const ONE_SOURCE: [id: string, opcode: number][] = [
  ['RBIT', 0],
  ['REV16', 1],
  ['REV32', 2],
  ['REV', 3],
  ['CLZ', 4],
  ['CLS', 5],
];

function oneSourceExec(f: Fields, opcode: number): Op {
  const n = rz(f.rn);
  const d = wz(f.rd);
  if (f.sf) {
    switch (opcode) {
      case 0:
        return (s) => {
          const lo = s.xlo[n] as number;
          s.xlo[d] = rbit32(s.xhi[n] as number);
          s.xhi[d] = rbit32(lo);
        };
      case 1:
        return (s) => {
          s.xlo[d] = rev16w(s.xlo[n] as number);
          s.xhi[d] = rev16w(s.xhi[n] as number);
        };
      case 2:
        return (s) => {
          s.xlo[d] = bswap32(s.xlo[n] as number);
          s.xhi[d] = bswap32(s.xhi[n] as number);
        };
      case 3:
        return (s) => {
          const lo = s.xlo[n] as number;
          s.xlo[d] = bswap32(s.xhi[n] as number);
          s.xhi[d] = bswap32(lo);
        };
      case 4:
        return (s) => {
          s.xlo[d] = clz64(s.xlo[n] as number, s.xhi[n] as number);
          s.xhi[d] = 0;
        };
      default:
        return (s) => {
          s.xlo[d] = cls64(s.xlo[n] as number, s.xhi[n] as number);
          s.xhi[d] = 0;
        };
    }
  }
  switch (opcode) {
    case 0:
      return (s) => {
        s.xlo[d] = rbit32(s.xlo[n] as number);
        s.xhi[d] = 0;
      };
    case 1:
      return (s) => {
        s.xlo[d] = rev16w(s.xlo[n] as number);
        s.xhi[d] = 0;
      };
    case 2:
      return (s) => {
        s.xlo[d] = bswap32(s.xlo[n] as number);
        s.xhi[d] = 0;
      };
    case 4:
      return (s) => {
        s.xlo[d] = Math.clz32(s.xlo[n] as number);
        s.xhi[d] = 0;
      };
    default:
      return (s) => {
        s.xlo[d] = cls32(s.xlo[n] as number);
        s.xhi[d] = 0;
      };
  }
}

const oneSource: InsnDef[] = ONE_SOURCE.map(([id, opcode]) =>
  insn({
    id,
    cls: 'dp-reg' as const,
    pattern: `sf:1 1 0 11010110 00000 ${bits(opcode, 6)} rn:5 rd:5`,
    // REV32 is 64-bit only; REV with opcode 2 is the 32-bit REV, opcode 3 the 64-bit one.
    when: opcode === 2 || opcode === 3 ? (f: Fields) => opcode === 2 || f.sf === 1 : undefined,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const name = opcode === 2 ? (sf ? 'rev32' : 'rev') : id.toLowerCase();
      return `${name} ${rr(sf, f.rd)}, ${rr(sf, f.rn)}`;
    },
    exec: (f: Fields) => oneSourceExec(f, opcode),
  }),
);

// ---- data processing (2 source) ----------------------------------------------------------------

const TWO_SOURCE: [id: string, opcode: number, text: string][] = [
  ['UDIV', 2, 'udiv'],
  ['SDIV', 3, 'sdiv'],
  ['LSLV', 8, 'lsl'],
  ['LSRV', 9, 'lsr'],
  ['ASRV', 10, 'asr'],
  ['RORV', 11, 'ror'],
];

function twoSourceExec(f: Fields, opcode: number): Op {
  const n = rz(f.rn);
  const m = rz(f.rm);
  const d = wz(f.rd);
  if (f.sf) {
    switch (opcode) {
      case 2:
        return (s) => {
          s.xlo[d] = udiv64(s.xlo[n] as number, s.xhi[n] as number, s.xlo[m] as number, s.xhi[m] as number);
          s.xhi[d] = R.hi;
        };
      case 3:
        return (s) => {
          s.xlo[d] = sdiv64(s.xlo[n] as number, s.xhi[n] as number, s.xlo[m] as number, s.xhi[m] as number);
          s.xhi[d] = R.hi;
        };
      case 8:
        return (s) => {
          s.xlo[d] = lsl64(s.xlo[n] as number, s.xhi[n] as number, (s.xlo[m] as number) & 63);
          s.xhi[d] = R.hi;
        };
      case 9:
        return (s) => {
          s.xlo[d] = lsr64(s.xlo[n] as number, s.xhi[n] as number, (s.xlo[m] as number) & 63);
          s.xhi[d] = R.hi;
        };
      case 10:
        return (s) => {
          s.xlo[d] = asr64(s.xlo[n] as number, s.xhi[n] as number, (s.xlo[m] as number) & 63);
          s.xhi[d] = R.hi;
        };
      default:
        return (s) => {
          s.xlo[d] = ror64(s.xlo[n] as number, s.xhi[n] as number, (s.xlo[m] as number) & 63);
          s.xhi[d] = R.hi;
        };
    }
  }
  switch (opcode) {
    case 2:
      return (s) => {
        s.xlo[d] = udiv32(s.xlo[n] as number, s.xlo[m] as number);
        s.xhi[d] = 0;
      };
    case 3:
      return (s) => {
        s.xlo[d] = sdiv32(s.xlo[n] as number, s.xlo[m] as number);
        s.xhi[d] = 0;
      };
    case 8:
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) << ((s.xlo[m] as number) & 31);
        s.xhi[d] = 0;
      };
    case 9:
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) >>> ((s.xlo[m] as number) & 31);
        s.xhi[d] = 0;
      };
    case 10:
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) >> ((s.xlo[m] as number) & 31);
        s.xhi[d] = 0;
      };
    default:
      return (s) => {
        s.xlo[d] = ror32(s.xlo[n] as number, (s.xlo[m] as number) & 31);
        s.xhi[d] = 0;
      };
  }
}

const twoSource: InsnDef[] = TWO_SOURCE.map(([id, opcode, text]) =>
  insn({
    id,
    cls: 'dp-reg' as const,
    pattern: `sf:1 0 0 11010110 rm:5 ${bits(opcode, 6)} rn:5 rd:5`,
    disasm: (f: Fields) => {
      const sf = f.sf;
      return `${text} ${rr(sf, f.rd)}, ${rr(sf, f.rn)}, ${rr(sf, f.rm)}`;
    },
    exec: (f: Fields) => twoSourceExec(f, opcode),
  }),
);

// ---- data processing (3 source) ----------------------------------------------------------------

function maddExec(f: Fields, sub: boolean): Op {
  const n = rz(f.rn);
  const m = rz(f.rm);
  const a = rz(f.ra);
  const d = wz(f.rd);
  if (!f.sf) {
    if (a === rz(31) && !sub) {
      return (s) => {
        s.xlo[d] = Math.imul(s.xlo[n] as number, s.xlo[m] as number);
        s.xhi[d] = 0;
      };
    }
    return sub
      ? (s) => {
          s.xlo[d] = (s.xlo[a] as number) - Math.imul(s.xlo[n] as number, s.xlo[m] as number);
          s.xhi[d] = 0;
        }
      : (s) => {
          s.xlo[d] = (s.xlo[a] as number) + Math.imul(s.xlo[n] as number, s.xlo[m] as number);
          s.xhi[d] = 0;
        };
  }
  if (a === rz(31) && !sub) {
    // MUL: the low 64 bits of the product, inlined (hot in integer loops).
    return (s) => {
      const nl = s.xlo[n] as number;
      const ml = s.xlo[m] as number;
      s.xhi[d] = umulhi32(nl, ml) + Math.imul(nl, s.xhi[m] as number) + Math.imul(s.xhi[n] as number, ml);
      s.xlo[d] = Math.imul(nl, ml);
    };
  }
  if (sub) {
    return (s) => {
      const pl = mul64(s.xlo[n] as number, s.xhi[n] as number, s.xlo[m] as number, s.xhi[m] as number);
      const ph = R.hi;
      const lo = ((s.xlo[a] as number) >>> 0) - (pl >>> 0);
      s.xhi[d] = (s.xhi[a] as number) - ph - (lo < 0 ? 1 : 0);
      s.xlo[d] = lo;
    };
  }
  return (s) => {
    const pl = mul64(s.xlo[n] as number, s.xhi[n] as number, s.xlo[m] as number, s.xhi[m] as number);
    const ph = R.hi;
    const lo = ((s.xlo[a] as number) >>> 0) + (pl >>> 0);
    s.xhi[d] = (s.xhi[a] as number) + ph + (lo > 0xffffffff ? 1 : 0);
    s.xlo[d] = lo;
  };
}

/** SMADDL/SMSUBL/UMADDL/UMSUBL: 32x32 → 64 product added to or subtracted from Xa. */
function longMulExec(f: Fields, signed: boolean, sub: boolean): Op {
  const n = rz(f.rn);
  const m = rz(f.rm);
  const a = rz(f.ra);
  const d = wz(f.rd);
  if (signed) {
    return (s) => {
      const x = s.xlo[n] as number;
      const y = s.xlo[m] as number;
      let pl = Math.imul(x, y);
      let ph = smulhi32(x, y);
      if (sub) {
        pl = -pl | 0;
        ph = ~ph + (pl === 0 ? 1 : 0);
      }
      const lo = ((s.xlo[a] as number) >>> 0) + (pl >>> 0);
      s.xhi[d] = (s.xhi[a] as number) + ph + (lo > 0xffffffff ? 1 : 0);
      s.xlo[d] = lo;
    };
  }
  return (s) => {
    const x = s.xlo[n] as number;
    const y = s.xlo[m] as number;
    let pl = Math.imul(x, y);
    let ph = umulhi32(x, y);
    if (sub) {
      pl = -pl | 0;
      ph = ~ph + (pl === 0 ? 1 : 0);
    }
    const lo = ((s.xlo[a] as number) >>> 0) + (pl >>> 0);
    s.xhi[d] = (s.xhi[a] as number) + ph + (lo > 0xffffffff ? 1 : 0);
    s.xlo[d] = lo;
  };
}

const THREE_SOURCE: [id: string, op31: number, o0: number, alias: string][] = [
  ['MADD', 0, 0, 'mul'],
  ['MSUB', 0, 1, 'mneg'],
  ['SMADDL', 1, 0, 'smull'],
  ['SMSUBL', 1, 1, 'smnegl'],
  ['UMADDL', 5, 0, 'umull'],
  ['UMSUBL', 5, 1, 'umnegl'],
];

const threeSource: InsnDef[] = THREE_SOURCE.map(([id, op31, o0, alias]) =>
  insn({
    id,
    cls: 'dp-reg' as const,
    pattern: `sf:1 00 11011 ${bits(op31, 3)} rm:5 ${o0} ra:5 rn:5 rd:5`,
    when: op31 === 0 ? undefined : (f: Fields) => f.sf === 1,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const long = op31 !== 0;
      const src = (r: number) => (long ? wr(r) : rr(sf, r));
      const d = rr(sf, f.rd);
      const ops = `${d}, ${src(f.rn)}, ${src(f.rm)}`;
      if (f.ra === 31) return `${alias} ${ops}`;
      return `${id.toLowerCase()} ${ops}, ${rr(sf, f.ra)}`;
    },
    exec: (f: Fields) => (op31 === 0 ? maddExec(f, o0 === 1) : longMulExec(f, op31 === 1, o0 === 1)),
  }),
);

// SMULH/UMULH: Ra is "should be 11111"; like QEMU we ignore it when executing.
const mulHigh: InsnDef[] = (
  [
    ['SMULH', 2],
    ['UMULH', 6],
  ] as const
).map(([id, op31]) =>
  insn({
    id,
    cls: 'dp-reg' as const,
    pattern: `1 00 11011 ${bits(op31, 3)} rm:5 0 ra:5 rn:5 rd:5`,
    disasm: (f: Fields) => `${id.toLowerCase()} ${xr(f.rd)}, ${xr(f.rn)}, ${xr(f.rm)}`,
    exec: (f: Fields): Op => {
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const fn = op31 === 2 ? smulh64 : umulh64;
      return (s) => {
        s.xlo[d] = fn(s.xlo[n] as number, s.xhi[n] as number, s.xlo[m] as number, s.xhi[m] as number);
        s.xhi[d] = R.hi;
      };
    },
  }),
);

export const defs: InsnDef[] = [
  ...logicalReg,
  ...addSubShifted,
  ...addSubExt,
  ...carry,
  ...condCompare,
  ...condSelect,
  ...oneSource,
  ...twoSource,
  ...threeSource,
  ...mulHigh,
];
