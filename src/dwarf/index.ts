/**
 * Source-level debug information of one ELF file (linked executable or relocatable object):
 * address → file:line:column, file:line → addresses, function bounds. Built from our own
 * DWARF reader (line programs v2–5, compile units and subprograms); malformed input raises
 * DwarfFormatError naming the section and offset.
 */
import { Cursor } from './cursor.ts';
import { type DebugSections, type ReadOptions, readDebugSections } from './elf.ts';
import { type CompileUnit, readCompileUnits, type Subprogram } from './info.ts';
import { type LineProgram, type LineRow, readAllLinePrograms, readLineProgram } from './line.ts';

export { DwarfFormatError } from './errors.ts';
export type { CompileUnit, LineProgram, LineRow, Subprogram };

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface FunctionInfo {
  name: string;
  lowPc: number;
  /** Exclusive end. */
  highPc: number;
  file?: string;
  line?: number;
}

interface Sequence {
  start: number;
  /** Exclusive end (the end_sequence row's address). */
  end: number;
  rows: LineRow[];
  table: ResolvedTable;
}

interface ResolvedTable {
  program: LineProgram;
  /** Full path per file index. */
  paths: string[];
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Paths of a line table's files, as llvm-symbolizer shows them (comp_dir joined in). */
function resolvePaths(p: LineProgram, compDir: string | undefined): string[] {
  const dirOf = (index: number): string => {
    let dir: string | undefined;
    if (p.version >= 5) dir = p.directories[index];
    else dir = index === 0 ? compDir : p.directories[index - 1];
    if (dir === undefined) return '';
    if (p.version >= 5 && index === 0) return dir;
    if (!dir.startsWith('/') && compDir && compDir !== dir) return joinPath(compDir, dir);
    return dir;
  };
  const paths: string[] = [];
  if (p.version < 5) paths.push(''); // file 0 does not exist before DWARF 5
  for (const f of p.files) paths.push(joinPath(dirOf(f.dirIndex), f.name));
  return paths;
}

export class DwarfInfo {
  readonly units: CompileUnit[];
  readonly linePrograms: LineProgram[];
  private readonly sequences: Sequence[] = [];

  constructor(readonly sections: DebugSections) {
    const { debug, file } = sections;
    const cursor = (name: string): Cursor | undefined => {
      const b = debug.get(name);
      return b ? new Cursor(b, file, name) : undefined;
    };
    const info = cursor('.debug_info');
    const abbrev = cursor('.debug_abbrev');
    const str = cursor('.debug_str');
    const lineStr = cursor('.debug_line_str');
    this.units =
      info && abbrev
        ? readCompileUnits({
            info,
            abbrev,
            str,
            lineStr,
            strOffsets: cursor('.debug_str_offsets'),
            addr: cursor('.debug_addr'),
          })
        : [];
    const line = cursor('.debug_line');
    const strings = { str, lineStr };
    this.linePrograms = [];
    if (line) {
      // Programs named by units (they know comp_dir and the address size), then any others.
      const byOffset = new Map<number, { program: LineProgram; compDir?: string }>();
      for (const u of this.units) {
        if (u.stmtList === undefined || byOffset.has(u.stmtList)) continue;
        byOffset.set(u.stmtList, {
          program: readLineProgram(line, u.stmtList, strings, u.addressSize),
          compDir: u.compDir,
        });
      }
      if (this.units.length === 0)
        for (const p of readAllLinePrograms(line, strings)) byOffset.set(p.offset, { program: p });
      for (const [, { program, compDir }] of [...byOffset].sort((a, b) => a[0] - b[0])) {
        this.linePrograms.push(program);
        const table = { program, paths: resolvePaths(program, compDir) };
        let rows: LineRow[] = [];
        for (const r of program.rows) {
          rows.push(r);
          if (r.endSequence) {
            const start = rows[0]!.address;
            // Sequences of functions dropped by the linker start at address 0 in linked files.
            if (rows.length > 1 && r.address > start) this.sequences.push({ start, end: r.address, rows, table });
            rows = [];
          }
        }
      }
      this.sequences.sort((a, b) => a.start - b.start);
    }
  }

  static fromElf(bytes: Uint8Array, file: string, options: ReadOptions = {}): DwarfInfo {
    return new DwarfInfo(readDebugSections(bytes, file, options));
  }

