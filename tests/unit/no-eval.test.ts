/**
 * A host that forbids making code (a content security policy without 'unsafe-eval', simulated
 * by a Function constructor that throws): the JavaScript tier leaves its regions interpreted and
 * the AdvSIMD lane ops are evaluated from their parse; a loop of vector adds ends in the same
 * state as with code generation, and no JavaScript region is made.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROT_ALL } from '../../src/emu/engine.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { setLaneCompilation } from '../../src/emu/ts/isa/simd/lane-expr.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
// loop: add v0.4s, v0.4s, v1.4s; shadd v3.4s, v1.4s, v1.4s; subs x0, x0, #1; b.ne loop; brk #0
// (SHADD, a lane op of an expression, keeps the loop out of WebAssembly, which runs vector adds
// itself, and CNT and ADDP since 2026-12-05: the loop is a JavaScript region wherever code can
// be made.)
const LOOP = [0x4ea18400, 0x4ea10423, 0xf1000400, 0x54ffffa1, 0xd4200000];

function run(): { state: string; translated: number; wasm: number } {
  const e = new TsEngine({ jitThreshold: 16 });
  try {
    e.memMap(CODE, 0x1000, PROT_ALL);
    e.memWrite(CODE, words(...LOOP));
    e.regWrite('x0', 5000n);
    e.regWrite('q1', 0x00000004_00000003_00000002_00000001n);
    const r = e.start(CODE, CODE + 16, { count: 100_000 });
    return {
      state: `${r.reason} ${r.instructions} ${e.regRead('q0').toString(16)} ${e.regRead('x0')}`,
      translated: e.translatedRegions,
      wasm: e.wasmRegions,
    };
  } finally {
    e.close();
  }
}

describe('without new Function', () => {
  afterEach(() => setLaneCompilation(undefined));

  it('runs interpreted where it would translate, to the same state', () => {
    expect(LOOP.map((w, i) => disassemble(w, CODE + 4 * i))).toEqual([
      'add v0.4s, v0.4s, v1.4s',
      'shadd v3.4s, v1.4s, v1.4s',
      'subs x0, x0, #0x1',
      'b.ne 0x10000',
      'brk #0',
    ]);
    const generated = run();
    expect(generated.translated).toBeGreaterThan(generated.wasm);
    const saved = globalThis.Function;
    const forbidden = new Proxy(saved, {
      construct() {
        throw new EvalError('Refused to evaluate a string as JavaScript (content security policy)');
      },
    });
    let without: ReturnType<typeof run>;
    globalThis.Function = forbidden;
    setLaneCompilation(undefined);
    try {
      without = run();
    } finally {
      globalThis.Function = saved;
    }
    expect(without.state).toBe(generated.state);
    // Lane i of q0 is 5000 * (i + 1).
    expect(without.state).toBe('until 20000 4e2000003a980000271000001388 0');
    expect(without.translated).toBe(without.wasm);
  });
});
