/** The link() API the ORC layer uses: async resolve, initializers, eh_frame, freeing, sessions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/emu/factory.ts';
import { evaluateRule, extractRules } from '../../src/linker/check/checker.ts';
import { LinkError } from '../../src/linker/errors.ts';
import { link } from '../../src/linker/link.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { OBJ_DIR } from './support.ts';

const obj = (n: string) => new Uint8Array(readFileSync(join(OBJ_DIR, `${n}.o`)));

describe('linker: link() API', () => {
  it('resolves externals asynchronously, reports initializers and .eh_frame, frees memory', async () => {
    const engine = await createEngine('ts');
    const mm = new EngineMemoryManager(engine, { slabAddress: 0x20000000 });
    let asked: string[] = [];
    const r = await link(obj('sections'), 'sections.o', {
      memoryManager: mm,
      async resolve(req) {
        asked = req.map((x) => x.name);
        await new Promise((res) => setTimeout(res, 1));
        return new Map([['printf', { address: 0x1234000 }]]);
      },
    });
    expect(asked).toEqual(['printf']);
    const main = r.symbols.get('main')!;
    expect(main.address).toBe(0x20000000);
    expect(main.flags.exported).toBe(true);
    expect(r.initializers.map((i) => [i.section, i.kind])).toEqual([
      ['.init_array', 'init'],
      ['.fini_array', 'fini'],
    ]);
    expect(r.initializers[0]!.pointers).toEqual([r.symbols.get('init_fn')!.address]);
    // .eh_frame: CIE + FDEs of main and helper (unused_static's FDE is dead-stripped) + terminator.
    const eh = r.graph.section('.eh_frame')!;
    expect(eh.blocks.length).toBe(4);
    expect(r.ehFrame).toBeDefined();
    expect(r.graph.findDefined('unused_static')).toBeUndefined();
    expect(r.segments.map((s) => s.prot)).toEqual([5, 3, 1]);
    expect(engine.memRegions().length).toBeGreaterThan(0);
    r.free();
    expect(engine.memRegions()).toEqual([]);
  });

  it('weak undefined resolves to 0; missing strong symbols are an error naming them', async () => {
    const engine = await createEngine('ts');
    const mm = new EngineMemoryManager(engine);
    await expect(
      link(obj('elf_relocations'), 'elf_relocations.o', { memoryManager: mm, resolve: () => new Map() }),
    ).rejects.toThrow(/symbols not found: \[ (external_func, external_data|external_data, external_func) \]/);
    expect(engine.memRegions()).toEqual([]);
  });

  it('unsupported relocations are a LinkError', async () => {
    const engine = await createEngine('ts');
    const p = link(obj('err_unsupported_movw_g0'), 'x.o', {
      memoryManager: new EngineMemoryManager(engine),
      resolve: () => new Map(),
    });
    await expect(p).rejects.toBeInstanceOf(LinkError);
    await expect(p).rejects.toThrow('Unsupported aarch64 relocation:263: R_AARCH64_MOVW_UABS_G0');
  });
});

describe('linker: jitlink-check grammar', () => {
  const env = {
    symbolAddress: (n: string) => ({ a: 0x1000, b: 0x10 })[n as 'a' | 'b'],
    stubAddress: () => undefined,
    gotAddress: () => undefined,
    sectionAddress: () => undefined,
    read: (address: number, size: number) =>
      address === 0x1000 ? new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).slice(0, size) : undefined,
  };
  const run = (t: string) => evaluateRule({ text: t, line: 1 }, env);
  it('is strictly left to right with unsigned 64-bit wrap, slices bind to the primary', () => {
    expect(run('a + b & 0xff0 = 0x10').ok).toBe(true);
    expect(run('1 - 2 = 0xffffffffffffffff').ok).toBe(true);
    expect(run('a[15:8] = 0x10').ok).toBe(true);
    expect(run('1 << 4 >> 2 = 4').ok).toBe(true);
    expect(run('*{4}a = 0x04030201').ok).toBe(true);
    expect(run('(*{2}a) + 1 = 0x0202').ok).toBe(true);
    expect(run('*{1}a + 0 = 1').ok).toBe(true);
  });
  it('reports false rules and unknown symbols like llvm-jitlink', () => {
    expect(run('a = b').message).toBe("Expression 'a = b' is false: 0x1000 != 0x10");
    expect(run('zz = 1').message).toBe("Error evaluating expression 'zz = 1': No known address for symbol 'zz'");
  });
  it('joins continuation lines', () => {
    expect(
      extractRules('# jitlink-check: a = \\\n  # jitlink-check:   b + 0xff0\nx\n# jitlink-check: b = 0x10'),
    ).toEqual([
      { text: 'a =    b + 0xff0', line: 1 },
      { text: 'b = 0x10', line: 4 },
    ]);
  });
});
