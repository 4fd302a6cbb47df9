/**
 * System instructions as an EL0 (user) program sees them on a Cortex-A72-like ARMv8.0-A CPU:
 * exception generation, hints, barriers, CLREX, MRS/MSR of the registers EL0 may use, and the
 * cache maintenance operations EL0 may issue (DC ZVA zeroes memory; DC CVAU/CVAC/CIVAC and
 * IC IVAU are no-ops because our code cache is invalidated by the writes themselves).
 *
 * Everything EL0 cannot do (HVC, SMC, HLT, MSR DAIF*, SPSel, EL1 registers, v8.1+ PSTATE fields)
 * decodes for disassembly but raises UndefinedInstruction when executed.
 *
 * Generic timer: CNTFRQ_EL0 reads 62500000 (Unicorn's value) and CNTVCT_EL0 = CNTPCT_EL0 =
 * the number of instructions retired before the MRS (`s.icount`), i.e. one tick per instruction.
 * These MRS forms have flow 'alone' so `s.icount` is exact when they execute.
 */

import { UndefinedInstruction } from '../../errors.ts';
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import { EXC_BRK, EXC_SVC, type Op } from '../state.ts';
import { rz, wz } from './alu.ts';
import { imm, xr } from './fmt.ts';
import { addrOf, TWO32 } from './util.ts';

/** Rebuilds the word of a pattern from its fields (patterns here have no 'x' bits). */
function reencode(pattern: string, f: Fields): number {
  let w = 0;
  for (const tok of pattern.trim().split(/\s+/)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):(\d+)$/.exec(tok);
    if (m) {
      const width = Number(m[2]);
      w = w * 2 ** width + ((f[m[1] as string] as number) >>> 0);
    } else {
      for (const ch of tok) w = w * 2 + (ch === '1' ? 1 : 0);
    }
  }
  return w >>> 0;
}

/** Exec for an encoding that is UNDEFINED at EL0: the engine turns the throw into a faulting op. */
function undefinedAtEl0(pattern: string): (f: Fields, a: number) => Op {
  return (f, a) => {
    throw new UndefinedInstruction(reencode(pattern, f), a);
  };
}

/** `#0` for zero, hex otherwise: how objdump prints svc/brk/hvc/smc/hlt immediates. */
function excImm(v: number): string {
  return v === 0 ? '#0' : imm(v);
}

// ---- exception generation ----------------------------------------------------------------------

const P_SVC = '11010100 000 imm16:16 000 01';
const P_HVC = '11010100 000 imm16:16 000 10';
const P_SMC = '11010100 000 imm16:16 000 11';
const P_BRK = '11010100 001 imm16:16 000 00';
const P_HLT = '11010100 010 imm16:16 000 00';
const P_UDF = '0000000000000000 imm16:16';

const exceptions: InsnDef[] = [
  insn({
    id: 'SVC',
    cls: 'system',
    pattern: P_SVC,
    flow: 'alone',
    disasm: (f) => `svc ${excImm(f.imm16)}`,
    exec: (f, a) => {
      const k = f.imm16;
      return (s) => {
        s.excKind = EXC_SVC;
        s.excImm = k;
        s.pc = a + 4;
      };
    },
  }),
  insn({
    id: 'HVC',
    cls: 'system',
    pattern: P_HVC,
    disasm: (f) => `hvc ${excImm(f.imm16)}`,
    exec: undefinedAtEl0(P_HVC),
  }),
  insn({
    id: 'SMC',
    cls: 'system',
    pattern: P_SMC,
    disasm: (f) => `smc ${excImm(f.imm16)}`,
    exec: undefinedAtEl0(P_SMC),
  }),
  {
    // Like QEMU/Unicorn, the exception is reported with pc at the brk itself.
    id: 'BRK',
    cls: 'system',
    pattern: P_BRK,
    flow: 'alone',
    disasm: (f) => `brk ${excImm(f.imm16)}`,
    exec: (f, a) => {
      const k = f.imm16;
      return (s) => {
        s.excKind = EXC_BRK;
        s.excImm = k;
        s.pc = a;
      };
    },
  },
  insn({
    id: 'HLT',
    cls: 'system',
    pattern: P_HLT,
    disasm: (f) => `hlt ${excImm(f.imm16)}`,
    exec: undefinedAtEl0(P_HLT),
  }),
  insn({
    id: 'UDF',
    cls: 'system',
    pattern: P_UDF,
    disasm: (f) => `udf ${imm(f.imm16)}`,
    exec: undefinedAtEl0(P_UDF),
  }),
];

