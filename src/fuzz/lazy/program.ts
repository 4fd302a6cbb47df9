/**
 * Generated programs as values: functions with typed signatures (integers, doubles, 128-bit
 * vectors, 16-byte structs, HFAs of doubles, variadic tails, structs returned through x8), lowered
 * to registers and stack slots by the AAPCS64 rules, grouped into objects (lazy or eager), calling
 * each other directly (`bl`), by tail call (`b`), through pointers stored in `.data` (ABS64) or
 * through a host function that calls back into guest code; plus a schedule of operations (call,
 * redirect, remove a tracker, re-add it, concurrent first calls on N threads with a scheduler seed
 * and a redirect racing them, an injected link failure, a code patch).
 *
 * Every field is a plain number/array so fast-check shrinks it structurally. Callees and operation
 * targets are stored as offsets that `normalize` maps onto the current function list, so any
 * shrunk value is still a valid program (normalize is idempotent: a normalized case replays as is).
 */
import fc from 'fast-check';

export type FpKind = 'd' | 'q';
/** `host`: through a host function that calls the callee back (integer-only signatures). */
export type CallVia = 'direct' | 'pointer' | 'host';
/**
 * A source-level parameter: `i` u64, `d` double, `q` 128-bit vector, `s` struct {u64, u64}
 * (two x registers, or two stack slots once fewer than two are left), `h2`–`h4` an HFA of 2–4
 * doubles (consecutive v registers, or stack slots once too few are left).
 */
export type Param = 'i' | 'd' | 'q' | 's' | 'h2' | 'h3' | 'h4';

export interface FnSig {
  /** Integer arguments in x0.. (0–8). */
  ints: number;
  /** Floating-point/vector arguments in v0.. ('d': 64-bit double bits, 'q': the full 128 bits). */
  fps: FpKind[];
  /** 8-byte argument slots on the stack (0–4). */
  stack: number;
  /** The parameters the registers/slots above were lowered from (absent: plain integers/fps). */
  params?: Param[];
  /** The last `variadic` params are variadic (`...`); AAPCS64 (Linux) passes them as named ones. */
  variadic?: number;
  /** Returns a 24-byte struct through the indirect result register x8. */
  sret?: boolean;
}
export interface FnDef {
  /** 32-bit constant mixed into the result (tells bodies apart). */
  k: number;
  sig: FnSig;
  /**
   * Callee = this index + 1 + d (mod the functions after this one): a call graph without cycles;
   * with `u`, the user function `u` of `Program.user` instead (`--objects`).
   */
  calls: { d: number; via: CallVia; u?: number }[];
  /** Tail call (`b`) to index + 1 + d, or null. */
  tail: number | null;
}

export interface Program {
  fns: FnDef[];
  /** Object of each function (mod the object count). */
  objectOf: number[];
  /** Per object: added lazily? */
  lazy: boolean[];
  /** Users' own objects mixed in as callees (`--objects DIR`, user-objects.ts). */
  user?: UserPart;
}

/** A user's exported pure function `u64 name(u64 × ints)`, defined in user object `obj`. */
export interface UserFn {
  name: string;
  ints: number;
  obj: number;
}
/** The users' functions a program may call and how their objects are added. */
export interface UserPart {
  fns: UserFn[];
  /** Per user object (its file name, e.g. `userfns.o`): added lazily? */
  objects: { name: string; lazy: boolean }[];
}

export type Op =
  | { kind: 'call'; fn: number; seed: number }
  | { kind: 'redirect'; fn: number; to: number }
  | { kind: 'remove'; obj: number }
  | { kind: 'readd'; obj: number }
  /**
   * `seeds.length` (2–4) threads call `fn` at once under the scheduler seed `sched`; with `to`
   * not null the JIT redirects `fn` to the body of `to` at the `at`-th context switch.
   */
  | { kind: 'concurrent'; fn: number; seeds: number[]; sched: number; to: number | null; at: number }
  /** The next link of object `obj` fails (an injected materialization error). */
  | { kind: 'fail'; obj: number }
  /** Rewrites the constant of the linked body `fn` in executor memory (a code write). */
  | { kind: 'patch'; fn: number; k: number };

