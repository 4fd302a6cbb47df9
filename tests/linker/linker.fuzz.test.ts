/** Mutation fuzz of the ELF reader/graph builder over real objects: typed errors only, no hangs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraphFromObject } from '../../src/linker/build.ts';
import { ElfFormatError, LinkError } from '../../src/linker/errors.ts';
import { OBJ_DIR } from './support.ts';

const objects = readdirSync(OBJ_DIR)
  .filter((f) => f.endsWith('.o'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(OBJ_DIR, f))));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
  // Header and section-table fields are where structure lives: aim there often.
  fc.record({
    kind: fc.constant('header' as const),
    at: fc.integer({ min: 0, max: 63 }),
    value: fc.integer({ min: 0, max: 255 }),
  }),
);

function mutate(src: Uint8Array, muts: { kind: string; at: number; value: number }[]): Uint8Array {
  let b = src.slice();
  for (const m of muts) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'word') {
      const o = at & ~3;
      if (o + 4 <= b.length) new DataView(b.buffer).setUint32(o, m.value >>> 0, true);
    } else if (m.kind === 'header') {
      if (m.at < b.length) b[m.at] = m.value;
    } else b[at] = m.value;
  }
  return b;
}

describe('linker: ELF mutation fuzz', () => {
  it('10,000 mutated objects: success or a typed error naming the file', () => {
    let typed = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: objects.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (i, muts) => {
          const bytes = mutate(objects[i]!, muts);
          try {
            buildGraphFromObject(bytes, 'fuzz.o');
          } catch (e) {
            if (!(e instanceof ElfFormatError || e instanceof LinkError)) throw e;
            expect(e.message).toContain('fuzz.o');
            typed++;
          }
        },
      ),
      { numRuns: 10_000, seed: 0x5eed },
    );
    expect(typed).toBeGreaterThan(100);
  });

  it('specific malformations name the field', () => {
    const o = objects[0]!;
    const set = (at: number, v: number) => (b: Uint8Array) => {
      b[at] = v;
      return b;
    };
    const cases: [(b: Uint8Array) => Uint8Array, RegExp][] = [
      [(b) => b.slice(0, 10), /e_ident/],
      [set(4, 1), /EI_CLASS/],
      [set(5, 3), /EI_DATA/],
      [set(18, 62), /e_machine/],
      [set(16, 2), /e_type/],
      [(b) => b.slice(0, b.length - 100), /section header|e_shoff|sh_offset/],
      [
        (b) => {
          const dv = new DataView(b.buffer);
          dv.setUint16(62, 0xfff0, true);
          return b;
        },
        /e_shstrndx/,
      ],
    ];
    for (const [f, re] of cases) {
      expect(() => buildGraphFromObject(f(o.slice()), 'bad.o')).toThrow(re);
      try {
        buildGraphFromObject(f(o.slice()), 'bad.o');
      } catch (e) {
        expect(e).toBeInstanceOf(ElfFormatError);
        expect((e as Error).message).toMatch(/^bad\.o: malformed ELF: /);
      }
    }
  });
});
