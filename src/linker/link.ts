/**
 * The link pipeline (JITLink's linkPhase1..3): pre-prune → prune → post-prune (tables) →
 * allocate → post-allocation → resolve externals (async callback) → pre-fixup (GOT/PLT
 * optimisation) → fixup → post-fixup → finalize (copy to executor memory, permissions).
 */
import { edgeKindName, isTPRelKind, K } from './aarch64/edges.ts';
import { applyFixup, FixupViolation, readU32, readU32BE } from './aarch64/fixup.ts';
import { relocationName } from './aarch64/relocs.ts';
import { buildGraphFromObject, isInitializerSection } from './build.ts';
import { hex, LinkError } from './errors.ts';
import { type Block, type Edge, type LinkGraph, MEM_R, MEM_W, MEM_X, type Sym, symbolLabel } from './graph.ts';
import type { FinalizedAlloc, InFlightAlloc, JITLinkMemoryManager } from './memory.ts';
import { optimizeGotAndStubs } from './passes/optimize.ts';
import { markAllLive, markDefaultRoots, prune } from './passes/prune.ts';
import { bindGlobalOffsetTable, entryLabels, GOT_SECTION, TableManagers } from './passes/tables.ts';
import { StaticTlsLayout, type TlsBlock } from './tls.ts';

const SHF_TLS = 0x400;
const SHT_NOBITS = 8;

/** A link pass: inspects or rewrites the graph at one point of the pipeline (may be async). */
export type Pass = (g: LinkGraph) => void | Promise<void>;

/** The link pipeline's pass lists, in the order JITLink runs them (plugins append to them). */
export interface PassConfiguration {
  prePrune: Pass[];
  postPrune: Pass[];
  postAllocation: Pass[];
  preFixup: Pass[];
  postFixup: Pass[];
}

/** Hooks into every graph's link (as JITLink's ObjectLinkingLayer plugins). */
export interface LinkPlugin {
  /** Adds passes for this graph (e.g. ORC's renamer, symbol-claiming, init registration). */
  modifyPassConfig?(g: LinkGraph, config: PassConfiguration): void;
}

export interface SymbolFlags {
  exported: boolean;
  weak: boolean;
  callable: boolean;
  hidden: boolean;
  absolute: boolean;
  common: boolean;
  /** STT_GNU_IFUNC: the address is the resolver's; callers must use the resolved function. */
  ifunc?: boolean;
}

export interface ResolvedSymbol {
  address: number;
  flags?: Partial<SymbolFlags>;
}

/** An external the graph needs: `weak` references may stay unresolved (address 0). */
export interface ExternalRequest {
  name: string;
  weak: boolean;
}

/** How link() allocates, resolves externals and optimises. */
export interface LinkOptions {
  memoryManager: JITLinkMemoryManager;
  /** Resolves the graph's live external symbols (async-capable: ORC looks them up). */
  resolve(externals: readonly ExternalRequest[]): Promise<Map<string, ResolvedSymbol>> | Map<string, ResolvedSymbol>;
  /** Called after allocation with the graph's definitions (JITLink notifyResolved). */
  onResolved?(symbols: Map<string, LinkedSymbol>): void | Promise<void>;
  plugins?: LinkPlugin[];
  /** GOT/PLT optimisation (reference 5.4); default true. */
  optimizeGotPlt?: boolean;
  /** Dead-strip unreferenced local blocks; default true. When false every symbol is live. */
  deadStrip?: boolean;
  /** Extra live roots (by name). */
  liveRoots?: (sym: Sym) => boolean;
  /**
   * The process's static TLS layout, shared by its links (TLSLE/TLSIE need TP offsets). Default:
   * a layout of this graph alone, as if it were a static executable.
   */
  tls?: StaticTlsLayout;
  /**
   * Order of the segments in memory (default `code-first`). `read-only-first` is llvm-jitlink's
   * layout, which LLVM's tests assume where they compare addresses across sections.
   */
  segmentOrder?: SegmentOrder;
}

/** A definition after linking: its final address, size and flags. */
export interface LinkedSymbol {
  name: string;
  address: number;
  size: number;
  flags: SymbolFlags;
}

