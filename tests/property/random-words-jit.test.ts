import { describe, expect, it } from 'vitest';
import { runRandomWords } from './random-words.ts';

/**
 * Words run through the translation tier. Each one is compiled to a JavaScript function (the
 * `intr` hook no longer turns translation off), which costs about 0.25 ms a word.
 */
const JIT_RUNS = 30_000;

describe('random instruction words through the translation tier', () => {
  it('execute or raise a typed error, never anything else (translated)', () => {
    const { executed, typed } = runRandomWords(0, JIT_RUNS);
    expect(executed + typed).toBe(JIT_RUNS);
  }, 300_000);
});
