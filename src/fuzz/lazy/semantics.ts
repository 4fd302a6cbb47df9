/**
 * What a generated function computes (shared by the code generator and the reference model, so
 * the two cannot drift apart silently: the generator emits exactly these steps) and the eager
 * reference: the same program and schedule evaluated with every object linked up front,
 * redirects/removals applied at the same points. It also predicts the lazy machinery's visible
 * effects: which lazy objects are linked before each operation and which reexports reenter the JIT.
 */
import { calleeOf, type FnDef, type FuzzCase, type Program } from './program.ts';

const M = (1n << 64n) - 1n;
export const ROT = 7;
export const ror = (x: bigint, s: number): bigint => ((x >> BigInt(s)) | (x << BigInt(64 - s))) & M;

/** The integer argument j of the n-th call site: acc ^ intImm(n, j). */
export const intImm = (n: number, j: number): number => (n * 16 + j * 3 + 1) & 0xffff;
/** Stack argument j of a call site: ror(acc, stackRot(j)). */
export const stackRot = (j: number): number => j + 11;

export interface Args {
  ints: bigint[];
  /** [low 64, high 64] of v0.. */
  fps: [bigint, bigint][];
  stack: bigint[];
}

/** Arguments a body passes at call site n (a tail call is site `calls.length`). */
export function siteArgs(acc: bigint, callee: FnDef, n: number): Args {
  return {
    ints: Array.from({ length: callee.sig.ints }, (_, j) => acc ^ BigInt(intImm(n, j))),
    fps: callee.sig.fps.map((_k, j) => [(acc + BigInt(j + 1)) & M, acc] as [bigint, bigint]),
    stack: Array.from({ length: callee.sig.stack }, (_, j) => ror(acc, stackRot(j))),
  };
}

/** Values of a host call (and of the callee-saved state around it), from its seed. */
export interface HostCall {
  args: Args;
  /** x19–x28 before the call. */
  callee: bigint[];
  /** q0–q31 before the call (args overwrite v0..). */
  q: [bigint, bigint][];
  fpcr: bigint;
}

export function hostCall(f: FnDef, seed: number): HostCall {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 0x632be59bd9b4e019n;
  const next = (): bigint => {
    s = (s + 0x9e3779b97f4a7c15n) & M;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    return z ^ (z >> 31n);
  };
  const args: Args = {
    ints: Array.from({ length: f.sig.ints }, next),
    fps: f.sig.fps.map(() => [next(), next()] as [bigint, bigint]),
    stack: Array.from({ length: f.sig.stack }, next),
  };
  const callee = Array.from({ length: 10 }, next);
  const q = Array.from({ length: 32 }, () => [next(), next()] as [bigint, bigint]);
  // FPCR: rounding mode (bits 22–23) and flush-to-zero (24); the ABI says callees preserve it.
  const fpcr = (next() & 7n) << 22n;
  return { args, callee, q, fpcr };
}

/** Reference model of one program under a binding (alias → body) and per-call effects. */
export class Model {
  readonly n: number;
  /** Body each function name currently stands for (redirects). */
  readonly binding: number[];
  /** Stub pointer of a lazy function: still at its trampoline? */
  readonly atTrampoline: boolean[];
  readonly present: boolean[];
  /** Per object: linked in the current tracker's lifetime (lazy objects exactly; eager ones when looked up). */
  readonly linked: boolean[];
  /** Reexports that reentered during the current operation. */
  reentered: number[] = [];

  constructor(readonly p: Program) {
    this.n = p.fns.length;
    this.binding = p.fns.map((_f, i) => i);
    this.atTrampoline = p.fns.map(() => true);
    this.present = p.lazy.map(() => true);
    this.linked = p.lazy.map(() => false);
  }

  private isLazy(i: number): boolean {
    return this.p.lazy[this.p.objectOf[i] as number] ?? false;
  }

  /** A call of function name `c` from code in object `fromObj` (-1: the host). */
  private callName(c: number, fromObj: number, args: Args, depth: number): bigint {
    if (this.isLazy(c) && this.p.objectOf[c] !== fromObj) {
      if (this.atTrampoline[c]) {
        this.reentered.push(c);
        this.atTrampoline[c] = false;
        this.binding[c] = c;
      }
      return this.body(this.binding[c] as number, args, depth);
    }
    return this.body(c, args, depth);
  }

  /** Runs body `b` (its code, in its object). */
  body(b: number, args: Args, depth = 0): bigint {
    if (depth > 64) throw new Error('call depth beyond the generator bound');
    const o = this.p.objectOf[b] as number;
    this.linked[o] = true;
    const f = this.p.fns[b] as FnDef;
    let acc = BigInt(f.k >>> 0);
    for (const x of args.ints) acc = ror(acc ^ x, ROT);
    f.sig.fps.forEach((k, j) => {
      const [lo, hi] = args.fps[j] as [bigint, bigint];
      acc = ror((acc + lo) & M, ROT);
      if (k === 'q') acc = ror(acc ^ hi, ROT);
    });
    for (const x of args.stack) acc = ror(acc ^ x, ROT);
    const d8 = acc;
    f.calls.forEach((call, site) => {
      const c = calleeOf(b, call.d, this.n) as number;
      const r = this.callName(c, o, siteArgs(acc, this.p.fns[c] as FnDef, site), depth + 1);
      acc = ror(acc ^ r, ROT);
      acc = (acc + d8) & M;
    });
    if (f.tail !== null) {
      const c = calleeOf(b, f.tail, this.n) as number;
      return this.callName(c, o, siteArgs(acc, this.p.fns[c] as FnDef, f.calls.length), depth + 1);
    }
    return acc;
  }

  hostCall(fn: number, args: Args): bigint {
    this.reentered = [];
    return this.callName(fn, -1, args, 0);
  }

  redirect(fn: number, to: number): void {
    this.reentered = [];
    // The target body is looked up (linking its object), the alias's pointer written.
    this.linked[this.p.objectOf[to] as number] = true;
    this.binding[fn] = to;
    this.atTrampoline[fn] = false;
  }

  remove(obj: number): void {
    this.reentered = [];
    this.present[obj] = false;
    this.linked[obj] = false;
    this.p.fns.forEach((_f, i) => {
      if (this.p.objectOf[i] === obj) {
        this.binding[i] = i;
        this.atTrampoline[i] = true;
      }
    });
  }

  readd(obj: number): void {
    this.reentered = [];
    this.present[obj] = true;
  }
}

/** The eager reference: x0 of every call operation, in order. */
export function referenceResults(c: FuzzCase): bigint[] {
  const m = new Model(c.program);
  const out: bigint[] = [];
  for (const op of c.ops) {
    if (op.kind === 'call') out.push(m.hostCall(op.fn, hostCall(c.program.fns[op.fn] as FnDef, op.seed).args));
    else if (op.kind === 'redirect') m.redirect(op.fn, op.to);
    else if (op.kind === 'remove') m.remove(op.obj);
    else m.readd(op.obj);
  }
  return out;
}
