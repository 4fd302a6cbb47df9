/**
 * Our DWARF reader against the oracles, on objects and static executables built by clang-16 and
 * gcc-12 with DWARF 4 and 5 at -O0 and -O2 (tests/dwarf/fixtures/build.sh):
 *  - llvm-dwarfdump-16 --debug-line: every line program's directories, files and rows, exactly;
 *  - llvm-symbolizer-16: file:line:column of every instruction address of the executables;
 *  - the ELF symbol table: the bounds of every function;
 *  - gdb-multiarch `info line FILE:N`: where each source line's code starts;
 *  - relocatable objects placed at the addresses the link gave them read as the executable does.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DwarfInfo, type LineProgram } from '../../src/dwarf/index.ts';
import { describeWithOracles } from '../support/oracles.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const VARIANTS = ['clang5', 'clang4', 'clang5-O2', 'gcc5', 'gcc4', 'gcc5-O2'];
const elfPath = (v: string): string => join(FIXTURES, 'bin', `${v}.elf`);
const objPaths = (v: string): string[] =>
  readdirSync(join(FIXTURES, 'obj', v))
    .filter((f) => f.endsWith('.o'))
    .sort()
    .map((f) => join(FIXTURES, 'obj', v, f));
const load = (path: string): DwarfInfo => DwarfInfo.fromElf(new Uint8Array(readFileSync(path)), path);

interface DumpProgram {
  offset: number;
  version: number;
  dirs: string[];
  files: string[];
  rows: string[];
}

/** The parts of `llvm-dwarfdump --debug-line` we compare, per file (one run for all files). */
function dwarfdumpLines(paths: string[]): Map<string, DumpProgram[]> {
  const text = execFileSync('llvm-dwarfdump-16', ['--debug-line', ...paths], { encoding: 'utf8' });
  const byFile = new Map<string, DumpProgram[]>();
  let out: DumpProgram[] = [];
  let cur: DumpProgram | undefined;
  let file: { index: number; name: string; dir: number } | undefined;
  const flushFile = (): void => {
    if (cur && file) cur.files.push(`${file.index}:${file.name}@${file.dir}`);
    file = undefined;
  };
  for (const line of text.split('\n')) {
    const format = /^(\S+):\s+file format /.exec(line);
    if (format) {
      flushFile();
      out = [];
      cur = undefined;
      byFile.set(format[1]!, out);
      continue;
    }
    const header = /^debug_line\[0x([0-9a-f]+)\]/.exec(line);
    if (header) {
      flushFile();
      cur = { offset: Number.parseInt(header[1]!, 16), version: 0, dirs: [], files: [], rows: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const version = /^\s+version: (\d+)/.exec(line);
    const dir = /^include_directories\[\s*(\d+)\] = "(.*)"$/.exec(line);
    const fileStart = /^file_names\[\s*(\d+)\]:/.exec(line);
    const name = /^\s+name: "(.*)"$/.exec(line);
    const dirIndex = /^\s+dir_index: (\d+)/.exec(line);
    const row = /^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/.exec(line);
    if (version) cur.version = Number(version[1]);
    else if (dir) cur.dirs.push(`${dir[1]}:${dir[2]}`);
    else if (fileStart) {
      flushFile();
      file = { index: Number(fileStart[1]), name: '', dir: 0 };
    } else if (file && name) file.name = name[1]!;
    else if (file && dirIndex) file.dir = Number(dirIndex[1]);
    else if (row) {
      flushFile();
      const flags = row[7]!.trim().split(/\s+/).filter(Boolean).join(' ');
      cur.rows.push(`${BigInt(`0x${row[1]}`).toString(16)} ${row[2]} ${row[3]} ${row[4]} ${row[5]} ${row[6]} ${flags}`);
    }
  }
  flushFile();
  return byFile;
}

function ours(p: LineProgram): DumpProgram {
  const base = p.version >= 5 ? 0 : 1;
  return {
    offset: p.offset,
    version: p.version,
    dirs: p.directories.map((d, i) => `${i + base}:${d}`),
    files: p.files.map((f, i) => `${i + base}:${f.name}@${f.dirIndex}`),
    rows: p.rows.map((r) => {
      const flags = [
        r.isStmt && 'is_stmt',
        r.basicBlock && 'basic_block',
        r.endSequence && 'end_sequence',
        r.prologueEnd && 'prologue_end',
        r.epilogueBegin && 'epilogue_begin',
      ]
        .filter(Boolean)
        .join(' ');
      return `${r.address.toString(16)} ${r.line} ${r.column} ${r.file} ${r.isa} ${r.discriminator} ${flags}`;
    }),
  };
}

/** FUNC symbols with a size, from llvm-readelf (the symbol table oracle). */
function functionSymbols(path: string): Map<string, [number, number]> {
  const text = execFileSync('llvm-readelf-16', ['--symbols', '--wide', path], { encoding: 'utf8' });
  const out = new Map<string, [number, number]>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[3] === 'FUNC' && f[7]) out.set(f[7], [Number.parseInt(f[1]!, 16), Number(f[2])]);
  }
  return out;
}

