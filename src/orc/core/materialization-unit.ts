/**
 * MaterializationUnit: a lazily materialized set of definitions. Defining one in a JITDylib costs
 * nothing; the first lookup of any of its symbols takes the whole unit and runs `materialize`
 * (as a task of the session's dispatcher) with a MaterializationResponsibility for the symbols.
 */
import type { JITDylib, MaterializationResponsibility } from './session.ts';
import type { SymbolFlags, SymbolFlagsMap } from './types.ts';

export abstract class MaterializationUnit {
  /** The interface: name → flags. Shrinks when weak definitions are overridden (`doDiscard`). */
  readonly symbols: SymbolFlagsMap;
  initSymbol: string | undefined;

  constructor(symbols: SymbolFlagsMap | Record<string, SymbolFlags>, initSymbol?: string) {
    this.symbols = symbols instanceof Map ? new Map(symbols) : new Map(Object.entries(symbols));
    this.initSymbol = initSymbol;
  }

  /** Who defines these symbols, for error messages (an object unit answers its file name). */
  abstract getName(): string;

  /** Must end, now or later, in notifyResolved + notifyEmitted for every symbol, or failMaterialization. */
  abstract materialize(mr: MaterializationResponsibility): void;

  /** Hook: the weak definition `name` was overridden by a strong one and will never be requested. */
  protected discard(_jd: JITDylib, _name: string): void {}

  /** Called by the JITDylib: removes `name` from the interface, then calls `discard`. */
  doDiscard(jd: JITDylib, name: string): void {
    this.symbols.delete(name);
    if (this.initSymbol === name) this.initSymbol = undefined;
    this.discard(jd, name);
  }
}

/** A unit built from closures (tests, small adapters). */
export class SimpleMaterializationUnit extends MaterializationUnit {
  readonly discarded: string[] = [];
  constructor(
    private readonly name: string,
    symbols: SymbolFlagsMap | Record<string, SymbolFlags>,
    private readonly onMaterialize: (mr: MaterializationResponsibility) => void,
    private readonly onDiscard?: (jd: JITDylib, name: string) => void,
    initSymbol?: string,
  ) {
    super(symbols, initSymbol);
  }
  getName(): string {
    return this.name;
  }
  materialize(mr: MaterializationResponsibility): void {
    this.onMaterialize(mr);
  }
  protected override discard(jd: JITDylib, name: string): void {
    this.discarded.push(name);
    this.onDiscard?.(jd, name);
  }
}
