/**
 * ELF64 AArch64 relocatable object → LinkGraph (JITLink's ELFLinkGraphBuilder +
 * ELF_aarch64 relocation mapping). One block per allocatable section; `.eh_frame` is split
 * into CIE/FDE blocks with keep-alive edges so dead-stripping drops unused unwind records.
 */
import { K } from './aarch64/edges.ts';
import { FixupViolation, insnCheck, pageOffset12Shift, readU32, readU32BE } from './aarch64/fixup.ts';
import { R, relocationName } from './aarch64/relocs.ts';
import {
  type ElfObject,
  type ElfSection,
  readElf,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_GNU_RETAIN,
  SHF_WRITE,
  SHN_ABS,
  SHN_COMMON,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_FINI_ARRAY,
  SHT_GROUP,
  SHT_INIT_ARRAY,
  SHT_NOBITS,
  SHT_PREINIT_ARRAY,
  STB_GLOBAL,
  STB_GNU_UNIQUE,
  STB_LOCAL,
  STB_WEAK,
  STT_FILE,
  STT_FUNC,
  STT_GNU_IFUNC,
  STT_SECTION,
  STV_HIDDEN,
  STV_INTERNAL,
  STV_PROTECTED,
} from './elf/reader.ts';
import { ElfFormatError, hex, LinkError } from './errors.ts';
import {
  type Block,
  Edge,
  type LinkGraph as Graph,
  LinkGraph,
  MEM_R,
  MEM_W,
  MEM_X,
  type Section,
  type Sym,
} from './graph.ts';

/** Sections that run as initializers (ELF ctor/dtor arrays). */
export function isInitializerSection(name: string, type: number): boolean {
  return (
    type === SHT_INIT_ARRAY ||
    type === SHT_FINI_ARRAY ||
    type === SHT_PREINIT_ARRAY ||
    name === '.init_array' ||
    name.startsWith('.init_array.') ||
    name === '.fini_array' ||
    name.startsWith('.fini_array.') ||
    name === '.preinit_array' ||
    name === '.ctors' ||
    name.startsWith('.ctors.') ||
    name === '.dtors' ||
    name.startsWith('.dtors.')
  );
}

/** What buildGraphFromObject returns: the link graph and the parsed ELF object it came from. */
export interface BuildResult {
  graph: Graph;
  elf: ElfObject;
}

const GRP_COMDAT = 1;

/**
 * COMDAT group de-duplication across the objects of one link (as a static linker does): the
 * first object that brings a group signature keeps its members; later objects' copies are
 * discarded whole (their global definitions become references to the kept copy, their unwind
 * records are dropped).
 */
export class ComdatTracker {
  private readonly owners = new Map<string, string>();
  /** True when `file` may keep group `signature` (it is the first to bring it, or already owns it). */
  claim(signature: string, file: string): boolean {
    const owner = this.owners.get(signature);
    if (owner === undefined) {
      this.owners.set(signature, file);
      return true;
    }
    return owner === file;
  }
  /** Forgets the groups of `file` (its link was removed). */
  release(file: string): void {
    for (const [sig, f] of this.owners) if (f === file) this.owners.delete(sig);
  }
}

/** Options of buildGraphFromObject. */
export interface BuildOptions {
  /** COMDAT de-duplication shared by the objects of one link; without it every group is kept. */
  comdat?: ComdatTracker;
}

/**
 * Parses an AArch64 ELF relocatable object into a link graph (sections → blocks, symbols, relocation
 * edges), as JITLink's ELFLinkGraphBuilder does; nothing is allocated or linked yet.
 *
 * @param bytes - the object file's bytes.
 * @param file - its name in diagnostics and in the graph.
 * @param options - COMDAT de-duplication shared with other objects of the same link.
 * @returns the graph and the parsed ELF.
 * @throws ElfFormatError (malformed or not ELF64 AArch64, naming the file and what is wrong),
 *   LinkError (an unsupported relocation).
 * @example
 * ```ts
 * import { buildGraphFromObject } from 'orc-sandbox/linker';
 * const { graph } = buildGraphFromObject(bytes, 'main.o');
 * console.log(graph.defined.map((s) => s.name));
 * ```
 */
