/**
 * The AArch64 register set as gdb numbers it for a remote target: the core feature (x0–x30, sp,
 * pc, cpsr: regnums 0–33), the FP/SIMD feature (v0–v31 as 128-bit vectors, fpsr, fpcr: 34–67)
 * and the TLS feature (tpidr: 68). The feature and register names are the ones gdb's aarch64
 * target code looks for; the XML below is our own description of them.
 */

export type RegisterKind = 'x' | 'sp' | 'pc' | 'cpsr' | 'v' | 'fpsr' | 'fpcr' | 'tpidr';

export interface GdbRegister {
  regnum: number;
  name: string;
  /** Size in bytes as transferred (little-endian) in g/G/p/P packets. */
  bytes: number;
  kind: RegisterKind;
  /** The register's index within its kind (x and v registers). */
  index: number;
}

function build(): GdbRegister[] {
  const regs: GdbRegister[] = [];
  for (let i = 0; i <= 30; i++) regs.push({ regnum: i, name: `x${i}`, bytes: 8, kind: 'x', index: i });
  regs.push({ regnum: 31, name: 'sp', bytes: 8, kind: 'sp', index: 0 });
  regs.push({ regnum: 32, name: 'pc', bytes: 8, kind: 'pc', index: 0 });
  regs.push({ regnum: 33, name: 'cpsr', bytes: 4, kind: 'cpsr', index: 0 });
  for (let i = 0; i <= 31; i++) regs.push({ regnum: 34 + i, name: `v${i}`, bytes: 16, kind: 'v', index: i });
  regs.push({ regnum: 66, name: 'fpsr', bytes: 4, kind: 'fpsr', index: 0 });
  regs.push({ regnum: 67, name: 'fpcr', bytes: 4, kind: 'fpcr', index: 0 });
  regs.push({ regnum: 68, name: 'tpidr', bytes: 8, kind: 'tpidr', index: 0 });
  return regs;
}

export const AARCH64_REGISTERS: readonly GdbRegister[] = build();
export const REGNUM_SP = 31;
export const REGNUM_PC = 32;

/** The registers `g` transfers: the core and FP/SIMD sets (tpidr only through p/P, as qemu does). */
export const G_PACKET_REGISTERS: readonly GdbRegister[] = AARCH64_REGISTERS.filter((r) => r.regnum <= 67);

function vectorTypes(): string {
  // The FP/SIMD register type: a union of lane views, which gdb shows as v0.d.u[1] and so on.
  const lanes: [string, string, number][] = [
    ['v2d', 'ieee_double', 2],
    ['v2u', 'uint64', 2],
    ['v2i', 'int64', 2],
    ['v4f', 'ieee_single', 4],
    ['v4u', 'uint32', 4],
    ['v4i', 'int32', 4],
    ['v8f', 'ieee_half', 8],
    ['v8u', 'uint16', 8],
    ['v8i', 'int16', 8],
    ['v16u', 'uint8', 16],
    ['v16i', 'int8', 16],
    ['v1u', 'uint128', 1],
    ['v1i', 'int128', 1],
  ];
  const unions: [string, [string, string][]][] = [
    [
      'vnd',
      [
        ['f', 'v2d'],
        ['u', 'v2u'],
        ['s', 'v2i'],
      ],
    ],
    [
      'vns',
      [
        ['f', 'v4f'],
        ['u', 'v4u'],
        ['s', 'v4i'],
      ],
    ],
    [
      'vnh',
      [
        ['f', 'v8f'],
        ['u', 'v8u'],
        ['s', 'v8i'],
      ],
    ],
    [
      'vnb',
      [
        ['u', 'v16u'],
        ['s', 'v16i'],
      ],
    ],
    [
      'vnq',
      [
        ['u', 'v1u'],
        ['s', 'v1i'],
      ],
    ],
    [
      'aarch64v',
      [
        ['d', 'vnd'],
        ['s', 'vns'],
        ['h', 'vnh'],
        ['b', 'vnb'],
        ['q', 'vnq'],
      ],
    ],
  ];
  let x = '';
  for (const [id, type, count] of lanes) x += `    <vector id="${id}" type="${type}" count="${count}"/>\n`;
  for (const [id, fields] of unions) {
    x += `    <union id="${id}">\n`;
    for (const [name, type] of fields) x += `      <field name="${name}" type="${type}"/>\n`;
    x += '    </union>\n';
  }
  return x;
}

function regXml(r: GdbRegister, type: string, group?: string): string {
  const g = group ? ` group="${group}"` : '';
  return `    <reg name="${r.name}" bitsize="${r.bytes * 8}" type="${type}" regnum="${r.regnum}"${g}/>\n`;
}

function buildXml(): string {
  const reg = (n: number) => AARCH64_REGISTERS[n] as GdbRegister;
  let core = '';
  for (let i = 0; i <= 30; i++) core += regXml(reg(i), 'int');
  core += regXml(reg(31), 'data_ptr');
  core += regXml(reg(32), 'code_ptr');
  core += regXml(reg(33), 'int');
  let fpu = vectorTypes();
  for (let i = 0; i <= 31; i++) fpu += regXml(reg(34 + i), 'aarch64v', 'vector');
  fpu += regXml(reg(66), 'int', 'float');
  fpu += regXml(reg(67), 'int', 'float');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    '<target version="1.0">',
    '  <architecture>aarch64</architecture>',
    '  <osabi>GNU/Linux</osabi>',
    '  <feature name="org.gnu.gdb.aarch64.core">',
    core.trimEnd(),
    '  </feature>',
    '  <feature name="org.gnu.gdb.aarch64.fpu">',
    fpu.trimEnd(),
    '  </feature>',
    '  <feature name="org.gnu.gdb.aarch64.tls">',
    regXml(reg(68), 'data_ptr', 'system').trimEnd(),
    '  </feature>',
    '</target>',
    '',
  ].join('\n');
}

export const TARGET_XML = buildXml();
