/**
 * Data processing (immediate): PC-relative addressing, add/subtract, logical, move wide,
 * bitfield and extract. ARMv8.0-A only (the v8.5 tag forms ADDG/SUBG are left undefined).
 */
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import {
  adds32,
  adds64,
  asr64,
  decodeBitMasks,
  halves,
  logicFlags32,
  logicFlags64,
  lsl64,
  lsr64,
  R,
  ror32,
  ror64,
  rz,
  wz,
} from './alu.ts';
import { imm, rr, signExtend, target, wr, xr } from './fmt.ts';

const MASK64 = 0xffffffffffffffffn;

// ---- PC-relative -----------------------------------------------------------------------------

function pcRel(value: number, rd: number): Op {
  const [lo, hi] = halves(BigInt(value) & MASK64);
  const d = wz(rd);
  return (s) => {
    s.xlo[d] = lo;
    s.xhi[d] = hi;
  };
}

function adrImm(f: Fields): number {
  return signExtend((f.immhi << 2) | f.immlo, 21);
}

const pcrel: InsnDef[] = [
  insn({
    id: 'ADR',
    cls: 'dp-imm',
    pattern: '0 immlo:2 10000 immhi:19 rd:5',
    disasm: (f) => `adr ${xr(f.rd)}, ${imm(adrImm(f))}`,
    exec: (f, a) => pcRel(a + adrImm(f), f.rd),
  }),
  insn({
    id: 'ADRP',
    cls: 'dp-imm',
    pattern: '1 immlo:2 10000 immhi:19 rd:5',
    disasm: (f, a, ctx) => {
      const t = a - (a % 4096) + adrImm(f) * 4096;
      const text = t < 0 ? `0x${(BigInt(t) & MASK64).toString(16)}` : target(t, ctx?.symbolize);
      return `adrp ${xr(f.rd)}, ${text}`;
    },
    exec: (f, a) => pcRel(adrpTarget(f, a), f.rd),
  }),
];

function adrpTarget(f: Fields, a: number): number {
  const v = a - (a % 4096) + adrImm(f) * 4096;
  return v < 0 ? Number(BigInt(v) & MASK64) : v;
}

// ---- add/subtract (immediate) ------------------------------------------------------------------

function addImmText(f: Fields): string {
  const k = f.imm12;
  return f.sh ? `${imm(k)}, lsl #12 // =${imm(k * 4096).slice(1)}` : imm(k);
}

function addSubImmExec(f: Fields, sub: boolean, setFlags: boolean): Op {
  const sf = f.sf;
  const n = f.rn; // 31 = SP
  const rd = f.rd;
  const d = setFlags ? wz(rd) : rd; // 31 = SP unless flags are set
  const k = f.imm12 * (f.sh ? 4096 : 1);
  if (sf) {
    if (!setFlags) {
      if (!sub) {
        return (s) => {
          const lo = ((s.xlo[n] as number) >>> 0) + k;
          s.xhi[d] = (s.xhi[n] as number) + (lo > 0xffffffff ? 1 : 0);
          s.xlo[d] = lo;
        };
      }
      return (s) => {
        const lo = ((s.xlo[n] as number) >>> 0) - k;
        s.xhi[d] = (s.xhi[n] as number) - (lo < 0 ? 1 : 0);
        s.xlo[d] = lo;
      };
    }
    // Flag-setting: a + imm or a + ~imm + 1.
    const blo = sub ? ~k : k;
    const bhi = sub ? -1 : 0;
    const cin = sub ? 1 : 0;
    if (rd === 31) {
      return (s) => {
        adds64(s, s.xlo[n] as number, s.xhi[n] as number, blo, bhi, cin);
      };
    }
    return (s) => {
      s.xlo[d] = adds64(s, s.xlo[n] as number, s.xhi[n] as number, blo, bhi, cin);
      s.xhi[d] = R.hi;
    };
  }
  if (!setFlags) {
    const kk = sub ? -k : k;
    return (s) => {
      s.xlo[d] = (s.xlo[n] as number) + kk;
      s.xhi[d] = 0;
    };
  }
  const b = sub ? ~k : k;
  const cin = sub ? 1 : 0;
  if (rd === 31) {
    return (s) => {
      adds32(s, s.xlo[n] as number, b, cin);
    };
  }
  return (s) => {
    s.xlo[d] = adds32(s, s.xlo[n] as number, b, cin);
    s.xhi[d] = 0;
  };
}