export function buildGraphFromObject(bytes: Uint8Array, file: string, options: BuildOptions = {}): BuildResult {
  const elf = readElf(bytes, file);
  return { graph: buildGraph(elf, options), elf };
}

export function buildGraph(elf: ElfObject, options: BuildOptions = {}): Graph {
  const file = elf.file;
  const g = new LinkGraph(file);
  g.bigEndian = elf.bigEndian;
  const blockByIndex: (Block | undefined)[] = new Array(elf.sections.length);
  const discarded = new Set<number>();
  if (options.comdat)
    for (const grp of elf.groups)
      if (grp.flags & GRP_COMDAT && !options.comdat.claim(grp.signature, file))
        for (const m of grp.members) discarded.add(m);

  // Sections → one block each.
  for (const s of elf.sections) {
    if (s.index === 0 || !(s.flags & SHF_ALLOC) || s.type === SHT_GROUP || discarded.has(s.index)) continue;
    const prot = MEM_R | (s.flags & SHF_WRITE ? MEM_W : 0) | (s.flags & SHF_EXECINSTR ? MEM_X : 0);
    const sec = g.createSection(s.name, prot);
    sec.elfIndex = s.index;
    sec.elfFlags = s.flags;
    sec.elfType = s.type;
    const align = s.addralign || 1;
    const b =
      s.type === SHT_NOBITS
        ? g.createZeroFillBlock(sec, s.size, align)
        : g.createContentBlock(sec, elf.bytes.slice(s.offset, s.offset + s.size), align);
    blockByIndex[s.index] = b;
    if (s.flags & SHF_GNU_RETAIN || isInitializerSection(s.name, s.type)) g.addAnonymousSymbol(b, 0, 0, false, true);
  }

  // Symbols.
  const syms: (Sym | null)[] = new Array(elf.symbols.length).fill(null);
  const globals = new Map<string, Sym>();
  /** Local symbols of discarded COMDAT copies: unwind records naming them are dropped. */
  const discardedSyms = new Set<number>();
  /** Offsets in `.eh_frame` of records that refer to discarded code. */
  const droppedFrames: number[] = [];
  let common: Section | undefined;
  for (let i = 1; i < elf.symbols.length; i++) {
    const es = elf.symbols[i]!;
    if (es.type === STT_FILE) continue;
    const field = `symbol[${i}] '${es.name}'`;
    const isLocal = es.bind === STB_LOCAL;
    if (!isLocal && es.bind !== STB_GLOBAL && es.bind !== STB_WEAK && es.bind !== STB_GNU_UNIQUE)
      throw new ElfFormatError(file, `${field}.st_info`, `unsupported binding ${es.bind}`);
    const linkage = es.bind === STB_WEAK ? 'weak' : 'strong';
    const scope = isLocal
      ? 'local'
      : es.visibility === STV_HIDDEN || es.visibility === STV_INTERNAL
        ? 'hidden'
        : 'default';
    const callable = es.type === STT_FUNC || es.type === STT_GNU_IFUNC;
    let sym: Sym;
    if (es.shndx === SHN_UNDEF) {
      if (isLocal) continue;
      sym = g.addExternalSymbol(es.name, es.bind === STB_WEAK);
      syms[i] = sym;
      continue;
    } else if (es.shndx === SHN_ABS) {
      sym = g.addAbsoluteSymbol(es.name, es.value, es.size, linkage, scope);
    } else if (es.shndx === SHN_COMMON) {
      common ??= g.createSection('.common', MEM_R | MEM_W);
      const align = es.value || 1;
      if (align & (align - 1))
        throw new ElfFormatError(file, `${field}.st_value`, `common alignment ${hex(align)} is not a power of two`);
      const b = g.createZeroFillBlock(common, es.size, align);
      sym = g.addDefinedSymbol(b, 0, es.name, es.size, 'weak', scope, false);
      sym.common = true;
    } else if (es.shndx >= SHN_LORESERVE && es.shndx >= elf.sections.length) {
      throw new ElfFormatError(file, `${field}.st_shndx`, `unsupported special section index ${hex(es.shndx)}`);
    } else {
      const b = blockByIndex[es.shndx];
      if (!b && discarded.has(es.shndx) && !isLocal && es.name !== '') {
        // A definition in a discarded COMDAT copy: refer to the kept one.
        sym = g.addExternalSymbol(es.name, es.bind === STB_WEAK);
        syms[i] = sym;
        continue;
      }
      if (!b) {
        if (discarded.has(es.shndx)) discardedSyms.add(i);
        continue; // defined in a section we do not link (debug info, notes, discarded COMDAT, ...)
      }
      if (es.value > b.size)
        throw new ElfFormatError(
          file,
          `${field}.st_value`,
          `offset ${hex(es.value)} beyond section '${b.section.name}' (${hex(b.size)} bytes)`,
        );
      // A section symbol is anonymous unless the object names it (as yaml2obj-made objects can):
      // JITLink then defines it under that name, and LLVM's tests refer to it.
      if (es.type === STT_SECTION && es.name === '') {
        sym = g.addAnonymousSymbol(b, es.value);
      } else {
        // AArch64 mapping symbols ($x, $d) are never relocation targets worth keeping.
        if (isLocal && es.name.charCodeAt(0) === 36 && /^\$[xd](\.|$)/.test(es.name)) continue;
        sym = g.addDefinedSymbol(b, es.value, es.name, es.size, linkage, scope, callable);
        if (es.type === STT_GNU_IFUNC) sym.ifunc = true;
      }
    }
    sym.visibility =
      es.visibility === STV_HIDDEN
        ? 'hidden'
        : es.visibility === STV_PROTECTED
          ? 'protected'
          : es.visibility === STV_INTERNAL
            ? 'internal'
            : 'default';
    if (!isLocal && es.name !== '') {
      if (globals.has(es.name)) throw new LinkError(`In ${file}, duplicate definition of ${es.name}`);
      globals.set(es.name, sym);
    }
    syms[i] = sym;
  }

  // Relocations → edges.
  for (const rel of elf.relocations) {
    const b = blockByIndex[rel.target];
    if (!b) continue; // relocations for non-allocated sections (debug info) are ignored
    const target = elf.sections[rel.target]!;
    const relField = `section[${rel.section.index}] '${rel.section.name}'`;
    const content = b.content;
    for (let i = 0; i < rel.count; i++) {
      const type = rel.types[i]!;
      const offset = rel.offsets[i]!;
      const addend = rel.addends[i]!;
      const symIndex = rel.symbols[i]!;
      if (type === R.TLSDESC_CALL) continue;
      const kind = edgeKindFor(type);
      const where = () => `In ${file}, section ${target.name}+${hex(offset)}`;
      if (kind < 0) throw new LinkError(`${where()}: Unsupported aarch64 relocation:${type}: ${relocationName(type)}`);
      const size = kind === K.Pointer64 || kind === K.Delta64 ? 8 : kind === K.Pointer16 || kind === K.Delta16 ? 2 : 4;
      if (offset + size > b.size)
        throw new ElfFormatError(
          file,
          `${relField}[${i}].r_offset`,
          `${hex(offset)} (+${size}) beyond section '${target.name}' (${hex(b.size)} bytes)`,
        );
      if (content === null)
        throw new ElfFormatError(
          file,
          `${relField}[${i}].r_offset`,
          `relocation in zero-fill section '${target.name}'`,
        );
      const sym = syms[symIndex];
      if (!sym && discardedSyms.has(symIndex) && target.name === '.eh_frame') {
        droppedFrames.push(offset);
        continue;
      }
      if (!sym) {
        const es = elf.symbols[symIndex]!;
        if (discardedSyms.has(symIndex))
          throw new LinkError(
            `${where()}: ${relocationName(type)} refers to '${es.name || `symbol ${symIndex}`}' in a discarded COMDAT section (section ${es.shndx})`,
          );
        if (symIndex === 0)
          throw new ElfFormatError(file, `${relField}[${i}].r_info`, `${relocationName(type)} without a symbol`);
        throw new LinkError(
          `${where()}: ${relocationName(type)} references symbol ${symIndex} '${es.name}' that is not linked (section ${es.shndx})`,
        );
      }
      if (size === 4 && kind !== K.Pointer32 && kind !== K.Delta32 && kind !== K.RequestGOTAndTransformToDelta32) {
        try {
          checkInstruction(type, readU32(content, offset));
        } catch (e) {
          if (e instanceof FixupViolation)
            throw new LinkError(
              `${where()}: ${relocationName(type)} ${e.detail} (instruction 0x${e.extra.toString(16).padStart(8, '0')})`,
            );
          throw e;
        }
      }
      b.edges.push(new Edge(kind, offset, sym, addend, type));
    }
  }

  splitEHFrame(g, elf, droppedFrames);
  defineSectionRangeSymbols(g);
  return g;
}

