/**
 * ObjectLinkingLayer: adds relocatable objects to JITDylibs (the interface comes from the object's
 * symbol table) and, when one of their symbols is first looked up, links the object with
 * src/linker. External symbols are resolved by an ORC lookup along the JITDylib's link order (at
 * state Resolved); the object's symbols become Ready once everything they reference is Ready.
 *
 * Linking is asynchronous (`link()` returns a promise), so an object's materialization finishes in
 * a later microtask; everything else stays on the session's deterministic dispatcher.
 *
 * Resources: each link's memory is kept per resource-tracker key and freed on removal.
 * Initializers (.preinit_array/.init_array/.fini_array) of linked objects are recorded per
 * JITDylib; the `run` command runs them around the entry point.
 */
import { buildGraphFromObject } from '../../linker/build.ts';
import type { LinkGraph } from '../../linker/graph.ts';
import {
  type InitializerSection,
  type LinkPlugin,
  type LinkResult,
  link,
  type PassConfiguration,
  type ResolvedSymbol,
} from '../../linker/link.ts';
import type { JITLinkMemoryManager } from '../../linker/memory.ts';
import type { StaticTlsLayout } from '../../linker/tls.ts';
import { OrcError } from '../core/errors.ts';
import { MaterializationUnit } from '../core/materialization-unit.ts';
import type {
  ExecutionSession,
  JITDylib,
  MaterializationResponsibility,
  ResourceManager,
  ResourceTracker,
} from '../core/session.ts';
import {
  isSideEffectsOnly,
  JITSymbolFlags,
  type SymbolFlags,
  type SymbolFlagsMap,
  SymbolLookupFlags,
  type SymbolMap,
  SymbolState,
} from '../core/types.ts';

export interface ObjectLinkingLayerPlugin {
  /** The graph of a relocatable object is about to be linked (LLVM's notifyMaterializing: debug objects). */
  notifyMaterializing?(mr: MaterializationResponsibility, g: LinkGraph, objectBytes: Uint8Array): void;
  /** Adds passes for the graph being linked for `mr`. */
  modifyPassConfig?(mr: MaterializationResponsibility, g: LinkGraph, config: PassConfiguration): void;
  notifyEmitted?(mr: MaterializationResponsibility, result: LinkResult): void;
  notifyFailed?(mr: MaterializationResponsibility, error: Error): void;
}

/** A link of `objectName` failed; `cause` is the linker's (or the lookup's) error. */
export class ObjectLinkingFailed extends OrcError {
  override name = 'ObjectLinkingFailed';
  constructor(
    readonly objectName: string,
    override readonly cause: Error,
  ) {
    super(cause.message.startsWith(`In ${objectName}`) ? cause.message : `In ${objectName}: ${cause.message}`);
  }
}

/** Prints `Linking <graph name>` for every graph linked (llvm-jitlink -show-linked-files). */
export function showLinkedFilesPlugin(write: (line: string) => void): ObjectLinkingLayerPlugin {
  return {
    modifyPassConfig(_mr, g) {
      write(`Linking ${g.name}\n`);
    },
  };
}

/** An object's ORC interface: its non-local symbols' flags, plus an init symbol if it has initializers. */
export interface ObjectInterface {
  symbols: SymbolFlagsMap;
  initSymbol?: string | undefined;
}

/**
 * Interfaces already read, by the object's bytes: a session per fuzz case adds the same runtime
 * objects (the same arrays), and each add parsed the object and built its whole graph only to list
 * its symbols (fuzz-lazy: 11% of a campaign's allocation). A fingerprint of the contents guards
 * against bytes changed in place since.
 */
const INTERFACES = new WeakMap<Uint8Array, { name: string; print: string; iface: ObjectInterface }>();

