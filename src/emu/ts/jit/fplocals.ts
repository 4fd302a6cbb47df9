/**
 * FP/SIMD D registers in function locals (doubles) for the translation tier, next to the general
 * registers of compile.ts. The interface with the snippets (snippets.ts) is their text:
 *
 * - `vf[2D]` read: the double of D, an operand of arithmetic whose fast path checks its result.
 *   It becomes the local `$dD`, loaded when the function starts and reloaded after anything that
 *   may write D in the state.
 * - `vf[2D]=x;vi[4D+2]=0;vi[4D+3]=0;`: the fast path's write of D (x is a finite number, never a
 *   NaN: the fast paths keep only normal results, conversions only integers). It becomes
 *   `$dD=x;$fw|=bit` and the state is written when it can be observed ("flush": before an op or
 *   helper call, when a snippet throws, on return), with the upper half zeroed then.
 * - `FP_FAST`, the fast paths' test of FPSR.IXC and FPCR (RMode, FZ, DN): the local `$ff`,
 *   computed at entry and again after every op or helper call (an MSR or a helper's exception
 *   flags change it; nothing else does).
 *
 * `$fw` says which locals were written since the last flush: a register is stored only on a path
 * that wrote it, so a register loaded as a NaN (whose payload a JS double need not keep) is never
 * written back through a double, and the upper half of a register that this path did not write
 * keeps its value. Any other reference to a local's storage in a snippet (`vi`, `vs`, a single's
 * write, a load or store of the register) flushes that register before the snippet and reloads it
 * after. A helper called with the state (`h.name(s,...)`, the exact slow paths) flushes the locals
 * it reads before the call and reloads the one it writes, and `$ff`, after it, inside the branch
 * that calls it (HELPER_REGS; an unknown helper: every local). In such functions FMADD and its
 * kin also get their fast path inline (fmaInline), and functions with many locals or op calls keep
 * the registers in the state (fpLimits).
 *
 * Localized text holds placeholders for those flushes and reloads, resolved (`resolveFp`) once
 * every snippet of the function has been seen and the set of locals is known.
 */

export interface FpLocals {
  /** D registers kept in locals. */
  regs: Set<number>;
  /** `$ff` is used. */
  fast: boolean;
  /** Nothing is localized: snippets keep their text (see fpTooCostly). */
  off: boolean;
}

export function newFpLocals(off = false): FpLocals {
  return { regs: new Set(), fast: false, off };
}

/**
 * When the D registers stay in the state: more than `locals` of them in the function, or op calls
 * times locals (each op call reloads every local) above `reloads`. Functions with many locals ran
 * slower with them than without, measured on C loops compiled by clang -O2 (CPU s, same runs, ts
 * engine under exec; the machine shared, so ranges): an n-body step (31 and 15 locals) 2.2-3.2 ->
 * 4.2-5.5, a Mandelbrot loop 0.65-1.17 -> 1.03-1.53; bounded to 12 and 24: 2.1-2.7 and 0.67-0.82,
 * while fp-loop (7 locals, no op call) keeps its gain. Tests raise them to reach locals in bigger
 * functions.
 */
export const fpLimits = { locals: 12, reloads: 24 };

/** True when the function is better off with its D registers in the state (see fpLimits). */
export function fpTooCostly(fp: FpLocals, opCalls: number): boolean {
  return fp.regs.size > fpLimits.locals || opCalls * fp.regs.size > fpLimits.reloads;
}

/** The fast-path test as the snippets write it (snippets.ts FP_FAST). */
export const FP_FAST = '(s.fpsr&16)!==0&&(s.fpcr&62914560)===0';

const WRITE = /\bvf\[(\d+)\]=(\w+);vi\[(\d+)\]=0;vi\[(\d+)\]=0;/g;
const READ = /\bvf\[(\d+)\](?!=(?!=))/g;
const OTHER = /\b(vi|vs|vf)\[([^\]]*)\]/g;
/** Helpers given the state that touch no vector register. */
const STATE_HELPERS_WITHOUT_FP = new Set(['ea', 'follow']);
const HELPER_CALL = /\bh\.(\w+)\(s[,)]/g;
/** Text before a call that makes the call a whole statement (a block around it is then valid). */
const STATEMENT_START = /(^|[;{})]|\belse)\s*$/;