export type OpKind = Op['kind'];
export const OP_KINDS: OpKind[] = ['call', 'redirect', 'remove', 'readd', 'concurrent', 'fail', 'patch'];

/**
 * A generated lazy-linking case (exported as LazyFuzzCase): the program (functions in objects) and the operations run on it.
 */
export interface FuzzCase {
  program: Program;
  ops: Op[];
}

export const MAX_FNS = 6;
export const MAX_OBJECTS = 4;
export const MAX_STACK_SLOTS = 4;
export const MAX_THREADS = 4;

export const fnName = (i: number): string => `f${i}`;
export const objName = (o: number): string => `obj${o}.o`;

// ---- arbitraries ----------------------------------------------------------------------------------

const paramArb: fc.Arbitrary<Param> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Param>('i') },
  { weight: 2, arbitrary: fc.constant<Param>('d') },
  { weight: 2, arbitrary: fc.constant<Param>('q') },
  { weight: 1, arbitrary: fc.constant<Param>('s') },
  { weight: 1, arbitrary: fc.constantFrom<Param>('h2', 'h3', 'h4') },
);

const sigArb: fc.Arbitrary<FnSig> = fc
  .record({
    params: fc.array(paramArb, { maxLength: 16 }),
    variadic: fc.nat(3),
    sret: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(({ params, variadic, sret }) => lowerSig(params, variadic, sret));

/**
 * AAPCS64 parameter passing (the subset the generator uses): integers and 16-byte structs take the
 * next x registers, doubles/vectors/HFAs the next v registers; a struct or HFA that does not fit
 * entirely goes to the stack and closes its register class (NGRN/NSRN = 8); 8-byte stack slots in
 * parameter order. Vectors are never put on the stack and at most MAX_STACK_SLOTS slots are used:
 * parameters beyond that are dropped, so `params` always describes exactly the lowered signature.
 */
export function lowerSig(params: readonly Param[], variadic: number, sret: boolean): FnSig {
  let ngrn = 0;
  let nsrn = 0;
  let ints = 0;
  let stack = 0;
  const fps: FpKind[] = [];
  const kept: Param[] = [];
  const toStack = (n: number): boolean => {
    if (stack + n > MAX_STACK_SLOTS) return false;
    stack += n;
    return true;
  };
  for (const p of params) {
    let ok = true;
    if (p === 'i') {
      if (ngrn < 8) {
        ngrn++;
        ints++;
      } else ok = toStack(1);
    } else if (p === 'd' || p === 'q') {
      if (nsrn < 8) {
        fps.push(p);
        nsrn++;
      } else ok = p === 'd' && toStack(1);
    } else if (p === 's') {
      if (ngrn + 2 <= 8) {
        ngrn += 2;
        ints += 2;
      } else {
        ok = toStack(2);
        if (ok) ngrn = 8;
      }
    } else {
      const n = Number(p.slice(1));
      if (nsrn + n <= 8) {
        for (let j = 0; j < n; j++) fps.push('d');
        nsrn += n;
      } else {
        ok = toStack(n);
        if (ok) nsrn = 8;
      }
    }
    if (ok) kept.push(p);
  }
  return {
    ints,
    fps,
    stack,
    params: kept,
    variadic: Math.min(variadic, kept.length),
    ...(sret ? { sret: true } : {}),
  };
}

const rawFnArb = fc.record({
  k: fc.integer({ min: 0, max: 0xffffffff }),
  sig: fc.nat(2),
  calls: fc.array(fc.record({ d: fc.nat(MAX_FNS), via: fc.constantFrom<CallVia>('direct', 'pointer', 'host') }), {
    maxLength: 3,
  }),
  tail: fc.option(fc.nat(MAX_FNS), { nil: null }),
});

/** Signatures come from a pool of 1–3 per program, so redirects between same-typed bodies are common. */
export const programArb: fc.Arbitrary<Program> = fc
  .record({
    sigs: fc.array(sigArb, { minLength: 1, maxLength: 3 }),
    fns: fc.array(rawFnArb, { minLength: 1, maxLength: MAX_FNS }),
    objectOf: fc.array(fc.nat(MAX_OBJECTS - 1), { minLength: MAX_FNS, maxLength: MAX_FNS }),
    lazy: fc.array(fc.boolean(), { minLength: MAX_OBJECTS, maxLength: MAX_OBJECTS }),
  })
  .map(({ sigs, fns, objectOf, lazy }) => ({
    fns: fns.map((f) => ({ k: f.k, sig: sigs[f.sig % sigs.length] as FnSig, calls: f.calls, tail: f.tail })),
    objectOf,
    lazy,
  }));

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('call' as const), fn: fc.nat(MAX_FNS - 1), seed: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('redirect' as const), fn: fc.nat(MAX_FNS - 1), to: fc.nat(MAX_FNS - 1) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), obj: fc.nat(MAX_OBJECTS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('readd' as const), obj: fc.nat(MAX_OBJECTS - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('concurrent' as const),
      fn: fc.nat(MAX_FNS - 1),
      seeds: fc.array(fc.nat(), { minLength: 2, maxLength: MAX_THREADS }),
      sched: fc.nat(),
      to: fc.option(fc.nat(MAX_FNS - 1), { nil: null }),
      at: fc.nat(12),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), obj: fc.nat(MAX_OBJECTS - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('patch' as const),
      fn: fc.nat(MAX_FNS - 1),
      k: fc.integer({ min: 0, max: 0xffffffff }),
    }),
  },
);