/** Two 32-bit FNV-style hashes of the bytes (by words where aligned) and the length. */
function fingerprint(bytes: Uint8Array): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  const n = bytes.length;
  const whole = n & ~3;
  if ((bytes.byteOffset & 3) === 0) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, whole >> 2);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as number;
      a = Math.imul(a ^ w, 0x01000193);
      b = Math.imul(b ^ w, 0x85ebca6b) ^ (b >>> 15);
    }
  } else
    for (let i = 0; i < whole; i++) {
      a = Math.imul(a ^ (bytes[i] as number), 0x01000193);
      b = Math.imul(b ^ (bytes[i] as number), 0x85ebca6b) ^ (b >>> 15);
    }
  for (let i = whole; i < n; i++) a = Math.imul(a ^ (bytes[i] as number), 0x01000193);
  return `${n}:${a >>> 0}:${b >>> 0}`;
}

const copyOf = (i: ObjectInterface): ObjectInterface =>
  i.initSymbol === undefined
    ? { symbols: new Map(i.symbols) }
    : { symbols: new Map(i.symbols), initSymbol: i.initSymbol };

/** The interface of a relocatable object (as ORC's getObjectFileInterface). */
export function objectInterface(bytes: Uint8Array, objectName: string): ObjectInterface {
  const print = fingerprint(bytes);
  const known = INTERFACES.get(bytes);
  if (known !== undefined && known.name === objectName && known.print === print) return copyOf(known.iface);
  const iface = interfaceOf(buildGraphFromObject(bytes, objectName).graph, objectName);
  INTERFACES.set(bytes, { name: objectName, print, iface: copyOf(iface) });
  return iface;
}

function interfaceOf(g: LinkGraph, objectName: string): ObjectInterface {
  const symbols: SymbolFlagsMap = new Map();
  for (const s of [...g.defined, ...g.absolutes]) {
    if (s.name === '' || s.scope === 'local') continue;
    let f: SymbolFlags = 0;
    if (s.scope === 'default') f |= JITSymbolFlags.Exported;
    if (s.linkage === 'weak') f |= JITSymbolFlags.Weak;
    if (s.callable) f |= JITSymbolFlags.Callable;
    if (s.kind === 'absolute') f |= JITSymbolFlags.Absolute;
    symbols.set(s.name, f);
  }
  const hasInit = g.sections.some((s) => /^\.(preinit_array|init_array|fini_array|ctors|dtors)(\.|$)/.test(s.name));
  if (!hasInit) return { symbols };
  const initSymbol = `$.${objectName}.__inits.0`;
  symbols.set(initSymbol, JITSymbolFlags.MaterializationSideEffectsOnly);
  return { symbols, initSymbol };
}

/** Options for emitting one graph. */
export interface EmitGraphOptions {
  /** Runs after allocation (block addresses are final), before externals are resolved. */
  onAllocated?: (g: LinkGraph) => void;
}

/** A unit that links an in-memory LinkGraph (stubs, trampolines). Its interface: the graph's non-local names. */
export class LinkGraphMaterializationUnit extends MaterializationUnit {
  constructor(
    private readonly layer: ObjectLinkingLayer,
    private readonly graph: LinkGraph,
    symbols: SymbolFlagsMap,
    private readonly options: EmitGraphOptions = {},
  ) {
    super(symbols);
  }
  getName(): string {
    return this.graph.name;
  }
  materialize(mr: MaterializationResponsibility): void {
    this.layer.emitLinkGraph(mr, this.graph, this.options);
  }
}

class ObjectMaterializationUnit extends MaterializationUnit {
  constructor(
    private readonly layer: ObjectLinkingLayer,
    private readonly objectName: string,
    private readonly bytes: Uint8Array,
    symbols: SymbolFlagsMap,
    initSymbol: string | undefined,
  ) {
    super(symbols, initSymbol);
  }
  getName(): string {
    return this.objectName;
  }
  materialize(mr: MaterializationResponsibility): void {
    this.layer.emit(mr, this.objectName, this.bytes);
  }
}

export interface ObjectLinkingLayerOptions {
  plugins?: ObjectLinkingLayerPlugin[];
  optimizeGotPlt?: boolean;
}