export interface InitializerSection {
  section: string;
  kind: 'preinit' | 'init' | 'fini';
  /** Lower runs first (`.init_array.N`); 65536 for unnumbered sections. */
  priority: number;
  address: number;
  size: number;
  /** The function pointers, in array order. */
  pointers: number[];
}

/** One linked graph: its symbols, initializers, segments and what must be freed. */
export interface LinkResult {
  graph: LinkGraph;
  /** Non-local definitions by name. */
  symbols: Map<string, LinkedSymbol>;
  initializers: InitializerSection[];
  /** The `.eh_frame` range to register, when present. */
  ehFrame?: { address: number; size: number };
  segments: { address: number; size: number; prot: number }[];
  /**
   * Words that must hold the result of calling an IFUNC resolver before the code runs (ELF
   * R_AARCH64_IRELATIVE): GOT entries of IFUNC symbols (their stubs jump through them) and data
   * pointers to them. Each word is linked with the resolver's address; `irelativeRela` turns the
   * list into the `.rela.iplt` array glibc's static start-up applies.
   */
  irelative: { address: number; resolver: number }[];
  /** This graph's static TLS blocks (its `.tdata`/`.tbss` placed in the TLS layout). */
  tls: TlsBlock[];
  /** Frees the executor memory. */
  free(): void;
}

/**
 * An empty pass configuration (every list empty), to fill in a plugin or a test.
 *
 * @returns a fresh PassConfiguration.
 * @example
 * ```ts
 * const config = newPassConfiguration();
 * config.postFixup.push((g) => console.log(g.name));
 * ```
 */
export function newPassConfiguration(): PassConfiguration {
  return { prePrune: [], postPrune: [], postAllocation: [], preFixup: [], postFixup: [] };
}

async function runPasses(passes: Pass[], g: LinkGraph): Promise<void> {
  for (const p of passes) await p(g);
}

function symbolFlags(s: Sym): SymbolFlags {
  return {
    exported: s.scope === 'default',
    weak: s.linkage === 'weak',
    callable: s.callable,
    hidden: s.scope === 'hidden',
    absolute: s.kind === 'absolute',
    common: s.common,
    ...(s.ifunc ? { ifunc: true } : {}),
  };
}

/**
 * Links one object (bytes) or an already built graph.
 *
 * Runs JITLink's pipeline on the graph: prune, allocate, resolve externals, fix up, finalize.
 *
 * @param input - the object's bytes, or a graph from buildGraphFromObject.
 * @param nameOrOptions - the object's name (with bytes), or the options (with a graph).
 * @param maybe - the options, when the first argument is bytes.
 * @returns the linked graph's result.
 * @throws LinkError (undefined symbol, relocation out of range, …, naming graph and symbol),
 *   ElfFormatError for malformed bytes.
 * @example
 * ```ts
 * const r = await link(bytes, 'main.o', { memoryManager: new EngineMemoryManager(engine), resolve: () => new Map() });
 * console.log(r.symbols.get('main')?.address);
 * ```
 */