/**
 * A fault-and-retry sequence on the object of function `fn`: inject a link failure, call (fails),
 * remove the tracker, re-add it, call again (must link). Independent operations make this exact
 * five-step sequence on one object rare (a mutant that keeps a failure across trackers was missed
 * by 3 of 5 seeds in 2 000 cases), so the generator draws it as one unit. It expands to ordinary
 * operations, so printing, replaying and deletion shrinking see a flat schedule.
 */
const retryArb = fc.record({ kind: fc.constant('retry' as const), fn: fc.nat(MAX_FNS - 1), seed: fc.nat() });
type RawStep = Op | { kind: 'retry'; fn: number; seed: number };

const expandRetry = (p: Program, step: RawStep): Op[] => {
  if (step.kind !== 'retry') return [step];
  const n = Math.max(1, p.fns.length);
  const nObj = Math.max(1, p.lazy.length);
  // The object index normalize() will give fn's object (objects without functions are dropped).
  const raw = Array.from({ length: n }, (_, i) => (p.objectOf[i] ?? 0) % nObj);
  const used = [...new Set(raw)].sort((a, b) => a - b);
  // Prefer a function in a lazy object: only lazy objects take injected failures.
  const lazyFns = raw.map((_o, i) => i).filter((i) => p.lazy[raw[i] as number]);
  const fn = lazyFns.length > 0 ? (lazyFns[step.fn % lazyFns.length] as number) : step.fn % n;
  const obj = used.indexOf(raw[fn] as number);
  return [
    { kind: 'fail', obj },
    { kind: 'call', fn, seed: step.seed },
    { kind: 'remove', obj },
    { kind: 'readd', obj },
    { kind: 'call', fn, seed: step.seed },
  ];
};

export const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    program: programArb,
    ops: fc.array(
      fc.oneof(
        { weight: 14, arbitrary: opArb as fc.Arbitrary<RawStep> },
        { weight: 1, arbitrary: retryArb as fc.Arbitrary<RawStep> },
      ),
      {
        minLength: 1,
        maxLength: 8,
      },
    ),
  })
  .map(({ program, ops }) => ({ program, ops: ops.flatMap((step) => expandRetry(program, step)) }));