function edgeKindFor(type: number): number {
  switch (type) {
    case R.CALL26:
    case R.JUMP26:
      return K.Branch26PCRel;
    case R.LD_PREL_LO19:
      return K.LDRLiteral19;
    case R.ADR_PREL_LO21:
      return K.ADRLiteral21;
    case R.ADR_PREL_PG_HI21:
      return K.Page21;
    case R.ADD_ABS_LO12_NC:
    case R.LDST8_ABS_LO12_NC:
    case R.LDST16_ABS_LO12_NC:
    case R.LDST32_ABS_LO12_NC:
    case R.LDST64_ABS_LO12_NC:
    case R.LDST128_ABS_LO12_NC:
      return K.PageOffset12;
    case R.MOVW_UABS_G0_NC:
    case R.MOVW_UABS_G1_NC:
    case R.MOVW_UABS_G2_NC:
    case R.MOVW_UABS_G3:
      return K.MoveWide16;
    case R.MOVW_UABS_G0:
    case R.MOVW_UABS_G1:
    case R.MOVW_UABS_G2:
      return K.MoveWide16Checked;
    case R.MOVW_SABS_G0:
    case R.MOVW_SABS_G1:
    case R.MOVW_SABS_G2:
      return K.MoveWideSignedChecked;
    case R.MOVW_PREL_G0:
    case R.MOVW_PREL_G1:
    case R.MOVW_PREL_G2:
      return K.MoveWidePCRelChecked;
    case R.MOVW_PREL_G0_NC:
    case R.MOVW_PREL_G1_NC:
    case R.MOVW_PREL_G2_NC:
    case R.MOVW_PREL_G3:
      return K.MoveWidePCRel;
    case R.ADR_PREL_PG_HI21_NC:
      return K.Page21NoCheck;
    case R.PLT32:
      return K.Delta32;
    case R.TLSLE_MOVW_TPREL_G0:
    case R.TLSLE_MOVW_TPREL_G1:
    case R.TLSLE_MOVW_TPREL_G2:
      return K.TPRelMoveWideChecked;
    case R.TLSLE_MOVW_TPREL_G0_NC:
    case R.TLSLE_MOVW_TPREL_G1_NC:
      return K.TPRelMoveWide;
    case R.TLSLE_ADD_TPREL_HI12:
      return K.TPRelAddHi12;
    case R.TLSLE_ADD_TPREL_LO12:
    case R.TLSLE_LDST8_TPREL_LO12:
    case R.TLSLE_LDST16_TPREL_LO12:
    case R.TLSLE_LDST32_TPREL_LO12:
    case R.TLSLE_LDST64_TPREL_LO12:
    case R.TLSLE_LDST128_TPREL_LO12:
      return K.TPRelLo12Checked;
    case R.TLSLE_ADD_TPREL_LO12_NC:
    case R.TLSLE_LDST8_TPREL_LO12_NC:
    case R.TLSLE_LDST16_TPREL_LO12_NC:
    case R.TLSLE_LDST32_TPREL_LO12_NC:
    case R.TLSLE_LDST64_TPREL_LO12_NC:
    case R.TLSLE_LDST128_TPREL_LO12_NC:
      return K.TPRelLo12;
    case R.TLSIE_ADR_GOTTPREL_PAGE21:
      return K.RequestTLSIEGotAndTransformToPage21;
    case R.TLSIE_LD64_GOTTPREL_LO12_NC:
      return K.RequestTLSIEGotAndTransformToPageOffset12;
    case R.TLSIE_LD_GOTTPREL_PREL19:
      return K.RequestTLSIEGotAndTransformToLDRLiteral19;
    case R.TSTBR14:
      return K.TestAndBranch14PCRel;
    case R.CONDBR19:
      return K.CondBranch19PCRel;
    case R.ABS32:
      return K.Pointer32;
    case R.ABS16:
      return K.Pointer16;
    case R.PREL16:
      return K.Delta16;
    case R.GOT_LD_PREL19:
      return K.RequestGOTAndTransformToLDRLiteral19;
    case R.GOTPCREL32:
      return K.RequestGOTAndTransformToDelta32;
    case R.ABS64:
      return K.Pointer64;
    case R.PREL32:
      return K.Delta32;
    case R.PREL64:
      return K.Delta64;
    case R.ADR_GOT_PAGE:
      return K.RequestGOTAndTransformToPage21;
    case R.LD64_GOT_LO12_NC:
      return K.RequestGOTAndTransformToPageOffset12;
    case R.LD64_GOTPAGE_LO15:
      return K.RequestGOTAndTransformToPageOffset15;
    case R.TLSDESC_ADR_PAGE21:
      return K.RequestTLSDescEntryAndTransformToPage21;
    case R.TLSDESC_ADD_LO12:
    case R.TLSDESC_LD64_LO12:
      return K.RequestTLSDescEntryAndTransformToPageOffset12;
    default:
      return -1;
  }
}

