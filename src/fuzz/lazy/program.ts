/**
 * Generated programs as values: functions with typed signatures (integers in x0–x7, doubles or
 * 128-bit vectors in v0–v7, integers on the stack), grouped into objects (lazy or eager), calling
 * each other directly (`bl`), by tail call (`b`) or through pointers stored in `.data` (ABS64), plus
 * a schedule of operations (call, redirect, remove a tracker, re-add it).
 *
 * Every field is a plain number/array so fast-check shrinks it structurally. Callees and operation
 * targets are stored as offsets that `normalize` maps onto the current function list, so any
 * shrunk value is still a valid program (normalize is idempotent: a normalized case replays as is).
 */
import fc from 'fast-check';

export type FpKind = 'd' | 'q';
export type CallVia = 'direct' | 'pointer';

export interface FnSig {
  /** Integer arguments in x0.. (0–8). */
  ints: number;
  /** Floating-point/vector arguments in v0.. ('d': 64-bit double bits, 'q': the full 128 bits). */
  fps: FpKind[];
  /** Integer arguments on the stack (0–2). */
  stack: number;
}

export interface FnDef {
  /** 32-bit constant mixed into the result (tells bodies apart). */
  k: number;
  sig: FnSig;
  /** Callee = this index + 1 + d (mod the functions after this one): a call graph without cycles. */
  calls: { d: number; via: CallVia }[];
  /** Tail call (`b`) to index + 1 + d, or null. */
  tail: number | null;
}

export interface Program {
  fns: FnDef[];
  /** Object of each function (mod the object count). */
  objectOf: number[];
  /** Per object: added lazily? */
  lazy: boolean[];
}

export type Op =
  | { kind: 'call'; fn: number; seed: number }
  | { kind: 'redirect'; fn: number; to: number }
  | { kind: 'remove'; obj: number }
  | { kind: 'readd'; obj: number };

/**
 * A generated lazy-linking case (exported as LazyFuzzCase): the program (functions in objects) and the operations run on it.
 */
export interface FuzzCase {
  program: Program;
  ops: Op[];
}

export const MAX_FNS = 6;
export const MAX_OBJECTS = 4;

export const fnName = (i: number): string => `f${i}`;
export const objName = (o: number): string => `obj${o}.o`;

// ---- arbitraries ----------------------------------------------------------------------------------

const sigArb: fc.Arbitrary<FnSig> = fc.record({
  ints: fc.integer({ min: 0, max: 8 }),
  fps: fc.array(fc.constantFrom<FpKind>('d', 'q'), { maxLength: 8 }),
  stack: fc.integer({ min: 0, max: 2 }),
});

const rawFnArb = fc.record({
  k: fc.integer({ min: 0, max: 0xffffffff }),
  sig: fc.nat(2),
  calls: fc.array(fc.record({ d: fc.nat(MAX_FNS), via: fc.constantFrom<CallVia>('direct', 'pointer') }), {
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
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), obj: fc.nat(MAX_OBJECTS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('readd' as const), obj: fc.nat(MAX_OBJECTS - 1) }) },
);

export const caseArb: fc.Arbitrary<FuzzCase> = fc.record({
  program: programArb,
  ops: fc.array(opArb, { minLength: 1, maxLength: 8 }),
});

// ---- normalization --------------------------------------------------------------------------------

const sameSig = (a: FnSig, b: FnSig): boolean =>
  a.ints === b.ints && a.stack === b.stack && a.fps.length === b.fps.length && a.fps.every((k, i) => k === b.fps[i]);

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
  const fns: FnDef[] = c.program.fns.map((f, i) => {
    const calls = i + 1 < n ? f.calls.map((x) => ({ d: x.d % (n - i - 1), via: x.via })) : [];
    let tail = f.tail === null || i + 1 >= n ? null : f.tail % (n - i - 1);
    if (tail !== null && (c.program.fns[i + 1 + tail] as FnDef).sig.stack > 0) tail = null;
    return { k: f.k >>> 0, sig: { ints: f.sig.ints, fps: [...f.sig.fps], stack: f.sig.stack }, calls, tail };
  });
  const program: Program = { fns, objectOf, lazy };
  return { program, ops: validOps(program, c.ops) };
}

/** Functions of other objects that reference object `o` statically (calls, tail calls, pointers). */
export function referencedFromOutside(p: Program, o: number): boolean {
  const n = p.fns.length;
  return p.fns.some((f, i) => {
    if (p.objectOf[i] === o) return false;
    const targets = f.calls.map((x) => calleeOf(i, x.d, n));
    if (f.tail !== null) targets.push(calleeOf(i, f.tail, n));
    return targets.some((t) => t !== undefined && p.objectOf[t] === o);
  });
}

/**
 * Keeps the operations that make sense where they stand: calls and redirects of present functions,
 * redirects of lazy functions to a body of the same signature and no lower index, removal of a present object that
 * nothing outside it references (statically, or by a redirect), re-adding a removed object.
 */
export function validOps(p: Program, ops: Op[]): Op[] {
  const n = p.fns.length;
  const nObj = p.lazy.length;
  const present = p.lazy.map(() => true);
  const binding = p.fns.map((_f, i) => i);
  const out: Op[] = [];
  for (const raw of ops) {
    if (raw.kind === 'call') {
      const fn = raw.fn % n;
      if (!present[p.objectOf[fn] as number]) continue;
      out.push({ kind: 'call', fn, seed: raw.seed >>> 0 });
    } else if (raw.kind === 'redirect') {
      const fn = raw.fn % n;
      const to = raw.to % n;
      const of = p.objectOf[fn] as number;
      const ot = p.objectOf[to] as number;
      // Bodies only call higher-numbered names; redirecting a name only to a body numbered at
      // least as high keeps every dynamic call graph acyclic (no unbounded recursion).
      if (to < fn || !p.lazy[of] || !present[of] || !present[ot]) continue;
      if (!sameSig((p.fns[fn] as FnDef).sig, (p.fns[to] as FnDef).sig)) continue;
      binding[fn] = to;
      out.push({ kind: 'redirect', fn, to });
    } else if (raw.kind === 'remove') {
      const obj = raw.obj % nObj;
      if (!present[obj] || referencedFromOutside(p, obj)) continue;
      if (binding.some((b, i) => p.objectOf[i] !== obj && p.objectOf[b] === obj)) continue;
      present[obj] = false;
      binding.forEach((_b, i) => {
        if (p.objectOf[i] === obj) binding[i] = i;
      });
      out.push({ kind: 'remove', obj });
    } else {
      const obj = raw.obj % nObj;
      if (present[obj]) continue;
      present[obj] = true;
      out.push({ kind: 'readd', obj });
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
    return [op];
  });
  return normalize({ program: { fns, objectOf, lazy: p.lazy }, ops });
}

/** The case without operation `k`. */
export const deleteOp = (c: FuzzCase, k: number): FuzzCase =>
  normalize({ program: c.program, ops: c.ops.filter((_o, i) => i !== k) });