/**
 * Cases that also call the users' functions `fns` (of `objects` objects): calls of generated bodies
 * are turned into calls of user functions (direct, through a pointer, through a host callback),
 * and each user object is added lazily or eagerly. Everything drawn is a plain value, so it shrinks.
 */
export function userCaseArb(fns: readonly UserFn[], objects: readonly string[]): fc.Arbitrary<FuzzCase> {
  if (fns.length === 0) return caseArb;
  return fc
    .record({
      c: caseArb,
      // One entry per generated call site, in order: null keeps the generated callee.
      picks: fc.array(fc.option(fc.nat(fns.length - 1), { nil: null, freq: 2 }), { maxLength: 3 * MAX_FNS }),
      // Calls of user functions that functions without calls get (a leaf calls a user function).
      leaf: fc.array(
        fc.record({ u: fc.nat(fns.length - 1), via: fc.constantFrom<CallVia>('direct', 'pointer', 'host') }),
        {
          minLength: MAX_FNS,
          maxLength: MAX_FNS,
        },
      ),
      lazy: fc.array(fc.boolean(), { minLength: objects.length, maxLength: objects.length }),
    })
    .map(({ c, picks, leaf, lazy }) => {
      let site = 0;
      const fnsOut = c.program.fns.map((f, i) => {
        const calls = f.calls.map((call) => {
          const u = picks[site++];
          return u === null || u === undefined ? call : { ...call, u };
        });
        const l = leaf[i];
        if (calls.length === 0 && l) calls.push({ d: 0, via: l.via, u: l.u });
        return { ...f, calls };
      });
      return {
        program: {
          ...c.program,
          fns: fnsOut,
          user: { fns: [...fns], objects: objects.map((name, o) => ({ name, lazy: lazy[o] ?? false })) },
        },
        ops: c.ops,
      };
    });
}

// ---- normalization --------------------------------------------------------------------------------

const sameSig = (a: FnSig, b: FnSig): boolean =>
  a.ints === b.ints &&
  a.stack === b.stack &&
  !!a.sret === !!b.sret &&
  a.fps.length === b.fps.length &&
  a.fps.every((k, i) => k === b.fps[i]);

/** A host function can call it back: integer arguments in registers only, result in x0. */
export const hostCallable = (s: FnSig): boolean => s.fps.length === 0 && s.stack === 0 && !s.sret;

export { sameSig };

/** Callee index of a call `d` from function `i` of `n` (undefined: i is the last function). */
export const calleeOf = (i: number, d: number, n: number): number | undefined =>
  i + 1 < n ? i + 1 + (d % (n - i - 1)) : undefined;

/**
 * Maps a raw value onto a valid case: callees wrap into range, tail callees never take stack
 * arguments, objects without functions are dropped, and operations that the current state makes
 * meaningless are dropped (see `validOps`).
 */
export function normalize(c: FuzzCase): FuzzCase {
  const n = c.program.fns.length;
  const nObj = Math.max(1, c.program.lazy.length);
  const rawObj = Array.from({ length: n }, (_, i) => (c.program.objectOf[i] ?? 0) % nObj);
  const used = [...new Set(rawObj)].sort((a, b) => a - b);
  const objectOf = rawObj.map((o) => used.indexOf(o));
  const lazy = used.map((o) => c.program.lazy[o] ?? false);
  const sigs = c.program.fns.map((f) => normalizeSig(f.sig));
  const fns: FnDef[] = c.program.fns.map((f, i) => {
    const sig = sigs[i] as FnSig;
    const users = c.program.user?.fns.length ?? 0;
    const calls = f.calls.flatMap((x) => {
      // A user function takes integers in registers only: every way of calling it works.
      if (x.u !== undefined && users > 0) return [{ d: 0, via: x.via, u: x.u % users }];
      if (i + 1 >= n) return [];
      const d = x.d % (n - i - 1);
      const via = x.via === 'host' && !hostCallable(sigs[i + 1 + d] as FnSig) ? 'pointer' : x.via;
      return [{ d, via }];
    });
    let tail = f.tail === null || i + 1 >= n ? null : f.tail % (n - i - 1);
    if (tail !== null) {
      // A tail call passes no stack arguments and hands its own x8 on: the result kinds must agree.
      const t = sigs[i + 1 + tail] as FnSig;
      if (t.stack > 0 || !!t.sret !== !!sig.sret) tail = null;
    }
    return { k: f.k >>> 0, sig, calls, tail };
  });
  const program: Program = { fns, objectOf, lazy, ...(c.program.user ? { user: c.program.user } : {}) };
  return { program, ops: validOps(program, c.ops) };
}