const LDST_SHIFT: Record<number, [number, string]> = {
  [R.LDST8_ABS_LO12_NC]: [0, 'LDRB/STRB'],
  [R.LDST16_ABS_LO12_NC]: [1, 'LDRH/STRH'],
  [R.LDST32_ABS_LO12_NC]: [2, 'LDR/STR (32-bit)'],
  [R.LDST64_ABS_LO12_NC]: [3, 'LDR/STR (64-bit)'],
  [R.LDST128_ABS_LO12_NC]: [4, 'LDR/STR (128-bit)'],
  [R.TLSLE_LDST8_TPREL_LO12]: [0, 'LDRB/STRB'],
  [R.TLSLE_LDST8_TPREL_LO12_NC]: [0, 'LDRB/STRB'],
  [R.TLSLE_LDST16_TPREL_LO12]: [1, 'LDRH/STRH'],
  [R.TLSLE_LDST16_TPREL_LO12_NC]: [1, 'LDRH/STRH'],
  [R.TLSLE_LDST32_TPREL_LO12]: [2, 'LDR/STR (32-bit)'],
  [R.TLSLE_LDST32_TPREL_LO12_NC]: [2, 'LDR/STR (32-bit)'],
  [R.TLSLE_LDST64_TPREL_LO12]: [3, 'LDR/STR (64-bit)'],
  [R.TLSLE_LDST64_TPREL_LO12_NC]: [3, 'LDR/STR (64-bit)'],
  [R.TLSLE_LDST128_TPREL_LO12]: [4, 'LDR/STR (128-bit)'],
  [R.TLSLE_LDST128_TPREL_LO12_NC]: [4, 'LDR/STR (128-bit)'],
};