// ---- hints and barriers ------------------------------------------------------------------------

const HINTS: Record<number, string> = {
  0: 'nop',
  1: 'yield',
  2: 'wfe',
  3: 'wfi',
  4: 'sev',
  5: 'sevl',
  6: 'dgh',
  7: 'xpaclri',
  8: 'pacia1716',
  10: 'pacib1716',
  12: 'autia1716',
  14: 'autib1716',
  16: 'esb',
  17: 'psb csync',
  18: 'tsb csync',
  20: 'csdb',
  22: 'clrbhb',
  24: 'paciaz',
  25: 'paciasp',
  26: 'pacibz',
  27: 'pacibsp',
  28: 'autiaz',
  29: 'autiasp',
  30: 'autibz',
  31: 'autibsp',
  32: 'bti',
  34: 'bti c',
  36: 'bti j',
  38: 'bti jc',
};

const BARRIER: Record<number, string> = {
  1: 'oshld',
  2: 'oshst',
  3: 'osh',
  5: 'nshld',
  6: 'nshst',
  7: 'nsh',
  9: 'ishld',
  10: 'ishst',
  11: 'ish',
  13: 'ld',
  14: 'st',
  15: 'sy',
};

const nop: Op = () => {};

const hintsAndBarriers: InsnDef[] = [
  insn({
    id: 'NOP',
    cls: 'system',
    pattern: '11010101000000110010 0000 000 11111',
    disasm: () => 'nop',
    exec: () => nop,
  }),
  {
    // ARMv8.0: every hint encoding without an implemented meaning executes as NOP; WFE/WFI/YIELD/
    // SEV/SEVL have no observable effect in a single-threaded emulation, and the PAuth/BTI hints
    // are NOPs on a CPU without those extensions.
    id: 'HINT',
    cls: 'system',
    pattern: '11010101000000110010 crm:4 op2:3 11111',
    disasm: (f) => {
      const k = (f.crm << 3) | f.op2;
      return HINTS[k] ?? `hint ${imm(k)}`;
    },
    exec: () => nop,
  },
  insn({
    id: 'CLREX',
    cls: 'system',
    pattern: '11010101000000110011 crm:4 010 11111',
    disasm: (f) => (f.crm === 15 ? 'clrex' : `clrex ${imm(f.crm)}`),
    exec: () => (s) => {
      s.exclAddr = -1;
    },
  }),
  insn({
    id: 'DSB',
    cls: 'system',
    pattern: '11010101000000110011 crm:4 100 11111',
    disasm: (f) => {
      const k = f.crm;
      if (k === 0) return 'ssbb';
      if (k === 4) return 'pssbb';
      if (k === 12) return 'dfb';
      return `dsb ${BARRIER[k] ?? `#${k}`}`;
    },
    exec: () => nop,
  }),
  insn({
    id: 'DMB',
    cls: 'system',
    pattern: '11010101000000110011 crm:4 101 11111',
    disasm: (f) => `dmb ${BARRIER[f.crm] ?? `#${f.crm}`}`,
    exec: () => nop,
  }),
  insn({
    id: 'ISB',
    cls: 'system',
    pattern: '11010101000000110011 crm:4 110 11111',
    disasm: (f) => (f.crm === 15 ? 'isb' : `isb #${f.crm}`),
    exec: () => nop,
  }),
];

// ---- PSTATE (MSR immediate): nothing of ARMv8.0 is allowed at EL0 ----------------------------

const PSTATE: Record<number, string> = {
  [(0 << 3) | 3]: 'UAO',
  [(0 << 3) | 4]: 'PAN',
  [(0 << 3) | 5]: 'SPSel',
  [(3 << 3) | 1]: 'SSBS',
  [(3 << 3) | 2]: 'DIT',
  [(3 << 3) | 4]: 'TCO',
  [(3 << 3) | 6]: 'DAIFSet',
  [(3 << 3) | 7]: 'DAIFClr',
};

const P_PSTATE = '1101010100000 op1:3 0100 crm:4 op2:3 11111';
const P_FLAGM = '1101010100000 000 0100 0000 op2:3 11111';

