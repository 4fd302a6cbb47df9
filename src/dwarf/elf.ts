/**
 * The debug sections of an ELF64 little-endian AArch64 file: a linked executable (sections as
 * they are) or a relocatable object, whose `.rela.debug_*` relocations are applied to copies of
 * the sections: R_AARCH64_ABS64 / ABS32 with S = the symbol's value plus its section's load
 * address (given by the caller after a link; by default sh_addr, which objects leave at 0, as
 * llvm-dwarfdump shows them, and the debug objects of gdb's JIT interface set).
 */
import { Cursor, decodeUtf8 } from './cursor.ts';
import { DwarfFormatError } from './errors.ts';

const ET_REL = 1;
const EM_AARCH64 = 183;
const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOBITS = 8;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_ABS = 0xfff1;
const R_AARCH64_NONE = 0;
const R_AARCH64_ABS64 = 257;
const R_AARCH64_ABS32 = 258;
const R_AARCH64_PREL64 = 260;
const R_AARCH64_PREL32 = 261;

export interface ElfSectionInfo {
  index: number;
  name: string;
  type: number;
  flags: number;
  /** sh_addr: the address in a linked file (0 in objects). */
  address: number;
  offset: number;
  size: number;
}

export interface DebugSections {
  file: string;
  relocatable: boolean;
  sections: ElfSectionInfo[];
  /** Contents of the sections whose names start with `.debug_` (and `.eh_frame`), relocated for objects. */
  debug: Map<string, Uint8Array>;
  /** Function symbols (name, address, size) with their section index. */
  functions: { name: string; address: number; size: number; section: number }[];
}

export interface ReadOptions {
  /** Load address of a section of a relocatable object (after a link); default 0. */
  sectionAddress?: (section: ElfSectionInfo) => number | undefined;
}

