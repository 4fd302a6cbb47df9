/**
 * What a generated function computes (shared by the code generator and the reference model, so
 * the two cannot drift apart silently: the generator emits exactly these steps) and the eager
 * reference: the same program and schedule evaluated with every object linked up front,
 * redirects/removals applied at the same points. It also predicts the lazy machinery's visible
 * effects: which lazy objects are linked before each operation and which reexports reenter the JIT.
 */
import { calleeOf, type FnDef, type FnSig, type FuzzCase, type Op, type Program, type UserFn } from './program.ts';

/** The reference has no value yet for a user function's arguments: ask the reference session, retry. */
export class NeedUserValue extends Error {
  constructor(
    readonly callee: string,
    readonly ints: bigint[],
  ) {
    super(`no reference value of ${callee}(${ints.map((v) => `0x${v.toString(16)}`).join(', ')}) yet`);
  }
}

/** Memoized values of users' pure functions, keyed by `name(args…)`. */
export class UserValues {
  readonly memo = new Map<string, bigint>();
  static key = (name: string, ints: readonly bigint[]): string => `${name}(${ints.join(',')})`;
  get = (name: string, ints: bigint[]): bigint => {
    const v = this.memo.get(UserValues.key(name, ints));
    if (v === undefined) throw new NeedUserValue(name, ints);
    return v;
  };
}

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

/**
 * What a caller sees of a callee's result: x0, or for a struct returned through x8 the three words
 * the callee stored there (acc, ror(acc, 13), ~acc) combined as the caller combines them.
 */
export const observed = (sig: FnSig, acc: bigint): bigint =>
  sig.sret ? (acc ^ ror(acc, SRET_ROT) ^ (~acc & M)) & M : acc;
export const SRET_ROT = 13;

/** The documented failure of a call that needs a body whose link fails (status 134, root cause). */
export class LinkFailure extends Error {
  constructor(readonly obj: number) {
    super(`link of obj${obj}.o fails`);
  }
}

/** The root-cause text an injected fault of object `o` carries (the runner's failing pass throws it). */
export const faultCause = (o: number): string => `injected link failure of obj${o}.o`;

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

/** The values of a host call's seed, in order (splitmix64). */
function draws(seed: number): () => bigint {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 0x632be59bd9b4e019n;
  return (): bigint => {
    s = (s + 0x9e3779b97f4a7c15n) & M;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    return z ^ (z >> 31n);
  };
}

const drawArgs = (f: FnDef, next: () => bigint): Args => ({
  ints: Array.from({ length: f.sig.ints }, next),
  fps: f.sig.fps.map(() => [next(), next()] as [bigint, bigint]),
  stack: Array.from({ length: f.sig.stack }, next),
});

/**
 * The arguments of a host call only (its first draws, so `hostCall(f, seed).args` equal these): the
 * reference model needs no more, and the callee-saved values and vector registers after them were
 * 80 of a call's 90 draws, hundreds of bigints each time.
 */
export const hostCallArgs = (f: FnDef, seed: number): Args => drawArgs(f, draws(seed));

