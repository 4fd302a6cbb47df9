import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { EmuError, EngineApiError } from '../../src/emu/errors.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';

const CODE = 0x400000;
const DATA = 0x800000;
/** Any engine error class (faults, undefined/unimplemented, alignment, …), but not API misuse. */
const isTyped = (err: unknown) => err instanceof EmuError && !(err instanceof EngineApiError);
const BATCH = 100;

/**
 * Words run through the translation tier. Each one is compiled to a JavaScript function (the
 * `intr` hook no longer turns translation off), which costs about 0.25 ms a word.
 */
const JIT_RUNS = 30_000;

/**
 * Robustness: any 32-bit word either executes or raises one of our typed errors. Registers point
 * into a mapped data page half of the time so loads and stores really run.
 */
describe('a million random instruction words', () => {
  it('execute or raise a typed error, never anything else', () => {
    for (const jitThreshold of [Number.POSITIVE_INFINITY, 0]) {
      const e = new TsEngine({ jitThreshold });
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memMap(DATA, 0x2000, PROT_READ | PROT_WRITE);
      e.hookAdd('intr', () => e.stop());
      const word = new Uint8Array(8);
      const dv = new DataView(word.buffer);
      let executed = 0;
      let typed = 0;
      // Words come in batches of BATCH per property run: fast-check's own cost per run is then
      // spread over many words (the same number of words, each checked the same way).
      const runs = (jitThreshold === 0 ? JIT_RUNS : 1_000_000) / BATCH;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.boolean()), {
            minLength: BATCH,
            maxLength: BATCH,
          }),
          (batch) => {
            for (const [w, pointers] of batch) {
              dv.setUint32(0, w, true);
              dv.setUint32(4, 0xd4200000, true); // brk #0 after it, so a fall-through stops
              e.memWrite(CODE, word);
              for (let r = 0; r < 31; r++) e.setX(r, pointers ? DATA + 0x800 + r * 8 : (w * (r + 1)) >>> 0);
              e.regWrite('sp', BigInt(DATA + 0x1000));
              try {
                // Interpreted: stop after the word. Translated: run the [word, brk] block whole.
                if (jitThreshold === 0) e.start(CODE, 0, { count: 2 });
                else e.start(CODE, CODE + 4, { count: 1 });
                executed++;
              } catch (err) {
                if (!isTyped(err)) {
                  throw new Error(`word 0x${w.toString(16)} (${disassemble(w, CODE)}) threw ${String(err)}`);
                }
                typed++;
              }
            }
          },
        ),
        { numRuns: runs, seed: 20261124 },
      );
      expect(executed + typed).toBe(jitThreshold === 0 ? JIT_RUNS : 1_000_000);
    }
  });

  it('disassembles every word to text without throwing', () => {
    let words = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: BATCH, maxLength: BATCH }),
        (batch) => {
          for (const w of batch) {
            const text = disassemble(w, 0x1000);
            if (typeof text !== 'string' || text.length === 0) throw new Error(`word 0x${w.toString(16)}: '${text}'`);
            words++;
          }
        },
      ),
      { numRuns: 200_000 / BATCH, seed: 7 },
    );
    expect(words).toBe(200_000);
  });
});
