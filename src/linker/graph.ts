/**
 * LinkGraph: the JITLink data model. Sections own blocks (content or zero-fill, alignment,
 * alignment offset); symbols point into blocks (or are external / absolute); blocks own edges
 * (kind, offset, target symbol, addend). Addresses are JS numbers (exact below 2^53).
 */
import type { EdgeKind } from './aarch64/edges.ts';

export const MEM_R = 1;
export const MEM_W = 2;
export const MEM_X = 4;

export function protString(p: number): string {
  return `${p & MEM_R ? 'R' : '-'}${p & MEM_W ? 'W' : '-'}${p & MEM_X ? 'X' : '-'}`;
}

export type Linkage = 'strong' | 'weak';
/** JITLink scope: default (exported), hidden (visible to the JITDylib only), local. */
export type Scope = 'default' | 'hidden' | 'local';
export type Visibility = 'default' | 'hidden' | 'protected' | 'internal';

export class Edge {
  constructor(
    public kind: EdgeKind,
    public offset: number,
    public target: Sym,
    public addend: number,
    /** The ELF relocation type this edge came from (0 for synthesised edges). */
    public relType = 0,
  ) {}
}

export class Section {
  readonly blocks: Block[] = [];
  /** ELF section index in the object, or -1 for synthesised sections. */
  elfIndex = -1;
  /** ELF sh_flags / sh_type (0 for synthesised sections). */
  elfFlags = 0;
  elfType = 0;
  constructor(
    readonly name: string,
    public prot: number,
    readonly ordinal: number,
  ) {}
}

export class Block {
  /** Executor address, assigned by allocation. */
  address = 0;
  /** Offset of this block inside its section in the object (non-zero for split .eh_frame records). */
  sectionOffset = 0;
  readonly edges: Edge[] = [];
  constructor(
    readonly section: Section,
    public size: number,
    /** Content bytes (owned, mutable), or null for zero-fill. */
    public content: Uint8Array | null,
    public alignment: number,
    public alignmentOffset: number,
    readonly ordinal: number,
  ) {}
  get isZeroFill(): boolean {
    return this.content === null;
  }
  addEdge(kind: EdgeKind, offset: number, target: Sym, addend: number, relType = 0): Edge {
    const e = new Edge(kind, offset, target, addend, relType);
    this.edges.push(e);
    return e;
  }
}

export type SymbolKind = 'defined' | 'external' | 'absolute';

export class Sym {
  live = false;
  /** For external symbols: resolved address (after lookup). For absolute: the value. */
  address = 0;
  /** Common symbol (became a zero-fill block). */
  common = false;
  /** STT_GNU_IFUNC: the address is a resolver returning the implementation (IRELATIVE). */
  ifunc = false;
  constructor(
    /** '' for anonymous symbols. */
    public name: string,
    public kind: SymbolKind,
    public block: Block | null,
    public offset: number,
    public size: number,
    public linkage: Linkage,
    public scope: Scope,
    public callable: boolean,
    public visibility: Visibility = 'default',
  ) {}
  get isDefined(): boolean {
    return this.kind === 'defined';
  }
  get isExternal(): boolean {
    return this.kind === 'external';
  }
  /** Executor address: block address + offset, or the absolute/resolved address. */
  get addr(): number {
    return this.block !== null ? this.block.address + this.offset : this.address;
  }
}

export class LinkGraph {
  readonly sections: Section[] = [];
  private readonly sectionsByName = new Map<string, Section>();
  /** Defined symbols (named and anonymous). */
  defined: Sym[] = [];
  readonly externals = new Map<string, Sym>();
  absolutes: Sym[] = [];
  /** aarch64_be: data fixups are written big-endian (instructions are always little-endian). */
  bigEndian = false;
  private blockOrdinal = 0;

  constructor(
    /** Graph name: the object's file name (checks key on its basename). */
    readonly name: string,
  ) {}

  section(name: string): Section | undefined {
    return this.sectionsByName.get(name);
  }

  createSection(name: string, prot: number): Section {
    const existing = this.sectionsByName.get(name);
    if (existing) return existing;
    const s = new Section(name, prot, this.sections.length);
    this.sections.push(s);
    this.sectionsByName.set(name, s);
    return s;
  }

  createContentBlock(section: Section, content: Uint8Array, alignment: number, alignmentOffset = 0): Block {
    const b = new Block(section, content.length, content, alignment || 1, alignmentOffset, this.blockOrdinal++);
    section.blocks.push(b);
    return b;
  }

  createZeroFillBlock(section: Section, size: number, alignment: number, alignmentOffset = 0): Block {
    const b = new Block(section, size, null, alignment || 1, alignmentOffset, this.blockOrdinal++);
    section.blocks.push(b);
    return b;
  }

  addDefinedSymbol(
    block: Block,
    offset: number,
    name: string,
    size: number,
    linkage: Linkage,
    scope: Scope,
    callable: boolean,
    live = false,
  ): Sym {
    const s = new Sym(name, 'defined', block, offset, size, linkage, scope, callable);
    s.live = live;
    this.defined.push(s);
    return s;
  }

  addAnonymousSymbol(block: Block, offset: number, size = 0, callable = false, live = false): Sym {
    return this.addDefinedSymbol(block, offset, '', size, 'strong', 'local', callable, live);
  }

  /** External symbol, de-duplicated by name. `weak` marks a weak reference (may resolve to 0). */
  addExternalSymbol(name: string, weak: boolean): Sym {
    const hit = this.externals.get(name);
    if (hit) {
      if (!weak) hit.linkage = 'strong';
      return hit;
    }
    const s = new Sym(name, 'external', null, 0, 0, weak ? 'weak' : 'strong', 'default', false);
    this.externals.set(name, s);
    return s;
  }

  addAbsoluteSymbol(name: string, address: number, size: number, linkage: Linkage, scope: Scope): Sym {
    const s = new Sym(name, 'absolute', null, 0, size, linkage, scope, false);
    s.address = address;
    this.absolutes.push(s);
    return s;
  }

  /** Turns an external symbol into a defined one (e.g. `__start_X`); edges keep pointing at it. */
  defineExternal(sym: Sym, block: Block, offset: number, scope: Scope = 'local'): void {
    this.externals.delete(sym.name);
    sym.kind = 'defined';
    sym.block = block;
    sym.offset = offset;
    sym.scope = scope;
    sym.linkage = 'strong';
    this.defined.push(sym);
  }

  /** Turns a defined symbol into an external reference (an overridden weak definition). */
  makeExternal(sym: Sym): void {
    if (sym.kind !== 'defined') return;
    this.defined = this.defined.filter((s) => s !== sym);
    sym.kind = 'external';
    sym.block = null;
    sym.offset = 0;
    const hit = this.externals.get(sym.name);
    if (hit && hit !== sym) {
      // Retarget edges to the existing external.
      for (const b of this.blocks()) for (const e of b.edges) if (e.target === sym) e.target = hit;
      return;
    }
    this.externals.set(sym.name, sym);
  }

  *blocks(): IterableIterator<Block> {
    for (const s of this.sections) yield* s.blocks;
  }

  findDefined(name: string): Sym | undefined {
    for (const s of this.defined) if (s.name === name) return s;
    return undefined;
  }
}

/** Printable description of an edge target, for errors. */
export function symbolLabel(sym: Sym): string {
  if (sym.name !== '') return sym.name;
  if (sym.block) return `${sym.block.section.name}+0x${sym.offset.toString(16)}`;
  return '<anonymous>';
}
