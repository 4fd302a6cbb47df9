/**
 * COMDAT groups are de-duplicated as a static linker does: the first object keeps a group, later
 * copies are dropped whole (code and unwind records), and references bind to the kept copy.
 * ld.lld-22 keeps the same copies (its map file names the input section it kept).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/emu/factory.ts';
import { buildGraphFromObject, ComdatTracker } from '../../src/linker/build.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { linkObjects } from '../../src/linker/session.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { OBJ_DIR } from './support.ts';

const read = (f: string) => new Uint8Array(readFileSync(join(OBJ_DIR, f)));
const GROUPS = ['.text._Z5twicei', '.text._ZNK3BoxIiE3getEv'];

async function linkPair(order: string[]) {
  const engine = await createEngine('ts');
  const session = await linkObjects(
    order.map((n) => ({ name: n, bytes: read(n) })),
    { memoryManager: new EngineMemoryManager(engine) },
  );
  return { engine, session };
}

describe('COMDAT groups', () => {
  it('the first object keeps each group; the second links against it, without code or unwind records of its own', async () => {
    const { engine, session } = await linkPair(['comdat_a.o', 'comdat_b.o']);
    try {
      const [a, b] = session.results.map((r) => r.graph);
      for (const sec of GROUPS) {
        expect(a!.section(sec)?.blocks.length).toBe(1);
        expect(b!.section(sec)).toBeUndefined();
      }
      expect(b!.externals.has('_Z5twicei')).toBe(true);
      expect(b.externals.get('_Z5twicei')!.address).toBe(session.symbols.get('_Z5twicei')!.address);
      // b keeps the CIE, from_b's FDE and the terminator; its two group FDEs are gone.
      expect(b.section('.eh_frame')!.blocks.length).toBe(3);
      expect(a.section('.eh_frame')!.blocks.length).toBe(6);
      // from_b's `bl _Z5twicei` reaches a's copy.
      const fromB = session.symbols.get('_Z6from_bi')!.address;
      const words = new DataView(engine.memRead(fromB, 0x40).buffer);
      const bl = Array.from({ length: 16 }, (_, i) => words.getUint32(i * 4, true)).findIndex(
        (w) => w >>> 26 === 0b100101,
      );
      expect(bl).toBeGreaterThanOrEqual(0);
      const w = words.getUint32(bl * 4, true);
      expect(fromB + bl * 4 + (((w & 0x3ffffff) << 6) >> 4)).toBe(session.symbols.get('_Z5twicei')!.address);
    } finally {
      engine.close();
    }
  });

  it("the other order keeps b's copies instead", async () => {
    const { engine, session } = await linkPair(['comdat_b.o', 'comdat_a.o']);
    try {
      const [b, a] = session.results.map((r) => r.graph);
      for (const sec of GROUPS) {
        expect(b!.section(sec)?.blocks.length).toBe(1);
        expect(a!.section(sec)).toBeUndefined();
      }
    } finally {
      engine.close();
    }
  });

  it('without a tracker every group is kept (one object at a time, as before)', () => {
    const g = buildGraphFromObject(read('comdat_b.o'), 'comdat_b.o').graph;
    for (const sec of GROUPS) expect(g.section(sec)?.blocks.length).toBe(1);
    const t = new ComdatTracker();
    expect(t.claim('_Z5twicei', 'x.o')).toBe(true);
    expect(t.claim('_Z5twicei', 'y.o')).toBe(false);
    expect(t.claim('_Z5twicei', 'x.o')).toBe(true);
    t.release('x.o');
    expect(t.claim('_Z5twicei', 'y.o')).toBe(true);
  });

  it('groups another object already owns are discarded when building: definitions become references, FDEs go', () => {
    const t = new ComdatTracker();
    t.claim('_Z5twicei', 'other.o');
    t.claim('_ZNK3BoxIiE3getEv', 'other.o');
    const g = buildGraphFromObject(read('comdat_a.o'), 'comdat_a.o', { comdat: t }).graph;
    for (const sec of GROUPS) expect(g.section(sec)).toBeUndefined();
    expect(g.section('.eh_frame')!.blocks.length).toBe(4);
    expect(g.externals.has('_ZNK3BoxIiE3getEv')).toBe(true);
    expect(g.findDefined('_Z5twicei')).toBeUndefined();
  });
});

describeWithOracles(['lld-22'], 'COMDAT vs ld.lld-22', () => {
  it('ld.lld-22 keeps the groups of the first object too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-comdat-'));
    for (const order of [
      ['comdat_a.o', 'comdat_b.o'],
      ['comdat_b.o', 'comdat_a.o'],
    ]) {
      const map = join(dir, 'map.txt');
      const r = spawnSync(
        'ld.lld-22',
        [
          '-static',
          '-e',
          'main',
          '--unresolved-symbols=ignore-all',
          `-Map=${map}`,
          '-o',
          join(dir, 'a.out'),
          ...order.map((n) => join(OBJ_DIR, n)),
        ],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(0);
      const text = readFileSync(map, 'utf8');
      for (const sec of GROUPS) {
        const kept = [...text.matchAll(new RegExp(`(comdat_[ab]\\.o):\\(${sec.replaceAll('.', '\\.')}\\)`, 'g'))].map(
          (m) => m[1],
        );
        expect(kept).toEqual([order[0]]);
      }
    }
  });
});