describeWithOracles(['llvm-objdump'], 'DWARF reader against llvm-dwarfdump-16 --debug-line', () => {
  for (const v of VARIANTS) {
    it(`${v}: the executable and its objects, every program, file and row`, () => {
      const paths = [elfPath(v), ...objPaths(v)];
      const dumps = dwarfdumpLines(paths);
      expect(dumps.size).toBe(paths.length);
      for (const path of paths) {
        const expected = dumps.get(path)!;
        const got = load(path).linePrograms.map(ours);
        expect(got.length, path).toBe(expected.length);
        expect(got, path).toEqual(expected);
        expect(expected.reduce((n, p) => n + p.rows.length, 0)).toBeGreaterThan(5);
      }
    });
  }
});

describeWithOracles(['llvm-objdump'], 'DWARF reader against llvm-symbolizer-16 and the symbol table', () => {
  for (const v of VARIANTS) {
    it(`${v}: file:line:column of every instruction, function bounds`, () => {
      const path = elfPath(v);
      const d = load(path);
      const symbols = functionSymbols(path);
      const fns = d.functions();
      expect(fns.length).toBeGreaterThanOrEqual(6);
      for (const f of fns) {
        const sym = symbols.get(f.name);
        expect(sym, `${v}: symbol ${f.name}`).toBeDefined();
        expect([f.lowPc, f.highPc - f.lowPc], `${v}: ${f.name}`).toEqual(sym);
      }
      expect(d.functionNamed('greet')?.file).toBe('./src/greet.c');
      expect(d.functionNamed('main')?.line).toBe(8);
      const lo = Math.min(...fns.map((f) => f.lowPc));
      const hi = Math.max(...fns.map((f) => f.highPc));
      const addresses: number[] = [];
      for (let a = lo; a < hi; a += 4) addresses.push(a);
      const text = execFileSync('llvm-symbolizer-16', ['--obj', path, '--no-inlines', '--output-style=GNU'], {
        input: addresses.map((a) => `0x${a.toString(16)}`).join('\n'),
        encoding: 'utf8',
      });
      const lines = text.trim().split('\n');
      expect(lines.length).toBe(addresses.length * 2);
      let mismatches = 0;
      addresses.forEach((a, i) => {
        const want = lines[2 * i + 1]!;
        const loc = d.addressToLine(a);
        const got = loc ? `${loc.file}:${loc.line}` : '??:0';
        if (got !== want.replace(/ \(discriminator \d+\)$/, '')) {
          mismatches++;
          if (mismatches < 5) expect(`0x${a.toString(16)} ${got}`).toBe(`0x${a.toString(16)} ${want}`);
        }
        // At -O2 the symbolizer names the inlined callee; ours is the containing subprogram.
        const fn = lines[2 * i]!;
        const f = d.functionAt(a);
        if (f && fn !== '??' && !v.endsWith('-O2'))
          expect(`0x${a.toString(16)} ${f.name}`).toBe(`0x${a.toString(16)} ${fn}`);
      });
      expect(mismatches).toBe(0);
      // Columns: symbolizer's LLVM style prints them.
      const llvmStyle = execFileSync('llvm-symbolizer-16', ['--obj', path, '--no-inlines'], {
        input: addresses.map((a) => `0x${a.toString(16)}`).join('\n'),
        encoding: 'utf8',
      })
        .trim()
        .split('\n\n');
      addresses.forEach((a, i) => {
        const want = llvmStyle[i].split('\n')[1]!;
        const loc = d.addressToLine(a);
        expect(`0x${a.toString(16)} ${loc ? `${loc.file}:${loc.line}:${loc.column}` : '??:0:0'}`).toBe(
          `0x${a.toString(16)} ${want}`,
        );
      });
    });
  }
});

