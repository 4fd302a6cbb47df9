/**
 * Second tier of the ts engine: a hot block becomes one JavaScript function (with the blocks it
 * reaches through direct branches in the same page, when regions have more than one block).
 * Instructions with a snippet (jit/snippets.ts) are inlined as source; any other instruction
 * calls its decoded op, so every block can be compiled and semantics stay those of the table.
 *
 * A translated block runs while the run's instruction limit allows the whole block, `until` is
 * neither reached nor inside it, and its page's decoded code is still the one it was compiled
 * from (a store into the page drops it); a block that branches to its own start loops inside its
 * function. It then returns its linked successor for the next pc, so the engine runs chains of
 * translated blocks in a trampoline without its dispatcher. Instructions run in the same order
 * with the same whole-block granularity as in the block interpreter, so results and instruction
 * counts do not depend on the tier.
 *
 * Exact state on exceptions: before each instruction that may throw, the function stores in
 * `s.jn` the instructions it retired (and has not yet added to `s.icount`) before that one and in
 * `s.k` its address; the engine rebuilds pc and the instruction count from them. On a normal
 * return `s.pc` is the next pc and `s.icount` counts the instructions retired.
 */
import type { Decoded } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import { helpers, SNIPPETS, type SnippetHelpers } from './snippets.ts';

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
 * The two most recent successors of a translated block, filled in by the engine's dispatcher.
 * Links need no invalidation: a successor whose page's code was dropped refuses to run (its own
 * guard) and returns null, and the dispatcher links the block built since.
 */
export interface Links {
  a: number;
  fa: CompiledBlock | null;
  b: number;
  fb: CompiledBlock | null;
}

export function newLinks(): Links {
  return { a: -1, fa: null, b: -1, fb: null };
}

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

export interface Compiled {
  fn: CompiledBlock;
  links: Links;
}

type Factory = (h: SnippetHelpers, o: Op[], P: CodeGuard, C: unknown, K: Links) => CompiledBlock;

const PROLOGUE = 'const xl=s.xlo,xh=s.xhi,mem=s.mem,vi=s.vi,vf=s.vf64,vs=s.vf32;';

/** Follows a link when the block retired instructions; otherwise back to the dispatcher. */
const EPILOGUE = [
  's.pc=pc;',
  'if(n===0)return null;',
  's.icount+=n;s.lk=K;',
  'if(s.excKind!==0)return null;',
  'if(pc===K.a)return K.fa;',
  'if(pc===K.b)return K.fb;',
  'return null;',
];

/** Source of one block's instructions (`n` = instructions retired before the block). */
function blockBody(b: RegionBlock, ops: Op[]): { body: string[]; calls: boolean } {
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
  return { body, calls };
}

/**
 * One block: straight-line code, and a loop when the block branches back to its own start (the
 * loop re-checks the limit, the guard and exceptions on every trip, as the dispatcher would).
 */
function singleSource(b: RegionBlock, selfLoop: boolean): { src: string; ops: Op[] } {
  const ops: Op[] = [];
  const len = b.decoded.length;
  const start = b.address;
  const end = start + 4 * len;
  const { body, calls } = blockBody(b, ops);
  const lines = [
    'return function block(s){',
    `if(P.code!==C)return null;`,
    'const until=s.until,room=s.ilim-s.icount;',
    `if(room<${len}||(until>=${start}&&until<${end}))return null;`,
    PROLOGUE,
    'let n=0,pc=0;',
  ];
  if (selfLoop) {
    lines.push(
      'for(;;){',
      ...body,
      calls ? 'if(s.excKind!==0)break;' : '',
      `if(pc!==${start}||n+${len}>room||P.code!==C)break;`,
      '}',
    );
  } else lines.push(...body);
  lines.push(...EPILOGUE, '};');
  return { src: lines.join('\n'), ops };
}

/** Several blocks: a loop over a `switch` on the guest pc. */
function multiSource(blocks: RegionBlock[]): { src: string; ops: Op[] } {
  const ops: Op[] = [];
  const cases: string[] = [];
  for (const b of blocks) {
    const len = b.decoded.length;
    const start = b.address;
    const end = start + 4 * len;
    const { body, calls } = blockBody(b, ops);
    // Only ops can raise exceptions (SVC, BRK...): leave so the engine delivers them.
    if (calls) body.push('if(s.excKind!==0)break L;');
    body.push('continue L;');
    cases.push(
      [`case ${start}:{`, `if(n+${len}>room||(until>${start}&&until<${end}))break L;`, ...body, '}'].join('\n'),
    );
  }
  const src = [
    'return function region(s){',
    PROLOGUE,
    'const until=s.until,room=s.ilim-s.icount;',
    'let n=0,pc=s.pc;',
    'L:for(;;){',
    'if(pc===until||P.code!==C)break;',
    'switch(pc){',
    ...cases,
    '}',
    'break;',
    '}',
    ...EPILOGUE,
    '};',
  ].join('\n');
  return { src, ops };
}

export function regionSource(blocks: RegionBlock[]): { src: string; ops: Op[] } {
  if (blocks.length === 1) {
    const b = blocks[0] as RegionBlock;
    const lastAt = b.address + 4 * (b.decoded.length - 1);
    const selfLoop =
      !b.fallthrough && staticSuccessors(b.decoded[b.decoded.length - 1] as Decoded, lastAt).includes(b.address);
    return singleSource(b, selfLoop);
  }
  return multiSource(blocks);
}

export function compileRegion(input: CompileInput): Compiled {
  const { src, ops } = regionSource(input.blocks);
  const factory = new Function('h', 'o', 'P', 'C', 'K', src) as Factory;
  const links = newLinks();
  return { fn: factory(helpers, ops, input.guard, input.guard.code, links), links };
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