const pstate: InsnDef[] = [
  {
    // CFINV/XAFLAG/AXFLAG (ARMv8.4/8.5 flag manipulation): undefined on this CPU.
    id: 'FLAGM',
    cls: 'system',
    pattern: P_FLAGM,
    when: (f) => f.op2 < 3,
    disasm: (f) => ['cfinv', 'xaflag', 'axflag'][f.op2] as string,
    exec: undefinedAtEl0(P_FLAGM),
  },
  insn({
    id: 'MSR_imm',
    cls: 'system',
    pattern: P_PSTATE,
    when: (f) => PSTATE[(f.op1 << 3) | f.op2] !== undefined,
    disasm: (f) => `msr ${PSTATE[(f.op1 << 3) | f.op2]}, ${imm(f.crm)}`,
    exec: undefinedAtEl0(P_PSTATE),
  }),
];

// ---- system registers --------------------------------------------------------------------------

/** Key of a system register: op0:op1:CRn:CRm:op2 packed into 16 bits. */
function key(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

function fieldKey(f: Fields): number {
  return key(2 + f.o0, f.op1, f.crn, f.crm, f.op2);
}

const K_NZCV = key(3, 3, 4, 2, 0);
const K_FPCR = key(3, 3, 4, 4, 0);
const K_FPSR = key(3, 3, 4, 4, 1);
const K_TPIDR = key(3, 3, 13, 0, 2);
const K_TPIDRRO = key(3, 3, 13, 0, 3);

/** FPCR bits kept by a Cortex-A72 (AHP, DN, FZ, RMode, Stride, Len; trap enables are RAZ/WI). */
export const FPCR_MASK = 0x07f70000;
/** FPSR bits: N Z C V QC and the cumulative exception flags. */
export const FPSR_MASK = 0xf800009f | 0;

/** Read-only registers with constant values (Cortex-A72 as Unicorn models it). */
const CONSTANT: Record<number, number> = {
  [key(3, 3, 0, 0, 1)]: 0x8444c004, // CTR_EL0
  [key(3, 3, 0, 0, 7)]: 0x4, // DCZID_EL0: 64-byte blocks, DC ZVA permitted
  [key(3, 3, 14, 0, 0)]: 62500000, // CNTFRQ_EL0
  [K_TPIDRRO]: 0, // TPIDRRO_EL0 (set by the OS; nothing sets it here)
  // ID registers Linux lets EL0 read (trap-and-emulate), with Unicorn's Cortex-A72 values.
  [key(3, 0, 0, 0, 0)]: 0x410fd083, // MIDR_EL1
  [key(3, 0, 0, 0, 5)]: 0x80000000, // MPIDR_EL1
  [key(3, 0, 0, 0, 6)]: 0, // REVIDR_EL1
  [key(3, 0, 0, 4, 0)]: 0x2222, // ID_AA64PFR0_EL1
  [key(3, 0, 0, 4, 1)]: 0, // ID_AA64PFR1_EL1
  [key(3, 0, 0, 5, 0)]: 0x10305106, // ID_AA64DFR0_EL1
  [key(3, 0, 0, 5, 1)]: 0, // ID_AA64DFR1_EL1
  [key(3, 0, 0, 5, 4)]: 0, // ID_AA64AFR0_EL1
  [key(3, 0, 0, 5, 5)]: 0, // ID_AA64AFR1_EL1
  [key(3, 0, 0, 6, 0)]: 0x11120, // ID_AA64ISAR0_EL1
  [key(3, 0, 0, 6, 1)]: 0, // ID_AA64ISAR1_EL1
  [key(3, 0, 0, 7, 0)]: 0x1124, // ID_AA64MMFR0_EL1
  [key(3, 0, 0, 7, 1)]: 0, // ID_AA64MMFR1_EL1
  [key(3, 0, 0, 7, 2)]: 0, // ID_AA64MMFR2_EL1
};

/** Names as llvm-objdump prints them; `ro` marks registers it only names for reads. */
const SYSREG_NAMES: [number, string, boolean][] = [
  [K_NZCV, 'NZCV', false],
  [key(3, 3, 4, 2, 1), 'DAIF', false],
  [K_FPCR, 'FPCR', false],
  [K_FPSR, 'FPSR', false],
  [K_TPIDR, 'TPIDR_EL0', false],
  [K_TPIDRRO, 'TPIDRRO_EL0', false],
  [key(3, 3, 0, 0, 1), 'CTR_EL0', true],
  [key(3, 3, 0, 0, 7), 'DCZID_EL0', true],
  [key(3, 3, 14, 0, 0), 'CNTFRQ_EL0', false],
  [key(3, 3, 14, 0, 1), 'CNTPCT_EL0', true],
  [key(3, 3, 14, 0, 2), 'CNTVCT_EL0', true],
  [key(3, 3, 14, 2, 0), 'CNTP_TVAL_EL0', false],
  [key(3, 3, 14, 2, 1), 'CNTP_CTL_EL0', false],
  [key(3, 3, 14, 2, 2), 'CNTP_CVAL_EL0', false],
  [key(3, 3, 14, 3, 0), 'CNTV_TVAL_EL0', false],
  [key(3, 3, 14, 3, 1), 'CNTV_CTL_EL0', false],
  [key(3, 3, 14, 3, 2), 'CNTV_CVAL_EL0', false],
  [key(3, 0, 0, 0, 0), 'MIDR_EL1', true],
  [key(3, 0, 0, 0, 5), 'MPIDR_EL1', true],
  [key(3, 0, 0, 0, 6), 'REVIDR_EL1', true],
  [key(3, 0, 0, 4, 0), 'ID_AA64PFR0_EL1', true],
  [key(3, 0, 0, 4, 1), 'ID_AA64PFR1_EL1', true],
  [key(3, 0, 0, 5, 0), 'ID_AA64DFR0_EL1', true],
  [key(3, 0, 0, 5, 1), 'ID_AA64DFR1_EL1', true],
  [key(3, 0, 0, 5, 4), 'ID_AA64AFR0_EL1', true],
  [key(3, 0, 0, 5, 5), 'ID_AA64AFR1_EL1', true],
  [key(3, 0, 0, 6, 0), 'ID_AA64ISAR0_EL1', true],
  [key(3, 0, 0, 6, 1), 'ID_AA64ISAR1_EL1', true],
  [key(3, 0, 0, 7, 0), 'ID_AA64MMFR0_EL1', true],
  [key(3, 0, 0, 7, 1), 'ID_AA64MMFR1_EL1', true],
  [key(3, 0, 0, 7, 2), 'ID_AA64MMFR2_EL1', true],
  [key(3, 0, 4, 2, 2), 'CurrentEL', true],
  [key(3, 0, 4, 2, 0), 'SPSel', false],
  [key(3, 0, 4, 1, 0), 'SP_EL0', false],
  [key(3, 0, 4, 0, 0), 'SPSR_EL1', false],
  [key(3, 0, 4, 0, 1), 'ELR_EL1', false],
  [key(3, 0, 1, 0, 0), 'SCTLR_EL1', false],
  [key(3, 0, 1, 0, 2), 'CPACR_EL1', false],
  [key(3, 0, 2, 0, 0), 'TTBR0_EL1', false],
  [key(3, 0, 2, 0, 1), 'TTBR1_EL1', false],
  [key(3, 0, 2, 0, 2), 'TCR_EL1', false],
  [key(3, 0, 5, 2, 0), 'ESR_EL1', false],
  [key(3, 0, 6, 0, 0), 'FAR_EL1', false],
  [key(3, 0, 10, 2, 0), 'MAIR_EL1', false],
  [key(3, 0, 12, 0, 0), 'VBAR_EL1', false],
  [key(3, 0, 13, 0, 4), 'TPIDR_EL1', false],
  [key(3, 0, 14, 1, 0), 'CNTKCTL_EL1', false],
];

const READ_NAME = new Map<number, string>();
const WRITE_NAME = new Map<number, string>();
for (const [k, name, ro] of SYSREG_NAMES) {
  READ_NAME.set(k, name);
  if (!ro) WRITE_NAME.set(k, name);
}

function sysregText(k: number, write: boolean): string {
  const name = (write ? WRITE_NAME : READ_NAME).get(k);
  if (name) return name;
  return `S${k >>> 14}_${(k >>> 11) & 7}_C${(k >>> 7) & 15}_C${(k >>> 3) & 15}_${k & 7}`;
}

const P_MRS = '1101010100 1 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5';
const P_MSR = '1101010100 0 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5';

/** MRS of a generic-timer count: value = instructions retired before this one. */
function counterRead(f: Fields, a: number): Op {
  const d = wz(f.rt);
  const next = a + 4;
  return (s) => {
    const c = s.icount;
    s.xlo[d] = (c % TWO32) | 0;
    s.xhi[d] = Math.floor(c / TWO32) | 0;
    s.pc = next;
  };
}

function mrsExec(f: Fields, a: number): Op {
  const k = fieldKey(f);
  const d = wz(f.rt);
  switch (k) {
    case K_NZCV:
      return (s) => {
        s.xlo[d] = (s.n << 31) | (s.z << 30) | (s.c << 29) | (s.v << 28);
        s.xhi[d] = 0;
      };
    case K_FPCR:
      return (s) => {
        s.xlo[d] = s.fpcr;
        s.xhi[d] = 0;
      };
    case K_FPSR:
      return (s) => {
        s.xlo[d] = s.fpsr;
        s.xhi[d] = 0;
      };
    case K_TPIDR:
      return (s) => {
        s.xlo[d] = s.tpidrLo;
        s.xhi[d] = s.tpidrHi;
      };
  }
  const c = CONSTANT[k];
  if (c === undefined) throw new UndefinedInstruction(reencode(P_MRS, f), a);
  const lo = c | 0;
  return (s) => {
    s.xlo[d] = lo;
    s.xhi[d] = 0;
  };
}

function msrExec(f: Fields, a: number): Op {
  const k = fieldKey(f);
  const t = rz(f.rt);
  switch (k) {
    case K_NZCV:
      return (s) => {
        const v = s.xlo[t] as number;
        s.n = v >>> 31;
        s.z = (v >>> 30) & 1;
        s.c = (v >>> 29) & 1;
        s.v = (v >>> 28) & 1;
      };
    case K_FPCR:
      return (s) => {
        s.fpcr = (s.xlo[t] as number) & FPCR_MASK;
      };
    case K_FPSR:
      return (s) => {
        s.fpsr = (s.xlo[t] as number) & FPSR_MASK;
      };
    case K_TPIDR:
      return (s) => {
        s.tpidrLo = s.xlo[t] as number;
        s.tpidrHi = s.xhi[t] as number;
      };
  }
  throw new UndefinedInstruction(reencode(P_MSR, f), a);
}

const sysregs: InsnDef[] = [
  insn({
    id: 'MRS_CNTVCT',
    cls: 'system',
    pattern: '1101010100 1 1 1 011 1110 0000 010 rt:5',
    flow: 'alone',
    disasm: (f) => `mrs ${xr(f.rt)}, CNTVCT_EL0`,
    exec: counterRead,
  }),
  insn({
    id: 'MRS_CNTPCT',
    cls: 'system',
    pattern: '1101010100 1 1 1 011 1110 0000 001 rt:5',
    flow: 'alone',
    disasm: (f) => `mrs ${xr(f.rt)}, CNTPCT_EL0`,
    exec: counterRead,
  }),
  insn({
    id: 'MRS',
    cls: 'system',
    pattern: P_MRS,
    disasm: (f) => `mrs ${xr(f.rt)}, ${sysregText(fieldKey(f), false)}`,
    exec: mrsExec,
  }),
  insn({
    id: 'MSR_reg',
    cls: 'system',
    pattern: P_MSR,
    disasm: (f) => `msr ${sysregText(fieldKey(f), true)}, ${xr(f.rt)}`,
    exec: msrExec,
  }),
];

// ---- cache maintenance (SYS) -------------------------------------------------------------------

const DC_ZVA = 'DC_ZVA';

/** op1:CRn:CRm:op2 of the SYS operations EL0 may issue. */
const SYS_OPS: Record<number, [id: string, text: string]> = {
  [(3 << 11) | (7 << 7) | (4 << 3) | 1]: [DC_ZVA, 'dc zva'],
  [(3 << 11) | (7 << 7) | (10 << 3) | 1]: ['DC_CVAC', 'dc cvac'],
  [(3 << 11) | (7 << 7) | (11 << 3) | 1]: ['DC_CVAU', 'dc cvau'],
  [(3 << 11) | (7 << 7) | (14 << 3) | 1]: ['DC_CIVAC', 'dc civac'],
  [(3 << 11) | (7 << 7) | (5 << 3) | 1]: ['IC_IVAU', 'ic ivau'],
};

const cacheOps: InsnDef[] = Object.entries(SYS_OPS).map(([k, [id, text]]) => {
  const v = Number(k);
  const bits = (v >>> 0).toString(2).padStart(14, '0');
  return insn({
    id,
    cls: 'system' as const,
    pattern: `1101010100 0 01 ${bits} rt:5`,
    disasm: (f: Fields) => `${text}, ${xr(f.rt)}`,
    exec: (f: Fields): Op => {
      if (id !== DC_ZVA) return nop;
      const t = rz(f.rt);
      return (s) => {
        const addr = addrOf(s, t);
        const base = addr - (addr % 64);
        const m = s.mem;
        for (let i = 0; i < 64; i += 8) m.st64(base + i, 0, 0);
      };
    },
  });
});

export const defs: InsnDef[] = [...exceptions, ...hintsAndBarriers, ...pstate, ...sysregs, ...cacheOps];
