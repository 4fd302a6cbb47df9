/**
 * The executor as an ELF file for gdb: an ET_EXEC AArch64 file that holds no code of the program,
 * only sections over the executor's fixed regions and a symbol table naming what lives there (the
 * host functions' gates, the JIT dispatch gate, `__jit_debug_register_code`,
 * `__jit_debug_descriptor`). gdb finds the GDB JIT interface by those two symbols in some objfile;
 * the stub serves this file as the remote exec file (qXfer:exec-file:read + vFile), so a bare
 * `target remote` is enough for gdb to set its JIT breakpoint and read the descriptor.
 *
 * Sections are SHT_NOBITS: the file carries no bytes, gdb reads memory from the target.
 */

export interface ExecutorElfSymbol {
  name: string;
  address: number;
  /** A function (STT_FUNC) or data (STT_OBJECT). */
  callable: boolean;
  size?: number;
}

const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOBITS = 8;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const STB_GLOBAL = 1;
const STT_OBJECT = 1;
const STT_FUNC = 2;
/** Symbols are grouped into one section per 1 MiB region they fall in (code and data apart). */
const REGION_SHIFT = 20;

class StringTable {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  private readonly seen = new Map<string, number>();
  add(s: string): number {
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    const b = new TextEncoder().encode(`${s}\0`);
    const at = this.size;
    this.parts.push(b);
    this.size += b.length;
    this.seen.set(s, at);
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Builds the file (deterministic: same symbols, same bytes). */
export function buildExecutorElf(symbols: readonly ExecutorElfSymbol[]): Uint8Array {
  const sorted = [...symbols]
    .sort((a, b) => a.address - b.address || a.name.localeCompare(b.name))
    .map((s, i, all) => {
      if (s.size !== undefined) return s;
      // A function runs up to the next function (gates are 4-byte slots), within 256 bytes.
      const next = all.slice(i + 1).find((n) => n.callable === s.callable && n.address > s.address);
      const gap = next ? next.address - s.address : 4;
      return { ...s, size: s.callable ? Math.min(gap, 0x100) : 8 };
    });
  interface Region {
    begin: number;
    end: number;
    exec: boolean;
    write: boolean;
  }
  const regionOf = (s: ExecutorElfSymbol): string => `${Math.floor(s.address / 2 ** REGION_SHIFT)}:${s.callable}`;
  const regions = new Map<string, Region>();
  for (const s of sorted) {
    const key = regionOf(s);
    const end = s.address + Math.max(s.size ?? (s.callable ? 4 : 8), 1);
    const r = regions.get(key);
    if (r) {
      r.end = Math.max(r.end, end);
      r.exec ||= s.callable;
      r.write ||= !s.callable;
    } else regions.set(key, { begin: s.address, end, exec: s.callable, write: !s.callable });
  }
  const shstr = new StringTable();
  const str = new StringTable();
  const regionList = [...regions.entries()];
  // Section headers: null, one per region, .symtab, .strtab, .shstrtab.
  const sectionIndex = new Map<string, number>();
  for (const [i, [key]] of regionList.entries()) sectionIndex.set(key, i + 1);
  const symtab = new Uint8Array((sorted.length + 1) * 24);
  const sdv = new DataView(symtab.buffer);
  sorted.forEach((s, i) => {
    const o = (i + 1) * 24;
    sdv.setUint32(o, str.add(s.name), true);
    sdv.setUint8(o + 4, (STB_GLOBAL << 4) | (s.callable ? STT_FUNC : STT_OBJECT));
    sdv.setUint16(o + 6, sectionIndex.get(regionOf(s)) as number, true);
    sdv.setBigUint64(o + 8, BigInt(s.address), true);
    sdv.setBigUint64(o + 16, BigInt(s.size ?? (s.callable ? 4 : 8)), true);
  });
  const strtab = str.bytes();
  const names = regionList.map(([, r]) =>
    shstr.add(r.exec ? `.text.orc.${r.begin.toString(16)}` : `.data.orc.${r.begin.toString(16)}`),
  );
  const symtabName = shstr.add('.symtab');
  const strtabName = shstr.add('.strtab');
  const shstrtabName = shstr.add('.shstrtab');
  const shstrtab = shstr.bytes();

  const symtabOff = 64;
  const strtabOff = symtabOff + symtab.length;
  const shstrtabOff = strtabOff + strtab.length;
  const shoff = Math.ceil((shstrtabOff + shstrtab.length) / 8) * 8;
  const shnum = regionList.length + 4;
  const out = new Uint8Array(shoff + shnum * 64);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELF64, little-endian, version 1, System V
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 183, true); // EM_AARCH64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true); // e_phentsize (no program headers)
  dv.setUint16(58, 64, true);
  dv.setUint16(60, shnum, true);
  dv.setUint16(62, shnum - 1, true); // .shstrtab is the last
  out.set(symtab, symtabOff);
  out.set(strtab, strtabOff);
  out.set(shstrtab, shstrtabOff);
  const header = (
    i: number,
    f: {
      name: number;
      type: number;
      flags: number;
      addr: number;
      off: number;
      size: number;
      link?: number;
      info?: number;
      align: number;
      entsize?: number;
    },
  ): void => {
    const o = shoff + i * 64;
    dv.setUint32(o, f.name, true);
    dv.setUint32(o + 4, f.type, true);
    dv.setBigUint64(o + 8, BigInt(f.flags), true);
    dv.setBigUint64(o + 16, BigInt(f.addr), true);
    dv.setBigUint64(o + 24, BigInt(f.off), true);
    dv.setBigUint64(o + 32, BigInt(f.size), true);
    dv.setUint32(o + 40, f.link ?? 0, true);
    dv.setUint32(o + 44, f.info ?? 0, true);
    dv.setBigUint64(o + 48, BigInt(f.align), true);
    dv.setBigUint64(o + 56, BigInt(f.entsize ?? 0), true);
  };
  regionList.forEach(([, r], i) => {
    header(i + 1, {
      name: names[i] as number,
      type: SHT_NOBITS,
      flags: SHF_ALLOC | (r.exec ? SHF_EXECINSTR : 0) | (r.write ? SHF_WRITE : 0),
      addr: r.begin,
      off: symtabOff,
      size: r.end - r.begin,
      align: 4,
    });
  });
  const symIndex = regionList.length + 1;
  header(symIndex, {
    name: symtabName,
    type: SHT_SYMTAB,
    flags: 0,
    addr: 0,
    off: symtabOff,
    size: symtab.length,
    link: symIndex + 1,
    info: 1, // first global symbol
    align: 8,
    entsize: 24,
  });
  header(symIndex + 1, {
    name: strtabName,
    type: SHT_STRTAB,
    flags: 0,
    addr: 0,
    off: strtabOff,
    size: strtab.length,
    align: 1,
  });
  header(symIndex + 2, {
    name: shstrtabName,
    type: SHT_STRTAB,
    flags: 0,
    addr: 0,
    off: shstrtabOff,
    size: shstrtab.length,
    align: 1,
  });
  return out;
}
