/**
 * A minimal ELF64 AArch64 relocatable writer for generated programs: `.text` (global functions),
 * an optional `.data` (8-byte function-pointer slots), RELA relocations against global symbols
 * (defined here or undefined) and against the `.data` section symbol.
 */

export const R = {
  ABS64: 257,
  ADR_PREL_PG_HI21: 275,
  LDST64_ABS_LO12_NC: 286,
  JUMP26: 282,
  CALL26: 283,
} as const;

export interface Reloc {
  offset: number;
  type: number;
  /** A global's name, or `.data` (the section symbol). */
  target: string;
  addend: number;
}

export interface ElfSpec {
  text: Uint8Array;
  defs: { name: string; offset: number; size: number }[];
  textRelocs: Reloc[];
  data: Uint8Array;
  dataRelocs: Reloc[];
}

const DATA = '.data';

export function writeElfObject(spec: ElfSpec): Uint8Array {
  const enc = new TextEncoder();
  const strtab: number[] = [0];
  const str = (s: string): number => {
    const o = strtab.length;
    for (const c of enc.encode(s)) strtab.push(c);
    strtab.push(0);
    return o;
  };
  const hasData = spec.data.length > 0;
  // Section indices: 1 .text, 2 .data (if any), then rela(s), symtab, strtab, shstrtab.
  const secNames = ['.text', ...(hasData ? ['.data'] : []), '.rela.text', ...(hasData ? ['.rela.data'] : [])];
  secNames.push('.symtab', '.strtab', '.shstrtab');
  const idx = (n: string): number => secNames.indexOf(n) + 1;
  const syms: { name: number; info: number; shndx: number; value: number; size: number }[] = [
    { name: 0, info: 0, shndx: 0, value: 0, size: 0 },
  ];
  const symIndex = new Map<string, number>();
  if (hasData) {
    symIndex.set(DATA, syms.length);
    syms.push({ name: 0, info: 3, shndx: idx('.data'), value: 0, size: 0 }); // STT_SECTION, local
  }
  const firstGlobal = syms.length;
  for (const d of spec.defs) {
    symIndex.set(d.name, syms.length);
    syms.push({ name: str(d.name), info: (1 << 4) | 2, shndx: idx('.text'), value: d.offset, size: d.size });
  }
  for (const r of [...spec.textRelocs, ...spec.dataRelocs]) {
    if (symIndex.has(r.target)) continue;
    symIndex.set(r.target, syms.length);
    syms.push({ name: str(r.target), info: 1 << 4, shndx: 0, value: 0, size: 0 });
  }
  const rela = (rs: Reloc[]): Uint8Array => {
    const b = new Uint8Array(24 * rs.length);
    const dv = new DataView(b.buffer);
    rs.forEach((r, i) => {
      dv.setBigUint64(24 * i, BigInt(r.offset), true);
      dv.setBigUint64(24 * i + 8, (BigInt(symIndex.get(r.target) as number) << 32n) | BigInt(r.type), true);
      dv.setBigInt64(24 * i + 16, BigInt(r.addend), true);
    });
    return b;
  };
  const symtab = new Uint8Array(24 * syms.length);
  const sdv = new DataView(symtab.buffer);
  syms.forEach((s, i) => {
    sdv.setUint32(24 * i, s.name, true);
    sdv.setUint8(24 * i + 4, s.info);
    sdv.setUint16(24 * i + 6, s.shndx, true);
    sdv.setBigUint64(24 * i + 8, BigInt(s.value), true);
    sdv.setBigUint64(24 * i + 16, BigInt(s.size), true);
  });
  const shstr: number[] = [0];
  const shName = (s: string): number => {
    const o = shstr.length;
    for (const c of enc.encode(s)) shstr.push(c);
    shstr.push(0);
    return o;
  };
  const names = secNames.map(shName);
  const contents: Uint8Array[] = [spec.text];
  if (hasData) contents.push(spec.data);
  contents.push(rela(spec.textRelocs));
  if (hasData) contents.push(rela(spec.dataRelocs));
  contents.push(symtab, new Uint8Array(strtab), new Uint8Array(shstr));
  const offsets: number[] = [];
  let off = 64;
  for (const p of contents) {
    off = (off + 7) & ~7;
    offsets.push(off);
    off += p.length;
  }
  const shoff = (off + 7) & ~7;
  const nsec = secNames.length + 1;
  const out = new Uint8Array(shoff + 64 * nsec);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  dv.setUint16(16, 1, true); // ET_REL
  dv.setUint16(18, 183, true); // EM_AARCH64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(58, 64, true);
  dv.setUint16(60, nsec, true);
  dv.setUint16(62, idx('.shstrtab'), true);
  contents.forEach((p, i) => {
    out.set(p, offsets[i] as number);
  });
  const symtabIdx = idx('.symtab');
  secNames.forEach((n, i) => {
    const b = shoff + 64 * (i + 1);
    const p = contents[i] as Uint8Array;
    let type = 1;
    let flags = 0;
    let link = 0;
    let info = 0;
    let align = 1;
    let entsize = 0;
    if (n === '.text') [flags, align] = [6, 4];
    else if (n === '.data') [flags, align] = [3, 8];
    else if (n.startsWith('.rela')) {
      [type, flags, link, info, align, entsize] = [4, 0x40, symtabIdx, idx(n.slice(5)), 8, 24];
    } else if (n === '.symtab') [type, link, info, align, entsize] = [2, idx('.strtab'), firstGlobal, 8, 24];
    else type = 3;
    dv.setUint32(b, names[i] as number, true);
    dv.setUint32(b + 4, type, true);
    dv.setBigUint64(b + 8, BigInt(flags), true);
    dv.setBigUint64(b + 24, BigInt(offsets[i] as number), true);
    dv.setBigUint64(b + 32, BigInt(p.length), true);
    dv.setUint32(b + 40, link, true);
    dv.setUint32(b + 44, info, true);
    dv.setBigUint64(b + 48, BigInt(align), true);
    dv.setBigUint64(b + 56, BigInt(entsize), true);
  });
  return out;
}
