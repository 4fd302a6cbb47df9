/**
 * Source lines for the debug control layer: the DWARF of every object the session links, read by
 * our reader (src/dwarf) with the sections at the addresses the link gave them — the same debug
 * objects gdb gets through the GDB JIT interface. Objects without DWARF (or with DWARF we cannot
 * read) simply have no lines.
 */
import { DwarfInfo, type FunctionInfo, type SourceLocation } from '../dwarf/index.ts';
import type { LinkGraph } from '../linker/graph.ts';
import { graphSectionAddresses } from '../orc/platform/gdb-jit-registration.ts';

export interface LineInfo extends SourceLocation {
  /** Where this line's code containing the address begins and ends ([start, end)). */
  start: number;
  end: number;
  /** The line-table row at the address ([rowStart, rowEnd)). */
  rowStart: number;
  rowEnd: number;
  /** The function (DW_TAG_subprogram) around the address, when known. */
  function: FunctionInfo | undefined;
}

export class SourceIndex {
  private readonly infos: { name: string; dwarf: DwarfInfo }[] = [];

  /** Reads a linked object's DWARF (no-op without .debug_line). */
  add(name: string, objectBytes: Uint8Array, graph: LinkGraph): void {
    const addresses = graphSectionAddresses(graph);
    try {
      const dwarf = DwarfInfo.fromElf(objectBytes, name, { sectionAddress: (s) => addresses.get(s.index) });
      if (dwarf.linePrograms.length > 0 || dwarf.units.length > 0) this.infos.push({ name, dwarf });
    } catch {
      // Malformed or unsupported DWARF: the object runs without source lines.
    }
  }

  clear(): void {
    this.infos.length = 0;
  }

  get empty(): boolean {
    return this.infos.length === 0;
  }

  /** The source line of the instruction at `address`. */
  line(address: number): LineInfo | undefined {
    for (const { dwarf } of this.infos) {
      const fn = dwarf.functionAt(address);
      const r = dwarf.lineRange(address);
      if (r && r.line > 0) return { ...r, function: fn };
    }
    return undefined;
  }

  /** Where `line` of `file` (a path or its trailing components) begins, in every object. */
  lineAddresses(file: string, line: number): number[] {
    return this.infos.flatMap((i) => i.dwarf.lineToAddresses(file, line)).sort((a, b) => a - b);
  }

  functionNamed(name: string): FunctionInfo | undefined {
    for (const { dwarf } of this.infos) {
      const f = dwarf.functionNamed(name);
      if (f) return f;
    }
    return undefined;
  }

  /** The path of a source file that has functions, matched by trailing components (`tally.c`). */
  fileNamed(file: string): string | undefined {
    for (const { dwarf } of this.infos)
      for (const f of dwarf.functions())
        if (f.file !== undefined && (f.file === file || f.file.endsWith(`/${file}`))) return f.file;
    return undefined;
  }
}
