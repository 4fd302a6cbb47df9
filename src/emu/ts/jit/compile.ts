/**
 * Second tier of the ts engine: a hot block becomes one JavaScript function, together with the
 * blocks of the same page through which a loop comes back to it (`loopRegion`): a loop of several
 * blocks then runs in one call, as a `switch` on the guest pc, with its registers in locals.
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
 * Registers and flags live in function locals while the function runs (see `Locals` below).
 *
 * Exact state on exceptions: when an instruction throws, `s.jn` holds the instructions the
 * function retired (and has not yet added to `s.icount`) before that one and `s.k` its address;
 * the engine rebuilds pc and the instruction count from them. An op call stores them before the
 * call; a snippet that may throw only notes its index and address in locals (`kn`, `ka`) and the
 * function's catch stores them with the registers. On a normal return `s.pc` is the next pc and
 * `s.icount` counts the instructions retired.
 */
import type { Memory } from '../../memory.ts';
import type { Decoded } from '../decoder.ts';
import type { Op } from '../state.ts';
import {
  type FpLocals,
  fpDeclare,
  fpLoadAll,
  fpStoreBack,
  fpTooCostly,
  localizeFp,
  newFpLocals,
  resolveFp,
} from './fplocals.ts';
import { type CompiledBlock, type Links, newLinks } from './links.ts';
import { helpers, SNIPPETS, type SnippetHelpers } from './snippets.ts';
import { staticSuccessors } from './successors.ts';
import { compileWasmRegion } from './wasm.ts';

export { type CompiledBlock, follow, type Links, linkTo, newLinks } from './links.ts';
export { staticSuccessors } from './successors.ts';

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
  /**
   * The guest memory: with it, a loop of register arithmetic, general-register loads and stores
   * and branches may become WebAssembly (its pages then move into a WebAssembly memory).
   */
  mem?: Memory;
  /** Whether such a loop may become WebAssembly (default true). */
  wasm?: boolean;
  /** Only WebAssembly: compileRegion returns null instead of making a JavaScript region. */
  wasmOnly?: boolean;
  /** Told when a WebAssembly region's BR leaves it: the BR's block and its target. */
  onDynamicExit?: (from: number, to: number) => void;
  /** Told when a WebAssembly region leaves before an instruction for its op (wasm.ts's misses). */
  onOpExit?: () => void;
  /**
   * The pages other than `guard` that blocks of the region are on (a WebAssembly region only: a
   * JavaScript region stays on its entry's page).
   */
  otherPages?: CodeGuard[];
}

export interface Compiled {
  fn: CompiledBlock;
  links: Links;
  /** True when the region became WebAssembly. */
  wasm?: boolean;
}

type Factory = (h: SnippetHelpers, o: Op[], P: CodeGuard, C: unknown, K: Links) => CompiledBlock;

/**
 * Registers in locals. Snippets address a general register only as `xl[N]` / `xh[N]` (its int32
 * halves) with a constant N, and the flags as `s.n`, `s.z`, `s.c`, `s.v`: that is the whole
 * interface between the snippets and this file. The translator rewrites those references to
 * function locals (`$lN`, `$hN`, `$n`...), loaded once when the function starts and stored back
 * where the state can be observed: before an op call (ops read and write `s`; the locals are
 * reloaded after it), when a snippet throws (a catch around the body stores them, so a fault
 * leaves exact registers), and on return. A self-looping block keeps them in locals across its
 * iterations (measured in the same runs as native Unicorn: int-loop 0.18 -> 0.25 of its speed,
 * with deferred flags below). Writes get a `|0`, the truncation the Int32Array store did. Locals
 * also make dead flag computations dead code for V8: a flag written twice without a read in
 * between is never stored.
 */
const GPR_REF = /\bx([lh])\[(\d+)\]/g;
const FLAG_REF = /\bs\.([nzcv])(?![\w$])/g;
const ZR_READ = 32;

interface Locals {
  /** Registers read or written (and so loaded at entry). */
  used: Set<number>;
  /** Registers written (stored back). */
  written: Set<number>;
  flagsUsed: boolean;
  flagsWritten: boolean;
  /** Some add/subtract sets the flags deferred (see DEFER). */
  deferred: boolean;
  /** FP/SIMD D registers in locals (fplocals.ts). */
  fp: FpLocals;
}