export class ObjectLinkingLayer implements ResourceManager {
  readonly plugins: ObjectLinkingLayerPlugin[];
  private readonly allocs = new Map<number, LinkResult[]>();
  private readonly inits = new Map<JITDylib, { order: number; init: InitializerSection }[]>();
  private linkCounter = 0;
  /**
   * The process's static TLS layout shared by every graph this layer links (TLSLE/TLSIE offsets
   * across objects, e.g. a libc's); undefined: each graph is laid out alone.
   */
  tls: StaticTlsLayout | undefined;
  /** Links still in flight (await `whenIdle()` before inspecting results). */
  private inFlight = new Set<Promise<void>>();

  constructor(
    readonly session: ExecutionSession,
    readonly memoryManager: JITLinkMemoryManager,
    private readonly options: ObjectLinkingLayerOptions = {},
  ) {
    this.plugins = [...(options.plugins ?? [])];
    session.registerResourceManager(this);
  }

  addPlugin(p: ObjectLinkingLayerPlugin): this {
    this.plugins.push(p);
    return this;
  }

  /**
   * Adds an object to `target` (a JITDylib, or a tracker of one). Throws DuplicateDefinition etc.
   * `iface` overrides the interface read from the object (LazyObjectLinkingLayer renames callables).
   */
  add(target: JITDylib | ResourceTracker, bytes: Uint8Array, objectName: string, iface?: ObjectInterface): void {
    const { symbols, initSymbol } = iface ?? objectInterface(bytes, objectName);
    const mu = new ObjectMaterializationUnit(this, objectName, bytes, symbols, initSymbol);
    if ('define' in target) target.define(mu);
    else target.getJITDylib().define(mu, target);
  }

  /**
   * Adds an in-memory graph (its interface: its non-local named definitions, with side-effects-only
   * flags where the symbol's name is listed in `sideEffectsOnly`).
   */
  addLinkGraph(
    target: JITDylib | ResourceTracker,
    g: LinkGraph,
    options: EmitGraphOptions & { sideEffectsOnly?: Iterable<string> } = {},
  ): void {
    const { symbols } = interfaceOf(g, g.name);
    for (const n of options.sideEffectsOnly ?? []) {
      if (symbols.has(n)) symbols.set(n, JITSymbolFlags.MaterializationSideEffectsOnly);
    }
    const mu = new LinkGraphMaterializationUnit(this, g, symbols, options);
    if ('define' in target) target.define(mu);
    else target.getJITDylib().define(mu, target);
  }