const MOVW_SHIFT: Record<number, number> = {
  [R.MOVW_UABS_G0_NC]: 0,
  [R.MOVW_UABS_G1_NC]: 1,
  [R.MOVW_UABS_G2_NC]: 2,
  [R.MOVW_UABS_G3]: 3,
  [R.MOVW_UABS_G0]: 0,
  [R.MOVW_UABS_G1]: 1,
  [R.MOVW_UABS_G2]: 2,
};

/** Signed move-wide relocations: MOVN is allowed too (its opcode follows the value's sign). */
const SIGNED_MOVW_SHIFT: Record<number, number> = {
  [R.MOVW_SABS_G0]: 0,
  [R.MOVW_SABS_G1]: 1,
  [R.MOVW_SABS_G2]: 2,
  [R.MOVW_PREL_G0]: 0,
  [R.MOVW_PREL_G0_NC]: 0,
  [R.MOVW_PREL_G1]: 1,
  [R.MOVW_PREL_G1_NC]: 1,
  [R.MOVW_PREL_G2]: 2,
  [R.MOVW_PREL_G2_NC]: 2,
  [R.MOVW_PREL_G3]: 3,
  [R.TLSLE_MOVW_TPREL_G0]: 0,
  [R.TLSLE_MOVW_TPREL_G0_NC]: 0,
  [R.TLSLE_MOVW_TPREL_G1]: 1,
  [R.TLSLE_MOVW_TPREL_G1_NC]: 1,
  [R.TLSLE_MOVW_TPREL_G2]: 2,
};

