import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { BATCH, runRandomWords } from './random-words.ts';

/**
 * Robustness: any 32-bit word either executes or raises one of our typed errors. Interpreted here;
 * the translation tier's 30 000 words are in random-words-jit.test.ts.
 */
describe('a million random instruction words', () => {
  it('execute or raise a typed error, never anything else (interpreted)', () => {
    const { executed, typed } = runRandomWords(Number.POSITIVE_INFINITY, 1_000_000);
    expect(executed + typed).toBe(1_000_000);
    // About 5 s alone (7.5 s before a rewritten page reused its code array, memory.ts); a
    // whole-suite run on a loaded 2-core machine once took 104 s (the default
    // 120 s timeout failed the combined test under load).
  }, 300_000);

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
