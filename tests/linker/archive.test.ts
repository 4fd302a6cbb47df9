/**
 * Static archives: the reader (GNU, BSD and index-less formats; typed errors naming archive and
 * member under mutation fuzz), members linked on demand by the link session and `orc-sandbox
 * link` (`.a`, `-L`, `-l`), against llvm-nm's archive map and llvm-jitlink-22's choice of members.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/emu/factory.ts';
import { readArchive } from '../../src/linker/archive.ts';
import { buildGraphFromObject } from '../../src/linker/build.ts';
import { checkFile } from '../../src/linker/check/checker.ts';
import { checkEnvironment } from '../../src/linker/check/environment.ts';
import { ArchiveFormatError, ElfFormatError, LinkError } from '../../src/linker/errors.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { linkObjects } from '../../src/linker/session.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { OBJ_DIR } from './support.ts';

const ARCHIVE_DIR = join(import.meta.dirname, 'archive');
const bin = join(import.meta.dirname, '../../bin/orc-sandbox.js');
const read = (f: string) => new Uint8Array(readFileSync(join(OBJ_DIR, f)));
const FORMATS = ['libdemo.a', 'libdemo-bsd.a', 'libdemo-noindex.a'] as const;
const MEMBERS = ['a_member_with_a_long_name.o', 'b.o', 'unused.o'];

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, 'link', ...args], { cwd: OBJ_DIR, encoding: 'utf8' });
}

describe('archive reader', () => {
  it('reads GNU (with // long names), BSD (#1/N names, __.SYMDEF) and index-less archives alike', () => {
    const kinds: string[] = [];
    for (const f of FORMATS) {
      const a = readArchive(read(f), f);
      kinds.push(a.index);
      expect(a.members.map((m) => m.name)).toEqual(MEMBERS);
      expect(Object.fromEntries(a.symbols)).toEqual({ fa: 0, fb: 1, b_data: 1, unused_fn: 2 });
      // Each member is the object llvm-ar stored: an ELF file the ELF reader accepts.
      for (const m of a.members) expect(buildGraphFromObject(m.bytes, m.name).graph.name).toBe(m.name);
    }
    expect(kinds).toEqual(['gnu', 'bsd', 'members']);
  });

  it('malformations are ArchiveFormatErrors naming the archive, the member and the field', () => {
    const gnu = read('libdemo.a');
    const text = new TextDecoder('latin1').decode(gnu);
    const at = (s: string) => text.indexOf(s);
    const patch = (offset: number, s: string) => {
      const b = gnu.slice();
      for (let i = 0; i < s.length; i++) b[offset + i] = s.charCodeAt(i);
      return b;
    };
    const firstHeader = 8;
    const cases: [Uint8Array, RegExp][] = [
      [gnu.slice(0, 4), /^x\.a: malformed archive: magic: file too small/],
      [patch(0, '!<thin>\n'), /^x\.a: malformed archive: magic: thin archives/],
      [patch(0, '!<arcx>\n'), /^x\.a: malformed archive: magic: not an ar archive/],
      [gnu.slice(0, firstHeader + 30), /^x\.a: malformed archive: member header #0 at 0x8: truncated/],
      [patch(firstHeader + 58, 'xx'), /member header #0 at 0x8\.ar_fmag/],
      [
        patch(firstHeader + 48, '9999999   '),
        /^x\.a\(\/\): malformed archive: member header #0 at 0x8\.ar_size: 9999999 bytes run past/,
      ],
      [patch(firstHeader + 48, '12a       '), /ar_size: '12a' is not a decimal number/],
      [
        patch(at('/0 '), '/999'),
        /^x\.a\(\/999\): malformed archive: member at 0x[0-9a-f]+\.ar_name: long-name offset 999 outside/,
      ],
      // The index's first member offset (big-endian u32 after the count) no longer names a header.
      [
        patch(firstHeader + 60 + 4, '\u0000\u0000\u0000\u0001'),
        /^x\.a\(\/\): malformed archive: symbol index entry #0 \('fa'\): offset 0x1 is not the header/,
      ],
    ];
    for (const [bytes, re] of cases) {
      let err: unknown;
      try {
        readArchive(bytes, 'x.a');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ArchiveFormatError);
      expect((err as Error).message).toMatch(re);
    }
  });

  it('a broken member object is an ElfFormatError naming archive[index](member)', async () => {
    const b = read('libdemo.a');
    const a = readArchive(b, 'libdemo.a');
    const m = a.members[1]!;
    const corrupt = b.slice();
    corrupt[m.bytes.byteOffset + 18] = 62; // e_machine = x86-64
    const engine = await createEngine('ts');
    try {
      const err = await linkObjects(
        [
          { name: 'archive_main.o', bytes: read('archive_main.o') },
          { name: 'libdemo.a', bytes: corrupt },
        ],
        { memoryManager: new EngineMemoryManager(engine) },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ElfFormatError);
      expect((err as Error).message).toBe(
        'libdemo.a[1](b.o): malformed ELF: e_machine: machine 62 is not EM_AARCH64 (183)',
      );
    } finally {
      engine.close();
    }
  });

  it('mutation fuzz: 3,000 mutated archives give a result or a typed error naming the archive', () => {
    const sources = FORMATS.map(read);
    let typed = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            value: fc.integer({ min: 0, max: 255 }),
            truncate: fc.boolean(),
            // Headers and the index are where the structure lives: aim at the first 200 bytes often.
            near: fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (i, muts) => {
          let b = sources[i]!.slice();
          for (const m of muts) {
            if (b.length === 0) break;
            const at = m.near ? m.at % Math.min(200, b.length) : m.at % b.length;
            if (m.truncate && !m.near) b = b.slice(0, at);
            else b[at] = m.value;
          }
          try {
            const a = readArchive(b, 'fuzz.a');
            for (const m of a.members) buildGraphFromObject(m.bytes, `fuzz.a(${m.name})`);
          } catch (e) {
            if (!(e instanceof ArchiveFormatError || e instanceof ElfFormatError || e instanceof LinkError)) throw e;
            expect(e.message).toContain('fuzz.a');
            typed++;
          }
        },
      ),
      { numRuns: 3000, seed: 0xa4c417e },
    );
    expect(typed).toBeGreaterThan(300);
  });
});

describe('archive members are linked on demand', () => {
  for (const f of FORMATS) {
    it(`${f}: fa and fb's members are linked, unused.o (undefined 'nowhere') is not`, async () => {
      const engine = await createEngine('ts');
      try {
        const session = await linkObjects(
          [
            { name: 'archive_main.o', bytes: read('archive_main.o') },
            { name: f, bytes: read(f) },
          ],
          { memoryManager: new EngineMemoryManager(engine) },
        );
        expect(session.results.map((r) => r.graph.name)).toEqual([
          'archive_main.o',
          `${f}[0](a_member_with_a_long_name.o)`,
          `${f}[1](b.o)`,
        ]);
        const env = checkEnvironment(session.results, engine, new Map());
        const outcomes = checkFile(readFileSync(join(ARCHIVE_DIR, 'main.s'), 'utf8'), 'main.s', env);
        expect(outcomes.length).toBe(2);
        expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      } finally {
        engine.close();
      }
    });
  }

  it('an object given before or after the archive, and -abs names, are not taken from it', async () => {
    const engine = await createEngine('ts');
    try {
      const session = await linkObjects(
        [
          { name: 'libdemo.a', bytes: read('libdemo.a') },
          { name: 'archive_main.o', bytes: read('archive_main.o') },
        ],
        { memoryManager: new EngineMemoryManager(engine), absolutes: new Map([['fb', 0x1234]]) },
      );
      expect(session.results.map((r) => r.graph.name)).toEqual([
        'archive_main.o',
        'libdemo.a[0](a_member_with_a_long_name.o)',
      ]);
      expect(session.symbols.get('fb')?.address).toBe(0x1234);
    } finally {
      engine.close();
    }
  });
});

describe('orc-sandbox link with archives', () => {
  const rules = join(ARCHIVE_DIR, 'main.s');
  it('accepts lib.a, -L DIR -lNAME and -LDIR -l NAME, and -show-linked-files names the members', () => {
    const expected =
      'Linking archive_main.o\nLinking libdemo.a[0](a_member_with_a_long_name.o)\nLinking libdemo.a[1](b.o)\n';
    for (const libArgs of [['libdemo.a'], ['-L', '.', '-ldemo'], ['-L.', '-l', 'demo']]) {
      const r = cli(['-noexec', '-show-linked-files', `-check=${rules}`, 'archive_main.o', ...libArgs]);
      expect(r.stderr).toBe('');
      expect(r.stdout.replaceAll('./libdemo.a', 'libdemo.a')).toBe(expected);
      expect(r.status).toBe(0);
    }
  });

  it('a library missing from the search path is named with the path', () => {
    const r = cli(['-noexec', 'archive_main.o', '-L', '/nonexistent', '-lnosuch']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("library 'libnosuch.a' not found in the -L search path (/nonexistent)");
  });

  it('-phony-externals resolves what no input defines to 0; -entry must exist; --args is accepted', () => {
    const missing = cli(['-noexec', 'archive_main.o']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('In archive_main.o, symbols not found: [ fa ]');
    const phony = cli(['-noexec', '-phony-externals', '-show-addrs', 'archive_main.o', '--args', 'x', '-y']);
    expect(phony.stderr).toBe('');
    expect(phony.status).toBe(0);
    expect(phony.stdout).toContain(
      'Registered addresses:\nSymbols:\n  "main" target addr = 0x00007fff00000000, content: 0x7fff00000000 -- 0x7fff00000008 (8 bytes)\n',
    );
    expect(phony.stdout).toContain('File "archive_main.o":\n  Section ".text": target addr = 0x00007fff00000000');
    expect(phony.stdout).toMatch(
      / {2}GOT "fa": target addr = 0x00007fff0000[0-9a-f]{4}, content: 0x7fff0000[0-9a-f]{4} -- 0x7fff0000[0-9a-f]{4} \(8 bytes\)/,
    );
    const entry = cli(['-noexec', '-entry', 'nosuch', 'archive_main.o', 'libdemo.a']);
    expect(entry.status).toBe(1);
    expect(entry.stderr).toContain('Symbols not found: [ nosuch ]');
  });

  it('-slab-allocate limits the slab (Kb by default); -show-graphs dumps the matching graphs', () => {
    const small = cli(['-noexec', '-slab-allocate', '4', 'archive_main.o', 'libdemo.a']);
    expect(small.status).toBe(1);
    expect(small.stderr).toMatch(/allocation failed: slab exhausted/);
    const ok = cli(['-noexec', '-slab-allocate=1Mb', '-show-graphs=b\\.o', 'archive_main.o', 'libdemo.a']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Link graph "libdemo.a[1](b.o)" post-fixup:\nLinkGraph "libdemo.a[1](b.o)"');
    expect(ok.stdout).not.toContain('LinkGraph "archive_main.o"');
    expect(ok.stdout).toMatch(
      /section \.data:\n\n {2}block 0x[0-9a-f]+ size = 0x00000008, align = 8, alignment-offset = 0\n {4}symbols:\n {6}0x[0-9a-f]+ \(block \+ 0x00000000\): size: 0x00000008, linkage: strong, scope: default, live {2}- {3}b_data\n {4}edges:\n {6}0x[0-9a-f]+ \(block \+ 0x00000000\), addend = \+0x00000000, kind = Pointer64 \(R_AARCH64_ABS64\), target = fb\n/,
    );
  });
});

describeWithOracles(['llvm-jitlink-22'], 'archives vs llvm-nm and llvm-jitlink-22', () => {
  it('our symbol index is llvm-nm --print-armap', () => {
    for (const f of ['libdemo.a', 'libdemo-bsd.a']) {
      const map = execFileSync('llvm-nm-22', ['--print-armap', join(OBJ_DIR, f)], { encoding: 'utf8' });
      const theirs = [...map.matchAll(/^(\S+) in (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
      const a = readArchive(read(f), f);
      const ours = [...a.symbols].map(([n, i]) => `${n} ${a.members[i]!.name}`);
      expect(ours).toEqual(theirs);
    }
    const libm = '/usr/aarch64-linux-gnu/lib/libm.a';
    if (existsSync(libm)) {
      const map = execFileSync('llvm-nm-22', ['--print-armap', libm], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const theirs = new Map<string, string>();
      for (const m of map.matchAll(/^(\S+) in (\S+)$/gm)) if (!theirs.has(m[1]!)) theirs.set(m[1]!, m[2]!);
      const a = readArchive(new Uint8Array(readFileSync(libm)), libm);
      expect(a.symbols.size).toBe(theirs.size);
      for (const [n, i] of a.symbols) expect(`${n} ${a.members[i]!.name}`).toBe(`${n} ${theirs.get(n)}`);
    }
  });

  it('llvm-jitlink-22 links the same members and the same rules hold', () => {
    for (const f of ['libdemo.a', 'libdemo-bsd.a']) {
      const args = ['-noexec', '-show-linked-files', `-check=${join(ARCHIVE_DIR, 'main.s')}`, 'archive_main.o', f];
      const llvm = spawnSync('llvm-jitlink-22', args, { cwd: OBJ_DIR, encoding: 'utf8' });
      expect(llvm.stderr).toBe('');
      expect(llvm.status).toBe(0);
      const ours = cli(args);
      expect(ours.stderr).toBe('');
      expect(ours.stdout).toBe(llvm.stdout);
    }
  });
});