  /** The row covering `address` (the last row at or before it in its sequence). */
  private rowAt(address: number): { row: LineRow; table: ResolvedTable } | undefined {
    const seqs = this.sequences;
    let lo = 0;
    let hi = seqs.length - 1;
    let found: Sequence | undefined;
    // Sequences may overlap in objects (every section starts at 0): take the last one that covers.
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (seqs[mid]!.start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = hi; i >= 0; i--) {
      const s = seqs[i]!;
      if (address >= s.start && address < s.end) {
        found = s;
        break;
      }
    }
    if (!found) return undefined;
    const rows = found.rows;
    let a = 0;
    let b = rows.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (rows[mid]!.address <= address) a = mid;
      else b = mid - 1;
    }
    // Several rows at one address: the last one describes the instruction.
    return { row: rows[a]!, table: found.table };
  }

  /**
   * The run of rows of one source line around `address`: [start, end) where the line's code
   * containing `address` begins and ends (what gdb's `info line` and source-level stepping use).
   * `start` is the first row of the run, `end` the address of the next row of another line (or the
   * end of the sequence); `rowStart`/`rowEnd` bound the single row at `address`.
   */
  lineRange(
    address: number,
  ): (SourceLocation & { start: number; end: number; rowStart: number; rowEnd: number }) | undefined {
    const seqs = this.sequences;
    for (let i = seqs.length - 1; i >= 0; i--) {
      const s = seqs[i]!;
      if (address < s.start || address >= s.end) continue;
      const rows = s.rows;
      let at = -1;
      for (let k = 0; k < rows.length; k++) {
        if (rows[k]!.address > address) break;
        at = k;
      }
      if (at < 0) return undefined;
      const row = rows[at]!;
      const same = (r: LineRow): boolean => r.line === row.line && r.file === row.file && !r.endSequence;
      let first = at;
      while (first > 0 && same(rows[first - 1]!)) first--;
      let next = at + 1;
      while (next < rows.length && same(rows[next]!)) next++;
      const end = next < rows.length ? rows[next]!.address : s.end;
      // The row itself (gdb's `info line` range: up to the next row at another address).
      let after = at + 1;
      while (after < rows.length && rows[after]!.address === row.address) after++;
      let rowStart = at;
      while (rowStart > 0 && rows[rowStart - 1]!.address === row.address) rowStart--;
      return {
        rowStart: rows[rowStart]!.address,
        rowEnd: after < rows.length ? rows[after]!.address : s.end,
        file: s.table.paths[row.file] ?? '',
        line: row.line,
        column: row.column,
        start: rows[first]!.address,
        end,
      };
    }
    return undefined;
  }

  addressToLine(address: number): SourceLocation | undefined {
    const hit = this.rowAt(address);
    if (!hit) return undefined;
    return { file: hit.table.paths[hit.row.file] ?? '', line: hit.row.line, column: hit.row.column };
  }

  /**
   * Addresses where `line` of the file (matched by full path or by a trailing path component
   * sequence, e.g. `greet.c` or `src/greet.c`) begins: the first is_stmt row of each run of rows
   * for that line, as debuggers place breakpoints.
   */
  lineToAddresses(file: string, line: number): number[] {
    const out = new Set<number>();
    const matches = (path: string): boolean => path === file || path.endsWith(`/${file}`);
    for (const s of this.sequences) {
      let previousLine = -1;
      let previousFile = -1;
      for (const r of s.rows) {
        if (!r.endSequence && r.isStmt && r.line === line && matches(s.table.paths[r.file] ?? '')) {
          if (!(previousLine === line && previousFile === r.file)) out.add(r.address);
        }
        previousLine = r.line;
        previousFile = r.file;
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  private functionList: FunctionInfo[] | undefined;

  /** Subprograms with code, by address. */
  functions(): FunctionInfo[] {
    if (this.functionList) return this.functionList;
    const out: FunctionInfo[] = [];
    for (const u of this.units) {
      const table = this.linePrograms.find((p) => p.offset === u.stmtList);
      const paths = table ? resolvePaths(table, u.compDir) : [];
      for (const sp of u.subprograms) {
        const f: FunctionInfo = { name: sp.name, lowPc: sp.lowPc, highPc: sp.highPc };
        if (sp.declFile !== undefined && paths[sp.declFile]) f.file = paths[sp.declFile];
        if (sp.declLine !== undefined) f.line = sp.declLine;
        out.push(f);
      }
    }
    this.functionList = out.sort((a, b) => a.lowPc - b.lowPc);
    return this.functionList;
  }

  functionAt(address: number): FunctionInfo | undefined {
    return this.functions().find((f) => address >= f.lowPc && address < f.highPc);
  }

  functionNamed(name: string): FunctionInfo | undefined {
    return this.functions().find((f) => f.name === name);
  }
}