/** Instruction-form checks done when the graph is built (ELF_aarch64.cpp). */
function checkInstruction(type: number, I: number): void {
  switch (type) {
    case R.LD_PREL_LO19:
      insnCheck(I, (I & 0x3b000000) >>> 0 === 0x18000000, 'target is not an LDR (literal) instruction');
      return;
    case R.ADR_PREL_LO21:
      insnCheck(I, (I & 0x9f000000) >>> 0 === 0x10000000, 'target is not an ADR instruction');
      return;
    case R.TSTBR14:
      insnCheck(I, (I & 0x7e000000) >>> 0 === 0x36000000, 'target is not a test and branch instruction (TBZ/TBNZ)');
      return;
    case R.CONDBR19:
      insnCheck(
        I,
        (I & 0xfe000000) >>> 0 === 0x54000000 || (I & 0x7e000000) >>> 0 === 0x34000000,
        'target is not a conditional branch instruction (B.cond/CBZ/CBNZ)',
      );
      return;
    case R.CALL26:
    case R.JUMP26:
      insnCheck(I, (I & 0x7fffffff) >>> 0 === 0x14000000, 'target is not a B/BL instruction with a zero offset');
      return;
    case R.TLSLE_ADD_TPREL_HI12:
    case R.TLSLE_ADD_TPREL_LO12:
    case R.TLSLE_ADD_TPREL_LO12_NC:
      insnCheck(I, (I & 0x5f800000) >>> 0 === 0x11000000, 'target is not an ADD/ADDS (immediate) instruction');
      return;
    case R.TLSIE_ADR_GOTTPREL_PAGE21:
      insnCheck(I, (I & 0x9f000000) >>> 0 === 0x90000000, 'target is not an ADRP instruction');
      return;
    case R.TLSIE_LD64_GOTTPREL_LO12_NC:
      insnCheck(I, (I & 0xffc00000) >>> 0 === 0xf9400000, 'target is not a 64-bit LDR (immediate) instruction');
      return;
    case R.GOT_LD_PREL19:
    case R.TLSIE_LD_GOTTPREL_PREL19:
      insnCheck(I, (I & 0xff000000) >>> 0 === 0x58000000, 'target is not a 64-bit LDR (literal) instruction');
      return;
    default:
      break;
  }
  const ldst = LDST_SHIFT[type];
  if (ldst) {
    insnCheck(
      I,
      (I & 0x3b000000) >>> 0 === 0x39000000 && pageOffset12Shift(I) === ldst[0],
      `target is not an ${ldst[1]} (imm12) instruction`,
    );
    return;
  }
  const shw = SIGNED_MOVW_SHIFT[type];
  if (shw !== undefined) {
    insnCheck(
      I,
      (I & 0x1f9fffe0) >>> 0 === 0x12800000 && ((I >>> 29) & 3) !== 1 && ((I >>> 21) & 3) === shw,
      `target is not a MOVN/MOVZ/MOVK (imm16, LSL #${shw * 16}) instruction with a zero immediate`,
    );
    return;
  }
  const hw = MOVW_SHIFT[type];
  if (hw !== undefined) {
    insnCheck(
      I,
      (I & 0x5f9fffe0) >>> 0 === 0x52800000 && ((I >>> 21) & 3) === hw,
      `target is not a MOVK/MOVZ (imm16, LSL #${hw * 16}) instruction with a zero immediate`,
    );
  }
}

/**
 * Splits `.eh_frame` into one block per CIE/FDE. Each FDE gets a NegDelta32 edge to its CIE
 * (so dropped records do not break CIE pointers) and the function it covers gets a KeepAlive
 * edge to the FDE. Appends a 4-byte null terminator. Malformed frames stay one live block.
 */
