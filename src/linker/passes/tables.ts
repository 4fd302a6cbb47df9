/**
 * GOT / PLT (stub) / TLS descriptor table managers (JITLink aarch64 GOTTableManager,
 * PLTTableManager, ELF TLSDesc/TLSInfo managers). Entries are created on demand and
 * de-duplicated by target symbol name.
 */
import { K } from '../aarch64/edges.ts';
import { readU32 } from '../aarch64/fixup.ts';
import { R, relocationName } from '../aarch64/relocs.ts';
import { hex, LinkError } from '../errors.ts';
import { type Block, type LinkGraph, MEM_R, MEM_W, MEM_X, type Section, type Sym, symbolLabel } from '../graph.ts';

export const GOT_SECTION = '$__GOT';
export const STUBS_SECTION = '$__STUBS';
export const TLSDESC_SECTION = '$__TLSDESC';
export const TLSINFO_SECTION = '$__TLSINFO';

/** adrp x16, <page>; ldr x16, [x16, <pageoff>]; br x16 */
const STUB_WORDS = [0x90000010, 0xf9400210, 0xd61f0200];

/** Describes table-entry symbols in error messages (`GOT entry for 'x'`). */
export const entryLabels = new WeakMap<Sym, string>();

export class TableManagers {
  private got: Section | undefined;
  private stubs: Section | undefined;
  private tlsdesc: Section | undefined;
  private tlsinfo: Section | undefined;
  private readonly gotEntries = new Map<string | Sym, Sym>();
  private readonly stubEntries = new Map<string | Sym, Sym>();
  private readonly tlsEntries = new Map<string | Sym, Sym>();
  private readonly tlsInfoEntries = new Map<string | Sym, Sym>();
  private readonly tpOffEntries = new Map<string | Sym, Sym>();

  constructor(
    readonly g: LinkGraph,
    /** Produce the Relaxable kinds the GOT/PLT optimiser recognises. */
    readonly relaxable: boolean,
  ) {
    // Register entries already present in the graph (a graph linked twice, or hand-built tables).
    const got = g.section(GOT_SECTION);
    if (got) {
      this.got = got;
      for (const b of got.blocks) {
        const e = b.edges.find((x) => x.kind === K.Pointer64 && x.offset === 0);
        const s = g.defined.find((x) => x.block === b && x.offset === 0);
        if (e && s) this.gotEntries.set(key(e.target), s);
      }
    }
  }

  gotEntry(target: Sym): Sym {
    const k = key(target);
    const hit = this.gotEntries.get(k);
    if (hit) return hit;
    this.got ??= this.g.createSection(GOT_SECTION, MEM_R | MEM_X);
    const b = this.g.createContentBlock(this.got, new Uint8Array(8), 8);
    b.addEdge(K.Pointer64, 0, target, 0);
    const s = this.g.addAnonymousSymbol(b, 0, 8, false, true);
    entryLabels.set(s, `GOT entry for '${symbolLabel(target)}'`);
    target.live = true;
    this.gotEntries.set(k, s);
    return s;
  }

  stub(target: Sym): Sym {
    const k = key(target);
    const hit = this.stubEntries.get(k);
    if (hit) return hit;
    const gotSym = this.gotEntry(target);
    this.stubs ??= this.g.createSection(STUBS_SECTION, MEM_R | MEM_X);
    const content = new Uint8Array(12);
    const dv = new DataView(content.buffer);
    for (let i = 0; i < 3; i++) dv.setUint32(i * 4, STUB_WORDS[i]!, true);
    const b = this.g.createContentBlock(this.stubs, content, 4);
    b.addEdge(K.Page21, 0, gotSym, 0);
    b.addEdge(K.PageOffset12, 4, gotSym, 0);
    const s = this.g.addAnonymousSymbol(b, 0, 12, true, true);
    entryLabels.set(s, `stub for '${symbolLabel(target)}'`);
    this.stubEntries.set(k, s);
    return s;
  }

  /** An initial-exec GOT entry: the 64-bit TP offset of `target` (filled at fixup). */
  gotTpOffEntry(target: Sym): Sym {
    const k = key(target);
    const hit = this.tpOffEntries.get(k);
    if (hit) return hit;
    this.got ??= this.g.createSection(GOT_SECTION, MEM_R | MEM_X);
    const b = this.g.createContentBlock(this.got, new Uint8Array(8), 8);
    b.addEdge(K.TPOff64, 0, target, 0);
    const s = this.g.addAnonymousSymbol(b, 0, 8, false, true);
    entryLabels.set(s, `TP-offset GOT entry for '${symbolLabel(target)}'`);
    target.live = true;
    this.tpOffEntries.set(k, s);
    return s;
  }

  tlsDescEntry(target: Sym): Sym {
    const k = key(target);
    const hit = this.tlsEntries.get(k);
    if (hit) return hit;
    this.tlsdesc ??= this.g.createSection(TLSDESC_SECTION, MEM_R);
    this.tlsinfo ??= this.g.createSection(TLSINFO_SECTION, MEM_R | MEM_W);
    let info = this.tlsInfoEntries.get(k);
    if (!info) {
      const ib = this.g.createContentBlock(this.tlsinfo, new Uint8Array(16), 8);
      ib.addEdge(K.Pointer64, 8, target, 0);
      info = this.g.addAnonymousSymbol(ib, 0, 16, false, true);
      this.tlsInfoEntries.set(k, info);
    }
    const b = this.g.createContentBlock(this.tlsdesc, new Uint8Array(16), 8);
    const resolver = this.g.addExternalSymbol('__tlsdesc_resolver', false);
    resolver.live = true;
    b.addEdge(K.Pointer64, 0, resolver, 0);
    b.addEdge(K.Pointer64, 8, info, 0);
    const s = this.g.addAnonymousSymbol(b, 0, 16, false, true);
    entryLabels.set(s, `TLS descriptor for '${symbolLabel(target)}'`);
    target.live = true;
    this.tlsEntries.set(k, s);
    return s;
  }