/** `noFp`: the D registers stay in the state (fplocals.ts fpTooCostly). */
function newLocals(noFp = false): Locals {
  return {
    used: new Set(),
    written: new Set(),
    flagsUsed: false,
    flagsWritten: false,
    deferred: false,
    fp: newFpLocals(noFp),
  };
}

/** Index just past the expression starting at `i` (ends at a `;` or a closing bracket at depth 0). */
function exprEnd(code: string, i: number): number {
  let depth = 0;
  for (let j = i; j < code.length; j++) {
    const c = code[j];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return j;
      depth--;
    } else if ((c === ';' || c === ',') && depth === 0) return j;
  }
  return code.length;
}

/** Snippet text with register and flag references turned into locals (recorded in `loc`). */
function localize(code: string, loc: Locals): string {
  let out = '';
  let i = 0;
  GPR_REF.lastIndex = 0;
  for (;;) {
    GPR_REF.lastIndex = i;
    const m = GPR_REF.exec(code);
    if (m === null) break;
    out += code.slice(i, m.index);
    const half = m[1] as string;
    const r = Number(m[2]);
    const after = m.index + m[0].length;
    if (code[after] === '=' && code[after + 1] !== '=') {
      loc.used.add(r);
      const end = exprEnd(code, after + 1);
      loc.written.add(r);
      out += `$${half}${r}=(${localize(code.slice(after + 1, end), loc)})|0`;
      i = end;
    } else {
      // The zero register as read is never written: a constant.
      if (r !== ZR_READ) loc.used.add(r);
      out += r === ZR_READ ? '0' : `$${half}${r}`;
      i = after;
    }
  }
  out += code.slice(i);
  let deferredText = out;
  for (const [pattern, save] of DEFER) deferredText = deferredText.replace(pattern, save);
  if (deferredText !== out) {
    loc.deferred = true;
    loc.flagsUsed = true;
    loc.flagsWritten = true;
    out = deferredText;
  }
  return out.replace(FLAG_REF, (_all, f: string, at: number, text: string) => {
    loc.flagsUsed = true;
    const next = at + 3;
    if (text[next] === '=' && text[next + 1] !== '=') loc.flagsWritten = true;
    return `$${f}`;
  });
}

/**
 * Deferred flags. An add or subtract that sets the flags (snippets.ts adds64/adds32, whose flag
 * code is recognised here by its exact text) does not compute NZCV: it keeps the values they are
 * made of (`$pr0`/`$pr1` the result halves, `$pah`/`$pb1` the top operands, all int32) and sets
 * `$fk`. A flag read that follows in the same block uses expressions of those values (a compare
 * and branch computes only what its condition needs, see COND_OF); anywhere else the flags are
 * made (MAKE_FLAGS) before they are read, stored or overwritten. In a loop the four flags are then
 * computed once, when the loop is left, instead of on every trip. The carry too is made from the
 * top operands and result (snippets.ts carryOut), so no double and no extra value crosses the loop.
 */
const DEFER: [string, string][] = [
  [
    's.n=r1>>>31;s.z=(r0|r1)===0?1:0;s.c=((ah&b1)|((ah|b1)&~r1))>>>31;s.v=((ah^r1)&(b1^r1))>>>31;',
    '$pr0=r0;$pr1=r1;$pah=ah;$pb1=b1;$fk=1;',
  ],
  [
    's.n=r>>>31;s.z=r===0?1:0;s.c=((a&b)|((a|b)&~r))>>>31;s.v=((a^r)&(b^r))>>>31;',
    '$pr0=r;$pr1=r;$pah=a;$pb1=b;$fk=1;',
  ],
  // ANDS/BICS (snippets.ts logicalImm/logicalReg): with the top "operands" result and 0, the
  // expressions of FLAG_OF give N and Z of the result, C = 0 and V = 0.
  ['s.n=hi>>>31;s.z=(lo|hi)===0?1:0;s.c=0;s.v=0;', '$pr0=lo;$pr1=hi;$pah=hi;$pb1=0;$fk=1;'],
  ['s.n=r>>>31;s.z=r===0?1:0;s.c=0;s.v=0;', '$pr0=r;$pr1=r;$pah=r;$pb1=0;$fk=1;'],
];
const FLAG_OF: Record<string, string> = {
  n: '($pr1>>>31)',
  z: '(($pr0|$pr1)===0?1:0)',
  c: '((($pah&$pb1)|(($pah|$pb1)&~$pr1))>>>31)',
  v: '((($pah^$pr1)&($pb1^$pr1))>>>31)',
};
/**
 * Conditions of snippets.ts `cond` over deferred flags, as direct int32 tests: the branch then
 * tests the kept values instead of making a 0/1 flag and comparing it.
 */
