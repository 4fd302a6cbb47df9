/**
 * Redirectable symbols (as ORC's JITLinkRedirectableSymbolManager, AArch64).
 *
 * One LinkGraph `<indirect stubs graph #n>` per `emitRedirectableSymbols` call, two sections:
 *   __orc_stub_ptrs (RW)  per symbol an 8-byte pointer `<name>$__stub_ptr` (hidden), initialised by
 *                         a Pointer64 edge to the local absolute `<name>$__init_tgt`
 *   __orc_stubs     (RX)  per symbol a 12-byte stub `<name>`:
 *                           adrp x16, ptr@page ; ldr x16, [x16, ptr@pageoff] ; br x16
 * `redirect` is one batched write of 8-byte pointers. Unlike upstream (a blocking lookup of the
 * `$__stub_ptr` symbols), pointer addresses are cached per stub when the graph is allocated, and
 * dropped when the owning resource tracker is removed.
 */
import { K } from '../../linker/aarch64/edges.ts';
import { LinkGraph, MEM_R, MEM_W, MEM_X, type Sym } from '../../linker/graph.ts';
import { OrcError } from '../core/errors.ts';
import { MaterializationUnit } from '../core/materialization-unit.ts';
import type { JITDylib, MaterializationResponsibility, ResourceManager, ResourceTracker } from '../core/session.ts';
import { type ExecutorAddr, hexAddr, isExported, isWeak, type SymbolFlagsMap, type SymbolMap } from '../core/types.ts';
import type { ObjectLinkingLayer } from '../layers/object-linking-layer.ts';

export const STUB_PTRS_SECTION = '__orc_stub_ptrs';
export const STUBS_SECTION = '__orc_stubs';
export const STUB_SIZE = 12;
/** adrp x16, 0 ; ldr x16, [x16] ; br x16 (fields filled by Page21 / PageOffset12 fixups). */
export const STUB_WORDS = [0x90000010, 0xf9400210, 0xd61f0200] as const;

export const stubPtrName = (name: string): string => `${name}$__stub_ptr`;
export const initTargetName = (name: string): string => `${name}$__init_tgt`;

/** One pointer write (executor address → new 64-bit value). */
import type { PointerWrite } from '../../protocol/epc.ts';

export type { PointerWrite };

/** Executor memory access for pointer writes (in process: engine.memWrite). */
export interface MemoryAccess {
  writePointers(writes: readonly PointerWrite[]): void;
}

/** Re-points redirectable symbols. */
export interface RedirectionManager {
  /** Points each stub `name` of `jd` at its new definition (one batched write). Throws on unknown names. */
  redirect(jd: JITDylib, newDests: SymbolMap): void;
  /**
   * How many times stub `name` of `jd` was redirected so far (0: its pointer still holds its initial
   * target). The LazyReexportsManager redirects a resolved first call only while it is 0, so a
   * resolution that finishes after a hot swap by another thread does not overwrite it.
   */
  redirectCount?(jd: JITDylib, name: string): number;
}

/** Creates redirectable symbols. */
export interface RedirectableSymbolManager extends RedirectionManager {
  /** Emits a stub for every name of `initialDests` (the MR must cover exactly those names). */
  emitRedirectableSymbols(mr: MaterializationResponsibility, initialDests: SymbolMap): void;
}

/** Builds the stubs graph (exported for tests and the verifier). */
export function buildStubsGraph(
  graphName: string,
  initialDests: SymbolMap,
): { graph: LinkGraph; pointers: Map<string, Sym>; stubs: Map<string, Sym> } {
  const g = new LinkGraph(graphName);
  const ptrSec = g.createSection(STUB_PTRS_SECTION, MEM_R | MEM_W);
  const stubSec = g.createSection(STUBS_SECTION, MEM_R | MEM_X);
  const pointers = new Map<string, Sym>();
  const stubs = new Map<string, Sym>();
  for (const [name, def] of initialDests) {
    const ptrBlock = g.createContentBlock(ptrSec, new Uint8Array(8), 8);
    if (def.address !== 0) {
      const tgt = g.addAbsoluteSymbol(initTargetName(name), def.address, 0, 'strong', 'local');
      ptrBlock.addEdge(K.Pointer64, 0, tgt, 0);
    }
    const ptr = g.addDefinedSymbol(ptrBlock, 0, stubPtrName(name), 8, 'strong', 'hidden', false, true);
    const code = new Uint8Array(STUB_SIZE);
    const dv = new DataView(code.buffer);
    STUB_WORDS.forEach((w, i) => {
      dv.setUint32(4 * i, w, true);
    });
    const stubBlock = g.createContentBlock(stubSec, code, 4);
    stubBlock.addEdge(K.Page21, 0, ptr, 0);
    stubBlock.addEdge(K.PageOffset12, 4, ptr, 0);
    const stub = g.addDefinedSymbol(
      stubBlock,
      0,
      name,
      STUB_SIZE,
      isWeak(def.flags) ? 'weak' : 'strong',
      isExported(def.flags) ? 'default' : 'hidden',
      true,
      true,
    );
    pointers.set(name, ptr);
    stubs.set(name, stub);
  }
  return { graph: g, pointers, stubs };
}

