/**
 * Reentry trampolines (as ORC's JITLinkReentryTrampolines, AArch64).
 *
 * Each trampoline is one 8-byte block in `__orc_stubs`:
 *   T+0  stp x29, x30, [sp, #-16]!    0xa9bf7bfd
 *   T+4  bl  __orc_rt_reenter         0x94000000 + Branch26 edge (maybe through a PLT stub)
 * so the runtime recovers T as x30 − 8. One graph `__orc_reentry_graph_#k` per `emit` call, with a
 * side-effects-only symbol of the same name (looked up to force emission). Trampoline addresses are
 * scraped after allocation (a post-allocation pass), from the anonymous symbols of `__orc_stubs`.
 */
import { K } from '../../linker/aarch64/edges.ts';
import { LinkGraph, MEM_R, MEM_X } from '../../linker/graph.ts';
import type { ResourceTracker } from '../core/session.ts';
import {
  type ExecutorAddr,
  type Expected,
  fail,
  JITDylibLookupFlags,
  JITSymbolFlags,
  ok,
  SymbolLookupFlags,
  SymbolState,
} from '../core/types.ts';
import type { ObjectLinkingLayer } from '../layers/object-linking-layer.ts';

export const REENTRY_SYMBOL = '__orc_rt_reenter';
export const TRAMPOLINE_SIZE = 8;
export const STP_X29_X30_PRE = 0xa9bf7bfd;
export const BL_WORD = 0x94000000;

/** (tracker, count, onReady) → N trampolines owned by the tracker. */
export type EmitTrampolinesFn = (
  rt: ResourceTracker,
  count: number,
  onReady: (r: Expected<ExecutorAddr[]>) => void,
) => void;

/** Builds a trampoline graph of `count` blocks (exported for tests). */
export function buildTrampolineGraph(name: string, count: number): LinkGraph {
  const g = new LinkGraph(name);
  const reenter = g.addExternalSymbol(REENTRY_SYMBOL, false);
  const sec = g.createSection('__orc_stubs', MEM_R | MEM_X);
  for (let i = 0; i < count; i++) {
    const code = new Uint8Array(TRAMPOLINE_SIZE);
    const dv = new DataView(code.buffer);
    dv.setUint32(0, STP_X29_X30_PRE, true);
    dv.setUint32(4, BL_WORD, true);
    const b = g.createContentBlock(sec, code, 4);
    b.addEdge(K.Branch26PCRel, 4, reenter, 0);
    g.addAnonymousSymbol(b, 0, TRAMPOLINE_SIZE, true, true);
    if (i === 0) g.addDefinedSymbol(b, 0, name, 0, 'strong', 'hidden', false, true);
  }
  return g;
}

export class JITLinkReentryTrampolines {
  private counter = 0;

  constructor(private readonly layer: ObjectLinkingLayer) {}

  /** Graphs emitted so far. */
  get graphsEmitted(): number {
    return this.counter;
  }

  readonly emit: EmitTrampolinesFn = (rt, count, onReady) => {
    if (count === 0) {
      onReady(ok([]));
      return;
    }
    const name = `__orc_reentry_graph_#${++this.counter}`;
    const g = buildTrampolineGraph(name, count);
    const addrs: ExecutorAddr[] = [];
    try {
      this.layer.addLinkGraph(rt, g, {
        sideEffectsOnly: [name],
        onAllocated: (gr) => {
          const sec = gr.section('__orc_stubs');
          for (const s of gr.defined) if (s.name === '' && s.block?.section === sec) addrs.push(s.addr);
        },
      });
    } catch (e) {
      onReady(fail(e instanceof Error ? e : new Error(String(e))));
      return;
    }
    const es = this.layer.session;
    es.lookup(
      'Static',
      [[rt.getJITDylib(), JITDylibLookupFlags.MatchAllSymbols]],
      [[name, SymbolLookupFlags.WeaklyReferencedSymbol]],
      SymbolState.Ready,
      (r) => {
        if (!r.ok) onReady(fail(r.error));
        else if (addrs.length !== count)
          onReady(fail(new Error(`${name}: expected ${count} trampolines, found ${addrs.length}`)));
        else onReady(ok(addrs));
      },
    );
  };
}

/** Flags of the trampoline graph's name symbol, for reference. */
export const TRAMPOLINE_GRAPH_SYMBOL_FLAGS = JITSymbolFlags.MaterializationSideEffectsOnly;