export function hostCall(f: FnDef, seed: number): HostCall {
  const next = draws(seed);
  const args = drawArgs(f, next);
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
  binding: number[];
  /** Stub pointer of a lazy function: still at its trampoline? */
  atTrampoline: boolean[];
  present: boolean[];
  /** Per object: linked in the current tracker's lifetime (lazy objects exactly; eager ones when looked up). */
  linked: boolean[];
  /** Per object: the next link fails (an injected fault not yet consumed). */
  armed: boolean[];
  /** Per object: its link failed in this tracker lifetime; every later lookup fails the same way. */
  poisoned: boolean[];
  /** Per body: its constant after code patches (undefined: the generated one). */
  kOver: (number | undefined)[];
  /** Reexports that reentered during the current operation (user function u: -1 - u). */
  reentered: number[] = [];
  /** Per user function (`--objects`): stub pointer still at its trampoline? */
  userAtTrampoline: boolean[];
  /** Per user object: linked? */
  userLinked: boolean[];

  constructor(
    readonly p: Program,
    readonly userValue: (name: string, ints: bigint[]) => bigint = (name, ints) => {
      throw new NeedUserValue(name, ints);
    },
  ) {
    this.userAtTrampoline = (p.user?.fns ?? []).map(() => true);
    this.userLinked = (p.user?.objects ?? []).map(() => false);
    this.n = p.fns.length;
    this.binding = p.fns.map((_f, i) => i);
    this.atTrampoline = p.fns.map(() => true);
    this.present = p.lazy.map(() => true);
    this.linked = p.lazy.map(() => false);
    this.armed = p.lazy.map(() => false);
    this.poisoned = p.lazy.map(() => false);
    this.kOver = p.fns.map(() => undefined);
  }

  clone(): Model {
    const m = new Model(this.p, this.userValue);
    m.userAtTrampoline = [...this.userAtTrampoline];
    m.userLinked = [...this.userLinked];
    m.binding = [...this.binding];
    m.atTrampoline = [...this.atTrampoline];
    m.present = [...this.present];
    m.linked = [...this.linked];
    m.armed = [...this.armed];
    m.poisoned = [...this.poisoned];
    m.kOver = [...this.kOver];
    m.reentered = [...this.reentered];
    return m;
  }

  /** Takes over another model's state (the reference settled on an observed interleaving). */
  assign(o: Model): void {
    this.userAtTrampoline = [...o.userAtTrampoline];
    this.userLinked = [...o.userLinked];
    this.binding = [...o.binding];
    this.atTrampoline = [...o.atTrampoline];
    this.present = [...o.present];
    this.linked = [...o.linked];
    this.armed = [...o.armed];
    this.poisoned = [...o.poisoned];
    this.kOver = [...o.kOver];
    this.reentered = [...o.reentered];
  }

  /**
   * Concurrent calls of `fn` racing a redirect to `to`, settled on what happened: the threads that
   * saw the old binding ran before the redirect, the others after it (linking, reentries and stub
   * pointers only accumulate, so this order gives the state any such interleaving leaves).
   */
  settleRace(fn: number, to: number, argsOld: Args[], argsNew: Args[]): void {
    const reentered: number[] = [];
    for (const a of argsOld) {
      this.hostCall(fn, a);
      reentered.push(...this.reentered);
    }
    this.redirect(fn, to);
    for (const a of argsNew) {
      this.hostCall(fn, a);
      reentered.push(...this.reentered);
    }
    this.reentered = [...new Set(reentered)];
  }

  private isLazy(i: number): boolean {
    return this.p.lazy[this.p.objectOf[i] as number] ?? false;
  }

  /** The JIT links object `o` (a first call through a stub, or a lookup of one of its bodies). */
  private link(o: number): void {
    if (this.linked[o]) return;
    if (this.poisoned[o]) throw new LinkFailure(o);
    if (this.armed[o]) {
      this.armed[o] = false;
      this.poisoned[o] = true;
      throw new LinkFailure(o);
    }
    this.linked[o] = true;
  }

  /** A call of function name `c` from code in object `fromObj` (-1: the host). */
  private callName(c: number, fromObj: number, args: Args, depth: number): bigint {
    const sig = (this.p.fns[c] as FnDef).sig;
    if (this.isLazy(c) && this.p.objectOf[c] !== fromObj) {
      if (this.atTrampoline[c]) {
        this.reentered.push(c);
        this.link(this.p.objectOf[c] as number);
        this.atTrampoline[c] = false;
        this.binding[c] = c;
      }
      return observed(sig, this.body(this.binding[c] as number, args, depth));
    }
    return observed(sig, this.body(c, args, depth));
  }

  /** Runs body `b` (its code, in its object); answers its accumulator (x0, or what x8 gets). */
  body(b: number, args: Args, depth = 0): bigint {
    if (depth > 64) throw new Error('call depth beyond the generator bound');
    const o = this.p.objectOf[b] as number;
    this.linked[o] = true;
    const f = this.p.fns[b] as FnDef;
    let acc = BigInt((this.kOver[b] ?? f.k) >>> 0);
    for (const x of args.ints) acc = ror(acc ^ x, ROT);
    f.sig.fps.forEach((k, j) => {
      const [lo, hi] = args.fps[j] as [bigint, bigint];
      acc = ror((acc + lo) & M, ROT);
      if (k === 'q') acc = ror(acc ^ hi, ROT);
    });
    for (const x of args.stack) acc = ror(acc ^ x, ROT);
    const d8 = acc;
    f.calls.forEach((call, site) => {
      const user = call.u === undefined ? undefined : this.p.user?.fns[call.u];
      if (user && call.u !== undefined) {
        const a = siteArgs(acc, { k: 0, sig: { ints: user.ints, fps: [], stack: 0 }, calls: [], tail: null }, site);
        const r = this.callUser(call.u, a.ints);
        acc = ror(acc ^ r, ROT);
        acc = (acc + d8) & M;
        return;
      }
      const c = calleeOf(b, call.d, this.n) as number;
      const r = this.callName(c, o, siteArgs(acc, this.p.fns[c] as FnDef, site), depth + 1);
      acc = ror(acc ^ r, ROT);
      acc = (acc + d8) & M;
    });
    if (f.tail !== null) {
      const c = calleeOf(b, f.tail, this.n) as number;
      // The tail callee's raw result is this body's result (x0, or the same x8 buffer).
      return this.tailName(c, o, siteArgs(acc, this.p.fns[c] as FnDef, f.calls.length), depth + 1);
    }
    return acc;
  }

  /**
   * A call of user function `u` (always from another object): a lazy user object reenters on the
   * first call through its stub. Its value comes from `userValue` (the eager reference session's
   * answers), which throws NeedUserValue for arguments not asked yet.
   */
  private callUser(u: number, ints: bigint[]): bigint {
    const uf = this.p.user?.fns[u] as UserFn;
    const lazy = this.p.user?.objects[uf.obj]?.lazy ?? false;
    if (lazy && this.userAtTrampoline[u]) {
      this.reentered.push(-1 - u);
      this.userAtTrampoline[u] = false;
    }
    this.userLinked[uf.obj] = true;
    return this.userValue(uf.name, ints);
  }

  private tailName(c: number, fromObj: number, args: Args, depth: number): bigint {
    if (this.isLazy(c) && this.p.objectOf[c] !== fromObj) {
      if (this.atTrampoline[c]) {
        this.reentered.push(c);
        this.link(this.p.objectOf[c] as number);
        this.atTrampoline[c] = false;
        this.binding[c] = c;
      }
      return this.body(this.binding[c] as number, args, depth);
    }
    return this.body(c, args, depth);
  }

  /** A host call of `fn`: what the host reads back (x0, or the combined x8 struct); LinkFailure on a failed link. */
  hostCall(fn: number, args: Args): bigint {
    this.reentered = [];
    return this.callName(fn, -1, args, 0);
  }

  /** The redirect's target lookup may fail (LinkFailure): then nothing is redirected. */
  redirect(fn: number, to: number): void {
    this.reentered = [];
    const ot = this.p.objectOf[to] as number;
    // The target body is looked up (linking its object), the alias's pointer written.
    if (this.p.lazy[ot]) this.link(ot);
    this.linked[ot] = true;
    this.binding[fn] = to;
    this.atTrampoline[fn] = false;
  }

  remove(obj: number): void {
    this.reentered = [];
    this.present[obj] = false;
    this.linked[obj] = false;
    this.armed[obj] = false;
    this.poisoned[obj] = false;
    this.p.fns.forEach((_f, i) => {
      if (this.p.objectOf[i] === obj) {
        this.binding[i] = i;
        this.atTrampoline[i] = true;
        this.kOver[i] = undefined;
      }
    });
  }

  readd(obj: number): void {
    this.reentered = [];
    this.present[obj] = true;
  }

  fail(obj: number): void {
    this.reentered = [];
    this.armed[obj] = true;
  }

  /** Patches body `fn`'s constant if there is code to patch; answers whether it did. */
  patch(fn: number, k: number): boolean {
    this.reentered = [];
    const o = this.p.objectOf[fn] as number;
    if (this.p.lazy[o] && !this.linked[o]) return false;
    this.linked[o] = true;
    this.kOver[fn] = k >>> 0;
    return true;
  }
}

