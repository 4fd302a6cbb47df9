/**
 * ELF64 AArch64 relocatable object reader (little-endian, and big-endian aarch64_be). Validates everything it reads: any
 * malformed input raises an `ElfFormatError` naming the file and the field, never a RangeError.
 */
import { ElfFormatError, hex } from '../errors.ts';

export const EM_AARCH64 = 183;
export const ET_REL = 1;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_GNU_RETAIN = 0x200000;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;

export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  bind: number;
  type: number;
  visibility: number;
  /** Section index after SHN_XINDEX resolution (or SHN_UNDEF/SHN_ABS/SHN_COMMON). */
  shndx: number;
}

/** The relocations of one RELA section, as parallel typed arrays (allocation-light). */
export interface ElfRelocations {
  section: ElfSection;
  /** Index of the section the relocations apply to. */
  target: number;
  count: number;
  offsets: Float64Array;
  types: Uint32Array;
  symbols: Uint32Array;
  addends: Float64Array;
}

export interface ElfGroup {
  section: ElfSection;
  flags: number;
  signature: string;
  members: number[];
}

export interface ElfObject {
  file: string;
  /** ELFDATA2MSB (aarch64_be, BE8): data is big-endian, instructions stay little-endian. */
  bigEndian: boolean;
  bytes: Uint8Array;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Index of the first non-local symbol (symtab sh_info). */
  firstGlobal: number;
  relocations: ElfRelocations[];
  groups: ElfGroup[];
}

const TWO32 = 0x1_0000_0000;

class Reader {
  readonly dv: DataView;
  /** Little-endian fields (false for aarch64_be objects). */
  le = true;
  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(field: string, detail: string): never {
    throw new ElfFormatError(this.file, field, detail);
  }
  need(offset: number, size: number, field: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length) {
      this.fail(field, `range [${hex(offset)}, +${hex(size)}) outside the file (${hex(this.bytes.length)} bytes)`);
    }
  }
  u8(o: number): number {
    return this.bytes[o] as number;
  }
  u16(o: number): number {
    return this.dv.getUint16(o, this.le);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, this.le);
  }
  /** The high and low 32-bit halves of the 64-bit field at `o`. */
  hi(o: number): number {
    return this.le ? this.dv.getUint32(o + 4, true) : this.dv.getUint32(o, false);
  }
  lo(o: number): number {
    return this.le ? this.dv.getUint32(o, true) : this.dv.getUint32(o + 4, false);
  }
  hiSigned(o: number): number {
    return this.le ? this.dv.getInt32(o + 4, true) : this.dv.getInt32(o, false);
  }
  /** A u64 as a number; values above 2^53 are rejected (cannot be exact). */
  u64(o: number, field: string): number {
    const lo = this.lo(o);
    const hi = this.hi(o);
    if (hi >= 0x200000) this.fail(field, `value 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} too large`);
    return hi * TWO32 + lo;
  }
  /** A signed i64 as a number (exact within ±2^53). */
  i64(o: number, field: string): number {
    const lo = this.lo(o);
    const hi = this.hiSigned(o);
    if (hi >= 0x200000 || hi < -0x200000) this.fail(field, `value out of the supported range`);
    return hi * TWO32 + lo;
  }
}

/** NUL-terminated string at `offset` of a string table section. */
function readString(r: Reader, table: ElfSection, offset: number, field: string): string {
  if (offset >= table.size) {
    if (offset === 0 && table.size === 0) return '';
    r.fail(
      field,
      `string offset ${hex(offset)} outside string table '${table.name || table.index}' (${hex(table.size)} bytes)`,
    );
  }
  const start = table.offset + offset;
  const end = table.offset + table.size;
  const b = r.bytes;
  let s = '';
  let i = start;
  let ascii = true;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c === 0) break;
    if (c >= 0x80) ascii = false;
  }
  if (i === end) r.fail(field, `string at offset ${hex(offset)} is not NUL-terminated`);
  if (ascii) {
    // Short names dominate: build them directly.
    if (i - start < 64) {
      for (let k = start; k < i; k++) s += String.fromCharCode(b[k] as number);
      return s;
    }
    return String.fromCharCode.apply(null, Array.from(b.subarray(start, i)));
  }
  return new TextDecoder('utf-8').decode(b.subarray(start, i));
}

