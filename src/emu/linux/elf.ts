/**
 * ELF64 AArch64 executable reader for Linux user mode: ET_EXEC and static-pie ET_DYN images.
 * Reads and validates the ELF header and the program headers only (sections do not matter to a
 * loader); every rejection is an `ElfLoadError` naming the file and the field.
 */
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../engine.ts';
import { type ElfErrorKind, ElfLoadError } from './errors.ts';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_AARCH64 = 183;
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
/** Linux refuses program header tables larger than 64 KiB. */
const MAX_PHDR_BYTES = 65536;
/** User address space of AArch64 Linux with 48-bit virtual addresses. */
export const USER_ADDRESS_LIMIT = 2 ** 48;
const PAGE = 4096;

export interface ProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface LoadSegment extends ProgramHeader {
  /** Engine permissions (PROT_*) derived from p_flags. */
  prot: number;
}

export interface TlsTemplate {
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfExecutable {
  file: string;
  bytes: Uint8Array;
  type: typeof ET_EXEC | typeof ET_DYN;
  entry: number;
  phoff: number;
  phnum: number;
  phentsize: number;
  phdrs: ProgramHeader[];
  /** PT_LOAD segments in address order. */
  segments: LoadSegment[];
  /** Lowest and highest (exclusive) virtual addresses of the PT_LOAD segments, unbiased. */
  lowAddress: number;
  highAddress: number;
  /** Unbiased virtual address of the program header table, when some segment maps it. */
  phdrVaddr: number | undefined;
  /** PT_GNU_STACK flags (PF_*); without PT_GNU_STACK Linux/AArch64 makes the stack non-executable. */
  stackFlags: number;
  tls: TlsTemplate | undefined;
}

export function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

class Reader {
  private readonly dv: DataView;
  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(field: string, kind: ElfErrorKind, detail: string): never {
    throw new ElfLoadError(this.file, field, kind, detail);
  }
  u16(off: number): number {
    return this.dv.getUint16(off, true);
  }
  u32(off: number): number {
    return this.dv.getUint32(off, true);
  }
  /** A 64-bit field that must stay below 2^53 to be used as a JS number. */
  u64(off: number, field: string, limit = Number.MAX_SAFE_INTEGER): number {
    const v = this.dv.getBigUint64(off, true);
    if (v > BigInt(limit)) this.fail(field, 'address', `value 0x${v.toString(16)} is out of range`);
    return Number(v);
  }
}

const hex = (v: number): string => `0x${v.toString(16)}`;

/** Largest total PT_LOAD size accepted by default (the ts engine backs every page eagerly). */
export const DEFAULT_MAX_IMAGE_BYTES = 256 * 1024 * 1024;

export interface ParseOptions {
  /** Reject images whose PT_LOAD segments span more than this many bytes in total. */
  maxImageBytes?: number;
}

/** Parses and validates an executable. `file` is only used in error messages. */
export function parseExecutable(bytes: Uint8Array, file = '<elf>', options: ParseOptions = {}): ElfExecutable {
  const maxImage = options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const r = new Reader(file, bytes);
  if (bytes.length < 16) r.fail('e_ident', 'truncated', `file is ${bytes.length} bytes, shorter than e_ident`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    r.fail('e_ident[EI_MAG]', 'magic', 'not an ELF file (bad magic)');
  const cls = bytes[4] as number;
  if (cls !== 2)
    r.fail('e_ident[EI_CLASS]', 'class', cls === 1 ? 'ELFCLASS32, expected ELFCLASS64' : `unknown class ${cls}`);
  const data = bytes[5] as number;
  if (data !== 1)
    r.fail(
      'e_ident[EI_DATA]',
      'endianness',
      data === 2 ? 'big-endian (ELFDATA2MSB), expected little-endian' : `unknown data encoding ${data}`,
    );
  if (bytes[6] !== 1) r.fail('e_ident[EI_VERSION]', 'version', `unknown ELF version ${bytes[6]}`);
  if (bytes.length < EHDR_SIZE)
    r.fail('ELF header', 'truncated', `file is ${bytes.length} bytes, the ELF64 header needs ${EHDR_SIZE}`);
  const type = r.u16(16);
  if (type !== ET_EXEC && type !== ET_DYN) {
    const what =
      type === 1 ? 'a relocatable object (ET_REL): link it first' : type === 4 ? 'a core file' : `type ${type}`;
    r.fail('e_type', 'type', `${what}, expected an executable (ET_EXEC or static-pie ET_DYN)`);
  }
  const machine = r.u16(18);
  if (machine !== EM_AARCH64) r.fail('e_machine', 'machine', `machine ${machine}, expected EM_AARCH64 (183)`);
  const entry = r.u64(24, 'e_entry', USER_ADDRESS_LIMIT - 1);
  const phoff = r.u64(32, 'e_phoff');
  const phentsize = r.u16(54);
  const phnum = r.u16(56);
  if (phentsize !== PHDR_SIZE) r.fail('e_phentsize', 'field', `${phentsize}, expected ${PHDR_SIZE}`);
  if (phnum === 0) r.fail('e_phnum', 'entry', 'no program headers: nothing to load');
  if (phnum * PHDR_SIZE > MAX_PHDR_BYTES) r.fail('e_phnum', 'field', `${phnum} program headers is too many`);
  if (phoff + phnum * PHDR_SIZE > bytes.length)
    r.fail(
      'e_phoff',
      'truncated',
      `program header table ${hex(phoff)}..${hex(phoff + phnum * PHDR_SIZE)} ends past the end of the file (${bytes.length} bytes)`,
    );

  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    const f = (name: string) => `phdr[${i}].${name}`;
    phdrs.push({
      index: i,
      type: r.u32(o),
      flags: r.u32(o + 4),
      offset: r.u64(o + 8, f('p_offset')),
      vaddr: r.u64(o + 16, f('p_vaddr')),
      filesz: r.u64(o + 32, f('p_filesz')),
      memsz: r.u64(o + 40, f('p_memsz')),
      align: r.u64(o + 48, f('p_align')),
    });
  }

  const segments: LoadSegment[] = [];
  let tls: TlsTemplate | undefined;
  let stackFlags = PF_R | PF_W;
  let phdrVaddr: number | undefined;
  for (const p of phdrs) {
    const f = (name: string) => `phdr[${p.index}].${name}`;
    if (p.type === PT_INTERP) {
      const end = Math.min(p.offset + p.filesz, bytes.length);
      let path = '';
      if (p.offset < bytes.length) {
        path = new TextDecoder().decode(bytes.subarray(p.offset, end)).replace(/\0.*$/s, '');
      }
      r.fail(
        'PT_INTERP',
        'interpreter',
        `the program requests the dynamic loader ${path ? `'${path}'` : '(unreadable path)'}; only static executables run here`,
      );
    }
    if (p.type === PT_LOAD || p.type === PT_TLS) {
      if (p.filesz > p.memsz)
        r.fail(f('p_filesz'), 'field', `p_filesz ${hex(p.filesz)} exceeds p_memsz ${hex(p.memsz)}`);
      if (p.offset + p.filesz > bytes.length)
        r.fail(
          f('p_offset'),
          'bounds',
          `segment file range ${hex(p.offset)}..${hex(p.offset + p.filesz)} lies outside the file (${bytes.length} bytes)`,
        );
      if (p.vaddr + p.memsz > USER_ADDRESS_LIMIT)
        r.fail(
          f('p_vaddr'),
          'address',
          `segment ${hex(p.vaddr)}..${hex(p.vaddr + p.memsz)} does not fit in the user address space`,
        );
      if (p.align !== 0 && (p.align & (p.align - 1)) !== 0)
        r.fail(f('p_align'), 'field', `alignment ${hex(p.align)} is not a power of two`);
    }
    if (p.type === PT_LOAD) {
      if (p.memsz === 0) continue; // Linux maps nothing for an empty segment.
      if (p.vaddr % PAGE !== p.offset % PAGE)
        r.fail(
          f('p_vaddr'),
          'field',
          `p_vaddr ${hex(p.vaddr)} and p_offset ${hex(p.offset)} differ modulo the page size (${PAGE})`,
        );
      segments.push({ ...p, prot: protOf(p.flags) });
    } else if (p.type === PT_TLS) {
      tls = { vaddr: p.vaddr, filesz: p.filesz, memsz: p.memsz, align: p.align };
    } else if (p.type === PT_GNU_STACK) {
      stackFlags = p.flags;
    } else if (p.type === PT_PHDR) {
      phdrVaddr = p.vaddr;
    }
  }
  if (segments.length === 0) r.fail('e_phnum', 'entry', 'no PT_LOAD segment: nothing to load');
  let total = 0;
  for (const s of segments) {
    total += s.memsz;
    if (total > maxImage)
      r.fail(
        `phdr[${s.index}].p_memsz`,
        'address',
        `segments need more than ${maxImage} bytes of memory (this one ${hex(s.memsz)})`,
      );
  }
  segments.sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < segments.length; i++) {
    const a = segments[i - 1] as LoadSegment;
    const b = segments[i] as LoadSegment;
    if (b.vaddr < a.vaddr + a.memsz)
      r.fail(
        `phdr[${b.index}].p_vaddr`,
        'overlap',
        `segment ${hex(b.vaddr)}..${hex(b.vaddr + b.memsz)} overlaps phdr[${a.index}] ${hex(a.vaddr)}..${hex(a.vaddr + a.memsz)}`,
      );
  }
  if (phdrVaddr === undefined) {
    // As Linux: the table is visible when a PT_LOAD segment maps its file bytes.
    for (const s of segments) {
      if (phoff >= s.offset && phoff + phnum * PHDR_SIZE <= s.offset + s.filesz) {
        phdrVaddr = s.vaddr + (phoff - s.offset);
        break;
      }
    }
  }
  const first = segments[0] as LoadSegment;
  const last = segments.reduce((m, s) => Math.max(m, s.vaddr + s.memsz), 0);
  const inCode = segments.some((s) => s.flags & PF_X && entry >= s.vaddr && entry + 4 <= s.vaddr + s.memsz);
  if (!inCode) r.fail('e_entry', 'entry', `entry point ${hex(entry)} is not inside an executable PT_LOAD segment`);
  if (entry % 4 !== 0) r.fail('e_entry', 'entry', `entry point ${hex(entry)} is not 4-byte aligned`);
  return {
    file,
    bytes,
    type: type as typeof ET_EXEC | typeof ET_DYN,
    entry,
    phoff,
    phnum,
    phentsize,
    phdrs,
    segments,
    lowAddress: first.vaddr - (first.vaddr % PAGE),
    highAddress: last,
    phdrVaddr,
    stackFlags,
    tls,
  };
}