  /** The post-prune pass: rewrites every Request* edge and external branch. */
  run(): void {
    const blocks: Block[] = [...this.g.blocks()];
    for (const b of blocks) {
      const edges = b.edges;
      for (let i = 0; i < edges.length; i++) {
        const e = edges[i]!;
        switch (e.kind) {
          case K.RequestGOTAndTransformToPage21:
            e.target = this.gotEntry(e.target);
            e.kind = this.relaxable ? K.Page21Relaxable : K.Page21;
            break;
          case K.RequestGOTAndTransformToPageOffset12:
          case K.RequestGOTAndTransformToPageOffset15: {
            const I = readU32(b.content!, e.offset);
            if ((I & 0xfffffc00) >>> 0 !== 0xf9400000)
              throw new LinkError(
                `In ${this.g.name}, section ${b.section.name}+${hex(e.offset)}: ${relocationName(e.relType)} to '${symbolLabel(e.target)}': instruction 0x${I.toString(16).padStart(8, '0')} is not a 64-bit LDR (immediate)`,
              );
            if (e.addend !== 0)
              throw new LinkError(
                `In ${this.g.name}, section ${b.section.name}+${hex(e.offset)}: ${relocationName(e.relType)} to '${symbolLabel(e.target)}': non-zero addend ${hex(e.addend)} on a GOT load`,
              );
            e.target = this.gotEntry(e.target);
            if (e.kind === K.RequestGOTAndTransformToPageOffset15) {
              e.kind = K.GotPageOffset15;
              this.requireGotSymbol();
            } else e.kind = this.relaxable ? K.PageOffset12Relaxable : K.PageOffset12;
            break;
          }
          case K.RequestTLSDescEntryAndTransformToPage21:
            e.target = this.tlsDescEntry(e.target);
            e.kind = K.Page21;
            break;
          case K.RequestTLSDescEntryAndTransformToPageOffset12:
            e.target = this.tlsDescEntry(e.target);
            e.kind = K.PageOffset12;
            break;
          case K.RequestGOTAndTransformToLDRLiteral19:
          case K.RequestGOTAndTransformToDelta32:
            // GOT_LD_PREL19 / GOTPCREL32: the GOT entry's address, PC-relative (lld: G(S) + A - P).
            e.kind = e.kind === K.RequestGOTAndTransformToLDRLiteral19 ? K.LDRLiteral19 : K.Delta32;
            e.target = this.gotEntry(e.target);
            break;
          case K.RequestTLSIEGotAndTransformToPage21:
          case K.RequestTLSIEGotAndTransformToPageOffset12:
          case K.RequestTLSIEGotAndTransformToLDRLiteral19:
            if (e.addend !== 0)
              throw new LinkError(
                `In ${this.g.name}, section ${b.section.name}+${hex(e.offset)}: ${relocationName(e.relType)} to '${symbolLabel(e.target)}': non-zero addend ${hex(e.addend)} on a GOT load`,
              );
            e.target = this.gotTpOffEntry(e.target);
            e.kind =
              e.kind === K.RequestTLSIEGotAndTransformToPage21
                ? K.Page21
                : e.kind === K.RequestTLSIEGotAndTransformToPageOffset12
                  ? K.PageOffset12
                  : K.LDRLiteral19;
            break;
          case K.Delta32:
            // PLT32 to a symbol outside the graph goes through its stub (the JIT's PLT).
            if (e.relType === R.PLT32 && !e.target.isDefined && e.target.kind !== 'absolute')
              e.target = this.stub(e.target);
            break;
          case K.Page21:
          case K.PageOffset12:
          case K.ADRLiteral21:
            // Taking an IFUNC's address: the stub stands for the function (lld's canonical PLT).
            if (e.target.ifunc) e.target = this.stub(e.target);
            break;
          case K.Branch26PCRel:
            if (!e.target.isDefined || e.target.ifunc) {
              e.target = this.stub(e.target);
              e.kind = this.relaxable ? K.Branch26PCRelRelaxable : K.Branch26PCRel;
            }
            break;
          default:
            break;
        }
      }
    }
  }

  /** Ensures `$__GOT` exists with at least one block (GotPageOffset15 and `_GLOBAL_OFFSET_TABLE_`). */
  requireGotSymbol(): Block {
    this.got ??= this.g.createSection(GOT_SECTION, MEM_R | MEM_X);
    if (this.got.blocks.length === 0) {
      const b = this.g.createContentBlock(this.got, new Uint8Array(0), 8);
      this.g.addAnonymousSymbol(b, 0, 0, false, true);
    }
    return this.got.blocks[0]!;
  }
}

function key(s: Sym): string | Sym {
  return s.name !== '' ? s.name : s;
}

/** Binds an external `_GLOBAL_OFFSET_TABLE_` to the start of the graph's GOT. */
export function bindGlobalOffsetTable(g: LinkGraph, tables: TableManagers): void {
  const ext = g.externals.get('_GLOBAL_OFFSET_TABLE_');
  if (!ext) return;
  g.defineExternal(ext, tables.requireGotSymbol(), 0, 'hidden');
  ext.live = true;
}
