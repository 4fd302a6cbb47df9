/**
 * A minimal multi-object link session (what llvm-jitlink does with one JITDylib): every object
 * becomes a graph, definitions are shared through one symbol table (plus `-abs` symbols),
 * duplicate strong definitions are errors and the first weak definition wins. Used by the CLI
 * and tests; ORC's ObjectLinkingLayer calls `link()` directly instead.
 */
import { K } from './aarch64/edges.ts';
import { type Archive, isArchive, memberObjectName, readArchive } from './archive.ts';
import { buildGraphFromObject, ComdatTracker } from './build.ts';
import { LinkError } from './errors.ts';
import type { LinkGraph, Sym } from './graph.ts';
import {
  type LinkedSymbol,
  type LinkPlugin,
  type LinkResult,
  link,
  type ResolvedSymbol,
  type SegmentOrder,
} from './link.ts';
import type { JITLinkMemoryManager } from './memory.ts';
import { GOT_SECTION, STUBS_SECTION } from './passes/tables.ts';

/** An object file or a static archive (recognised by its `!<arch>` magic). */
export interface ObjectInput {
  name: string;
  bytes: Uint8Array;
}

/**
 * Reads the inputs: objects become graphs; archive members become graphs when one of their
 * symbols is referenced (as ORC's StaticLibraryDefinitionGenerator answers a lookup, weak
 * references included), repeated until no archive defines a still-undefined name.
 *
 * @param inputs - objects and archives, in command-line order.
 * @param predefined - names already defined elsewhere (e.g. absolutes): archives do not load members for them.
 * @returns the graphs to link (objects, then the archive members they pulled in).
 * @throws ElfFormatError, ArchiveFormatError for malformed input (naming file and member).
 * @example
 * ```ts
 * const graphs = loadInputs([{ name: 'main.o', bytes }, { name: 'libutil.a', bytes: lib }]);
 * ```
 */
export function loadInputs(inputs: readonly ObjectInput[], predefined: Iterable<string> = []): LinkGraph[] {
  const graphs: LinkGraph[] = [];
  const archives: { archive: Archive; loaded: Set<number> }[] = [];
  const comdat = new ComdatTracker();
  for (const i of inputs) {
    if (isArchive(i.bytes)) archives.push({ archive: readArchive(i.bytes, i.name), loaded: new Set() });
    else graphs.push(buildGraphFromObject(i.bytes, i.name, { comdat }).graph);
  }
  if (archives.length === 0) return graphs;
  const defined = new Set<string>(predefined);
  const define = (g: LinkGraph) => {
    for (const s of g.defined) if (s.scope !== 'local' && s.name !== '') defined.add(s.name);
    for (const s of g.absolutes) if (s.scope !== 'local' && s.name !== '') defined.add(s.name);
  };
  for (const g of graphs) define(g);
  let scanned = 0;
  const wanted: string[] = [];
  let next = 0;
  while (scanned < graphs.length) {
    for (; scanned < graphs.length; scanned++) for (const n of graphs[scanned]!.externals.keys()) wanted.push(n);
    while (next < wanted.length) {
      const name = wanted[next++]!;
      if (defined.has(name)) continue;
      for (const a of archives) {
        const idx = a.archive.symbols.get(name);
        if (idx === undefined || a.loaded.has(idx)) continue;
        a.loaded.add(idx);
        const m = a.archive.members[idx]!;
        const g = buildGraphFromObject(m.bytes, memberObjectName(a.archive.file, m), { comdat }).graph;
        graphs.push(g);
        define(g);
        break;
      }
    }
  }
  return graphs;
}

/** Options of linkObjects (exported as LinkObjectsOptions). */
export interface SessionOptions {
  memoryManager: JITLinkMemoryManager;
  absolutes?: Map<string, number>;
  optimizeGotPlt?: boolean;
  deadStrip?: boolean;
  plugins?: LinkPlugin[];
  /** Resolve every otherwise unresolved external to 0 (llvm-jitlink -phony-externals). */
  phonyExternals?: boolean;
  /** Segment order of every graph (LinkOptions.segmentOrder). */
  segmentOrder?: SegmentOrder;
}

/** What linkObjects returns (exported as LinkObjectsResult). */
export interface SessionResult {
  results: LinkResult[];
  /** Every exported/hidden definition of every object, plus the absolutes. */
  symbols: Map<string, LinkedSymbol | { name: string; address: number }>;
  free(): void;
}

/**
 * Links objects and static archives together into one memory manager, as llvm-jitlink -noexec does:
 * archive members load when referenced, symbols resolve across the inputs and `absolutes`.
 *
 * @param inputs - objects and archives (by content), in order.
 * @param options - the memory manager, absolute symbols, GOT/PLT optimisation, dead stripping, plugins.
 * @returns every graph's result and the combined symbol table; free() releases the memory.
 * @throws LinkError (undefined symbols, duplicate definitions, relocation overflow), ElfFormatError,
 *   ArchiveFormatError.
 * @example
 * ```ts
 * import { createEngine } from 'orc-sandbox/engine';
 * import { EngineMemoryManager, linkObjects } from 'orc-sandbox/linker';
 * const engine = await createEngine('ts');
 * const linked = await linkObjects([{ name: 'main.o', bytes: mainBytes }, { name: 'libm.a', bytes: archiveBytes }], {
 *   memoryManager: new EngineMemoryManager(engine),
 * });
 * const mainAddr = linked.symbols.get('main')?.address;
 * ```
 */