export function readElf(bytes: Uint8Array, file: string): ElfObject {
  const r: Reader = new Reader(file, bytes);
  if (bytes.length < 64) r.fail('e_ident', `file too small for an ELF64 header (${bytes.length} bytes)`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    r.fail('e_ident', 'bad magic (not an ELF file)');
  if (bytes[4] !== 2) r.fail('e_ident[EI_CLASS]', `class ${bytes[4]} is not ELFCLASS64`);
  if (bytes[5] !== 1 && bytes[5] !== 2)
    r.fail('e_ident[EI_DATA]', `data encoding ${bytes[5]} is neither ELFDATA2LSB nor ELFDATA2MSB`);
  r.le = bytes[5] === 1;
  const bigEndian = !r.le;
  if (bytes[6] !== 1) r.fail('e_ident[EI_VERSION]', `version ${bytes[6]} is not EV_CURRENT`);
  const type = r.u16(16);
  if (type !== ET_REL) r.fail('e_type', `type ${type} is not ET_REL (relocatable object)`);
  const machine = r.u16(18);
  if (machine !== EM_AARCH64) r.fail('e_machine', `machine ${machine} is not EM_AARCH64 (183)`);
  const shoff = r.u64(40, 'e_shoff');
  const ehsize = r.u16(52);
  if (ehsize !== 64) r.fail('e_ehsize', `header size ${ehsize} is not 64`);
  const shentsize = r.u16(58);
  let shnum = r.u16(60);
  let shstrndx = r.u16(62);
  if (shoff === 0) {
    if (shnum !== 0) r.fail('e_shoff', 'zero with a non-zero e_shnum');
    return { file, bigEndian, bytes, sections: [], symbols: [], firstGlobal: 0, relocations: [], groups: [] };
  }
  if (shentsize !== 64) r.fail('e_shentsize', `section header size ${shentsize} is not 64`);
  r.need(shoff, 64, 'e_shoff');
  if (shnum === 0) shnum = r.u64(shoff + 32, 'section[0].sh_size (e_shnum extension)');
  if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + 40);
  if (shnum > (bytes.length - shoff) / 64) r.fail('e_shnum', `${shnum} section headers do not fit in the file`);
  r.need(shoff, shnum * 64, 'e_shoff/e_shnum');
  if (shstrndx >= shnum) r.fail('e_shstrndx', `index ${shstrndx} out of range (${shnum} sections)`);

  const sections: ElfSection[] = new Array(shnum);
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * 64;
    const f = `section[${i}]`;
    const s: ElfSection = {
      index: i,
      name: '',
      type: r.u32(o + 4),
      flags: r.u64(o + 8, `${f}.sh_flags`),
      offset: r.u64(o + 24, `${f}.sh_offset`),
      size: r.u64(o + 32, `${f}.sh_size`),
      link: r.u32(o + 40),
      info: r.u32(o + 44),
      addralign: r.u64(o + 48, `${f}.sh_addralign`),
      entsize: r.u64(o + 56, `${f}.sh_entsize`),
    };
    (s as { nameOff?: number }).nameOff = r.u32(o);
    if (i > 0 && s.type !== SHT_NOBITS && s.type !== SHT_NULL) {
      if (s.offset + s.size > bytes.length)
        r.fail(
          `${f}.sh_offset/sh_size`,
          `[${hex(s.offset)}, +${hex(s.size)}) outside the file (${hex(bytes.length)} bytes)`,
        );
    }
    if (s.addralign > 1 && (s.addralign & (s.addralign - 1)) !== 0 && s.addralign < TWO32)
      r.fail(`${f}.sh_addralign`, `${hex(s.addralign)} is not a power of two`);
    if (s.addralign >= TWO32) r.fail(`${f}.sh_addralign`, `${hex(s.addralign)} is too large`);
    if (s.type === SHT_NOBITS && s.size > 2 ** 40) r.fail(`${f}.sh_size`, `${hex(s.size)} is too large`);
    sections[i] = s;
  }
  const shstr = sections[shstrndx] as ElfSection;
  if (shstrndx !== 0 && shstr.type !== SHT_STRTAB) r.fail('e_shstrndx', `section ${shstrndx} is not a string table`);
  for (const s of sections) {
    const nameOff = (s as { nameOff?: number }).nameOff as number;
    delete (s as { nameOff?: number }).nameOff;
    if (s.index === 0) continue;
    s.name = shstrndx === 0 ? '' : readString(r, shstr, nameOff, `section[${s.index}].sh_name`);
  }
  // Overlap check: file ranges of sections with content, and the header/section table.
  const ranges: [number, number, string][] = [
    [0, 64, 'ELF header'],
    [shoff, shoff + shnum * 64, 'section header table'],
  ];
  for (const s of sections) {
    if (s.index === 0 || s.type === SHT_NOBITS || s.type === SHT_NULL || s.size === 0) continue;
    ranges.push([s.offset, s.offset + s.size, `section[${s.index}] '${s.name}'`]);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < ranges.length; i++) {
    const a = ranges[i - 1] as [number, number, string];
    const b = ranges[i] as [number, number, string];
    if (b[0] < a[1])
      r.fail(`${b[2]}.sh_offset`, `[${hex(b[0])}, ${hex(b[1])}) overlaps ${a[2]} [${hex(a[0])}, ${hex(a[1])})`);
  }

  // Symbol table.
  let symtab: ElfSection | undefined;
  let shndxTable: ElfSection | undefined;
  for (const s of sections) {
    if (s.type === SHT_SYMTAB) {
      if (symtab) r.fail(`section[${s.index}].sh_type`, 'more than one SHT_SYMTAB');
      symtab = s;
    } else if (s.type === SHT_SYMTAB_SHNDX) shndxTable = s;
  }
  const symbols: ElfSymbol[] = [];
  let firstGlobal = 0;
  if (symtab) {
    const f = `section[${symtab.index}] '${symtab.name}'`;
    if (symtab.entsize !== 24) r.fail(`${f}.sh_entsize`, `${symtab.entsize} is not 24`);
    if (symtab.size % 24 !== 0) r.fail(`${f}.sh_size`, `${hex(symtab.size)} is not a multiple of 24`);
    if (symtab.link === 0 || symtab.link >= shnum)
      r.fail(`${f}.sh_link`, `string table index ${symtab.link} out of range`);
    const strtab = sections[symtab.link] as ElfSection;
    if (strtab.type !== SHT_STRTAB) r.fail(`${f}.sh_link`, `section ${symtab.link} is not a string table`);
    const count = symtab.size / 24;
    if (symtab.info > count) r.fail(`${f}.sh_info`, `first global index ${symtab.info} beyond ${count} symbols`);
    firstGlobal = symtab.info;
    if (shndxTable) {
      if (shndxTable.link !== symtab.index)
        r.fail(`section[${shndxTable.index}].sh_link`, 'SHT_SYMTAB_SHNDX does not refer to the symbol table');
      if (shndxTable.size < count * 4) r.fail(`section[${shndxTable.index}].sh_size`, 'too small for the symbol table');
    }
    for (let i = 0; i < count; i++) {
      const o = symtab.offset + i * 24;
      const fs = `symbol[${i}]`;
      const info = r.u8(o + 4);
      let shndx = r.u16(o + 6);
      if (shndx === SHN_XINDEX) {
        if (!shndxTable) r.fail(`${fs}.st_shndx`, 'SHN_XINDEX without a SHT_SYMTAB_SHNDX section');
        shndx = r.u32(shndxTable.offset + i * 4);
        if (shndx >= shnum) r.fail(`${fs}.st_shndx`, `extended index ${shndx} out of range (${shnum} sections)`);
      } else if (shndx >= shnum && shndx < SHN_LORESERVE) {
        r.fail(`${fs}.st_shndx`, `section index ${shndx} out of range (${shnum} sections)`);
      }
      const sym: ElfSymbol = {
        index: i,
        name: readString(r, strtab, r.u32(o), `${fs}.st_name`),
        value: r.u64(o + 8, `${fs}.st_value`),
        size: r.u64(o + 16, `${fs}.st_size`),
        bind: info >> 4,
        type: info & 15,
        visibility: r.u8(o + 5) & 3,
        shndx,
      };
      if (i >= firstGlobal && sym.bind === STB_LOCAL && i > 0)
        r.fail(`${fs}.st_info`, `local symbol '${sym.name}' after the first global (sh_info ${firstGlobal})`);
      symbols.push(sym);
    }
  }

  // Relocations and groups.
  const relocations: ElfRelocations[] = [];
  const groups: ElfGroup[] = [];
  for (const s of sections) {
    const f = `section[${s.index}] '${s.name}'`;
    if (s.type === SHT_REL) r.fail(`${f}.sh_type`, 'SHT_REL relocations are not supported on AArch64 (RELA only)');
    if (s.type === SHT_RELA) {
      if (s.entsize !== 24) r.fail(`${f}.sh_entsize`, `${s.entsize} is not 24`);
      if (s.size % 24 !== 0) r.fail(`${f}.sh_size`, `${hex(s.size)} is not a multiple of 24`);
      if (!symtab || s.link !== symtab.index) r.fail(`${f}.sh_link`, `${s.link} is not the symbol table`);
      if (s.info === 0 || s.info >= shnum) r.fail(`${f}.sh_info`, `target section index ${s.info} out of range`);
      const count = s.size / 24;
      const rel: ElfRelocations = {
        section: s,
        target: s.info,
        count,
        offsets: new Float64Array(count),
        types: new Uint32Array(count),
        symbols: new Uint32Array(count),
        addends: new Float64Array(count),
      };
      const nsyms = symbols.length;
      for (let i = 0, o = s.offset; i < count; i++, o += 24) {
        const offLo = r.lo(o);
        const offHi = r.hi(o);
        if (offHi >= 0x200000) r.fail(`${f}[${i}].r_offset`, 'value too large');
        rel.offsets[i] = offHi * TWO32 + offLo;
        // r_info: symbol in the high half, type in the low half (of the 64-bit field).
        rel.types[i] = r.lo(o + 8);
        const sym = r.hi(o + 8);
        if (sym >= nsyms) r.fail(`${f}[${i}].r_info`, `symbol index ${sym} out of range (${nsyms} symbols)`);
        rel.symbols[i] = sym;
        const aLo = r.lo(o + 16);
        const aHi = r.hiSigned(o + 16);
        if (aHi >= 0x200000 || aHi < -0x200000) r.fail(`${f}[${i}].r_addend`, 'value out of the supported range');
        rel.addends[i] = aHi * TWO32 + aLo;
      }
      relocations.push(rel);
    } else if (s.type === SHT_GROUP) {
      if (s.size < 4 || s.size % 4 !== 0) r.fail(`${f}.sh_size`, `${hex(s.size)} is not a non-empty multiple of 4`);
      if (!symtab || s.link !== symtab.index) r.fail(`${f}.sh_link`, `${s.link} is not the symbol table`);
      if (s.info >= symbols.length) r.fail(`${f}.sh_info`, `signature symbol ${s.info} out of range`);
      const members: number[] = [];
      for (let o = s.offset + 4; o < s.offset + s.size; o += 4) {
        const m = r.u32(o);
        if (m === 0 || m >= shnum) r.fail(`${f} member`, `section index ${m} out of range`);
        members.push(m);
      }
      groups.push({ section: s, flags: r.u32(s.offset), signature: (symbols[s.info] as ElfSymbol).name, members });
    }
  }
  return { file, bigEndian, bytes, sections, symbols, firstGlobal, relocations, groups };
}