const COND_OF: [string, string][] = [
  [`${FLAG_OF.z}===0`, '($pr0|$pr1)!==0'],
  [`${FLAG_OF.z}===1`, '($pr0|$pr1)===0'],
  [`${FLAG_OF.n}===1`, '$pr1<0'],
  [`${FLAG_OF.n}===0`, '$pr1>=0'],
  // N = V exactly when bit 31 of N ^ V is clear.
  [`${FLAG_OF.n}===${FLAG_OF.v}`, '($pr1^(($pah^$pr1)&($pb1^$pr1)))>=0'],
  [`${FLAG_OF.n}!==${FLAG_OF.v}`, '($pr1^(($pah^$pr1)&($pb1^$pr1)))<0'],
];
function deferredRead(text: string): string {
  let out = text.replace(/\$([nzcv])/g, (_m, f: string) => FLAG_OF[f] as string);
  for (const [form, test] of COND_OF) out = out.replaceAll(form, test);
  return out;
}
const MAKE_FLAGS = `if($fk!==0){$n=${FLAG_OF.n};$z=${FLAG_OF.z};$c=${FLAG_OF.c};$v=${FLAG_OF.v};$fk=0;}`;

/** Stores the written registers (and flags) back into the state. */
function storeBack(loc: Locals, regs: Iterable<number>, flags: boolean): string {
  let out = '';
  for (const r of regs) if (loc.written.has(r)) out += `xl[${r}]=$l${r};xh[${r}]=$h${r};`;
  if (flags && loc.flagsWritten) out += `${loc.deferred ? MAKE_FLAGS : ''}s.n=$n;s.z=$z;s.c=$c;s.v=$v;`;
  return out + fpStoreBack(loc.fp);
}

function loadAll(loc: Locals): string {
  let out = '';
  for (const r of loc.used) out += `$l${r}=xl[${r}];$h${r}=xh[${r}];`;
  if (loc.flagsUsed) out += '$n=s.n;$z=s.z;$c=s.c;$v=s.v;';
  return out + fpLoadAll(loc.fp);
}

function declareLocals(loc: Locals): string {
  const names: string[] = [];
  for (const r of loc.used) names.push(`$l${r}=xl[${r}]`, `$h${r}=xh[${r}]`);
  if (loc.flagsUsed) names.push('$n=s.n', '$z=s.z', '$c=s.c', '$v=s.v');
  if (loc.deferred) names.push('$fk=0', '$pr0=0', '$pr1=0', '$pah=0', '$pb1=0');
  return (names.length === 0 ? '' : `let ${names.join(',')};`) + fpDeclare(loc.fp);
}

/**
 * One block's instructions as pieces: snippet text (already localized) or op calls, which need
 * the locals stored before and reloaded after (filled in once every register is known).
 */
type Piece = string | { op: number; k: number; a: number };

interface BlockCode {
  pieces: Piece[];
  calls: boolean;
  opCalls: number;
  /** Some snippet may throw: the body needs the catch that stores the locals. */
  throws: boolean;
  /** Some snippet may write memory: a loop re-checks the page's guard on every trip. */
  stores: boolean;
}

/** Source pieces of one block's instructions (`n` = instructions retired before the block). */
function blockPieces(b: RegionBlock, ops: Op[], loc: Locals, inLocals = true): BlockCode {
  const len = b.decoded.length;
  const start = b.address;
  const end = start + 4 * len;
  const pieces: Piece[] = [];
  let calls = false;
  let opCalls = 0;
  let throws = false;
  let stores = false;
  b.decoded.forEach((d, k) => {
    const a = start + 4 * k;
    const last = k === len - 1;
    const snippet = SNIPPETS[d.def.id]?.(d.fields, a);
    if (snippet === undefined) {
      const gi = ops.length;
      ops.push(b.ops[k] as Op);
      calls = true;
      opCalls++;
      pieces.push({ op: gi, k, a });
      if (last && !b.fallthrough) pieces.push('pc=s.pc;');
    } else {
      // The catch stores the locals and reports this instruction when the snippet throws.
      if (snippet.mayThrow) {
        throws = true;
        pieces.push(`kn=${k};ka=${a};`);
      }
      if (snippet.stores === true) stores = true;
      pieces.push(inLocals ? localizeFp(localize(snippet.code, loc), loc.fp) : snippet.code);
    }
  });
  if (b.fallthrough) pieces.push(`pc=${end};`);
  pieces.push(`n+=${len};`);
  return { pieces, calls, opCalls, throws, stores };
}

