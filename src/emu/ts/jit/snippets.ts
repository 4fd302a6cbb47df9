/**
 * JavaScript source snippets for the hottest encodings, keyed by instruction id. A snippet must
 * have exactly the semantics of the table's `exec` for that id (the differential fuzzer runs
 * both tiers against Unicorn). Available names inside a snippet: `s` (CpuState), `xl`/`xh`
 * (GPR halves), `mem` (Memory), `h` (helpers below).
 */
import type { Fields } from '../decoder.ts';

export interface Snippet {
  code: string;
  /** True when the code may throw (memory access, helper that faults). */
  mayThrow: boolean;
}

export type SnippetGen = (f: Fields, address: number) => Snippet | undefined;

/** Pure helpers callable from snippets as `h.name(...)`. */
export const helpers = {
  /** High 32 bits of the unsigned 64-bit product of two uint32 values. */
  mulhu32(a: number, b: number): number {
    const a0 = a & 0xffff;
    const a1 = a >>> 16;
    const b0 = b & 0xffff;
    const b1 = b >>> 16;
    const mid = a1 * b0 + a0 * b1;
    const low = a0 * b0 + (mid % 65536) * 65536;
    return (a1 * b1 + Math.floor(mid / 65536) + Math.floor(low / 4294967296)) | 0;
  },
};

export type SnippetHelpers = typeof helpers;

export const SNIPPETS: Record<string, SnippetGen> = {};