const addSubImm: InsnDef[] = [
  insn({
    id: 'ADD_imm',
    cls: 'dp-imm',
    pattern: 'sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5',
    disasm: (f) => {
      const sf = f.sf;
      const d = rr(sf, f.rd, true);
      const n = rr(sf, f.rn, true);
      if (!f.sh && f.imm12 === 0 && (f.rd === 31 || f.rn === 31)) return `mov ${d}, ${n}`;
      return `add ${d}, ${n}, ${addImmText(f)}`;
    },
    exec: (f) => addSubImmExec(f, false, false),
  }),
  insn({
    id: 'ADDS_imm',
    cls: 'dp-imm',
    pattern: 'sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5',
    disasm: (f) => {
      const sf = f.sf;
      const n = rr(sf, f.rn, true);
      if (f.rd === 31) return `cmn ${n}, ${addImmText(f)}`;
      return `adds ${rr(sf, f.rd)}, ${n}, ${addImmText(f)}`;
    },
    exec: (f) => addSubImmExec(f, false, true),
  }),
  insn({
    id: 'SUB_imm',
    cls: 'dp-imm',
    pattern: 'sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5',
    disasm: (f) => {
      const sf = f.sf;
      return `sub ${rr(sf, f.rd, true)}, ${rr(sf, f.rn, true)}, ${addImmText(f)}`;
    },
    exec: (f) => addSubImmExec(f, true, false),
  }),
  insn({
    id: 'SUBS_imm',
    cls: 'dp-imm',
    pattern: 'sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5',
    disasm: (f) => {
      const sf = f.sf;
      const n = rr(sf, f.rn, true);
      if (f.rd === 31) return `cmp ${n}, ${addImmText(f)}`;
      return `subs ${rr(sf, f.rd)}, ${n}, ${addImmText(f)}`;
    },
    exec: (f) => addSubImmExec(f, true, true),
  }),
];

// ---- logical (immediate) -----------------------------------------------------------------------

function logicalMask(f: Fields): [number, number] | null {
  const sf = f.sf;
  if (!sf && f.N) return null;
  const m = decodeBitMasks(f.N, f.imms, f.immr, true, sf ? 64 : 32);
  return m === null ? null : [m[0], m[1]];
}

function maskValue(f: Fields): bigint {
  const m = logicalMask(f) as [number, number];
  return f.sf ? (BigInt(m[1] >>> 0) << 32n) | BigInt(m[0] >>> 0) : BigInt(m[0] >>> 0);
}

/** LLVM's "MOVZ could do it" test: all set bits inside one 16-bit chunk at some shift. */
function isAnyMovz(v: bigint, width: number): boolean {
  const x = width === 32 ? v & 0xffffffffn : v & MASK64;
  for (let sh = 0; sh <= width - 16; sh += 16) {
    if ((x & ~(0xffffn << BigInt(sh)) & MASK64) === 0n) return true;
  }
  return false;
}

function isAnyMovWide(v: bigint, width: number): boolean {
  if (isAnyMovz(v, width)) return true;
  const inv = ~v & (width === 32 ? 0xffffffffn : MASK64);
  return isAnyMovz(inv, width);
}

/** Immediate of a `mov` alias: signed, as objdump prints it. */
function movImm(v: bigint, width: number): string {
  return imm(BigInt.asIntN(width, v));
}

