/**
 * The random-word robustness property, shared by random-words.test.ts (interpreter) and
 * random-words-jit.test.ts (translation tier): two files so the two forks share the cost (each run
 * is a separate fast-check run with its own seed, as when both ran in one test).
 */
import fc from 'fast-check';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { EmuError, EngineApiError } from '../../src/emu/errors.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';

const CODE = 0x400000;
const DATA = 0x800000;
/** Any engine error class (faults, undefined/unimplemented, alignment, …), but not API misuse. */
const isTyped = (err: unknown) => err instanceof EmuError && !(err instanceof EngineApiError);
export const BATCH = 100;

/**
 * Runs `words` random words (fast-check seed 20261124) on a fresh ts engine with this translation
 * threshold (0: every word compiled to JavaScript; infinity: interpreted); returns how many
 * executed and how many raised a typed error. Anything else thrown fails the property.
 * Registers point into a mapped data page half of the time so loads and stores really run.
 */
export function runRandomWords(jitThreshold: number, words: number): { executed: number; typed: number } {
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
    { numRuns: words / BATCH, seed: 20261124 },
  );
  return { executed, typed };
}