/**
 * Locals pay while op calls are few: each call stores the locals written and reloads all of them.
 * A function of many op calls over many registers (unrolled vector code calling an op per
 * instruction) became tens of kilobytes of source that V8 took long to optimize, with large
 * compiler memory; it keeps the registers in the state instead.
 */
const MAX_RELOADS = 96;
function tooManyReloads(loc: Locals, opCalls: number): boolean {
  return opCalls * loc.used.size > MAX_RELOADS;
}

/**
 * Joins pieces: an op call stores the locals written since the last synchronisation (all the
 * function writes, at the start of a loop trip or a region case) and reloads every local after.
 */
function joinPieces(pieces: Piece[], loc: Locals, atLoopHead: boolean): string[] {
  const lines: string[] = [];
  let dirty = new Set<number>(atLoopHead ? loc.written : []);
  let flagsDirty = atLoopHead;
  // Deferred flags: 0 none, 1 maybe (`$fk` says), 2 set by an earlier instruction of this block.
  let pending = atLoopHead && loc.deferred ? 1 : 0;
  for (const p of pieces) {
    if (typeof p === 'string') {
      let text = resolveFp(p, loc.fp);
      const writes = /\$[nzcv]=(?!=)/.test(text);
      const reads = /\$[nzcv](?!=(?!=))/.test(text);
      const defers = text.includes('$fk=1;');
      if (reads && pending === 2 && !writes) {
        // `$fk` stays set: the flags are still made from the kept values later.
        text = deferredRead(text);
      } else if (reads && pending !== 0) {
        text = MAKE_FLAGS + text;
        pending = 0;
      } else if (writes && pending !== 0) {
        text = `$fk=0;${text}`;
        pending = 0;
      }
      if (defers) pending = 2;
      if (writes || defers) flagsDirty = true;
      lines.push(text);
      for (const m of text.matchAll(/\$[lh](\d+)=(?!=)/g)) dirty.add(Number(m[1]));
      continue;
    }
    lines.push(`${storeBack(loc, dirty, flagsDirty)}kn=-1;s.jn=n+${p.k};s.k=${p.a};o[${p.op}](s);${loadAll(loc)}`);
    dirty = new Set();
    flagsDirty = false;
    pending = 0;
  }
  return lines;
}

/**
 * Follows a link; otherwise back to the dispatcher, which links `s.lk` to what runs next. Through
 * the shared `h.follow` (inlined by V8, its feedback warm from every region): inline loads of
 * `K.fa`... were still without type feedback when V8 optimized a function before its first link
 * was made, and cost a deoptimization and a recompilation per function when it was.
 */
function epilogue(calls: boolean): string[] {
  return [calls ? 'if(s.excKind!==0){s.lk=K;return null;}' : '', 'return h.follow(s,K,pc);'];
}

/**
 * The first call of a function runs one trip of its loop (a region: until it is back at its
 * entry) and returns. Else V8 optimizes a looping function on stack (OSR) during its first call,
 * before the code after the loop (the stores of the locals, the links) ever ran: those accesses
 * had no type feedback, and the first return deoptimized the function and V8 compiled it again.
 * With a 5 M warm-up that was 115 of the 140 deoptimizations of the workloads (now 9 of 33). One
 * trip costs one more pass through the dispatcher per function.
 *
 * Later calls leave at the loop head after CALL_CAP instructions (the trampoline calls the
 * function again through its link to itself). A call that loops for ever runs V8's OSR code, and
 * that code ran the kernels' loops at half the speed of the same function optimized at a call
 * (branch-loop's region alone, 40 M trips: 1.0-1.2 s in its first, OSR call, 0.62 in later calls):
 * OSR enters with untyped values. With calls of bounded length V8 optimizes the function at a call
 * and the next call runs that code; leaving every 4096 instructions costs a store and reload of
 * the locals and a trampoline step (< 1%).
 */
const FIRST_CALL = 'let W=0;';
const CALL_CAP = 4096;
/** Instructions after which a loop leaves at its head: one trip on the first call. */
const CAP = `const cap=W===0?1:${CALL_CAP};W=1;`;