/** A signature in normal form: lowered again from its params (or the plain counts clamped). */
export function normalizeSig(sig: FnSig): FnSig {
  if (sig.params) return lowerSig(sig.params, sig.variadic ?? 0, !!sig.sret);
  return {
    ints: Math.min(8, sig.ints),
    fps: sig.fps.slice(0, 8),
    stack: Math.min(MAX_STACK_SLOTS, sig.stack),
    ...(sig.sret ? { sret: true } : {}),
  };
}

/** Functions of other objects that reference object `o` statically (calls, tail calls, pointers). */
export function referencedFromOutside(p: Program, o: number): boolean {
  const n = p.fns.length;
  return p.fns.some((f, i) => {
    if (p.objectOf[i] === o) return false;
    const targets = f.calls.filter((x) => x.u === undefined).map((x) => calleeOf(i, x.d, n));
    if (f.tail !== null) targets.push(calleeOf(i, f.tail, n));
    return targets.some((t) => t !== undefined && p.objectOf[t] === o);
  });
}

/**
 * Keeps the operations that make sense where they stand: calls and redirects of present functions,
 * redirects of lazy functions to a body of the same signature and no lower index, removal of a
 * present object that nothing outside it references (statically, or by a redirect), re-adding a
 * removed object, a fault in a present lazy object, a patch of a present function, and concurrent
 * calls while no object carries a fault (an abort in one thread ends the whole program).
 */
export function validOps(p: Program, ops: Op[]): Op[] {
  const n = p.fns.length;
  const nObj = p.lazy.length;
  const present = p.lazy.map(() => true);
  /** An object given a fault, until its tracker is removed (it may be poisoned). */
  const faulty = p.lazy.map(() => false);
  const binding = p.fns.map((_f, i) => i);
  const out: Op[] = [];
  // One scheduler per case: the first concurrent operation's seed; later ones continue its stream.
  let sched: number | undefined;
  const redirectOk = (fn: number, to: number): boolean => {
    const of = p.objectOf[fn] as number;
    const ot = p.objectOf[to] as number;
    // Bodies only call higher-numbered names; redirecting a name only to a body numbered at
    // least as high keeps every dynamic call graph acyclic (no unbounded recursion).
    if (to < fn || !p.lazy[of] || !present[of] || !present[ot]) return false;
    return sameSig((p.fns[fn] as FnDef).sig, (p.fns[to] as FnDef).sig);
  };
  for (const raw of ops) {
    if (raw.kind === 'call') {
      const fn = raw.fn % n;
      if (!present[p.objectOf[fn] as number]) continue;
      out.push({ kind: 'call', fn, seed: raw.seed >>> 0 });
    } else if (raw.kind === 'redirect') {
      const fn = raw.fn % n;
      const to = raw.to % n;
      if (!redirectOk(fn, to)) continue;
      // Even a redirect whose target fails to link counts: removing the target stays forbidden.
      binding[fn] = to;
      out.push({ kind: 'redirect', fn, to });
    } else if (raw.kind === 'remove') {
      const obj = raw.obj % nObj;
      if (!present[obj] || referencedFromOutside(p, obj)) continue;
      if (binding.some((b, i) => p.objectOf[i] !== obj && p.objectOf[b] === obj)) continue;
      present[obj] = false;
      faulty[obj] = false;
      binding.forEach((_b, i) => {
        if (p.objectOf[i] === obj) binding[i] = i;
      });
      out.push({ kind: 'remove', obj });
    } else if (raw.kind === 'readd') {
      const obj = raw.obj % nObj;
      if (present[obj]) continue;
      present[obj] = true;
      out.push({ kind: 'readd', obj });
    } else if (raw.kind === 'fail') {
      const obj = raw.obj % nObj;
      if (!present[obj] || !p.lazy[obj] || faulty[obj]) continue;
      faulty[obj] = true;
      out.push({ kind: 'fail', obj });
    } else if (raw.kind === 'patch') {
      const fn = raw.fn % n;
      if (!present[p.objectOf[fn] as number]) continue;
      out.push({ kind: 'patch', fn, k: raw.k >>> 0 });
    } else {
      const fn = raw.fn % n;
      if (!present[p.objectOf[fn] as number] || faulty.some((f) => f)) continue;
      const seeds = raw.seeds.slice(0, MAX_THREADS).map((x) => x >>> 0);
      if (seeds.length < 2) continue;
      let to = raw.to === null ? null : raw.to % n;
      if (to !== null && (to === fn || !redirectOk(fn, to))) to = null;
      if (to !== null) binding[fn] = to;
      sched ??= raw.sched >>> 0;
      out.push({ kind: 'concurrent', fn, seeds, sched, to, at: to === null ? 0 : raw.at % 13 });
    }
  }
  return out;
}

