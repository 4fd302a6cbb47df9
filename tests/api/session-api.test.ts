/**
 * openSessionWithObjects and stubStates (src/api/session.ts) beyond the guide's example: a
 * malformed object is a typed error naming it; before any link there are no stubs; after `link`
 * (nothing run) every lazy stub points at its trampoline; after the run the called ones point
 * at their bodies, under a worker executor as in process.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ElfFormatError } from '../../src/api/linker.ts';
import { openSessionWithObjects, type SandboxObject, stubStates } from '../../src/api/session.ts';

const objDir = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));
const objects: SandboxObject[] = ['main.o', 'greet.o', 'math.o', 'data.o', 'rarely.o'].map((name) => ({
  name,
  bytes: new Uint8Array(readFileSync(`${objDir}${name}`)),
  lazy: name !== 'main.o',
}));
const quiet = { stdout: () => {}, stderr: () => {} };

describe('openSessionWithObjects / stubStates', () => {
  it('a malformed object is an ElfFormatError naming the object', async () => {
    await expect(openSessionWithObjects([{ name: 'bad.o', bytes: new Uint8Array([1, 2, 3]) }], quiet)).rejects.toThrow(
      ElfFormatError,
    );
    await expect(openSessionWithObjects([{ name: 'bad.o', bytes: new Uint8Array([1, 2, 3]) }], quiet)).rejects.toThrow(
      /^bad\.o: malformed ELF/,
    );
  });

  for (const executor of ['in-process', 'worker'] as const) {
    it(`${executor}: no stubs before link; trampolines after link; bodies after the calls`, async () => {
      const s = await openSessionWithObjects(objects, { ...quiet, executor });
      try {
        expect(await stubStates(s)).toEqual([]);
        await s.link('main');
        const linked = await stubStates(s);
        expect(linked.map((r) => r.name)).toEqual(['fib', 'greet', 'rarely', 'square']);
        for (const r of linked) {
          expect(r.jd).toBe('main');
          expect(r.bodyName).toBe(`${r.name}$orc_fnbody`);
          expect(r.pointer).toBeTypeOf('number');
          expect(r.target).toBe(r.trampoline);
          expect(r.resolved).toBe(false);
        }
        const result = await s.run('main', { argv: ['demo'] });
        expect(result.status).toBe(0);
        const ran = await stubStates(s);
        const bodies = await s.lookup(['fib$orc_fnbody', 'greet$orc_fnbody', 'square$orc_fnbody']);
        for (const r of ran) {
          if (r.name === 'rarely') expect(r).toMatchObject({ resolved: false, target: r.trampoline });
          else expect(r).toMatchObject({ resolved: true, target: bodies.get(r.bodyName)?.address });
        }
      } finally {
        await s.close();
      }
    });
  }
});