/** The in-process MemoryAccess over an engine-like writer. */
export function engineMemoryAccess(engine: { memWrite(address: number, data: Uint8Array): void }): MemoryAccess {
  return {
    writePointers(writes) {
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      for (const w of writes) {
        if (w.address % 8 !== 0) throw new OrcError(`stub pointer ${hexAddr(w.address)} is not 8-byte aligned`);
        dv.setBigUint64(0, BigInt(w.value), true);
        engine.memWrite(w.address, b);
      }
    },
  };
}

interface PtrRecord {
  jd: JITDylib;
  name: string;
}

export class JITLinkRedirectableSymbolManager implements RedirectableSymbolManager, ResourceManager {
  private graphCounter = 0;
  /** jd → stub name → its pointer's executor address. */
  private readonly ptrAddrs = new Map<JITDylib, Map<string, ExecutorAddr>>();
  /** Pointer address → redirects written to it (see redirectCount). */
  private readonly writesTo = new Map<ExecutorAddr, number>();
  /** resource key → the stubs it owns. */
  private readonly byKey = new Map<number, PtrRecord[]>();

  constructor(
    private readonly layer: ObjectLinkingLayer,
    private readonly memory: MemoryAccess,
  ) {
    layer.session.registerResourceManager(this);
  }

  /** Graphs emitted so far. */
  get graphsEmitted(): number {
    return this.graphCounter;
  }

  emitRedirectableSymbols(mr: MaterializationResponsibility, initialDests: SymbolMap): void {
    const jd = mr.getTargetJITDylib();
    const graphName = `<indirect stubs graph #${++this.graphCounter}>`;
    const { graph } = buildStubsGraph(graphName, initialDests);
    const ptrFlags: SymbolFlagsMap = new Map();
    for (const name of initialDests.keys()) ptrFlags.set(stubPtrName(name), 0);
    try {
      mr.defineMaterializing(ptrFlags);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      mr.getExecutionSession().reportError(err);
      mr.failMaterialization(err);
      return;
    }
    this.layer.emitLinkGraph(mr, graph, {
      onAllocated: (g) => {
        const list: PtrRecord[] = [];
        let table = this.ptrAddrs.get(jd);
        if (!table) {
          table = new Map();
          this.ptrAddrs.set(jd, table);
        }
        for (const name of initialDests.keys()) {
          const ptr = g.findDefined(stubPtrName(name));
          if (!ptr) continue;
          table.set(name, ptr.addr);
          list.push({ jd, name });
        }
        mr.withResourceKeyDo((key) => {
          this.byKey.set(key, [...(this.byKey.get(key) ?? []), ...list]);
        });
      },
    });
  }

  /** A unit defining redirectable symbols (interface: the names with their initial flags). */
  createRedirectableSymbols(target: JITDylib | ResourceTracker, initialDests: SymbolMap): void {
    const mu = new RedirectableMaterializationUnit(this, initialDests);
    if ('define' in target) target.define(mu);
    else target.getJITDylib().define(mu, target);
  }

  /** The executor address of the pointer behind stub `name` in `jd` (undefined until allocated). */
  pointerAddress(jd: JITDylib, name: string): ExecutorAddr | undefined {
    return this.ptrAddrs.get(jd)?.get(name);
  }

  redirectCount(jd: JITDylib, name: string): number {
    const a = this.ptrAddrs.get(jd)?.get(name);
    return a === undefined ? 0 : (this.writesTo.get(a) ?? 0);
  }

  redirect(jd: JITDylib, newDests: SymbolMap): void {
    const table = this.ptrAddrs.get(jd);
    const writes: PointerWrite[] = [];
    const missing: string[] = [];
    for (const [name, def] of newDests) {
      const a = table?.get(name);
      if (a === undefined) missing.push(name);
      else writes.push({ address: a, value: def.address });
    }
    if (missing.length > 0)
      throw new OrcError(`cannot redirect: no redirectable symbol [ ${missing.join(', ')} ] in JITDylib '${jd.name}'`);
    for (const w of writes) this.writesTo.set(w.address, (this.writesTo.get(w.address) ?? 0) + 1);
    this.memory.writePointers(writes);
  }

  handleRemoveResources(_jd: JITDylib, key: number): Error | undefined {
    for (const r of this.byKey.get(key) ?? []) {
      const a = this.ptrAddrs.get(r.jd)?.get(r.name);
      if (a !== undefined) this.writesTo.delete(a);
      this.ptrAddrs.get(r.jd)?.delete(r.name);
    }
    this.byKey.delete(key);
    return undefined;
  }

  handleTransferResources(_jd: JITDylib, dstKey: number, srcKey: number): void {
    const src = this.byKey.get(srcKey);
    if (!src) return;
    this.byKey.delete(srcKey);
    this.byKey.set(dstKey, [...(this.byKey.get(dstKey) ?? []), ...src]);
  }
}

class RedirectableMaterializationUnit extends MaterializationUnit {
  constructor(
    private readonly rsm: JITLinkRedirectableSymbolManager,
    private readonly initial: SymbolMap,
  ) {
    super(new Map([...initial].map(([n, d]) => [n, d.flags])));
  }
  getName(): string {
    return '<redirectable symbols>';
  }
  materialize(mr: MaterializationResponsibility): void {
    const defs: SymbolMap = new Map();
    for (const n of mr.getSymbols().keys()) {
      const d = this.initial.get(n);
      if (d) defs.set(n, d);
    }
    this.rsm.emitRedirectableSymbols(mr, defs);
  }
  protected override discard(_jd: JITDylib, name: string): void {
    this.initial.delete(name);
  }
}