const PROLOGUE = 'const xl=s.xlo,xh=s.xhi,mem=s.mem,vi=s.vi,vf=s.vf64,vs=s.vf32;';

/** The body in a try whose catch stores the locals for the instruction that threw. */
function guarded(body: string[], loc: Locals): string[] {
  const all = storeBack(loc, loc.written, true);
  return ['try{', ...body, `}catch(e){if(kn>=0){s.jn=n+kn;s.k=ka;${all}}throw e;}`];
}

/**
 * One block: straight-line code, and a loop when the block branches back to its own start (the
 * loop re-checks the limit, the guard (when the block can store) and exceptions on every trip,
 * as the dispatcher would).
 */
function singleSource(b: RegionBlock, selfLoop: boolean): { src: string; ops: Op[] } {
  const ops: Op[] = [];
  const len = b.decoded.length;
  const start = b.address;
  const end = start + 4 * len;
  let loc = newLocals();
  let code = blockPieces(b, ops, loc);
  if (tooManyReloads(loc, code.opCalls)) {
    ops.length = 0;
    loc = newLocals();
    code = blockPieces(b, ops, loc, false);
  } else if (fpTooCostly(loc.fp, code.opCalls)) {
    ops.length = 0;
    loc = newLocals(true);
    code = blockPieces(b, ops, loc);
  }
  const { pieces, calls, throws, stores } = code;
  const body = joinPieces(pieces, loc, selfLoop);
  const lines = [
    FIRST_CALL,
    'return function block(s){',
    'if(P.code!==C)return null;',
    'const until=s.until;let room=s.ilim-s.icount;',
    `if(room<${len}||(until>=${start}&&until<${end}))return null;`,
    selfLoop ? CAP : '',
    // One int32 bound for both limits of a trip: room for the whole block and the call cap.
    selfLoop ? `const lim=(room-${len - 1}<cap?room-${len - 1}:cap)|0;` : '',
    PROLOGUE,
    declareLocals(loc),
    'let n=0,pc=0,kn=-1,ka=0;',
  ];
  let inner: string[] = body;
  if (selfLoop) {
    const guard = calls || stores ? '||P.code!==C' : '';
    const back = calls ? null : loopBack(body, start);
    inner =
      back === null
        ? ['for(;;){', ...body, calls ? 'if(s.excKind!==0)break;' : '', `if(pc!==${start}||n>=lim${guard})break;`, '}']
        : [
            'for(;;){',
            ...back.body,
            `if(${back.cond}){pc=${start};if(n>=lim${guard})break;}else{pc=${back.exit};break;}`,
            '}',
          ];
  }
  lines.push(...(calls || throws ? guarded(inner, loc) : inner));
  lines.push(storeBack(loc, loc.written, true), 's.pc=pc;s.icount+=n;', ...epilogue(calls), '};');
  return { src: lines.join('\n'), ops };
}

/** A conditional branch snippet (snippets.ts bCond, cbz, tbz) as a whole localized piece. */
const COND_BRANCH = /^\{pc=(.+)\?(\d+):(\d+);\}$/;

/**
 * A self-loop whose block ends in a conditional branch back to its start: the body without the
 * branch (the count still added), its condition and the other target. The loop then tests the
 * condition itself instead of setting pc from it and comparing pc with the start: V8 does not
 * thread that second test through the first (int-loop ran 23% faster in plain node).
 */
function loopBack(body: string[], start: number): { body: string[]; cond: string; exit: number } | null {
  const count = body[body.length - 1] as string;
  const m = COND_BRANCH.exec(body[body.length - 2] ?? '');
  if (m === null || !count.startsWith('n+=') || Number(m[2]) !== start || Number(m[3]) === start) return null;
  return { body: [...body.slice(0, -2), count], cond: m[1] as string, exit: Number(m[3]) };
}

/**
 * The order of a region's cases: chains in which each block is followed by one of its successors
 * where it can be (the branch target first), so that it falls through into that case instead of
 * going back to the `switch` (fallInto). The entry stays first.
 */