/** Size of a case for the shrink report: functions and operations. */
export const caseSize = (c: FuzzCase): { functions: number; operations: number } => ({
  functions: c.program.fns.length,
  operations: c.ops.length,
});

/**
 * The case without function `x`: calls to it are dropped, other callees and operation targets keep
 * pointing at the same functions (fast-check's own array shrinking shifts indices, so a failure that
 * needs f4 in a lazy object rarely survives removing f0; this step keeps meanings stable).
 */
export function deleteFunction(c: FuzzCase, x: number): FuzzCase {
  const p = c.program;
  const n = p.fns.length;
  if (n <= 1) return c;
  const remap = (j: number): number => (j > x ? j - 1 : j);
  const fns: FnDef[] = [];
  p.fns.forEach((f, i) => {
    if (i === x) return;
    const ni = remap(i);
    const keep = (d: number): number | null => {
      const callee = calleeOf(i, d, n);
      if (callee === undefined || callee === x) return null;
      return remap(callee) - ni - 1;
    };
    const calls = f.calls.flatMap((call) => {
      if (call.u !== undefined) return [call];
      const d = keep(call.d);
      return d === null ? [] : [{ d, via: call.via }];
    });
    const tail = f.tail === null ? null : keep(f.tail);
    fns.push({ k: f.k, sig: f.sig, calls, tail });
  });
  const objectOf = p.objectOf.filter((_o, i) => i !== x);
  const ops: Op[] = c.ops.flatMap((op): Op[] => {
    if (op.kind === 'call') return op.fn === x ? [] : [{ ...op, fn: remap(op.fn) }];
    if (op.kind === 'redirect')
      return op.fn === x || op.to === x ? [] : [{ ...op, fn: remap(op.fn), to: remap(op.to) }];
    if (op.kind === 'patch') return op.fn === x ? [] : [{ ...op, fn: remap(op.fn) }];
    if (op.kind === 'concurrent') {
      if (op.fn === x) return [];
      return [{ ...op, fn: remap(op.fn), to: op.to === null || op.to === x ? null : remap(op.to) }];
    }
    return [op];
  });
  return normalize({ program: { fns, objectOf, lazy: p.lazy, ...(p.user ? { user: p.user } : {}) }, ops });
}

/** The case without operation `k`. */
export const deleteOp = (c: FuzzCase, k: number): FuzzCase =>
  normalize({ program: c.program, ops: c.ops.filter((_o, i) => i !== k) });
