/**
 * Static archive (`ar`) reader: GNU/SysV archives with their `/` (32-bit) or `/SYM64/` symbol
 * index and `//` long-name table, and BSD `#1/N` names with `__.SYMDEF` indexes. Thin archives are
 * rejected. Every malformation raises an `ArchiveFormatError` naming the archive, the member (when
 * there is one) and the field; member contents are not parsed here (they are ELF objects named
 * `archive(member)` for the ELF reader, so its errors name both as well).
 */
import { readElf, SHN_UNDEF, STB_GLOBAL, STB_GNU_UNIQUE, STB_WEAK } from './elf/reader.ts';
import { ArchiveFormatError, hex } from './errors.ts';

/** One object member of a static archive. */
export interface ArchiveMember {
  /** Index among the archive's object members (special members excluded). */
  index: number;
  /** The member's file name (long names resolved, GNU's trailing `/` removed). */
  name: string;
  /** Offset of the member's header in the archive. */
  headerOffset: number;
  /** The member's contents (a view into the archive's bytes). */
  bytes: Uint8Array;
}

/** A parsed static archive (`ar` format): its object members and its symbol index. */
export interface Archive {
  file: string;
  members: ArchiveMember[];
  /**
   * Symbol name → index of the first member defining it (the archive's own index, or, when the
   * archive has none, the global definitions read from each member's ELF symbol table).
   */
  symbols: Map<string, number>;
  /** Where `symbols` came from. */
  index: 'gnu' | 'gnu64' | 'bsd' | 'members';
}

/** The 8 bytes every System V / GNU static archive starts with. */
export const ARCHIVE_MAGIC = '!<arch>\n';
const THIN_MAGIC = '!<thin>\n';
const HEADER_SIZE = 60;