  /** Initializer sections of objects linked into `jd`, in run order (priority, then link order). */
  getInitializers(jd: JITDylib): InitializerSection[] {
    return [...(this.inits.get(jd) ?? [])]
      .sort((a, b) => a.init.priority - b.init.priority || a.order - b.order)
      .map((x) => x.init);
  }

  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Links `bytes` for `mr` (called by the object's materialization unit). */
  emit(mr: MaterializationResponsibility, objectName: string, bytes: Uint8Array): void {
    let g: LinkGraph;
    try {
      g = buildGraphFromObject(bytes, objectName).graph;
    } catch (e) {
      const err = new ObjectLinkingFailed(objectName, e instanceof Error ? e : new Error(String(e)));
      for (const pl of this.plugins) pl.notifyFailed?.(mr, err);
      this.session.reportError(err);
      mr.failMaterialization(err);
      return;
    }
    for (const pl of this.plugins) pl.notifyMaterializing?.(mr, g, bytes);
    this.emitLinkGraph(mr, g);
  }

  /** Links the graph `g` for `mr` (ORC's ObjectLinkingLayer::emit(MR, G)). */
  emitLinkGraph(mr: MaterializationResponsibility, g: LinkGraph, options: EmitGraphOptions = {}): void {
    const p = this.doEmit(mr, g, options).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async doEmit(mr: MaterializationResponsibility, g: LinkGraph, options: EmitGraphOptions): Promise<void> {
    const es = this.session;
    const objectName = g.name;
    const jd = mr.getTargetJITDylib();
    const deps = new Map<JITDylib, Set<string>>();
    const order = this.linkCounter++;
    let result: LinkResult | undefined;
    try {
      const covered = mr.getSymbols();
      const plugins: LinkPlugin[] = [
        {
          modifyPassConfig: (graph, config) => {
            for (const pl of this.plugins) pl.modifyPassConfig?.(mr, graph, config);
            // After the plugins' pre-prune passes (e.g. the lazy layer's renamer): definitions this
            // MR does not cover (weak ones that lost to another definition) become references to
            // the winning definition.
            config.prePrune.push((gr) => {
              for (const s of [...gr.defined]) {
                if (s.name !== '' && s.scope !== 'local' && !covered.has(s.name)) {
                  s.live = false;
                  gr.makeExternal(s);
                }
              }
            });
            const onAllocated = options.onAllocated;
            if (onAllocated) config.postAllocation.push((gr) => onAllocated(gr));
          },
        },
      ];
      result = await link(g, {
        memoryManager: this.memoryManager,
        plugins,
        optimizeGotPlt: this.options.optimizeGotPlt ?? true,
        ...(this.tls ? { tls: this.tls } : {}),
        onResolved: (defs) => {
          const m: SymbolMap = new Map();
          for (const [name, d] of defs) {
            const f = covered.get(name);
            if (f !== undefined && !isSideEffectsOnly(f)) m.set(name, { address: d.address, flags: f });
          }
          mr.notifyResolved(m);
        },
        resolve: (externals) =>
          new Promise<Map<string, ResolvedSymbol>>((resolve, reject) => {
            if (externals.length === 0) return resolve(new Map());
            es.lookup(
              'Static',
              jd.getLinkOrder(),
              externals.map(
                (x) =>
                  [
                    x.name,
                    x.weak ? SymbolLookupFlags.WeaklyReferencedSymbol : SymbolLookupFlags.RequiredSymbol,
                  ] as const,
              ),
              SymbolState.Resolved,
              (r) => {
                if (!r.ok) return reject(r.error);
                const out = new Map<string, ResolvedSymbol>();
                for (const [n, d] of r.value) out.set(n, { address: d.address });
                resolve(out);
              },
              (found) => {
                for (const [j, names] of found) {
                  let s = deps.get(j);
                  if (!s) {
                    s = new Set();
                    deps.set(j, s);
                  }
                  for (const n of names) s.add(n);
                }
              },
            );
          }),
      });
      const linked = result;
      mr.withResourceKeyDo((key) => {
        const list = this.allocs.get(key) ?? [];
        list.push(linked);
        this.allocs.set(key, list);
      });
      const list = this.inits.get(jd) ?? [];
      for (const init of linked.initializers) list.push({ order, init });
      this.inits.set(jd, list);
      // Plugins first, then the responsibility (as LLVM's ObjectLinkingLayer::notifyEmitted): an
      // observer hears of the graph before the lookups waiting for it resume.
      for (const pl of this.plugins) pl.notifyEmitted?.(mr, linked);
      mr.notifyEmitted([{ symbols: [...mr.getSymbols().keys()], dependencies: deps }]);
    } catch (e) {
      const err = new ObjectLinkingFailed(objectName, e instanceof Error ? e : new Error(String(e)));
      if (result && !mr.isDone) {
        // linked but could not be emitted: give the memory back unless it was registered
        if (![...this.allocs.values()].some((l) => l.includes(result as LinkResult))) result.free();
      }
      for (const pl of this.plugins) pl.notifyFailed?.(mr, err);
      es.reportError(err);
      mr.failMaterialization(err);
    }
  }

  handleRemoveResources(_jd: JITDylib, key: number): Error | undefined {
    const list = this.allocs.get(key);
    this.allocs.delete(key);
    for (const r of list ?? []) r.free();
    return undefined;
  }

  handleTransferResources(_jd: JITDylib, dstKey: number, srcKey: number): void {
    const src = this.allocs.get(srcKey);
    if (!src) return;
    this.allocs.delete(srcKey);
    this.allocs.set(dstKey, [...(this.allocs.get(dstKey) ?? []), ...src]);
  }
}
