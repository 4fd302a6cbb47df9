/**
 * Second tier of the ts engine: a hot block becomes one JavaScript function together with the
 * blocks it reaches through direct branches in the same page (a region). Instructions with a
 * snippet (jit/snippets.ts) are inlined as source; any other instruction calls its decoded op,
 * so every block can be compiled and semantics stay those of the table.
 *
 * The function dispatches on the guest pc with a `switch` over the region's block addresses and
 * keeps running while the next block is in the region, the instruction budget allows a whole
 * block, `until` is neither reached nor inside the block, and the page's decoded code is still
 * the one the region was compiled from (a store into the page drops it). Loops, including those
 * spread over several blocks, therefore run without going back to the engine's dispatcher.
 * Instructions run in the same order with the same whole-block granularity as in the block
 * interpreter, so results and instruction counts do not depend on the tier.
 *
 * Exact state on exceptions: before each instruction that may throw, the function stores in
 * `s.jn` the instructions it retired before that one and in `s.k` its address; the engine
 * rebuilds pc and the instruction count from them. On a normal return `s.pc` is the next pc and
 * the result is the number of instructions retired.
 */
import type { Decoded } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import { helpers, SNIPPETS, type SnippetHelpers } from './snippets.ts';

/**
 * Runs whole blocks from `s.pc` while at most `budget` instructions retire; stops before
 * `s.until` (when it is a block start or inside a block). Sets `s.pc`; returns the instructions
 * retired. `budget` is a small integer and `until` travels in the state, so calls pass no
 * heap numbers (boxing a double per call would allocate in the hot loop).
 */
export type CompiledBlock = (s: CpuState, budget: number) => number;

/** The page whose decoded code the region was built from (`code` is dropped on writes). */
export interface CodeGuard {
  code: unknown;
}

export interface RegionBlock {
  address: number;
  decoded: Decoded[];
  /** The block's ops (the interpreter's), called for instructions without a snippet. */
  ops: Op[];
  /** True when the last instruction does not set pc. */
  fallthrough: boolean;
}

export interface CompileInput {
  /** The entry block first. */
  blocks: RegionBlock[];
  guard: CodeGuard;
}

type Factory = (h: SnippetHelpers, o: Op[], P: CodeGuard, C: unknown) => CompiledBlock;

export function regionSource(blocks: RegionBlock[]): { src: string; ops: Op[] } {
  const ops: Op[] = [];
  const cases: string[] = [];
  for (const b of blocks) {
    const len = b.decoded.length;
    const start = b.address;
    const end = start + 4 * len;
    const body: string[] = [];
    let calls = false;
    b.decoded.forEach((d, k) => {
      const a = start + 4 * k;
      const last = k === len - 1;
      const snippet = SNIPPETS[d.def.id]?.(d.fields, a);
      if (snippet === undefined) {
        const gi = ops.length;
        ops.push(b.ops[k] as Op);
        calls = true;
        body.push(`s.jn=n+${k};s.k=${a};o[${gi}](s);`);
        if (last && !b.fallthrough) body.push('pc=s.pc;');
      } else {
        if (snippet.mayThrow) body.push(`s.jn=n+${k};s.k=${a};`);
        body.push(snippet.code);
      }
    });
    if (b.fallthrough) body.push(`pc=${end};`);
    body.push(`n+=${len};`);
    // Only ops can raise exceptions (SVC, BRK...): leave so the engine delivers them.
    if (calls) body.push('if(s.excKind!==0)break L;');
    body.push('continue L;');
    cases.push(
      [`case ${start}:{`, `if(n+${len}>budget||(until>${start}&&until<${end}))break L;`, ...body, '}'].join('\n'),
    );
  }
  const src = [
    'return function region(s,budget){',
    'const xl=s.xlo,xh=s.xhi,mem=s.mem,vi=s.vi,vf=s.vf64,vs=s.vf32,until=s.until;',
    'let n=0,pc=s.pc;',
    'L:for(;;){',
    'if(pc===until||P.code!==C)break;',
    'switch(pc){',
    ...cases,
    '}',
    'break;',
    '}',
    's.pc=pc;',
    'return n;',
    '};',
  ].join('\n');
  return { src, ops };
}

export function compileRegion(input: CompileInput): CompiledBlock {
  const { src, ops } = regionSource(input.blocks);
  const factory = new Function('h', 'o', 'P', 'C', src) as Factory;
  return factory(helpers, ops, input.guard, input.guard.code);
}

/** Sign-extends the low `bits` bits of v. */
function sext(v: number, bits: number): number {
  const sh = 32 - bits;
  return (v << sh) >> sh;
}

/**
 * Addresses a block ending in `d` (at `a`) may continue at that are known at decode time:
 * branch targets and the next instruction (conditional branches, and after calls, where a
 * return usually lands).
 */
export function staticSuccessors(d: Decoded, a: number): number[] {
  const f = d.fields;
  switch (d.def.id) {
    case 'B':
      return [a + sext(f.imm26 as number, 26) * 4];
    case 'BL':
      return [a + sext(f.imm26 as number, 26) * 4, a + 4];
    case 'B_cond':
    case 'CBZ':
    case 'CBNZ':
      return [a + sext(f.imm19 as number, 19) * 4, a + 4];
    case 'TBZ':
    case 'TBNZ':
      return [a + sext(f.imm14 as number, 14) * 4, a + 4];
    case 'BLR':
      return [a + 4];
    default:
      return [];
  }
}