export async function link(
  input: Uint8Array | LinkGraph,
  nameOrOptions: string | LinkOptions,
  maybe?: LinkOptions,
): Promise<LinkResult> {
  let g: LinkGraph;
  let options: LinkOptions;
  if (input instanceof Uint8Array) {
    if (typeof nameOrOptions !== 'string' || !maybe) throw new TypeError('link(bytes, name, options)');
    g = buildGraphFromObject(input, nameOrOptions).graph;
    options = maybe;
  } else {
    g = input;
    options = (typeof nameOrOptions === 'string' ? maybe : nameOrOptions) as LinkOptions;
  }
  const config = newPassConfiguration();
  const optimize = options.optimizeGotPlt ?? true;
  const deadStrip = options.deadStrip ?? true;
  config.prePrune.push(deadStrip ? markDefaultRoots : markAllLive);
  if (options.liveRoots) {
    const f = options.liveRoots;
    config.prePrune.push((gr) => {
      for (const s of gr.defined) if (f(s)) s.live = true;
    });
  }
  let tables: TableManagers | undefined;
  config.postPrune.push((gr) => {
    tables = new TableManagers(gr, optimize);
    tables.run();
    bindGlobalOffsetTable(gr, tables);
  });
  if (optimize) config.preFixup.push(optimizeGotAndStubs);
  for (const p of options.plugins ?? []) p.modifyPassConfig?.(g, config);

  // Phase 1.
  await runPasses(config.prePrune, g);
  prune(g);
  await runPasses(config.postPrune, g);
  const layout = layoutSegments(g, SEGMENT_ORDERS[options.segmentOrder ?? 'code-first']);
  const inflight = await options.memoryManager.allocate(
    g.name,
    layout.map((s) => ({ prot: s.prot, size: s.size, alignment: s.alignment })),
  );
  let finalized: FinalizedAlloc | undefined;
  try {
    assignAddresses(layout, inflight);
    const tls = options.tls ?? new StaticTlsLayout();
    const tlsBlocks = placeTls(g, tls);
    await runPasses(config.postAllocation, g);
    const defs = definitions(g);
    if (options.onResolved) await options.onResolved(defs);

    // Phase 2: externals.
    const requests: ExternalRequest[] = [];
    for (const s of g.externals.values()) requests.push({ name: s.name, weak: s.linkage === 'weak' });
    if (requests.length > 0) {
      const answer = await options.resolve(requests);
      const missing: string[] = [];
      for (const s of g.externals.values()) {
        const r = answer.get(s.name);
        if (r) {
          s.address = r.address;
          if (r.flags?.ifunc) s.ifunc = true;
        } else if (s.linkage === 'weak') s.address = 0;
        else missing.push(s.name);
      }
      if (missing.length > 0) throw new LinkError(`In ${g.name}, symbols not found: [ ${missing.join(', ')} ]`);
    }

    // Phase 3.
    await runPasses(config.preFixup, g);
    const irelative = fixupGraph(g, tls);
    await runPasses(config.postFixup, g);
    finalized = await inflight.finalize(layout.map((s) => s.working));
    const result: LinkResult = {
      graph: g,
      symbols: defs,
      initializers: collectInitializers(g),
      segments: layout.map((s) => ({ address: s.address, size: s.size, prot: s.prot })),
      tls: tlsBlocks,
      irelative,
      free: () => finalized?.release(),
    };
    const eh = g.section('.eh_frame');
    if (eh && eh.blocks.length > 0) {
      const start = Math.min(...eh.blocks.map((b) => b.address));
      const end = Math.max(...eh.blocks.map((b) => b.address + b.size));
      result.ehFrame = { address: start, size: end - start };
    }
    return result;
  } catch (e) {
    if (!finalized) inflight.abandon();
    throw e;
  }
}

function definitions(g: LinkGraph): Map<string, LinkedSymbol> {
  const defs = new Map<string, LinkedSymbol>();
  for (const s of g.defined) {
    if (s.scope === 'local' || s.name === '') continue;
    defs.set(s.name, { name: s.name, address: s.addr, size: s.size, flags: symbolFlags(s) });
  }
  for (const s of g.absolutes) {
    if (s.scope === 'local' || s.name === '') continue;
    defs.set(s.name, { name: s.name, address: s.address, size: s.size, flags: symbolFlags(s) });
  }
  return defs;
}

interface SegmentLayout {
  prot: number;
  blocks: Block[];
  size: number;
  contentSize: number;
  alignment: number;
  address: number;
  working: Uint8Array;
  offsets: number[];
}

/** Segment order by protection: `code-first` is ours; `read-only-first` is JITLink's. */
export type SegmentOrder = 'code-first' | 'read-only-first';

const SEGMENT_ORDERS: Record<SegmentOrder, readonly number[]> = {
  'code-first': [MEM_R | MEM_X, MEM_R | MEM_W, MEM_R],
  // JITLink's allocation groups sort by their protection bits: R, RW, RX.
  'read-only-first': [MEM_R, MEM_R | MEM_W, MEM_R | MEM_X],
};

