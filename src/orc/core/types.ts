/**
 * Basic ORC vocabulary: executor addresses, symbol flags, symbol states, lookup kinds and sets.
 *
 * ExecutorAddr choice: the whole ORC layer uses JS `number` for executor addresses. Every address
 * the sandbox hands out lies below 2^52 (the engine's own address type is a safe-integer number),
 * so numbers are exact, cheap, and need no conversion at the engine boundary. Values that come
 * from the wire (SPS u64) are converted with a range check (see dispatch/sps.ts).
 */

import {
  checkExecutorAddr,
  type ExecutorAddr,
  type ExecutorSymbolDef,
  JITSymbolFlags,
  MAX_EXECUTOR_ADDR,
  type SymbolFlags,
  type SymbolMap,
} from '../../protocol/symbols.ts';

export { checkExecutorAddr, JITSymbolFlags, MAX_EXECUTOR_ADDR };
export type { ExecutorAddr, ExecutorSymbolDef, SymbolFlags, SymbolMap };

export const isExported = (f: SymbolFlags): boolean => (f & JITSymbolFlags.Exported) !== 0;
export const isWeak = (f: SymbolFlags): boolean => (f & JITSymbolFlags.Weak) !== 0;
export const isCallable = (f: SymbolFlags): boolean => (f & JITSymbolFlags.Callable) !== 0;
export const isSideEffectsOnly = (f: SymbolFlags): boolean => (f & JITSymbolFlags.MaterializationSideEffectsOnly) !== 0;

export function flagsToString(f: SymbolFlags): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(JITSymbolFlags)) if (v !== 0 && (f & v) !== 0) parts.push(k);
  return parts.length === 0 ? 'None' : parts.join('|');
}

/** name → flags (materialization unit interfaces). */
export type SymbolFlagsMap = Map<string, SymbolFlags>;

/** Symbol states, ordered. `Ready` uses LLVM's value 0x3f. Errors are a flag, not a state. */
export const SymbolState = {
  Invalid: 0,
  NeverSearched: 1,
  Materializing: 2,
  Resolved: 3,
  Emitted: 4,
  Ready: 0x3f,
} as const;
export type SymbolState = (typeof SymbolState)[keyof typeof SymbolState];

export function stateName(s: SymbolState): string {
  for (const [k, v] of Object.entries(SymbolState)) if (v === s) return k;
  return `state(${s})`;
}

/** A hint to definition generators: Static (linking) or DLSym (dynamic lookup). */
export type LookupKind = 'Static' | 'DLSym';

export const JITDylibLookupFlags = {
  MatchExportedSymbolsOnly: 'MatchExportedSymbolsOnly',
  MatchAllSymbols: 'MatchAllSymbols',
} as const;
export type JITDylibLookupFlags = (typeof JITDylibLookupFlags)[keyof typeof JITDylibLookupFlags];

export const SymbolLookupFlags = {
  RequiredSymbol: 'RequiredSymbol',
  WeaklyReferencedSymbol: 'WeaklyReferencedSymbol',
} as const;
export type SymbolLookupFlags = (typeof SymbolLookupFlags)[keyof typeof SymbolLookupFlags];

/** An ordered set of (name, required/weak) pairs; names are unique. */
export class SymbolLookupSet implements Iterable<[string, SymbolLookupFlags]> {
  private readonly entries = new Map<string, SymbolLookupFlags>();

  constructor(names: Iterable<string> = [], flags: SymbolLookupFlags = SymbolLookupFlags.RequiredSymbol) {
    for (const n of names) this.add(n, flags);
  }

  static from(
    items: Iterable<string | readonly [string, SymbolLookupFlags]> | SymbolLookupSet,
    flags: SymbolLookupFlags = SymbolLookupFlags.RequiredSymbol,
  ): SymbolLookupSet {
    if (items instanceof SymbolLookupSet) return items;
    const s = new SymbolLookupSet();
    for (const it of items) {
      if (typeof it === 'string') s.add(it, flags);
      else s.add(it[0], it[1]);
    }
    return s;
  }

  add(name: string, flags: SymbolLookupFlags = SymbolLookupFlags.RequiredSymbol): this {
    if (!this.entries.has(name)) this.entries.set(name, flags);
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get size(): number {
    return this.entries.size;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  [Symbol.iterator](): Iterator<[string, SymbolLookupFlags]> {
    return this.entries.entries();
  }
}

/** A (JITDylib, match flags) search order. Generic over the JITDylib type to avoid import cycles. */
export type SearchOrderOf<JD> = Array<readonly [JD, JITDylibLookupFlags]>;

/** A result or an error (callback style, so that completions never throw into the session). */
export type Expected<T> = { ok: true; value: T } | { ok: false; error: Error };
export const ok = <T>(value: T): Expected<T> => ({ ok: true, value });
export const fail = <T>(error: Error): Expected<T> => ({ ok: false, error });

export function hexAddr(a: ExecutorAddr): string {
  return `0x${a.toString(16).padStart(16, '0')}`;
}