function logicalImmExec(f: Fields, opc: number): Op {
  const m = logicalMask(f) as [number, number];
  const mlo = m[0];
  const mhi = m[1];
  const n = rz(f.rn);
  const rd = f.rd;
  const d = opc === 3 ? wz(rd) : rd; // AND/ORR/EOR may write SP
  if (f.sf) {
    switch (opc) {
      case 0:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) & mlo;
          s.xhi[d] = (s.xhi[n] as number) & mhi;
        };
      case 1:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) | mlo;
          s.xhi[d] = (s.xhi[n] as number) | mhi;
        };
      case 2:
        return (s) => {
          s.xlo[d] = (s.xlo[n] as number) ^ mlo;
          s.xhi[d] = (s.xhi[n] as number) ^ mhi;
        };
      default:
        return (s) => {
          const lo = (s.xlo[n] as number) & mlo;
          const hi = (s.xhi[n] as number) & mhi;
          s.xlo[d] = lo;
          s.xhi[d] = hi;
          logicFlags64(s, lo, hi);
        };
    }
  }
  switch (opc) {
    case 0:
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) & mlo;
        s.xhi[d] = 0;
      };
    case 1:
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) | mlo;
        s.xhi[d] = 0;
      };
    case 2:
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) ^ mlo;
        s.xhi[d] = 0;
      };
    default:
      return (s) => {
        const r = (s.xlo[n] as number) & mlo;
        s.xlo[d] = r;
        s.xhi[d] = 0;
        logicFlags32(s, r);
      };
  }
}

const LOGIC_NAMES = ['and', 'orr', 'eor', 'ands'];

const logicalImm: InsnDef[] = LOGIC_NAMES.map((name, opc) =>
  insn({
    id: `${name.toUpperCase()}_imm`,
    cls: 'dp-imm' as const,
    pattern: `sf:1 ${opc.toString(2).padStart(2, '0')} 100100 N:1 immr:6 imms:6 rn:5 rd:5`,
    when: (f: Fields) => logicalMask(f) !== null,
    disasm: (f: Fields) => {
      const sf = f.sf;
      const width = sf ? 64 : 32;
      const v = maskValue(f);
      if (opc === 1 && f.rn === 31 && !isAnyMovWide(v, width)) return `mov ${rr(sf, f.rd, true)}, ${movImm(v, width)}`;
      if (opc === 3 && f.rd === 31) return `tst ${rr(sf, f.rn)}, ${imm(v)}`;
      return `${name} ${rr(sf, f.rd, opc !== 3)}, ${rr(sf, f.rn)}, ${imm(v)}`;
    },
    exec: (f: Fields) => logicalImmExec(f, opc),
  }),
);

// ---- move wide ---------------------------------------------------------------------------------

function isMovz(v: bigint, shift: number, width: number): boolean {
  const x = width === 32 ? v & 0xffffffffn : v & MASK64;
  if (x === 0n && shift !== 0) return false;
  return (x & ~(0xffffn << BigInt(shift)) & MASK64) === 0n;
}