function fallOrder(blocks: RegionBlock[]): number[] {
  const index = new Map<number, number>(blocks.map((b, i) => [b.address, i]));
  const placed = new Set<number>();
  const order: number[] = [];
  for (let first = 0; first < blocks.length; first++) {
    let i: number | undefined = first;
    while (i !== undefined && !placed.has(i)) {
      placed.add(i);
      order.push(i);
      const b = blocks[i] as RegionBlock;
      const lastAt = b.address + 4 * (b.decoded.length - 1);
      const next = b.fallthrough ? [lastAt + 4] : staticSuccessors(b.decoded[b.decoded.length - 1] as Decoded, lastAt);
      i = next.map((t) => index.get(t)).find((j) => j !== undefined && !placed.has(j));
    }
  }
  return order;
}

/**
 * A case's lines (ending in its branch piece, the count and `continue L;`) changed to fall through
 * into the case of `next` when the block continues there: the case that follows in the `switch`
 * then runs without a pass through the loop head and the `switch` (branch-loop's region: one
 * dispatch per trip fewer for most of its transitions). Unchanged when the block ends otherwise.
 */
function fallInto(lines: string[], next: number): string[] {
  const n = lines.length;
  const branch = lines[n - 3] ?? '';
  const count = lines[n - 2] as string;
  if (lines[n - 1] !== 'continue L;' || !count.startsWith('n+=')) return lines;
  const head = lines.slice(0, n - 3);
  const m = COND_BRANCH.exec(branch);
  if (m !== null) {
    const [taken, other] = [Number(m[2]), Number(m[3])];
    if (taken === next) return [...head, count, `if(${m[1]}){pc=${taken};}else{pc=${other};continue L;}`];
    if (other === next) return [...head, count, `if(${m[1]}){pc=${taken};continue L;}pc=${other};`];
    return lines;
  }
  if (branch === `{pc=${next};}` || branch === `pc=${next};`) return [...head, branch, count];
  return lines;
}

/** Several blocks: a loop over a `switch` on the guest pc. */
function multiSource(blocks: RegionBlock[]): { src: string; ops: Op[] } {
  const ops: Op[] = [];
  let loc = newLocals();
  let anyCalls = false;
  let anyThrows = false;
  let anyStores = false;
  // Every block's pieces first: op calls store and reload the locals of the whole region.
  let parts = blocks.map((b) => ({ b, code: blockPieces(b, ops, loc) }));
  const opCalls = parts.reduce((t, p) => t + p.code.opCalls, 0);
  if (tooManyReloads(loc, opCalls)) {
    ops.length = 0;
    loc = newLocals();
    const plain = loc;
    parts = blocks.map((b) => ({ b, code: blockPieces(b, ops, plain, false) }));
  } else if (fpTooCostly(loc.fp, opCalls)) {
    ops.length = 0;
    loc = newLocals(true);
    const gprsOnly = loc;
    parts = blocks.map((b) => ({ b, code: blockPieces(b, ops, gprsOnly) }));
  }
  for (const { code } of parts) {
    anyCalls ||= code.calls;
    anyThrows ||= code.throws;
    anyStores ||= code.stores;
  }
  const lo = Math.min(...blocks.map((b) => b.address));
  const hi = Math.max(...blocks.map((b) => b.address + 4 * b.decoded.length));
  const entry = (blocks[0] as RegionBlock).address;
  const guard = anyCalls || anyStores ? 'P.code!==C||' : '';
  const order = fallOrder(blocks);
  // Each case checks, before its block, the page's guard (when the region can store), room for
  // the block, `until` at or inside it and (the entry) the call cap: one test per block, also when
  // the block before falls through into it.
  const cases = order.map((i, k) => {
    const { b, code } = parts[i] as { b: RegionBlock; code: BlockCode };
    const len = b.decoded.length;
    const start = b.address;
    const end = start + 4 * len;
    const pieces = code.pieces;
    // Only ops can raise exceptions (SVC, BRK...): leave so the engine delivers them.
    if (code.calls) pieces.push('if(s.excKind!==0)break L;');
    pieces.push('continue L;');
    const lines = joinPieces(pieces, loc, true);
    const next = order[k + 1];
    return [
      `case ${start}:{`,
      `if(${guard}${start === entry ? 'n>=cap||' : ''}n+${len}>room||(u&&until>=${start}&&until<${end}))break L;`,
      ...(next === undefined || code.calls ? lines : fallInto(lines, (blocks[next] as RegionBlock).address)),
      '}',
    ].join('\n');
  });
  const body = ['L:for(;;){', 'switch(pc){', ...cases, '}', 'break;', '}'];
  const src = [
    FIRST_CALL,
    'return function region(s){',
    'if(P.code!==C)return null;',
    PROLOGUE,
    declareLocals(loc),
    'const until=s.until,room=s.ilim-s.icount;',
    CAP,
    // `until` can only stop the loop when it lies in the region's code.
    `const u=until>=${lo}&&until<${hi};`,
    'let n=0,pc=s.pc,kn=-1,ka=0;',
    ...(anyCalls || anyThrows ? guarded(body, loc) : body),
    storeBack(loc, loc.written, true),
    's.pc=pc;',
    'if(n===0)return null;',
    's.icount+=n;',
    ...epilogue(anyCalls),
    '};',
  ].join('\n');
  return { src, ops };
}