export async function linkObjects(inputs: readonly ObjectInput[], options: SessionOptions): Promise<SessionResult> {
  const graphs = loadInputs(inputs, options.absolutes?.keys());
  const table = new Map<string, LinkedSymbol | { name: string; address: number }>();
  for (const [name, address] of options.absolutes ?? []) table.set(name, { name, address });

  // Claim definitions: strong beats weak, first weak wins, two strong is an error.
  const owner = new Map<string, { graph: LinkGraph; sym: Sym }>();
  const externalize: [LinkGraph, Sym][] = [];
  for (const g of graphs) {
    for (const s of [...g.defined, ...g.absolutes]) {
      if (s.scope === 'local' || s.name === '') continue;
      if (table.has(s.name)) throw new LinkError(`In ${g.name}, duplicate definition of ${s.name}`);
      const prev = owner.get(s.name);
      if (!prev) {
        owner.set(s.name, { graph: g, sym: s });
        continue;
      }
      if (s.linkage === 'weak') externalize.push([g, s]);
      else if (prev.sym.linkage === 'weak') {
        externalize.push([prev.graph, prev.sym]);
        owner.set(s.name, { graph: g, sym: s });
      } else throw new LinkError(`In ${g.name}, duplicate definition of ${s.name}`);
    }
  }
  for (const [g, s] of externalize) g.makeExternal(s);

  let pending = graphs.length;
  let release!: () => void;
  const allAllocated = new Promise<void>((r) => {
    release = r;
  });
  const arrive = () => {
    pending--;
    if (pending === 0) release();
  };
  if (pending === 0) release();

  const results = await Promise.allSettled(
    graphs.map(async (g) => {
      let arrived = false;
      try {
        return await link(g, {
          memoryManager: options.memoryManager,
          optimizeGotPlt: options.optimizeGotPlt,
          deadStrip: options.deadStrip,
          segmentOrder: options.segmentOrder,
          plugins: options.plugins,
          onResolved(defs) {
            for (const [name, d] of defs) if (!table.has(name)) table.set(name, d);
            arrived = true;
            arrive();
          },
          async resolve(requests) {
            await allAllocated;
            const out = new Map<string, ResolvedSymbol>();
            for (const r of requests) {
              const hit = table.get(r.name);
              if (hit)
                out.set(
                  r.name,
                  'flags' in hit && hit.flags.ifunc
                    ? { address: hit.address, flags: { ifunc: true } }
                    : { address: hit.address },
                );
              else if (options.phonyExternals) out.set(r.name, { address: 0 });
            }
            return out;
          },
        });
      } finally {
        if (!arrived) arrive();
      }
    }),
  );
  const ok: LinkResult[] = [];
  const errors: Error[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') ok.push(r.value);
    else errors.push(r.reason as Error);
  }
  if (errors.length > 0) {
    for (const r of ok) r.free();
    if (errors.length === 1) throw errors[0];
    throw new LinkError(errors.map((e) => e.message).join('\n'));
  }
  return {
    results: ok,
    symbols: table,
    free: () => {
      for (const r of ok) r.free();
    },
  };
}

/** What jitlink-check needs from the linked graphs (llvm-jitlink's per-file info). */
export interface LinkInfo {
  /** Address of every symbol (named definitions incl. locals, absolutes); first wins. */
  symbols: Map<string, number>;
  files: Map<string, { got: Map<string, number>; stubs: Map<string, number>; sections: Map<string, number> }>;
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/**
 * Symbol, GOT, stub and section addresses of linked graphs, per file (llvm-jitlink's per-file info).
 *
 * @param results - the link results.
 * @param absolutes - absolute symbols of the link.
 * @returns the addresses by name and by file.
 * @example
 * ```ts
 * const info = collectLinkInfo(linked.results);
 * console.log(info.files.get('main.o')?.got);
 * ```
 */
export function collectLinkInfo(results: readonly LinkResult[], absolutes?: Map<string, number>): LinkInfo {
  const info: LinkInfo = { symbols: new Map(), files: new Map() };
  // Exported definitions first so they win over same-named locals of other files.
  for (const r of results) for (const [n, s] of r.symbols) if (!info.symbols.has(n)) info.symbols.set(n, s.address);
  for (const [n, a] of absolutes ?? []) if (!info.symbols.has(n)) info.symbols.set(n, a);
  for (const r of results) {
    const g = r.graph;
    for (const s of g.defined) if (s.name !== '' && !info.symbols.has(s.name)) info.symbols.set(s.name, s.addr);
    for (const s of g.absolutes) if (s.name !== '' && !info.symbols.has(s.name)) info.symbols.set(s.name, s.address);
    const file = {
      got: new Map<string, number>(),
      stubs: new Map<string, number>(),
      sections: new Map<string, number>(),
    };
    for (const sec of g.sections) {
      if (sec.blocks.length === 0) continue;
      let start = Number.POSITIVE_INFINITY;
      for (const b of sec.blocks) if (b.address < start) start = b.address;
      file.sections.set(sec.name, start);
    }
    // Initial-exec (TP offset) entries count as the symbol's GOT entry too.
    const gotTargetOf = (entry: Sym | undefined): Sym | undefined =>
      entry?.block?.edges.find((e) => (e.kind === K.Pointer64 || e.kind === K.TPOff64) && e.offset === 0)?.target;
    for (const b of g.section(GOT_SECTION)?.blocks ?? []) {
      const t = gotTargetOf(g.defined.find((s) => s.block === b) ?? ({ block: b } as Sym));
      if (t && t.name !== '' && !file.got.has(t.name)) file.got.set(t.name, b.address);
    }
    for (const b of g.section(STUBS_SECTION)?.blocks ?? []) {
      const gotEdge = b.edges.find((e) => e.offset === 0);
      const t = gotTargetOf(gotEdge?.target);
      if (t && t.name !== '' && !file.stubs.has(t.name)) file.stubs.set(t.name, b.address);
    }
    const key = basename(g.name);
    const prev = info.files.get(key);
    if (!prev) info.files.set(key, file);
  }
  return info;
}
