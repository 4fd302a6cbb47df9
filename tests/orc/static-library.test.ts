/**
 * StaticLibraryDefinitionGenerator: archive members are linked when a lookup asks for one of
 * their symbols, once, and never otherwise (llvm-jitlink-22 links the same members for the same
 * inputs: tests/linker/archive.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { ArchiveFormatError } from '../../src/linker/errors.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { ExecutionSession, type JITDylib } from '../../src/orc/core/session.ts';
import { SymbolLookupFlags, SymbolState } from '../../src/orc/core/types.ts';
import { ObjectLinkingLayer, showLinkedFilesPlugin } from '../../src/orc/layers/object-linking-layer.ts';
import { StaticLibraryDefinitionGenerator } from '../../src/orc/layers/static-library-generator.ts';

const OBJ = join(import.meta.dirname, '../linker/obj');
const read = (f: string) => new Uint8Array(readFileSync(join(OBJ, f)));

async function setup(archive = 'libdemo.a', options = {}) {
  const engine: Engine = await createEngine('ts');
  const es = new ExecutionSession();
  const jd: JITDylib = es.createJITDylib('main');
  const linked: string[] = [];
  const layer = new ObjectLinkingLayer(es, new EngineMemoryManager(engine), {
    plugins: [showLinkedFilesPlugin((l) => linked.push(l.trim()))],
  });
  const gen = jd.addGenerator(StaticLibraryDefinitionGenerator.fromBytes(layer, read(archive), archive, options));
  return { engine, es, jd, layer, gen, linked };
}

const u64 = (engine: Engine, a: number) => {
  const b = engine.memRead(a, 8);
  return (
    new DataView(b.buffer, b.byteOffset).getUint32(0, true) +
    new DataView(b.buffer, b.byteOffset).getUint32(4, true) * 2 ** 32
  );
};

describe('StaticLibraryDefinitionGenerator', () => {
  it('links main.o, then the member defining fa, then the one defining fb; unused.o never', async () => {
    const { engine, es, jd, layer, gen, linked } = await setup();
    try {
      layer.add(jd, read('archive_main.o'), 'archive_main.o');
      const r = await es.lookupAsync([jd], ['main', 'b_data']);
      expect(linked).toEqual([
        'Linking archive_main.o',
        'Linking libdemo.a[1](b.o)',
        'Linking libdemo.a[0](a_member_with_a_long_name.o)',
      ]);
      expect(gen.addedMembers.map((m) => m.name)).toEqual(['b.o', 'a_member_with_a_long_name.o']);
      // b_data holds fb's address: the member's own relocation, resolved in the JITDylib.
      const fb = jd.getSymbol('fb')!;
      expect(fb.state).toBe(SymbolState.Ready);
      expect(u64(engine, r.get('b_data')!.address)).toBe(fb.address);
      // fa is `b fb`: with the GOT/PLT optimisation the branch goes straight to fb.
      const fa = jd.getSymbol('fa')!.address;
      const word = new DataView(engine.memRead(fa, 4).buffer).getUint32(0, true);
      expect(word >>> 26).toBe(0b000101);
      const dest = fa + (((word & 0x3ffffff) << 6) >> 4);
      expect(dest).toBe(fb.address);
      expect(jd.getSymbol('unused_fn')).toBeUndefined();
      // A second lookup adds nothing.
      await es.lookupAsync([jd], ['fa', 'fb']);
      expect(linked).toHaveLength(3);
    } finally {
      engine.close();
    }
  });

  it('names absent from the archive stay not found; a member that cannot link fails its lookup with the member named', async () => {
    const { engine, es, jd } = await setup();
    try {
      await expect(es.lookupAsync([jd], ['nosuch'])).rejects.toThrow('Symbols not found: [ nosuch ]');
      const err = await es.lookupAsync([jd], ['unused_fn']).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toContain('libdemo.a[2](unused.o)');
      expect(err!.message).toContain('nowhere');
    } finally {
      engine.close();
    }
  });

  it('weak references load members (LLVM) unless loadForWeakReferences is false (static linker)', async () => {
    for (const [load, expected] of [
      [true, ['Linking libdemo.a[1](b.o)']],
      [false, []],
    ] as const) {
      const { engine, es, jd, linked } = await setup('libdemo.a', { loadForWeakReferences: load });
      try {
        const r = await es.lookupAsync([jd], [['fb', SymbolLookupFlags.WeaklyReferencedSymbol]]);
        expect(linked).toEqual(expected);
        expect(r.has('fb')).toBe(load);
      } finally {
        engine.close();
      }
    }
  });

  it('works the same over BSD and index-less archives; a malformed archive is a typed error', async () => {
    for (const f of ['libdemo-bsd.a', 'libdemo-noindex.a']) {
      const { engine, es, jd, layer, linked } = await setup(f);
      try {
        layer.add(jd, read('archive_main.o'), 'archive_main.o');
        await es.lookupAsync([jd], ['main']);
        expect(linked.sort()).toEqual(
          ['Linking archive_main.o', `Linking ${f}[0](a_member_with_a_long_name.o)`, `Linking ${f}[1](b.o)`].sort(),
        );
      } finally {
        engine.close();
      }
    }
    const es = new ExecutionSession();
    const engine = await createEngine('ts');
    try {
      const layer = new ObjectLinkingLayer(es, new EngineMemoryManager(engine));
      const bad = read('libdemo.a').slice(0, 70);
      expect(() => StaticLibraryDefinitionGenerator.fromBytes(layer, bad, 'bad.a')).toThrow(ArchiveFormatError);
    } finally {
      engine.close();
    }
  });
});
