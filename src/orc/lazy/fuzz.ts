/**
 * Differential fuzzing of lazy linking: random programs of generated AArch64 functions (one object
 * each; every function checksums x0–x8, d0–d7 and the high halves of q0–q7, then calls some
 * later-numbered functions), random sets of lazy objects, random call sequences with random x0–x8,
 * q0–q31 and x19–x28. Each case runs linked eagerly and linked lazily; results and every
 * ABI-preserved register (x19–x28, d8–d15, sp) must be identical, each body must link exactly once,
 * only on its first call (no reentry later), and afterwards its stub pointer holds the body.
 * Used by tests/lazy and `orc-sandbox fuzz-lazy`.
 */

import { type EngineKind, PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import type { ExecutorRuntime } from '../../executor/runtime.ts';
import { R, writeElfObject } from '../../fuzz/lazy/elf.ts';
import { seededRandom } from '../core/dispatcher.ts';
import { bodyName } from '../layers/lazy-object-linking-layer.ts';
import { openSession } from '../session/session.ts';

// ---- objects: the structural fuzzer's ELF writer (src/fuzz/lazy/elf.ts) ---------------------------

export interface ObjectSpec {
  text: Uint8Array;
  /** Global functions defined in .text. */
  defs: { name: string; offset: number; size: number }[];
  /** R_AARCH64_CALL26 relocations to undefined (or defined) globals. */
  calls: { offset: number; target: string }[];
}

/** A relocatable object with `.text` and CALL26 relocations only (also used by the lazy benchmark). */
export function writeRelocatableObject(spec: ObjectSpec): Uint8Array {
  return writeElfObject({
    text: spec.text,
    defs: spec.defs,
    textRelocs: spec.calls.map((c) => ({ offset: c.offset, type: R.CALL26, target: c.target, addend: 0 })),
    data: new Uint8Array(0),
    dataRelocs: [],
  });
}

// ---- generated functions --------------------------------------------------------------------------

export interface FuzzFunction {
  /** Mixed into the checksum. */
  constant: number;
  /** Indices of callees (all greater than this function's index). */
  calls: number[];
}

export interface FuzzCall {
  fn: number;
  /** x0–x8 (9), x19–x28 (10) values; q0–q31 as [lo, hi] pairs. */
  x: bigint[];
  callee: bigint[];
  q: [bigint, bigint][];
}

export interface LazyFuzzCase {
  functions: FuzzFunction[];
  lazy: boolean[];
  sequence: FuzzCall[];
}

export const fnName = (i: number): string => `fz${i}`;
export const objName = (i: number): string => `fz${i}.o`;

const w = {
  prologue: [0xa9be7bfd, 0x910003fd, 0xf9000bf3],
  epilogue: [0xaa1303e0, 0xf9400bf3, 0xa8c27bfd, 0xd65f03c0],
  movz: (rd: number, imm: number, hw: number) => (0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0,
  movk: (rd: number, imm: number, hw: number) => (0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0,
  eor19: (rm: number) => (0xca000000 | (rm << 16) | (19 << 5) | 19) >>> 0,
  add19: (rm: number) => (0x8b000000 | (rm << 16) | (19 << 5) | 19) >>> 0,
  ror19: 0x93d31e73,
  fmovXD: (rd: number, vn: number) => (0x9e660000 | (vn << 5) | rd) >>> 0,
  umovHi: (rd: number, vn: number) => (0x4e183c00 | (vn << 5) | rd) >>> 0,
  fmovDX: (vd: number, rn: number) => (0x9e670000 | (rn << 5) | vd) >>> 0,
  insHi: (vd: number, rn: number) => (0x4e181c00 | (rn << 5) | vd) >>> 0,
  mov0from19: 0xaa1303e0,
  bl: 0x94000000,
};

/** The object of function `i`. */
export function functionObject(c: LazyFuzzCase, i: number): Uint8Array {
  const f = c.functions[i] as FuzzFunction;
  const words: number[] = [...w.prologue];
  words.push(w.movz(19, f.constant & 0xffff, 0), w.movk(19, (f.constant >>> 16) & 0xffff, 1));
  for (let k = 0; k <= 8; k++) words.push(w.eor19(k), w.ror19);
  for (let k = 0; k < 8; k++) {
    words.push(w.fmovXD(9, k), w.add19(9), w.ror19, w.umovHi(9, k), w.eor19(9), w.ror19);
  }
  const calls: ObjectSpec['calls'] = [];
  f.calls.forEach((j, n) => {
    words.push(w.mov0from19);
    for (let k = 1; k <= 8; k++) words.push(w.movz(k, (f.constant * 31 + k * 977 + n) & 0xffff, 0));
    for (let k = 0; k < 8; k++) words.push(w.fmovDX(k, k === 0 ? 19 : k), w.insHi(k, 8 - (k % 8)));
    calls.push({ offset: 4 * words.length, target: fnName(j) });
    words.push(w.bl, w.eor19(0), w.ror19);
  });
  words.push(...w.epilogue);
  const text = new Uint8Array(4 * words.length);
  const dv = new DataView(text.buffer);
  words.forEach((x, k) => {
    dv.setUint32(4 * k, x, true);
  });
  return writeRelocatableObject({ text, defs: [{ name: fnName(i), offset: 0, size: text.length }], calls });
}

/** A random case from a seeded PRNG (the CLI and the property tests share it). */
export function randomCase(seed: number): LazyFuzzCase {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const u64 = () => (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32));
  const n = 2 + int(5);
  const functions: FuzzFunction[] = [];
  for (let i = 0; i < n; i++) {
    const calls: number[] = [];
    const m = i + 1 < n ? int(4) : 0;
    for (let k = 0; k < m; k++) calls.push(i + 1 + int(n - i - 1));
    functions.push({ constant: int(2 ** 32), calls });
  }
  const lazy = functions.map(() => rnd() < 0.7);
  const sequence: FuzzCall[] = [];
  const len = 1 + int(5);
  for (let s = 0; s < len; s++) {
    sequence.push({
      fn: int(n),
      x: Array.from({ length: 9 }, u64),
      callee: Array.from({ length: 10 }, u64),
      q: Array.from({ length: 32 }, () => [u64(), u64()] as [bigint, bigint]),
    });
  }
  return { functions, lazy, sequence };
}

/** Functions reachable from `fn`. */
export function reachable(c: LazyFuzzCase, fn: number, into = new Set<number>()): Set<number> {
  if (into.has(fn)) return into;
  into.add(fn);
  for (const j of (c.functions[fn] as FuzzFunction).calls) reachable(c, j, into);
  return into;
}

export interface CallObservation {
  x0: bigint;
  callee: bigint[];
  /** Low 64 bits of q8–q15 (d8–d15). */
  d: bigint[];
  sp: bigint;
}

export interface LazyRunResult {
  observations: CallObservation[];
  /** Objects linked (graph name → count), user objects only. */
  linked: Map<string, number>;
  /** Reentries (trampoline resolutions) in order: the alias called. */
  reentries: string[];
  /** After the run: for each lazy function that was called, does its stub pointer hold the body? */
  pointerAtBody: Map<number, boolean>;
  /** Linked state checked right before each call: was every not-yet-called function unlinked? */
  linkedTooEarly: string[];
}

const STACK = { base: 0x6f00_0000, size: 0x10_0000 };

/** Runs the case with the objects flagged in `lazyMask` lazy (all false = the eager reference). */
export async function runCase(c: LazyFuzzCase, engineKind: EngineKind, lazyMask: boolean[]): Promise<LazyRunResult> {
  const linked = new Map<string, number>();
  // As the API sees it: no syscalls, errors thrown (not signal statuses).
  const sandbox = await openSession({
    engine: engineKind,
    syscalls: false,
    faultsAsSignals: false,
    showLinkedFiles: (line) => {
      const name = line.replace(/^Linking /, '').trim();
      if (/^fz\d+\.o$/.test(name)) linked.set(name, (linked.get(name) ?? 0) + 1);
    },
  });
  c.functions.forEach((_f, i) => {
    sandbox.addObject(functionObject(c, i), objName(i), { lazy: lazyMask[i] ?? false });
  });
  const runtime = sandbox.local as ExecutorRuntime;
  const engine = runtime.engine;
  engine.memMap(STACK.base, STACK.size, PROT_READ | PROT_WRITE);
  const observations: CallObservation[] = [];
  const called = new Set<number>();
  const linkedTooEarly: string[] = [];
  for (const call of c.sequence) {
    const addr = (await sandbox.lookupOne(fnName(call.fn))).address;
    for (let i = 0; i < c.functions.length; i++) {
      if (lazyMask[i] && !called.has(i) && (linked.get(objName(i)) ?? 0) > 0) linkedTooEarly.push(objName(i));
    }
    for (let k = 0; k < 9; k++) engine.setX(k, call.x[k] as bigint);
    for (let k = 0; k < 10; k++) engine.setX(19 + k, call.callee[k] as bigint);
    for (let k = 0; k < 32; k++) {
      const [lo, hi] = call.q[k] as [bigint, bigint];
      engine.regWrite(`q${k}`, (hi << 64n) | lo);
    }
    engine.setX(31, STACK.base + STACK.size - 256);
    let obs: CallObservation | undefined;
    await runtime.executor.call(addr, [], (e) => {
      obs = {
        x0: e.getX(0),
        callee: Array.from({ length: 10 }, (_, k) => e.getX(19 + k)),
        d: Array.from({ length: 8 }, (_, k) => e.regRead(`q${8 + k}`) & ((1n << 64n) - 1n)),
        sp: e.getX(31),
      };
    });
    observations.push(obs as CallObservation);
    for (const f of reachable(c, call.fn)) called.add(f);
  }
  const pointerAtBody = new Map<number, boolean>();
  for (const i of called) {
    if (!lazyMask[i]) continue;
    const ptr = sandbox.rsm.pointerAddress(sandbox.main, fnName(i));
    const body = sandbox.main.getSymbol(bodyName(fnName(i)));
    if (ptr === undefined || !body) {
      pointerAtBody.set(i, false);
      continue;
    }
    const v = new DataView(engine.memRead(ptr, 8).buffer).getBigUint64(0, true);
    pointerAtBody.set(i, Number(v) === body.address);
  }
  const reentries = sandbox.reentries.map((r) => r.info?.name ?? '?');
  await sandbox.close();
  return { observations, linked, reentries, pointerAtBody, linkedTooEarly };
}

/** Compares a lazy run with the eager one; answers the mismatches (empty = pass). */
export async function checkCase(c: LazyFuzzCase, engineKind: EngineKind): Promise<string[]> {
  const eager = await runCase(
    c,
    engineKind,
    c.functions.map(() => false),
  );
  const lazy = await runCase(c, engineKind, c.lazy);
  const problems: string[] = [];
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  c.sequence.forEach((call, s) => {
    const a = eager.observations[s] as CallObservation;
    const b = lazy.observations[s] as CallObservation;
    const where = `call #${s} (${fnName(call.fn)})`;
    if (a.x0 !== b.x0) problems.push(`${where}: x0 ${hex(b.x0)} lazy vs ${hex(a.x0)} eager`);
    a.callee.forEach((v, k) => {
      if (v !== b.callee[k])
        problems.push(`${where}: x${19 + k} ${hex(b.callee[k] as bigint)} lazy vs ${hex(v)} eager`);
      if (v !== call.callee[k]) problems.push(`${where}: x${19 + k} not preserved (eager)`);
    });
    a.d.forEach((v, k) => {
      if (v !== b.d[k]) problems.push(`${where}: d${8 + k} ${hex(b.d[k] as bigint)} lazy vs ${hex(v)} eager`);
    });
    if (a.sp !== b.sp) problems.push(`${where}: sp ${hex(b.sp)} lazy vs ${hex(a.sp)} eager`);
  });
  const called = new Set<number>();
  for (const call of c.sequence) reachable(c, call.fn, called);
  c.functions.forEach((_f, i) => {
    const n = lazy.linked.get(objName(i)) ?? 0;
    if (c.lazy[i]) {
      const want = called.has(i) ? 1 : 0;
      if (n !== want) problems.push(`${objName(i)} (lazy) linked ${n} times, expected ${want}`);
    } else if (n > 1 || (called.has(i) && n !== 1)) problems.push(`${objName(i)} (eager) linked ${n} times`);
  });
  const lazyCalled = [...called]
    .filter((i) => c.lazy[i])
    .map(fnName)
    .sort();
  const reentered = [...lazy.reentries].sort();
  if (lazyCalled.join(',') !== reentered.join(','))
    problems.push(
      `reentries [${reentered.join(', ')}], expected one per called lazy function [${lazyCalled.join(', ')}]`,
    );
  for (const [i, okPtr] of lazy.pointerAtBody)
    if (!okPtr) problems.push(`${fnName(i)}: stub pointer does not hold the body`);
  for (const o of lazy.linkedTooEarly) problems.push(`${o} linked before its first call`);
  return problems;
}