const moveWide: InsnDef[] = [
  insn({
    id: 'MOVN',
    cls: 'dp-imm',
    pattern: 'sf:1 00 100101 hw:2 imm16:16 rd:5',
    when: (f) => f.sf === 1 || f.hw < 2,
    disasm: (f) => {
      const sf = f.sf;
      const width = sf ? 64 : 32;
      const shift = 16 * f.hw;
      const v = ~(BigInt(f.imm16) << BigInt(shift)) & (sf ? MASK64 : 0xffffffffn);
      const inv = ~v & (sf ? MASK64 : 0xffffffffn);
      if (!isAnyMovz(v, width) && isMovz(inv, shift, width)) return `mov ${rr(sf, f.rd)}, ${movImm(v, width)}`;
      return `movn ${rr(sf, f.rd)}, ${imm(f.imm16)}${shift ? `, lsl #${shift}` : ''}`;
    },
    exec: (f) => {
      const d = wz(f.rd);
      const hw = f.hw;
      const v = f.imm16;
      const lo = ~(hw === 0 ? v : hw === 1 ? v << 16 : 0);
      const hi = f.sf ? ~(hw === 2 ? v : hw === 3 ? v << 16 : 0) : 0;
      return (s) => {
        s.xlo[d] = lo;
        s.xhi[d] = hi;
      };
    },
  }),
  insn({
    id: 'MOVZ',
    cls: 'dp-imm',
    pattern: 'sf:1 10 100101 hw:2 imm16:16 rd:5',
    when: (f) => f.sf === 1 || f.hw < 2,
    disasm: (f) => {
      const sf = f.sf;
      const width = sf ? 64 : 32;
      const shift = 16 * f.hw;
      const v = BigInt(f.imm16) << BigInt(shift);
      if (isMovz(v, shift, width)) return `mov ${rr(sf, f.rd)}, ${movImm(v, width)}`;
      return `movz ${rr(sf, f.rd)}, ${imm(f.imm16)}${shift ? `, lsl #${shift}` : ''}`;
    },
    exec: (f) => {
      const d = wz(f.rd);
      const hw = f.hw;
      const v = f.imm16;
      const lo = hw === 0 ? v : hw === 1 ? v << 16 : 0;
      const hi = hw === 2 ? v : hw === 3 ? v << 16 : 0;
      return (s) => {
        s.xlo[d] = lo;
        s.xhi[d] = hi;
      };
    },
  }),
  insn({
    id: 'MOVK',
    cls: 'dp-imm',
    pattern: 'sf:1 11 100101 hw:2 imm16:16 rd:5',
    when: (f) => f.sf === 1 || f.hw < 2,
    disasm: (f) => {
      const shift = 16 * f.hw;
      return `movk ${rr(f.sf, f.rd)}, ${imm(f.imm16)}${shift ? `, lsl #${shift}` : ''}`;
    },
    exec: (f) => {
      const d = wz(f.rd);
      const hw = f.hw;
      const v = f.imm16;
      const sf = f.sf;
      switch (hw) {
        case 0:
          return sf
            ? (s) => {
                s.xlo[d] = ((s.xlo[d] as number) & ~0xffff) | v;
              }
            : (s) => {
                s.xlo[d] = ((s.xlo[d] as number) & ~0xffff) | v;
                s.xhi[d] = 0;
              };
        case 1:
          return sf
            ? (s) => {
                s.xlo[d] = ((s.xlo[d] as number) & 0xffff) | (v << 16);
              }
            : (s) => {
                s.xlo[d] = ((s.xlo[d] as number) & 0xffff) | (v << 16);
                s.xhi[d] = 0;
              };
        case 2:
          return (s) => {
            s.xhi[d] = ((s.xhi[d] as number) & ~0xffff) | v;
          };
        default:
          return (s) => {
            s.xhi[d] = ((s.xhi[d] as number) & 0xffff) | (v << 16);
          };
      }
    },
  }),
];

// ---- bitfield ----------------------------------------------------------------------------------

function bitfieldValid(f: Fields): boolean {
  const sf = f.sf;
  if (f.N !== sf) return false;
  if (!sf && (f.immr >= 32 || f.imms >= 32)) return false;
  return true;
}