/** The expected outcome of one operation (results of calls; undefined results: a LinkFailure). */
export interface Expected {
  /** Per call (one for `call`, one per thread for `concurrent`): the permitted results. */
  results: bigint[][];
  /** The operation ends with the documented link failure of this object. */
  failure?: number;
}

/** Applies one operation to the model; answers what the sandbox must show. */
export function applyOp(m: Model, p: Program, op: Op): Expected {
  try {
    if (op.kind === 'call') return { results: [[m.hostCall(op.fn, hostCallArgs(p.fns[op.fn] as FnDef, op.seed))]] };
    if (op.kind === 'redirect') m.redirect(op.fn, op.to);
    else if (op.kind === 'remove') m.remove(op.obj);
    else if (op.kind === 'readd') m.readd(op.obj);
    else if (op.kind === 'fail') m.fail(op.obj);
    else if (op.kind === 'patch') m.patch(op.fn, op.k);
    else {
      const f = p.fns[op.fn] as FnDef;
      // Each thread sees the binding from before the racing redirect or from after it.
      const after = op.to === null ? undefined : m.clone();
      if (after && op.to !== null) after.redirect(op.fn, op.to);
      const reentered: number[] = [];
      const results = op.seeds.map((seed) => {
        const args = hostCallArgs(f, seed);
        const r = [m.hostCall(op.fn, args)];
        reentered.push(...m.reentered);
        if (after) {
          const r2 = after.hostCall(op.fn, args);
          if (r2 !== r[0]) r.push(r2);
        }
        return r;
      });
      if (after && op.to !== null) m.redirect(op.fn, op.to);
      m.reentered = [...new Set(reentered)];
      return { results };
    }
    return { results: [] };
  } catch (e) {
    if (e instanceof LinkFailure) return { results: [], failure: e.obj };
    throw e;
  }
}

/** The eager reference: the expected outcome of every operation, in order. */
export function referenceResults(c: FuzzCase): Expected[] {
  const m = new Model(c.program);
  return c.ops.map((op) => applyOp(m, c.program, op));
}