/**
 * True when more than half of the region's instructions have no snippet: the function would call
 * their ops (V8 inlines them into a large graph) and save little over the interpreter, which calls
 * the same ops, for a compilation that cost more than it saved on the programs' matrix phase.
 */
export function mostlyOpCalls(blocks: RegionBlock[]): boolean {
  let insns = 0;
  let calls = 0;
  for (const b of blocks)
    b.decoded.forEach((d, k) => {
      insns++;
      if (SNIPPETS[d.def.id]?.(d.fields, b.address + 4 * k) === undefined) calls++;
    });
  return calls * 2 > insns;
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

function loops(blocks: RegionBlock[]): boolean {
  if (blocks.length > 1) return true;
  const b = blocks[0] as RegionBlock;
  const lastAt = b.address + 4 * (b.decoded.length - 1);
  return !b.fallthrough && staticSuccessors(b.decoded[b.decoded.length - 1] as Decoded, lastAt).includes(b.address);
}

/**
 * The region as WebAssembly where it can be, else as JavaScript; null when it is neither (not
 * WebAssembly with `wasmOnly`, or a host that forbids `new Function`).
 */
export function compileRegion(input: CompileInput): Compiled | null {
  // Loop regions of register arithmetic and branches run as WebAssembly (jit/wasm.ts).
  if (input.wasm !== false && input.mem !== undefined && loops(input.blocks)) {
    const links = newLinks();
    const fn = compileWasmRegion(
      input.blocks,
      [input.guard, ...(input.otherPages ?? [])],
      links,
      input.mem,
      input.onDynamicExit,
      input.onOpExit,
    );
    if (fn !== null) return { fn, links, wasm: true };
  }
  if (input.wasmOnly === true || (input.otherPages !== undefined && input.otherPages.length > 0)) return null;
  const { src: plain, ops } = regionSource(input.blocks);
  // Named after the guest address, so that V8's traces (--trace-deopt, profiles) tell regions apart.
  const src = plain.replace(
    /function (block|region)\(/,
    `function $1_${(input.blocks[0] as RegionBlock).address.toString(16)}(`,
  );
  const links = newLinks();
  let factory: Factory;
  try {
    factory = new Function('h', 'o', 'P', 'C', 'K', src) as Factory;
  } catch {
    // A host that forbids making code (a content security policy without 'unsafe-eval'): the
    // region stays interpreted.
    return null;
  }
  return { fn: factory(helpers, ops, input.guard, input.guard.code, links), links };
}

/**
 * The loop through the entry: the blocks of `blocks` (the entry first, the rest reachable from it)
 * from which the entry can be reached again, in their order. Only those are worth a region: code
 * that leaves the loop runs once per exit and costs V8 compile time and deoptimizations (cases
 * that never ran have no type feedback) for nothing.
 */
export function loopRegion(blocks: RegionBlock[]): RegionBlock[] {
  const index = new Map<number, number>(blocks.map((b, i) => [b.address, i]));
  const preds: number[][] = blocks.map(() => []);
  blocks.forEach((b, i) => {
    const lastAt = b.address + 4 * (b.decoded.length - 1);
    const next = b.fallthrough ? [lastAt + 4] : staticSuccessors(b.decoded[b.decoded.length - 1] as Decoded, lastAt);
    for (const t of next) {
      const j = index.get(t);
      if (j !== undefined) (preds[j] as number[]).push(i);
    }
  });
  const back = new Set<number>([0]);
  const work = [0];
  while (work.length > 0) {
    for (const p of preds[work.pop() as number] as number[]) {
      if (!back.has(p)) {
        back.add(p);
        work.push(p);
      }
    }
  }
  return blocks.filter((_b, i) => back.has(i));
}