/** Preferred disassembly of SBFM (opc 0), BFM (1), UBFM (2), following llvm-objdump. */
function bitfieldText(f: Fields, opc: number): string {
  const sf = f.sf;
  const size = sf ? 64 : 32;
  const immr = f.immr;
  const imms = f.imms;
  const d = rr(sf, f.rd);
  const n = rr(sf, f.rn);
  if (opc === 1) {
    if (imms < immr) return `bfi ${d}, ${n}, #${size - immr}, #${imms + 1}`;
    return `bfxil ${d}, ${n}, #${immr}, #${imms - immr + 1}`;
  }
  const signed = opc === 0;
  if (immr === 0) {
    const src = wr(f.rn);
    if (imms === 7 && (signed || !sf)) return `${signed ? 'sxtb' : 'uxtb'} ${d}, ${src}`;
    if (imms === 15 && (signed || !sf)) return `${signed ? 'sxth' : 'uxth'} ${d}, ${src}`;
    if (imms === 31 && signed && sf) return `sxtw ${d}, ${src}`;
  }
  if (imms === size - 1) return `${signed ? 'asr' : 'lsr'} ${d}, ${n}, #${immr}`;
  if (!signed && imms + 1 === immr) return `lsl ${d}, ${n}, #${size - immr}`;
  if (imms < immr) return `${signed ? 'sbfiz' : 'ubfiz'} ${d}, ${n}, #${size - immr}, #${imms + 1}`;
  return `${signed ? 'sbfx' : 'ubfx'} ${d}, ${n}, #${immr}, #${imms - immr + 1}`;
}

function bitfieldExec(f: Fields, opc: number): Op {
  const sf = f.sf;
  const size = sf ? 64 : 32;
  const immr = f.immr;
  const imms = f.imms;
  const n = rz(f.rn);
  const d = wz(f.rd);
  // Fast paths for the shift aliases.
  if (opc === 2 && imms + 1 === immr && imms !== size - 1) {
    const k = size - immr;
    if (sf) {
      return (s) => {
        s.xlo[d] = lsl64(s.xlo[n] as number, s.xhi[n] as number, k);
        s.xhi[d] = R.hi;
      };
    }
    return (s) => {
      s.xlo[d] = (s.xlo[n] as number) << k;
      s.xhi[d] = 0;
    };
  }
  if (opc !== 1 && imms === size - 1) {
    if (sf) {
      if (opc === 2) {
        return (s) => {
          s.xlo[d] = lsr64(s.xlo[n] as number, s.xhi[n] as number, immr);
          s.xhi[d] = R.hi;
        };
      }
      return (s) => {
        s.xlo[d] = asr64(s.xlo[n] as number, s.xhi[n] as number, immr);
        s.xhi[d] = R.hi;
      };
    }
    if (opc === 2) {
      return (s) => {
        s.xlo[d] = (s.xlo[n] as number) >>> immr;
        s.xhi[d] = 0;
      };
    }
    return (s) => {
      s.xlo[d] = (s.xlo[n] as number) >> immr;
      s.xhi[d] = 0;
    };
  }
  // General case, straight from the ARM ARM pseudocode.
  const m = decodeBitMasks(f.N, imms, immr, false, size) as [number, number, number, number];
  const [wlo, whi, tlo, thi] = m;
  if (sf) {
    const sbit = imms; // bit of the source replicated by SBFM
    const inHi = sbit >= 32;
    const sh = sbit & 31;
    if (opc === 1) {
      return (s) => {
        const rlo = ror64(s.xlo[n] as number, s.xhi[n] as number, immr);
        const rhi = R.hi;
        const dlo = s.xlo[d] as number;
        const dhi = s.xhi[d] as number;
        const blo = (dlo & ~wlo) | (rlo & wlo);
        const bhi = (dhi & ~whi) | (rhi & whi);
        s.xlo[d] = (dlo & ~tlo) | (blo & tlo);
        s.xhi[d] = (dhi & ~thi) | (bhi & thi);
      };
    }
    if (opc === 2) {
      return (s) => {
        const rlo = ror64(s.xlo[n] as number, s.xhi[n] as number, immr);
        const rhi = R.hi;
        s.xlo[d] = rlo & wlo & tlo;
        s.xhi[d] = rhi & whi & thi;
      };
    }
    return (s) => {
      const xlo = s.xlo[n] as number;
      const xhi = s.xhi[n] as number;
      const rlo = ror64(xlo, xhi, immr);
      const rhi = R.hi;
      const top = ((inHi ? xhi : xlo) << (31 - sh)) >> 31;
      s.xlo[d] = (top & ~tlo) | (rlo & wlo & tlo);
      s.xhi[d] = (top & ~thi) | (rhi & whi & thi);
    };
  }
  if (opc === 1) {
    return (s) => {
      const r = ror32(s.xlo[n] as number, immr);
      const dv = s.xlo[d] as number;
      const b = (dv & ~wlo) | (r & wlo);
      s.xlo[d] = (dv & ~tlo) | (b & tlo);
      s.xhi[d] = 0;
    };
  }
  if (opc === 2) {
    return (s) => {
      s.xlo[d] = ror32(s.xlo[n] as number, immr) & wlo & tlo;
      s.xhi[d] = 0;
    };
  }
  const sh = imms;
  return (s) => {
    const x = s.xlo[n] as number;
    const top = (x << (31 - sh)) >> 31;
    s.xlo[d] = (top & ~tlo) | (ror32(x, immr) & wlo & tlo);
    s.xhi[d] = 0;
  };
}