function layoutSegments(g: LinkGraph, order: readonly number[]): SegmentLayout[] {
  const byProt = new Map<number, Block[]>();
  for (const sec of g.sections) {
    if (sec.blocks.length === 0) continue;
    let list = byProt.get(sec.prot);
    if (!list) {
      list = [];
      byProt.set(sec.prot, list);
    }
    for (const b of sec.blocks) list.push(b);
  }
  const prots = [...order.filter((p) => byProt.has(p)), ...[...byProt.keys()].filter((p) => !order.includes(p)).sort()];
  const out: SegmentLayout[] = [];
  for (const prot of prots) {
    const blocks = byProt.get(prot)!;
    // Sections are visited in ordinal order already; content blocks first, then zero-fill.
    const ordered = [...blocks.filter((b) => b.content !== null), ...blocks.filter((b) => b.content === null)];
    let off = 0;
    let alignment = 1;
    let contentSize = 0;
    const offsets: number[] = new Array(ordered.length);
    for (let i = 0; i < ordered.length; i++) {
      const b = ordered[i]!;
      const a = b.alignment;
      if (a > alignment) alignment = a;
      const rem = (((off - b.alignmentOffset) % a) + a) % a;
      if (rem !== 0) off += a - rem;
      offsets[i] = off;
      off += b.size;
      if (b.content !== null) contentSize = off;
    }
    out.push({
      prot,
      blocks: ordered,
      size: off,
      contentSize,
      alignment,
      address: 0,
      working: new Uint8Array(contentSize),
      offsets,
    });
  }
  return out;
}

function assignAddresses(layout: SegmentLayout[], alloc: InFlightAlloc): void {
  for (let i = 0; i < layout.length; i++) {
    const seg = layout[i]!;
    const base = alloc.bases[i]!;
    seg.address = base;
    for (let j = 0; j < seg.blocks.length; j++) {
      const b = seg.blocks[j]!;
      const off = seg.offsets[j]!;
      b.address = base + off;
      if (b.content !== null) {
        // Block content now lives in the segment's working memory.
        seg.working.set(b.content, off);
        b.content = seg.working.subarray(off, off + b.size);
      }
    }
  }
}

function edgeLabel(e: Edge): string {
  return e.relType ? relocationName(e.relType) : edgeKindName(e.kind);
}

function targetLabel(s: Sym): string {
  return entryLabels.get(s) ?? `'${symbolLabel(s)}'`;
}

/** Places the graph's SHF_TLS sections (initialised ones first, as in a PT_TLS segment). */
function placeTls(g: LinkGraph, tls: StaticTlsLayout): TlsBlock[] {
  const secs = g.sections.filter((s) => s.elfFlags & SHF_TLS && s.blocks.length > 0);
  if (secs.length === 0) return [];
  secs.sort((a, b) => Number(a.elfType === SHT_NOBITS) - Number(b.elfType === SHT_NOBITS) || a.ordinal - b.ordinal);
  const items = secs.map((sec) => {
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    let initEnd = 0;
    let alignment = 1;
    for (const b of sec.blocks) {
      start = Math.min(start, b.address);
      end = Math.max(end, b.address + b.size);
      if (b.content !== null) initEnd = Math.max(initEnd, b.address + b.size);
      alignment = Math.max(alignment, b.alignment);
    }
    return {
      section: sec.name,
      address: start,
      size: end - start,
      initSize: initEnd > 0 ? initEnd - start : 0,
      alignment,
    };
  });
  const before = tls.blocks.length;
  tls.place(g.name, items);
  return tls.blocks.slice(before);
}

