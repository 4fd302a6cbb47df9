/**
 * LLVM main's JITLink AArch64 ELF tests, run as their RUN lines say with `llvm-jitlink` replaced by
 * `orc-sandbox link` (tests/linker/llvm-tests/run.ts). The test files are LLVM's and are not
 * committed; set LLVM_JITLINK_AARCH64_TESTS to llvm-project/llvm/test/ExecutionEngine/JITLink/AArch64
 * (or a folder filled by tests/linker/llvm-tests/fetch.sh) to run them. Our own equivalents are
 * the rule files in tests/linker/asm (elf_relocations, elf_relocations_be, got_plt_opt, sections, …).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLines, runLlvmTests } from './llvm-tests/run.ts';

const dir = process.env.LLVM_JITLINK_AARCH64_TESTS;

describe('lit RUN-line parsing', () => {
  it('joins continuation lines and keeps only RUN lines', () => {
    expect(runLines('# RUN: a \\\n# RUN:   b %s\n# not a run\n// RUN: c\n#RUN: d')).toEqual(['a     b %s', 'c', 'd']);
  });
});

if (dir && existsSync(dir)) {
  describe(`LLVM's JITLink AArch64 ELF tests in ${dir}`, () => {
    it('every ELF_*.s test passes (REQUIRES: asserts ones are unsupported, as for a release llvm-jitlink)', () => {
      const results = runLlvmTests(dir);
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status === 'FAIL')).toEqual([]);
    }, 120_000);
  });
} else {
  process.stderr.write(
    "[skipped] LLVM's JITLink AArch64 ELF tests: set LLVM_JITLINK_AARCH64_TESTS to their folder (tests/linker/llvm-tests/fetch.sh)\n",
  );
  describe.skip("LLVM's JITLink AArch64 ELF tests [skipped: LLVM_JITLINK_AARCH64_TESTS not set]", () => {
    it('needs the LLVM test files', () => {});
  });
}