const bitfield: InsnDef[] = ['SBFM', 'BFM', 'UBFM'].map((id, opc) =>
  insn({
    id,
    cls: 'dp-imm' as const,
    pattern: `sf:1 ${opc.toString(2).padStart(2, '0')} 100110 N:1 immr:6 imms:6 rn:5 rd:5`,
    when: bitfieldValid,
    disasm: (f: Fields) => bitfieldText(f, opc),
    exec: (f: Fields) => bitfieldExec(f, opc),
  }),
);

// ---- extract -----------------------------------------------------------------------------------

const extract: InsnDef[] = [
  insn({
    id: 'EXTR',
    cls: 'dp-imm',
    pattern: 'sf:1 00 100111 N:1 0 rm:5 imms:6 rn:5 rd:5',
    when: (f) => f.N === f.sf && (f.sf === 1 || f.imms < 32),
    disasm: (f) => {
      const sf = f.sf;
      const name = f.rn === f.rm ? 'ror' : 'extr';
      const regs = f.rn === f.rm ? `${rr(sf, f.rn)}` : `${rr(sf, f.rn)}, ${rr(sf, f.rm)}`;
      return `${name} ${rr(sf, f.rd)}, ${regs}, ${imm(f.imms)}`;
    },
    exec: (f) => {
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const k = f.imms;
      if (!f.sf) {
        if (k === 0) {
          return (s) => {
            s.xlo[d] = s.xlo[m] as number;
            s.xhi[d] = 0;
          };
        }
        return (s) => {
          s.xlo[d] = ((s.xlo[m] as number) >>> k) | ((s.xlo[n] as number) << (32 - k));
          s.xhi[d] = 0;
        };
      }
      if (k === 0) {
        return (s) => {
          s.xlo[d] = s.xlo[m] as number;
          s.xhi[d] = s.xhi[m] as number;
        };
      }
      if (k === 32) {
        return (s) => {
          const lo = s.xhi[m] as number;
          s.xhi[d] = s.xlo[n] as number;
          s.xlo[d] = lo;
        };
      }
      if (k < 32) {
        return (s) => {
          const mlo = s.xlo[m] as number;
          const mhi = s.xhi[m] as number;
          const nlo = s.xlo[n] as number;
          s.xlo[d] = (mlo >>> k) | (mhi << (32 - k));
          s.xhi[d] = (mhi >>> k) | (nlo << (32 - k));
        };
      }
      const j = k - 32;
      return (s: CpuState) => {
        const mhi = s.xhi[m] as number;
        const nlo = s.xlo[n] as number;
        const nhi = s.xhi[n] as number;
        s.xlo[d] = (mhi >>> j) | (nlo << (32 - j));
        s.xhi[d] = (nlo >>> j) | (nhi << (32 - j));
      };
    },
  }),
];

export const defs: InsnDef[] = [...pcrel, ...addSubImm, ...logicalImm, ...moveWide, ...bitfield, ...extract];