function fixupGraph(g: LinkGraph, tls: StaticTlsLayout): { address: number; resolver: number }[] {
  const irelative: { address: number; resolver: number }[] = [];
  const be = g.bigEndian;
  let got = 0;
  const gotSec = g.section(GOT_SECTION);
  if (gotSec && gotSec.blocks.length > 0) got = gotSec.blocks[0]!.address;
  for (const sec of g.sections) {
    for (const b of sec.blocks) {
      const content = b.content;
      if (content === null) continue;
      const edges = b.edges;
      const base = b.address;
      for (let i = 0; i < edges.length; i++) {
        const e = edges[i]!;
        const t = e.target;
        let T = t.block !== null ? t.block.address + t.offset : t.address;
        if (t.ifunc) {
          if (e.kind === K.Pointer64) irelative.push({ address: base + e.offset, resolver: T + e.addend });
          else if (e.kind !== K.KeepAlive)
            throw new LinkError(
              `In ${g.name}, section ${b.section.name}+${hex(b.sectionOffset + e.offset)}: ${edgeLabel(e)} to IFUNC ${targetLabel(t)} would use its resolver's address: reference it through the GOT, a call or a 64-bit pointer`,
            );
        }
        if (isTPRelKind(e.kind) && t.isExternal && t.linkage === 'weak' && T === 0) {
          // An unresolved weak thread-local reference: offset 0, as ld.lld links it (the code
          // tests another symbol before it touches the variable, e.g. glibc's locale categories).
          T = 0;
        } else if (isTPRelKind(e.kind)) {
          const off = tls.tpOffsetOf(T);
          if (off === undefined)
            throw new LinkError(
              `In ${g.name}, section ${b.section.name}+${hex(b.sectionOffset + e.offset)}: ${edgeLabel(e)} to ${targetLabel(t)}: target ${hex(T)} is not a thread-local (static TLS) object`,
            );
          T = off;
        }
        try {
          applyFixup(e.kind, content, e.offset, base + e.offset, T, e.addend, got, be);
        } catch (err) {
          if (err instanceof FixupViolation) throw fixupError(g, b, e, T, err);
          throw err;
        }
      }
    }
  }
  return irelative;
}

function fixupError(g: LinkGraph, b: Block, e: Edge, T: number, v: FixupViolation): LinkError {
  const where = `In ${g.name}, section ${b.section.name}+${hex(b.sectionOffset + e.offset)}`;
  const what = `${edgeLabel(e)} to ${targetLabel(e.target)}`;
  // The second sentence is JITLink's wording, which LLVM's tests match (ELF_R_AARCH64_ABS32.yaml).
  if (v.what === 'range')
    return new LinkError(
      `${where}: ${what} out of range: ${hex(v.value)} not in [${hex(v.lo)}, ${hex(v.hi)}]; relocation target ${hex(T)} (${symbolLabel(e.target)}) is out of range of ${edgeKindName(e.kind)} fixup at address ${hex(b.address + e.offset)}`,
    );
  if (v.what === 'align')
    return new LinkError(
      `${where}: ${what} misaligned: ${hex(v.value)} is not a multiple of ${v.extra} (target ${hex(T)}, fixup at ${hex(b.address + e.offset)})`,
    );
  const word = b.content ? readU32(b.content, e.offset) : 0;
  return new LinkError(
    `${where}: ${what}: ${v.detail} (edge kind ${edgeKindName(e.kind)}, word 0x${word.toString(16)})`,
  );
}

function collectInitializers(g: LinkGraph): InitializerSection[] {
  const out: InitializerSection[] = [];
  for (const sec of g.sections) {
    if (!isInitializerSection(sec.name, sec.elfType) || sec.blocks.length === 0) continue;
    const kind = sec.name.startsWith('.preinit')
      ? 'preinit'
      : sec.name.startsWith('.fini') || sec.name.startsWith('.dtors')
        ? 'fini'
        : 'init';
    const m = /\.(\d+)$/.exec(sec.name);
    const priority = m ? Number(m[1]) : 65536;
    for (const b of sec.blocks) {
      const pointers: number[] = [];
      const c = b.content;
      if (c)
        for (let o = 0; o + 8 <= c.length; o += 8)
          pointers.push(
            g.bigEndian
              ? readU32BE(c, o + 4) + readU32BE(c, o) * 0x1_0000_0000
              : readU32(c, o) + readU32(c, o + 4) * 0x1_0000_0000,
          );
      out.push({ section: sec.name, kind, priority, address: b.address, size: b.size, pointers });
    }
  }
  const rank = { preinit: 0, init: 1, fini: 2 } as const;
  out.sort((a, b) => rank[a.kind] - rank[b.kind] || a.priority - b.priority);
  return out;
}
