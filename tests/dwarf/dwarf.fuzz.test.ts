/**
 * Mutation fuzz of the DWARF reader over the fixtures (objects and executables): a mutated file
 * reads, or fails with a DwarfFormatError naming the file, a section and an offset; never any
 * other exception, never a hang. Mutations aim at the debug sections and their relocations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDebugSections } from '../../src/dwarf/elf.ts';
import { DwarfFormatError, DwarfInfo } from '../../src/dwarf/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const files: { bytes: Uint8Array; targets: [number, number][] }[] = [];
for (const v of readdirSync(join(FIXTURES, 'obj')).sort()) {
  const paths = [
    join(FIXTURES, 'bin', `${v}.elf`),
    ...readdirSync(join(FIXTURES, 'obj', v))
      .sort()
      .map((f) => join(FIXTURES, 'obj', v, f)),
  ];
  for (const p of paths) {
    const bytes = new Uint8Array(readFileSync(p));
    const s = readDebugSections(bytes, p);
    // Where structure lives: the debug sections and their relocations.
    const targets = s.sections
      .filter((x) => x.name.startsWith('.debug_') || x.name.startsWith('.rela.debug_'))
      .map((x): [number, number] => [x.offset, x.size]);
    files.push({ bytes, targets });
  }
}

const mutation = fc.record({
  kind: fc.constantFrom('byte', 'byte', 'byte', 'word', 'zero-run', 'truncate'),
  target: fc.nat(),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 0xffffffff }),
});

type Mutation = { kind: string; target: number; at: number; value: number };

function mutate(f: (typeof files)[number], muts: Mutation[]): Uint8Array {
  let b = f.bytes.slice();
  for (const m of muts) {
    const [start, size] = f.targets[m.target % f.targets.length] ?? [0, b.length];
    const at = Math.min(start + (size > 0 ? m.at % size : 0), Math.max(0, b.length - 1));
    if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'word') {
      if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.value >>> 0, true);
    } else if (m.kind === 'zero-run') b.fill(0, at, Math.min(b.length, at + (m.value & 31)));
    else if (at < b.length) b[at] = m.value & 0xff;
  }
  return b;
}

describe('DWARF reader: mutation fuzz', () => {
  it('2,000 mutated files: a reading or a typed error naming file, section and offset', () => {
    let typed = 0;
    let read = 0;
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, muts) => {
        const bytes = mutate(files[i]!, muts);
        try {
          const d = DwarfInfo.fromElf(bytes, 'fuzz.o');
          // Every query works on whatever was read.
          for (const f of d.functions()) d.addressToLine(f.lowPc);
          d.lineToAddresses('greet.c', 11);
          d.addressToLine(0x210404);
          read++;
        } catch (e) {
          if (!(e instanceof DwarfFormatError)) throw e;
          expect(e.message).toMatch(/^fuzz\.o: [.\w]+\+0x[0-9a-f]+: /);
          typed++;
        }
      }),
      { numRuns: 2000, seed: 0xd3a4f },
    );
    expect(typed).toBeGreaterThan(200);
    expect(read).toBeGreaterThan(200);
  });

  it('specific malformations name the section and what is wrong', () => {
    const f = files.find((x) => x.targets.length > 4)!;
    const d = readDebugSections(f.bytes, 'x.o');
    const line = d.sections.find((s) => s.name === '.debug_line')!;
    const info = d.sections.find((s) => s.name === '.debug_info')!;
    const abbrev = d.sections.find((s) => s.name === '.debug_abbrev')!;
    const cases: [(b: Uint8Array) => void, RegExp][] = [
      [(b) => b.set([9, 0], line.offset + 4), /\.debug_line\+0x4: line table version 9/],
      [(b) => b.set([0xf5, 0xff, 0xff, 0xff], line.offset), /\.debug_line\+0x0: reserved unit_length/],
      [(b) => b.set([0xff, 0xff, 0, 0], line.offset), /\.debug_line\+0x4: line program: .* bytes needed/],
      [(b) => b.set([1, 0], info.offset + 4), /\.debug_info\+0x4: unit version 1/],
      [(b) => b.set([0x7f], abbrev.offset + 4), /\.debug_abbrev\+0x\w+: abbreviation 1: unknown form 0x7f/],
    ];
    for (const [change, re] of cases) {
      const b = f.bytes.slice();
      change(b);
      expect(() => DwarfInfo.fromElf(b, 'x.o')).toThrow(re);
    }
  });
});
