/**
 * Legacy: the linking half of OrcSandbox (kept until the debugger and the web stepper use
 * OrcSession, src/orc/session, which does the same itself; then deleted with OrcSandbox).
 */
import type { ExecutionSession, JITDylib } from '../core/session.ts';
import { type ExecutorSymbolDef, JITSymbolFlags, SymbolLookupFlags, type SymbolMap } from '../core/types.ts';
import { absoluteSymbols } from '../core/units.ts';
import type { LazyObjectLinkingLayer } from '../layers/lazy-object-linking-layer.ts';
import type { ObjectLinkingLayer } from '../layers/object-linking-layer.ts';
import type { LazyReexportsManager } from '../lazy/lazy-reexports.ts';

export abstract class LinkingSession {
  abstract readonly es: ExecutionSession;
  abstract readonly main: JITDylib;
  abstract readonly layer: ObjectLinkingLayer;
  abstract readonly lazyLayer: LazyObjectLinkingLayer;
  abstract readonly lrm: LazyReexportsManager;

  /** Adds an object to `main` (lazily: callables link on first call). */
  addObject(bytes: Uint8Array, name: string, options: { lazy?: boolean; jd?: JITDylib } = {}): void {
    const jd = options.jd ?? this.main;
    if (options.lazy) this.lazyLayer.add(jd, bytes, name);
    else this.layer.add(jd, bytes, name);
  }

  /** Absolute symbols in `main` (`--abs name=addr`). */
  defineAbsolutes(defs: Map<string, number>): void {
    if (defs.size === 0) return;
    this.main.define(
      absoluteSymbols(
        new Map([...defs].map(([n, a]) => [n, { address: a, flags: JITSymbolFlags.Exported }])),
        '<--abs symbols>',
      ),
    );
  }

  /** Looks names up along the JITDylib's link order (Ready) and waits for every link to finish. */
  async lookup(names: string[], jd: JITDylib = this.main): Promise<SymbolMap> {
    try {
      return await this.es.lookupAsync(jd.getLinkOrder(), names);
    } finally {
      await this.layer.whenIdle();
      await this.lrm.whenReady();
    }
  }

  async lookupOne(name: string, jd: JITDylib = this.main): Promise<ExecutorSymbolDef> {
    return (await this.lookup([name], jd)).get(name) as ExecutorSymbolDef;
  }

  /** Links the entry (and objects with initializers); nothing runs. Answers the entry's address. */
  async link(entry = 'main'): Promise<number> {
    const initSymbols: string[] = [];
    for (const name of this.main.symbolNames()) {
      const s = this.main.getSymbol(name);
      if (s && s.flags & JITSymbolFlags.MaterializationSideEffectsOnly) initSymbols.push(name);
    }
    let found: SymbolMap;
    try {
      found = await this.es.lookupAsync(this.main.getLinkOrder(), [
        [entry, SymbolLookupFlags.RequiredSymbol],
        ...initSymbols.map((n) => [n, SymbolLookupFlags.WeaklyReferencedSymbol] as const),
      ]);
    } finally {
      await this.layer.whenIdle();
    }
    await this.lrm.whenReady();
    return found.get(entry)?.address as number;
  }

  /** `.preinit_array` then `.init_array` entries of `main`, in run order. */
  protected startupInitializers(): number[] {
    const inits = this.layer.getInitializers(this.main);
    return [
      ...inits.filter((i) => i.kind === 'preinit').flatMap((i) => i.pointers),
      ...inits.filter((i) => i.kind === 'init').flatMap((i) => i.pointers),
    ];
  }
}