export function readDebugSections(bytes: Uint8Array, file: string, options: ReadOptions = {}): DebugSections {
  const c = new Cursor(bytes, file, 'ELF');
  const fail = (at: number, detail: string): never => {
    throw new DwarfFormatError(file, 'ELF', at, detail);
  };
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    fail(0, 'not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) fail(4, 'not ELF64 little-endian');
  c.pos = 16;
  const type = c.u16('e_type');
  if (c.u16('e_machine') !== EM_AARCH64) fail(18, 'e_machine is not EM_AARCH64');
  c.pos = 40;
  const shoff = c.u64('e_shoff');
  c.pos = 58;
  if (c.u16('e_shentsize') !== 64 && shoff !== 0) fail(58, 'e_shentsize is not 64');
  let shnum = c.u16('e_shnum');
  let shstrndx = c.u16('e_shstrndx');
  if (shoff === 0) return { file, relocatable: type === ET_REL, sections: [], debug: new Map(), functions: [] };
  const header = (i: number): Cursor => {
    const at = shoff + i * 64;
    if (at + 64 > bytes.length || at < shoff) fail(at, `section header ${i} outside the file`);
    return new Cursor(bytes, file, 'ELF', at);
  };
  if (shnum === 0)
    shnum = header(0)
      .at(shoff + 32, 'sh_size')
      .u64('e_shnum extension');
  if (shstrndx === 0xffff)
    shstrndx = header(0)
      .at(shoff + 40, 'sh_link')
      .u32('e_shstrndx extension');
  if (shnum > 0xffffff || shoff + shnum * 64 > bytes.length) fail(60, `${shnum} section headers do not fit the file`);
  const raw: {
    name: number;
    type: number;
    flags: number;
    addr: number;
    offset: number;
    size: number;
    link: number;
    info: number;
    entsize: number;
  }[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const name = h.u32('sh_name');
    const stype = h.u32('sh_type');
    const flags = h.u64('sh_flags');
    const addr = h.u64('sh_addr');
    const offset = h.u64('sh_offset');
    const size = h.u64('sh_size');
    const link = h.u32('sh_link');
    const info = h.u32('sh_info');
    h.u64('sh_addralign');
    const entsize = h.u64('sh_entsize');
    if (stype !== SHT_NOBITS && offset + size > bytes.length)
      fail(shoff + i * 64 + 24, `section ${i} [0x${offset.toString(16)}, +0x${size.toString(16)}) outside the file`);
    raw.push({ name, type: stype, flags, addr, offset, size, link, info, entsize });
  }
  const strtab = raw[shstrndx];
  if (!strtab) fail(62, `e_shstrndx ${shstrndx} is not a section`);
  const nameAt = (tab: { offset: number; size: number }, off: number, where: number): string => {
    if (off >= tab.size) fail(where, `name offset 0x${off.toString(16)} outside its string table`);
    const start = tab.offset + off;
    let end = start;
    const limit = tab.offset + tab.size;
    while (end < limit && bytes[end] !== 0) end++;
    return decodeUtf8(bytes.subarray(start, end));
  };
  const sections: ElfSectionInfo[] = raw.map((s, index) => ({
    index,
    name: nameAt(strtab!, s.name, shoff + index * 64),
    type: s.type,
    flags: s.flags,
    address: s.addr,
    offset: s.offset,
    size: s.size,
  }));
  const relocatable = type === ET_REL;
  const loadAddress = (i: number): number => {
    const s = sections[i];
    if (!s) return 0;
    // An object's sh_addr is 0 unless a debug object carries its load addresses there.
    return relocatable ? (options.sectionAddress?.(s) ?? s.address) : s.address;
  };

  // Symbols: function bounds, and the S of relocations.
  const symbols: { value: number; shndx: number }[] = [];
  const functions: DebugSections['functions'] = [];
  const symtabIndex = raw.findIndex((s) => s.type === SHT_SYMTAB);
  if (symtabIndex >= 0) {
    const st = raw[symtabIndex]!;
    const names = raw[st.link];
    if (!names) fail(shoff + symtabIndex * 64 + 40, `symbol table's sh_link ${st.link} is not a section`);
    const count = Math.floor(st.size / 24);
    for (let i = 0; i < count; i++) {
      const e = new Cursor(bytes, file, '.symtab', st.offset + i * 24);
      const nameOff = e.u32('st_name');
      const infoByte = e.u8('st_info');
      e.u8('st_other');
      const shndx = e.u16('st_shndx');
      const value = e.u64('st_value');
      const size = e.u64('st_size');
      symbols.push({ value, shndx });
      if ((infoByte & 0xf) === 2 && shndx !== SHN_UNDEF && shndx < SHN_LORESERVE)
        functions.push({
          name: nameAt(names!, nameOff, st.offset + i * 24),
          address: relocatable ? value + loadAddress(shndx) : value,
          size,
          section: shndx,
        });
    }
  }

  const debug = new Map<string, Uint8Array>();
  // .eh_frame too: a debug object carries its call frame information relocated, like its DWARF.
  const relocated = (name: string): boolean => name.startsWith('.debug_') || name === '.eh_frame';
  for (const s of sections) {
    if (!relocated(s.name) || s.type === SHT_NOBITS) continue;
    debug.set(
      s.name,
      relocatable ? bytes.slice(s.offset, s.offset + s.size) : bytes.subarray(s.offset, s.offset + s.size),
    );
  }
  if (relocatable) {
    raw.forEach((r, i) => {
      if (r.type !== SHT_RELA) return;
      const target = sections[r.info];
      if (!target || !relocated(target.name)) return;
      const data = debug.get(target.name);
      if (!data) return;
      const relName = sections[i]!.name;
      if (r.entsize !== 24 && r.entsize !== 0)
        fail(shoff + i * 64 + 56, `${relName}: entry size ${r.entsize} is not 24`);
      const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const rc = new Cursor(bytes, file, relName, r.offset, r.offset + Math.floor(r.size / 24) * 24);
      while (rc.left > 0) {
        const at = rc.pos - r.offset;
        const offset = rc.u64('r_offset');
        const info = rc.u32('r_info type');
        const symIndex = rc.u32('r_info symbol');
        const addendLo = rc.u32('r_addend');
        const addendHi = rc.u32('r_addend');
        const addend = (addendHi | 0) * 0x1_0000_0000 + addendLo;
        const relFail = (detail: string): never => {
          throw new DwarfFormatError(file, relName, at, detail);
        };
        if (info === R_AARCH64_NONE) continue;
        const sym = symbols[symIndex];
        if (!sym) relFail(`symbol index ${symIndex} outside the symbol table`);
        const base =
          sym!.shndx === SHN_UNDEF || sym!.shndx === SHN_ABS || sym!.shndx >= SHN_LORESERVE
            ? 0
            : loadAddress(sym!.shndx);
        const value = sym!.value + base + addend;
        if (info === R_AARCH64_ABS64) {
          if (offset + 8 > data.length) relFail(`r_offset 0x${offset.toString(16)} outside ${target.name}`);
          if (value < 0) relFail(`ABS64 value ${value} is negative`);
          dv.setUint32(offset, value % 0x1_0000_0000, true);
          dv.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true);
        } else if (info === R_AARCH64_ABS32) {
          if (offset + 4 > data.length) relFail(`r_offset 0x${offset.toString(16)} outside ${target.name}`);
          if (value < -0x8000_0000 || value > 0xffff_ffff) relFail(`ABS32 value 0x${value.toString(16)} out of range`);
          dv.setUint32(offset, value >>> 0, true);
        } else if (info === R_AARCH64_PREL32 || info === R_AARCH64_PREL64) {
          const size = info === R_AARCH64_PREL32 ? 4 : 8;
          if (offset + size > data.length) relFail(`r_offset 0x${offset.toString(16)} outside ${target.name}`);
          const rel = value - (loadAddress(r.info) + offset);
          if (size === 4) {
            if (rel < -0x8000_0000 || rel > 0x7fff_ffff) relFail(`PREL32 value ${rel} out of range`);
            dv.setInt32(offset, rel, true);
          } else dv.setBigInt64(offset, BigInt(rel), true);
        } else relFail(`relocation type ${info} is not supported in debug sections (ABS32, ABS64, PREL32, PREL64)`);
      }
    });
  }
  return { file, relocatable, sections, debug, functions };
}