/**
 * The exact helpers the fast paths fall back to (snippets.ts, fpu.ts): the positions, among the
 * arguments after `s`, of the registers each reads and of the one it writes (whole, upper half
 * zeroed). Their slow paths then store only what they read and reload only what they wrote: with
 * every local stored and reloaded, a loop of many registers became tens of kilobytes of source
 * (an n-body step: 31 locals, 60 kB) and ran slower than without locals.
 */
const HELPER_REGS: Record<string, { reads: number[]; writes: number }> = {
  fmul64v: { reads: [1, 2], writes: 0 },
  fdiv64v: { reads: [1, 2], writes: 0 },
  faddsub64v: { reads: [1, 2], writes: 0 },
  ffma64v: { reads: [1, 2, 3], writes: 0 },
  ffma32v: { reads: [1, 2, 3], writes: 0 },
  fbin32v: { reads: [2, 3], writes: 1 },
  cvtFromInt: { reads: [], writes: 0 },
  fmla64vec: { reads: [1, 2, 3], writes: 1 },
  fmla32vec: { reads: [1, 2, 3], writes: 1 },
};

// Placeholders: @F{regs}@ flush, @R{regs}@ reload, @W{regs}@ reload after a helper wrote them
// (their written bits cleared, `$ff` recomputed); `*` for every local (a reload of every local
// also recomputes `$ff`). Unresolved, they are syntax errors.
const FLUSH_ALL = '@F{*}@';
const RELOAD_ALL = '@R{*}@';
const PLACEHOLDER = /@([FRW])\{([^}]*)\}@/g;

