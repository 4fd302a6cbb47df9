/**
 * Source lines for the page: the DWARF of every object the session links (our reader,
 * src/dwarf), relocated with the addresses the link gave the object's sections, and the C
 * sources the page has (the demo's, bundled; the user's, loaded with their objects), matched by
 * file name; and the AArch64 mapping symbols (`$x` code, `$d` data) of those objects, so data
 * inside a function (literal pools) is shown as data.
 */

import { DwarfInfo, type FunctionInfo, type SourceLocation } from '../../src/dwarf/index.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import type { LinkGraph } from '../../src/linker/graph.ts';

export interface LinkedDwarf {
  /** The object's name (its graph's). */
  name: string;
  info: DwarfInfo;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export class SourceMap {
  private readonly linked: LinkedDwarf[] = [];
  /**
   * Placed sections of the objects with mapping symbols: [begin, end) and the symbols at their
   * load addresses, by address (data: where data begins; else where code does).
   */
  private readonly mapped: { begin: number; end: number; marks: { address: number; data: boolean }[] }[] = [];
  /** Objects whose DWARF could not be read (name: reason); the page says so instead of failing. */
  readonly problems: string[] = [];

  constructor(
    /** C sources by file name (`greet.c`). */
    private readonly sources: ReadonlyMap<string, string>,
  ) {}

  /** Reads the DWARF of an object the session just linked; `graph` places its sections. */
  addLinked(name: string, bytes: Uint8Array, graph: LinkGraph): void {
    const placed = new Map<number, number>();
    for (const s of graph.sections) {
      if (s.elfIndex < 0) continue;
      // A section's address: any of its placed blocks, less that block's offset in the section.
      const b = s.blocks.find((x) => x.address !== 0);
      if (b) placed.set(s.elfIndex, b.address - b.sectionOffset);
    }
    try {
      const elf = readElf(bytes, name);
      const bySection = new Map<number, { address: number; data: boolean }[]>();
      for (const sym of elf.symbols) {
        const m = /^\$([xd])(?:\.|$)/.exec(sym.name);
        const base = placed.get(sym.shndx);
        if (!m || base === undefined) continue;
        const marks = bySection.get(sym.shndx) ?? [];
        marks.push({ address: base + sym.value, data: m[1] === 'd' });
        bySection.set(sym.shndx, marks);
      }
      for (const [index, marks] of bySection) {
        const begin = placed.get(index) as number;
        const size = elf.sections[index]?.size ?? 0;
        this.mapped.push({ begin, end: begin + size, marks: marks.sort((a, b) => a.address - b.address) });
      }
    } catch {
      // Not readable as an object: the link would have failed first; no mapping symbols then.
    }
    try {
      const info = DwarfInfo.fromElf(bytes, name, { sectionAddress: (s) => placed.get(s.index) });
      if (info.linePrograms.length > 0 || info.units.length > 0) this.linked.push({ name, info });
    } catch (e) {
      this.problems.push(`${name}: ${(e as Error).message}`);
    }
  }

  get objects(): readonly LinkedDwarf[] {
    return this.linked;
  }

  lineAt(address: number): SourceLocation | undefined {
    for (const d of this.linked) {
      const loc = d.info.addressToLine(address);
      if (loc && loc.line > 0) return loc;
    }
    return undefined;
  }

  functionAt(address: number): FunctionInfo | undefined {
    for (const d of this.linked) {
      const f = d.info.functionAt(address);
      if (f) return f;
    }
    return undefined;
  }

  /** True when the object's mapping symbols mark `address` as data (`$d`). */
  isData(address: number): boolean {
    const section = this.mapped.find((m) => address >= m.begin && address < m.end);
    if (!section) return false;
    let found: { address: number; data: boolean } | undefined;
    for (const mark of section.marks) {
      if (mark.address > address) break;
      found = mark;
    }
    return found?.data ?? false;
  }

  /** The text of a source file by its DWARF path (matched on the file name). */
  text(path: string): string | undefined {
    return this.sources.get(baseName(path));
  }
}
