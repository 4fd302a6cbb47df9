/**
 * The debugger's view of executor addresses: every symbol of every graph linked by the session
 * (reported by the session's observer API when a graph is linked, so lazily linked bodies appear
 * before their first instruction runs), the reentry trampolines (anonymous in their graphs; named here `<trampoline NAME>` after
 * the lazy reexport they stand for), the host functions of the Process JITDylib (call gates) and
 * the Platform's JIT dispatch gate.
 */
import { type LinkGraph, MEM_X } from '../linker/graph.ts';

export type DebugSymbolKind = 'code' | 'data' | 'stub' | 'pointer' | 'trampoline' | 'host' | 'other';

export interface DebugSymbol {
  name: string;
  address: number;
  /** 0 when unknown (then an address belongs to the nearest symbol below it in the same block). */
  size: number;
  kind: DebugSymbolKind;
  /** The graph (object file or synthesised graph) it comes from; `<host>` for host functions. */
  graph: string;
  section: string;
  /** JITDylib name when known. */
  jd?: string | undefined;
  local: boolean;
}

export const trampolineName = (alias: string): string => `<trampoline ${alias}>`;

export class SymbolTable {
  private readonly list: DebugSymbol[] = [];
  private sorted: DebugSymbol[] | null = null;
  private readonly byName = new Map<string, DebugSymbol[]>();
  private readonly listeners: ((s: DebugSymbol) => void)[] = [];

  /** Called for every symbol added from now on. */
  onAdded(fn: (s: DebugSymbol) => void): void {
    this.listeners.push(fn);
  }

  add(s: DebugSymbol): void {
    const same = this.byName.get(s.name);
    if (same?.some((o) => o.address === s.address)) return;
    this.list.push(s);
    this.sorted = null;
    if (same) same.push(s);
    else this.byName.set(s.name, [s]);
    for (const l of this.listeners) l(s);
  }

  /** Symbols named `name` (non-local definitions first). */
  lookup(name: string): DebugSymbol[] {
    const l = this.byName.get(name) ?? [];
    return [...l].sort((a, b) => Number(a.local) - Number(b.local));
  }

  all(): readonly DebugSymbol[] {
    return this.list;
  }

  /** The symbol containing `address` (the innermost sized one, else the nearest below it in its section). */
  symbolAt(address: number): DebugSymbol | undefined {
    this.sorted ??= [...this.list].sort((a, b) => a.address - b.address || b.size - a.size);
    const s = this.sorted;
    let lo = 0;
    let hi = s.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((s[mid] as DebugSymbol).address <= address) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let best: DebugSymbol | undefined;
    for (let i = idx; i >= 0 && i > idx - 64; i--) {
      const c = s[i] as DebugSymbol;
      if (c.size > 0 && address < c.address + c.size) {
        // Prefer named non-local symbols starting at the same address as the best so far.
        if (!best || c.address > best.address || (c.address === best.address && best.local && !c.local)) best = c;
      }
    }
    if (best) return best;
    // Unsized symbols: the nearest one below, if within 4 KiB.
    for (let i = idx; i >= 0 && i > idx - 64; i--) {
      const c = s[i] as DebugSymbol;
      if (c.size === 0 && address - c.address < 0x1000) return c;
      if (c.size > 0) break;
    }
    return undefined;
  }

  /** `sym+16` (or `sym`) for an address inside a known symbol: decimal offsets, as gdb prints them. */
  symbolize(address: number): string | undefined {
    const s = this.symbolAt(address);
    if (!s) return undefined;
    const off = address - s.address;
    return off === 0 ? s.name : `${s.name}+${off}`;
  }

  /** Every symbol name (tab completion). */
  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  clear(): void {
    this.list.length = 0;
    this.sorted = null;
    this.byName.clear();
  }

  addGraph(g: LinkGraph, jd: string | undefined): void {
    const stubsGraph = g.name.startsWith('<indirect stubs graph');
    for (const sym of g.defined) {
      // Skip anonymous symbols and a graph's own marker (e.g. `__orc_reentry_graph_#1`).
      if (sym.name === '' || sym.name === g.name || !sym.block) continue;
      const sec = sym.block.section;
      const exec = (sec.prot & MEM_X) !== 0;
      let kind: DebugSymbolKind = exec ? 'code' : 'data';
      if (stubsGraph) kind = exec ? 'stub' : 'pointer';
      this.add({
        name: sym.name,
        address: sym.addr,
        size: sym.size > 0 ? sym.size : sym.callable ? 0 : sym.block.size - sym.offset,
        kind,
        graph: g.name,
        section: sec.name,
        jd,
        local: sym.scope === 'local',
      });
    }
  }
}