/** Index of the parenthesis closing the one at `open`. */
function closing(code: string, open: number): number {
  let depth = 0;
  for (let j = open; j < code.length; j++) {
    const c = code[j];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return -1;
}

/**
 * Calls of helpers given the state that may touch vector registers, as [start, end) of each call
 * statement (`h.name(s,...);`); null when one is not a whole statement (inside an expression).
 */
function helperCalls(code: string): [number, number, string, string][] | null {
  const calls: [number, number, string, string][] = [];
  HELPER_CALL.lastIndex = 0;
  for (const m of code.matchAll(HELPER_CALL)) {
    if (STATE_HELPERS_WITHOUT_FP.has(m[1] as string)) continue;
    const close = closing(code, m.index + m[0].length - 3);
    if (close < 0 || code[close + 1] !== ';' || !STATEMENT_START.test(code.slice(0, m.index))) return null;
    const args = m[0].endsWith(',') ? code.slice(m.index + m[0].length, close) : '';
    calls.push([m.index, close + 2, m[1] as string, args]);
  }
  return calls;
}

/**
 * FMADD/FMSUB/FNMADD/FNMSUB on doubles (snippets.ts fpDp3 calls fpu.ts ffma64v) with fpu.ts
 * fmaCore inline: Dekker's product error and two TwoSums give the fused result when it is
 * decidable (normal operands, product and sum, no tie); under FP_FAST its only exception, Inexact,
 * is already recorded. Anything else calls the helper, exact in every case. Only in functions that
 * keep their D registers in locals: there a call would store and reload them, while in a function
 * without locals the inline code (some 40 operations per instruction) made V8's compilation longer
 * and the programs slower (a Mandelbrot loop, CPU s 1.0-1.3 -> 1.3-1.4).
 */
const FMA_CALL = /\{h\.ffma64v\(s,(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\);\}/g;

function fmaInline(all: string, d: string, a: string, n: string, m: string, negA: string, negN: string): string {
  const z = `${negA !== '0' ? '-' : ''}vf[${2 * Number(a)}]`;
  const x = `${negN !== '0' ? '-' : ''}vf[${2 * Number(n)}]`;
  const y = `vf[${2 * Number(m)}]`;
  const dd = Number(d);
  const store = `vf[${2 * dd}]=r;vi[${4 * dd + 2}]=0;vi[${4 * dd + 3}]=0;`;
  return (
    `{const z=${z},x=${x},y=${y};const p=x*y;` +
    'let t=134217729*x;const xa=t-(t-x),xb=x-xa;t=134217729*y;const ya=t-(t-y),yb=y-ya;' +
    'const e=xa*ya-p+xa*yb+xb*ya+xb*yb;' +
    'const s1=z+p;let bb=s1-z;const tt=z-(s1-bb)+(p-bb);const v=tt+e;bb=v-tt;const w=tt-(v-bb)+(e-bb);' +
    'const r=s1+v;bb=r-s1;const c=s1-(r-bb)+(v-bb);' +
    'const ax=Math.abs(x),ay=Math.abs(y),az=Math.abs(z),ap=Math.abs(p),ar=Math.abs(r);' +
    `if(ax>=${2 ** -1022}&&ax<${2 ** 995}&&ay>=${2 ** -1022}&&ay<${2 ** 995}&&ap>${2 ** -900}&&ap<${2 ** 995}` +
    `&&(z===0||(az>=${2 ** -1022}&&az<${2 ** 995}))&&ar>${2 ** -1022}&&ar<${Number.MAX_VALUE}` +
    `&&(w===0||(c!==0&&!h.pow2(c)))&&${FP_FAST}){${store}}else ${all.slice(1, -1)}}`
  );
}

/** Placeholders before and after a call of helper `name` with `args` (the text after `s`). */
function aroundHelper(name: string, args: string): [string, string] {
  const regs = HELPER_REGS[name];
  const values = args.split(',');
  const at = (k: number): string | undefined => {
    const v = values[k];
    return v !== undefined && /^\d+$/.test(v) ? v : undefined;
  };
  if (regs === undefined || args.includes('(')) return [FLUSH_ALL, RELOAD_ALL];
  const reads = regs.reads.map(at);
  const written = at(regs.writes);
  if (written === undefined || reads.some((r) => r === undefined)) return [FLUSH_ALL, RELOAD_ALL];
  return [reads.length === 0 ? '' : `@F{${reads.join(',')}}@`, `@W{${written}}@`];
}

/** Snippet text with D-register references turned into locals (recorded in `fp`). */
export function localizeFp(code: string, fp: FpLocals): string {
  if (fp.off) return code;
  code = code.replace(FMA_CALL, fmaInline);
  if (!/\b(vi|vs|vf)\[|\bh\.\w+\(s[,)]/.test(code) && !code.includes(FP_FAST)) return code;
  // Registers this snippet reaches some other way stay in the state for the whole snippet.
  const other = new Set<number>();
  let otherAll = false;
  const scan = code.replace(WRITE, (all, k: string, _x, i2: string, i3: string) => {
    const r = Number(k) >> 1;
    return Number(k) % 2 === 0 && Number(i2) === 4 * r + 2 && Number(i3) === 4 * r + 3 ? '' : all;
  });
  for (const m of scan.replace(READ, (all, k: string) => (Number(k) % 2 === 0 ? '' : all)).matchAll(OTHER)) {
    const index = m[2] as string;
    if (!/^\d+$/.test(index)) {
      otherAll = true;
      continue;
    }
    other.add(Number(index) >> (m[1] === 'vf' ? 1 : 2));
  }
  const calls = helperCalls(code);
  // A register index computed at run time, or a helper inside an expression (it could read a
  // register the snippet wrote before it, or change FPSR before a later test): the snippet keeps
  // every register in the state.
  if (otherAll || calls === null) return `${FLUSH_ALL}${code}${RELOAD_ALL}`;
  // Helper calls as statements: flush and reload around the call, in its branch.
  let out = '';
  let at = 0;
  for (const [start, end, name, args] of calls) {
    const [before, after] = aroundHelper(name, args);
    out += `${code.slice(at, start)}{${before}${code.slice(start, end)}${after}}`;
    at = end;
  }
  out += code.slice(at);
  const local = (k: string): number | undefined => {
    const n = Number(k);
    const r = n >> 1;
    return n % 2 === 0 && !other.has(r) ? r : undefined;
  };
  out = out.replace(WRITE, (all, k: string, x: string, i2: string, i3: string) => {
    const r = local(k);
    if (r === undefined || Number(i2) !== 4 * r + 2 || Number(i3) !== 4 * r + 3) return all;
    fp.regs.add(r);
    return `$d${r}=${x};$fw|=${bitOf(r)};`;
  });
  out = out.replace(READ, (all, k: string) => {
    const r = local(k);
    if (r === undefined) return all;
    fp.regs.add(r);
    return `$d${r}`;
  });
  if (out.includes(FP_FAST)) {
    fp.fast = true;
    out = out.split(FP_FAST).join('$ff');
  }
  if (other.size === 0) return out;
  const list = [...other].join(',');
  return `@F{${list}}@${out}@R{${list}}@`;
}

function bitOf(r: number): number {
  return (1 << r) | 0;
}

function flush(fp: FpLocals, regs: Iterable<number>, all: boolean): string {
  let out = '';
  let mask = 0;
  for (const r of regs) {
    if (!fp.regs.has(r)) continue;
    const bit = bitOf(r);
    mask |= bit;
    out += `if(($fw&${bit})!==0){vf[${2 * r}]=$d${r};vi[${4 * r + 2}]=0;vi[${4 * r + 3}]=0;}`;
  }
  if (out === '') return '';
  return all ? `if($fw!==0){${out}$fw=0;}` : `${out}$fw&=${~mask};`;
}

function reload(fp: FpLocals, regs: Iterable<number>, all: boolean): string {
  let out = '';
  for (const r of regs) if (fp.regs.has(r)) out += `$d${r}=vf[${2 * r}];`;
  if (all && fp.fast) out += `$ff=${FP_FAST};`;
  return out;
}

/** After a helper wrote `regs`: their locals reloaded and clean, and `$ff` again. */
function written(fp: FpLocals, regs: Iterable<number>): string {
  let out = '';
  let mask = 0;
  for (const r of regs) {
    if (!fp.regs.has(r)) continue;
    mask |= bitOf(r);
    out += `$d${r}=vf[${2 * r}];`;
  }
  if (mask !== 0) out += `$fw&=${~mask};`;
  return fp.fast ? `${out}$ff=${FP_FAST};` : out;
}

/** Localized text with its placeholders replaced, once `fp` holds every local of the function. */
export function resolveFp(text: string, fp: FpLocals): string {
  if (!text.includes('@')) return text;
  return text.replace(PLACEHOLDER, (_all, kind: string, list: string) => {
    const all = list === '*';
    const regs = all ? fp.regs : list.split(',').map(Number);
    if (kind === 'F') return flush(fp, regs, all);
    if (kind === 'R') return reload(fp, regs, all);
    return written(fp, regs);
  });
}

/** Stores the written locals into the state (before an op call, in the catch, on return). */
export function fpStoreBack(fp: FpLocals): string {
  return flush(fp, fp.regs, true);
}

/** Reloads every local and `$ff` (after an op call). */
export function fpLoadAll(fp: FpLocals): string {
  return reload(fp, fp.regs, true);
}

/** Declarations, after compile.ts's PROLOGUE (`vf` is the state's float64 view). */
export function fpDeclare(fp: FpLocals): string {
  const names: string[] = [];
  if (fp.regs.size > 0) names.push('$fw=0');
  if (fp.fast) names.push(`$ff=${FP_FAST}`);
  for (const r of fp.regs) names.push(`$d${r}=vf[${2 * r}]`);
  return names.length === 0 ? '' : `let ${names.join(',')};`;
}
