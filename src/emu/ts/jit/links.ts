/**
 * Translated blocks and their links to successors: the one part of the translation tier that both
 * the generated code (through the snippets' helper `h.follow`) and the engine's dispatcher use, so
 * it lives apart from the compiler and the snippet table.
 */
import type { CpuState } from '../state.ts';

/**
 * Runs whole blocks from `s.pc` while the run's instruction limit (`s.ilim`) allows a whole block
 * and `s.until` is neither reached nor inside the block; adds the instructions it retired to
 * `s.icount` and sets `s.pc`. Returns the translated block that continues at `s.pc` when one is
 * linked (so a trampoline runs chains of translated blocks without the engine's dispatcher), or
 * null: the engine looks at `s.pc` (and links the block found there into `s.lk`, the links of
 * the last block that retired instructions).
 */
export type CompiledBlock = (s: CpuState) => CompiledBlock | null;

/**
 * The four most recent successors of a translated block, filled in by the engine's dispatcher
 * (`linkTo`). Four, not two: an indirect branch (a jump table, a return to several callers) and a
 * loop region's exits have more than two; on CoreMark a two-entry cache sent 7% of the calls (a
 * jump table's half) back to the dispatcher. Links need no invalidation: a successor whose page's
 * code was dropped refuses to run (its own guard) and returns null, and the dispatcher links the
 * block built since.
 */
export interface Links {
  a: number;
  fa: CompiledBlock | null;
  b: number;
  fb: CompiledBlock | null;
  c: number;
  fc: CompiledBlock | null;
  d: number;
  fd: CompiledBlock | null;
}

export function newLinks(): Links {
  return { a: -1, fa: null, b: -1, fb: null, c: -1, fc: null, d: -1, fd: null };
}

/** The function linked in `k` for `pc`, or null after noting `k` in `s.lk` for the dispatcher. */
export function follow(s: CpuState, k: Links, pc: number): CompiledBlock | null {
  if (pc === k.a) return k.fa;
  if (pc === k.b) return k.fb;
  if (pc === k.c) return k.fc;
  if (pc === k.d) return k.fd;
  s.lk = k;
  return null;
}

/** Records that `fn` runs the code at `pc` after the block of `k` (the oldest link goes). */
export function linkTo(k: Links, pc: number, fn: CompiledBlock): void {
  if (k.a === pc) k.fa = fn;
  else if (k.b === pc) k.fb = fn;
  else if (k.c === pc) k.fc = fn;
  else {
    k.d = k.c;
    k.fd = k.fc;
    k.c = k.b;
    k.fc = k.fb;
    k.b = k.a;
    k.fb = k.fa;
    k.a = pc;
    k.fa = fn;
  }
}

/**
 * Runs `follow` through each of its paths (a hit on each of the four links, a miss, a pc beyond
 * the small-integer range) so that its type feedback covers them before V8 optimizes it and
 * inlines it into every translated function. Otherwise a function optimized while it had used
 * only its first link deoptimized the first time it followed another (no feedback for the load
 * of `k.b`), and V8 compiled it again: 6 of the 44 deoptimizations of the programs benchmark at 20
 * rounds, 7 of CoreMark's 26, with `follow` itself deoptimized 3-4 times. Feedback is allocated
 * after some calls, hence the rounds. Leaves `s.lk` null.
 */
export function warmFollow(s: CpuState): void {
  const k = newLinks();
  const pcs = [0x1000, 0x2000, 0x3000, 0x4000, 2 ** 40 + 4];
  const block: CompiledBlock = () => null;
  for (let round = 0; round < 64; round++) {
    for (const pc of pcs) linkTo(k, pc, block);
    for (const pc of pcs) follow(s, k, pc);
    follow(s, k, 0x5000);
  }
  s.lk = null;
}