export function isArchive(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== ARCHIVE_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** The name under which a member's object is linked (llvm-jitlink's `lib.a[index](member.o)`). */
export function memberObjectName(archive: string, member: ArchiveMember): string {
  return `${archive}[${member.index}](${member.name})`;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** A decimal header field (space padded); '' for an all-blank field. */
function decimalField(
  file: string,
  member: string | undefined,
  b: Uint8Array,
  start: number,
  len: number,
  field: string,
): number {
  const text = ascii(b, start, start + len).trimEnd();
  if (!/^\d+$/.test(text)) throw new ArchiveFormatError(file, member, field, `'${text}' is not a decimal number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new ArchiveFormatError(file, member, field, `${text} is too large`);
  return n;
}

function decodeName(b: Uint8Array, start: number, end: number): string {
  let ok = true;
  for (let i = start; i < end; i++) if ((b[i] as number) >= 0x80) ok = false;
  return ok ? ascii(b, start, end) : new TextDecoder('utf-8').decode(b.subarray(start, end));
}

interface RawMember {
  rawName: string;
  headerOffset: number;
  dataOffset: number;
  size: number;
}

export function readArchive(bytes: Uint8Array, file: string): Archive {
  if (bytes.length < 8)
    throw new ArchiveFormatError(file, undefined, 'magic', `file too small (${bytes.length} bytes)`);
  const magic = ascii(bytes, 0, 8);
  if (magic === THIN_MAGIC)
    throw new ArchiveFormatError(file, undefined, 'magic', 'thin archives (members stored outside) are not supported');
  if (magic !== ARCHIVE_MAGIC) throw new ArchiveFormatError(file, undefined, 'magic', 'not an ar archive (!<arch>)');

  const raw: RawMember[] = [];
  let o = 8;
  let ordinal = 0;
  while (o < bytes.length) {
    // Members start on even offsets; a trailing newline pad may end the file.
    if (o + 1 === bytes.length && bytes[o] === 0x0a) break;
    const where = `member header #${ordinal} at ${hex(o)}`;
    if (o + HEADER_SIZE > bytes.length)
      throw new ArchiveFormatError(file, undefined, where, `truncated (${bytes.length - o} of ${HEADER_SIZE} bytes)`);
    if (bytes[o + 58] !== 0x60 || bytes[o + 59] !== 0x0a)
      throw new ArchiveFormatError(file, undefined, `${where}.ar_fmag`, 'terminator is not "`\\n"');
    const rawName = ascii(bytes, o, o + 16).trimEnd();
    const size = decimalField(file, rawName || undefined, bytes, o + 48, 10, `${where}.ar_size`);
    const dataOffset = o + HEADER_SIZE;
    if (dataOffset + size > bytes.length)
      throw new ArchiveFormatError(
        file,
        rawName || undefined,
        `${where}.ar_size`,
        `${size} bytes run past the end of the archive (${hex(bytes.length)} bytes)`,
      );
    raw.push({ rawName, headerOffset: o, dataOffset, size });
    o = dataOffset + size + (size & 1);
    ordinal++;
  }

  let longNames: RawMember | undefined;
  let gnuIndex: RawMember | undefined;
  let gnu64Index: RawMember | undefined;
  let bsdIndex: { data: number; size: number; member: string } | undefined;
  const members: ArchiveMember[] = [];
  const byHeader = new Map<number, number>();
  for (const m of raw) {
    if (m.rawName === '/' || m.rawName === '/SYM64/') {
      if (m.rawName === '/') gnuIndex ??= m;
      else gnu64Index ??= m;
      continue;
    }
    if (m.rawName === '//') {
      longNames = m;
      continue;
    }
    let name: string;
    let dataOffset = m.dataOffset;
    let size = m.size;
    if (m.rawName.startsWith('#1/')) {
      // BSD: the name's length is in the header, the name itself precedes the data.
      const n = Number(m.rawName.slice(3));
      if (!Number.isSafeInteger(n) || n < 0 || n > size)
        throw new ArchiveFormatError(
          file,
          undefined,
          `member at ${hex(m.headerOffset)}.ar_name`,
          `bad BSD name length '${m.rawName}'`,
        );
      let end = dataOffset + n;
      while (end > dataOffset && bytes[end - 1] === 0) end--;
      name = decodeName(bytes, dataOffset, end);
      dataOffset += n;
      size -= n;
      if (name === '__.SYMDEF' || name === '__.SYMDEF SORTED' || name === '__.SYMDEF_64') {
        bsdIndex ??= { data: dataOffset, size, member: name };
        continue;
      }
    } else if (m.rawName === '__.SYMDEF' || m.rawName === '__.SYMDEF SORTED') {
      bsdIndex ??= { data: dataOffset, size, member: m.rawName };
      continue;
    } else if (/^\/\d+$/.test(m.rawName)) {
      const at = Number(m.rawName.slice(1));
      if (!longNames)
        throw new ArchiveFormatError(
          file,
          m.rawName,
          `member at ${hex(m.headerOffset)}.ar_name`,
          'long name without a // name table',
        );
      if (at >= longNames.size)
        throw new ArchiveFormatError(
          file,
          m.rawName,
          `member at ${hex(m.headerOffset)}.ar_name`,
          `long-name offset ${at} outside the // table (${longNames.size} bytes)`,
        );
      const start = longNames.dataOffset + at;
      const limit = longNames.dataOffset + longNames.size;
      let end = start;
      while (end < limit && bytes[end] !== 0x0a && bytes[end] !== 0) end++;
      if (end > start && bytes[end - 1] === 0x2f) end--; // GNU terminates with "/\n"
      name = decodeName(bytes, start, end);
    } else if (m.rawName.startsWith('/')) {
      throw new ArchiveFormatError(
        file,
        m.rawName,
        `member at ${hex(m.headerOffset)}.ar_name`,
        `unknown special member '${m.rawName}'`,
      );
    } else {
      name = m.rawName.endsWith('/') ? m.rawName.slice(0, -1) : m.rawName;
    }
    if (name === '')
      throw new ArchiveFormatError(file, undefined, `member at ${hex(m.headerOffset)}.ar_name`, 'empty member name');
    byHeader.set(m.headerOffset, members.length);
    members.push({
      index: members.length,
      name,
      headerOffset: m.headerOffset,
      bytes: bytes.subarray(dataOffset, dataOffset + size),
    });
  }

  const symbols = new Map<string, number>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const memberAt = (off: number, field: string, member: string): number => {
    const idx = byHeader.get(off);
    if (idx === undefined)
      throw new ArchiveFormatError(file, member, field, `offset ${hex(off)} is not the header of an object member`);
    return idx;
  };
  if (gnuIndex || gnu64Index) {
    const wide = !gnuIndex;
    const m = (gnuIndex ?? gnu64Index) as RawMember;
    const w = wide ? 8 : 4;
    const readWord = (at: number): number =>
      wide ? dv.getUint32(at, false) * 0x1_0000_0000 + dv.getUint32(at + 4, false) : dv.getUint32(at, false);
    const memberName = m.rawName;
    if (m.size < w) throw new ArchiveFormatError(file, memberName, 'symbol index', `too small (${m.size} bytes)`);
    const count = readWord(m.dataOffset);
    if (count > (m.size - w) / w)
      throw new ArchiveFormatError(
        file,
        memberName,
        'symbol index count',
        `${count} entries do not fit in ${m.size} bytes`,
      );
    let s = m.dataOffset + w + count * w;
    const end = m.dataOffset + m.size;
    for (let i = 0; i < count; i++) {
      let e = s;
      while (e < end && bytes[e] !== 0) e++;
      if (e >= end)
        throw new ArchiveFormatError(file, memberName, `symbol index name #${i}`, 'runs past the end of the index');
      const name = decodeName(bytes, s, e);
      const idx = memberAt(readWord(m.dataOffset + w + i * w), `symbol index entry #${i} ('${name}')`, memberName);
      if (!symbols.has(name)) symbols.set(name, idx);
      s = e + 1;
    }
    return { file, members, symbols, index: wide ? 'gnu64' : 'gnu' };
  }
  if (bsdIndex) {
    // ranlib: u32 byte size of (strx, off) pairs, pairs, u32 string table size, strings (LE).
    const { data, size, member } = bsdIndex;
    if (size < 8) throw new ArchiveFormatError(file, member, 'symbol index', `too small (${size} bytes)`);
    const pairBytes = dv.getUint32(data, true);
    if (pairBytes % 8 !== 0 || 4 + pairBytes + 4 > size)
      throw new ArchiveFormatError(file, member, 'symbol index size', `${pairBytes} bytes of entries do not fit`);
    const strSize = dv.getUint32(data + 4 + pairBytes, true);
    const strStart = data + 8 + pairBytes;
    if (8 + pairBytes + strSize > size)
      throw new ArchiveFormatError(file, member, 'symbol index string table', `${strSize} bytes do not fit`);
    for (let i = 0; i < pairBytes / 8; i++) {
      const strx = dv.getUint32(data + 4 + i * 8, true);
      const off = dv.getUint32(data + 8 + i * 8, true);
      if (strx >= strSize)
        throw new ArchiveFormatError(
          file,
          member,
          `symbol index entry #${i}`,
          `name offset ${strx} outside the strings`,
        );
      let e = strStart + strx;
      while (e < strStart + strSize && bytes[e] !== 0) e++;
      const name = decodeName(bytes, strStart + strx, e);
      const idx = memberAt(off, `symbol index entry #${i} ('${name}')`, member);
      if (!symbols.has(name)) symbols.set(name, idx);
    }
    return { file, members, symbols, index: 'bsd' };
  }
  // No index (`ar q` without `s`): read the members' global definitions.
  for (const m of members) {
    const elf = readElf(m.bytes, memberObjectName(file, m));
    for (const s of elf.symbols) {
      if (s.shndx === SHN_UNDEF || s.name === '') continue;
      if (s.bind !== STB_GLOBAL && s.bind !== STB_WEAK && s.bind !== STB_GNU_UNIQUE) continue;
      if (!symbols.has(s.name)) symbols.set(s.name, m.index);
    }
  }
  return { file, members, symbols, index: 'members' };
}