function splitEHFrame(g: Graph, elf: ElfObject, droppedFrames: readonly number[]): void {
  const sec = g.section('.eh_frame');
  if (!sec || sec.blocks.length !== 1) return;
  const whole = sec.blocks[0]!;
  const data = whole.content;
  if (!data) return;
  const records: [number, number][] = [];
  const readData = g.bigEndian ? readU32BE : readU32;
  let o = 0;
  while (o + 4 <= data.length) {
    const len = readData(data, o);
    if (len === 0 || len === 0xffffffff || o + 4 + len > data.length || len < 4) break;
    records.push([o, 4 + len]);
    o += 4 + len;
  }
  if (o !== data.length || records.length === 0) {
    if (droppedFrames.length > 0)
      throw new LinkError(
        `In ${g.name}, section .eh_frame+${hex(droppedFrames[0]!)}: unwind record refers to a discarded COMDAT section and .eh_frame cannot be split into records`,
      );
    g.addAnonymousSymbol(whole, 0, 0, false, true);
    return;
  }
  // Re-create blocks: keep symbols at record starts.
  sec.blocks.length = 0;
  const starts = records.map((r) => r[0]);
  const blocks: Block[] = [];
  for (const [start, size] of records) {
    // Each record keeps its offset modulo the section's alignment (as JITLink's block split does):
    // laid out in order the records stay contiguous, with no zero gap that an unwinder would read
    // as the table's terminator.
    const offset = (whole.alignmentOffset + start) % whole.alignment;
    const nb = g.createContentBlock(sec, data.slice(start, start + size), whole.alignment, offset);
    nb.sectionOffset = start;
    blocks.push(nb);
  }
  const find = (off: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Symbols pointing into .eh_frame.
  for (const s of g.defined) {
    if (s.block !== whole) continue;
    const idx = s.offset >= data.length ? records.length - 1 : find(s.offset);
    s.block = blocks[idx]!;
    s.offset -= starts[idx]!;
  }
  const recSym = blocks.map((b) => g.addAnonymousSymbol(b, 0));
  for (const e of whole.edges) {
    const idx = find(e.offset);
    e.offset -= starts[idx]!;
    blocks[idx]!.edges.push(e);
  }
  for (let i = 0; i < records.length; i++) {
    const [start] = records[i]!;
    const b = blocks[i]!;
    const ciePtr = readData(data, start + 4);
    if (ciePtr === 0) continue; // CIE
    const cieOff = start + 4 - ciePtr;
    const cieIdx = starts.indexOf(cieOff);
    if (cieIdx < 0) continue;
    b.addEdge(K.NegDelta32, 4, recSym[cieIdx]!, 0);
    const pcBegin = b.edges.find((e) => e.offset === 8);
    if (pcBegin?.target.block) pcBegin.target.block.addEdge(K.KeepAlive, 0, recSym[i]!, 0);
  }
  if (droppedFrames.length > 0) {
    // Unwind records of discarded COMDAT code go with it (lld drops such FDEs as well).
    const drop = new Set(droppedFrames.map((off) => blocks[find(off)]!));
    for (let i = sec.blocks.length - 1; i >= 0; i--) if (drop.has(sec.blocks[i]!)) sec.blocks.splice(i, 1);
    g.defined = g.defined.filter((sym) => sym.block === null || !drop.has(sym.block));
  }
  const term = g.createContentBlock(sec, new Uint8Array(4), 4, 0);
  term.sectionOffset = data.length;
  g.addAnonymousSymbol(term, 0, 0, false, true);
  void elf;
}

/** `__start_S` / `__stop_S` externals naming a section of this graph become defined symbols. */
function defineSectionRangeSymbols(g: Graph): void {
  for (const sym of [...g.externals.values()]) {
    const start = sym.name.startsWith('__start_');
    if (!start && !sym.name.startsWith('__stop_')) continue;
    const sec = g.section(sym.name.slice(start ? 8 : 7));
    if (!sec || sec.blocks.length === 0) continue;
    const b = start ? sec.blocks[0]! : sec.blocks[sec.blocks.length - 1]!;
    g.defineExternal(sym, b, start ? 0 : b.size, 'hidden');
    // The whole section stays alive with its range symbols.
    for (const o of sec.blocks) if (o !== b) b.addEdge(K.KeepAlive, 0, g.addAnonymousSymbol(o, 0), 0);
    sym.size = 0;
  }
}

export type { ElfSection };