describeWithOracles(['gdb-multiarch'], 'DWARF reader against gdb-multiarch info line', () => {
  for (const v of ['clang5', 'gcc4', 'clang5-O2', 'gcc5-O2']) {
    it(`${v}: the start address of every line with code is one of ours`, () => {
      const path = elfPath(v);
      const d = load(path);
      const queries: [string, number][] = [];
      for (const file of ['greet.c', 'main.c', 'sys.c']) for (let n = 1; n <= 32; n++) queries.push([file, n]);
      const args = ['-nx', '-batch'];
      for (const [f, n] of queries) args.push('-ex', `info line ${f}:${n}`);
      args.push(path);
      const text = execFileSync('gdb-multiarch', args, { encoding: 'utf8', cwd: FIXTURES });
      let checked = 0;
      for (const m of text.matchAll(/^Line (\d+) of "(.*?)" starts at address 0x([0-9a-f]+)/gm)) {
        const file = m[2].split('/').pop()!;
        const addrs = d.lineToAddresses(file, Number(m[1]));
        expect(addrs, `${v} ${file}:${m[1]}`).toContain(Number.parseInt(m[3]!, 16));
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    });
  }
});

describe('DWARF reader on relocatable objects placed by a link', () => {
  for (const v of VARIANTS) {
    it(`${v}: each object with its .text at the linked address reads as the executable`, () => {
      const exe = load(elfPath(v));
      for (const path of objPaths(v)) {
        const bytes = new Uint8Array(readFileSync(path));
        const plain = DwarfInfo.fromElf(bytes, path);
        // Section load addresses from the link: where the executable put each object's functions.
        const exeFns = new Map(exe.sections.functions.map((f) => [f.name, f.address]));
        const bases = new Map<number, number>();
        for (const f of plain.sections.functions) {
          const linked = exeFns.get(f.name);
          if (linked !== undefined) bases.set(f.section, linked - f.address);
        }
        expect(bases.size, path).toBeGreaterThan(0);
        const placed = DwarfInfo.fromElf(bytes, path, { sectionAddress: (s) => bases.get(s.index) });
        let compared = 0;
        for (const f of placed.functions()) expect(exe.functionNamed(f.name)?.lowPc, `${path} ${f.name}`).toBe(f.lowPc);
        for (const f of placed.sections.functions) {
          expect(exeFns.get(f.name), `${path} ${f.name}`).toBe(f.address);
          for (let a = f.address; a < f.address + f.size; a += 4) {
            expect(placed.addressToLine(a), `${path} 0x${a.toString(16)}`).toEqual(exe.addressToLine(a));
            compared++;
          }
        }
        expect(compared, path).toBeGreaterThan(0);
      }
    });
  }

  it('concrete facts: clang5 greet.c lines, functions and v5 MD5s', () => {
    const d = load(elfPath('clang5'));
    expect(d.lineToAddresses('greet.c', 11)).toEqual([0x210408]);
    expect(d.lineToAddresses('src/greet.c', 11)).toEqual([0x210408]);
    expect(d.lineToAddresses('other.c', 11)).toEqual([]);
    expect(d.addressToLine(0x210418)).toEqual({ file: './src/greet.c', line: 12, column: 3 });
    expect(d.functionAt(0x210418)?.name).toBe('greet');
    const greet = d.linePrograms.find((p) => p.files[0]?.name === 'greet.c')!;
    expect(greet.files[0]!.md5?.length).toBe(16);
    expect(d.units.map((u) => u.name)).toEqual(['start.S', 'sys.c', 'greet.c', 'main.c']);
    expect(d.addressToLine(0)).toBeUndefined();
  });
});
