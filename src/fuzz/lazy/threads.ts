/**
 * Guest code for concurrent first calls: a thread entry (`thunk`) that loads a call's registers
 * and stack arguments from a block, calls the target (a stub, as the host would), and stores the
 * result and the callee-saved registers it sees afterwards; and drivers for 2–4 threads that
 * pthread_create one thread per block and join them all. Written by the runner into a page it maps
 * itself (no linking involved), so concurrency only adds pthread calls to what is being fuzzed.
 */
import { A, type Insn } from './a64.ts';
import { MAX_THREADS } from './program.ts';

/** Code page (RX) and data page (RW) of the concurrency harness (free in the executor's map). */
export const HARNESS = { code: 0x6e00_0000, data: 0x6e01_0000, size: 0x1000 } as const;

/** Table at the data page: pthread_create, pthread_join, the thunk, then tids and block pointers. */
export const T = { create: 0, join: 8, thunk: 16, tid: 32, block: 64, blocks: 128 } as const;
export const BLOCK_SIZE = 640;

/** Offsets in a block. */
export const B = {
  target: 0,
  x: 8, // x0..x7
  x8: 72,
  stack: 80, // 4 slots
  q: 112, // q0..q7, 16 bytes each
  calleeIn: 240, // x20..x28
  dIn: 312, // d8..d15
  result: 376,
  calleeOut: 384,
  dOut: 456,
  spIn: 520,
  spOut: 528,
  sret: 544, // 32 bytes
} as const;

const words = (insns: Insn[]): number[] => insns.map((i) => i.word);

function thunk(): number[] {
  const c: Insn[] = [A.stpPre(29, 30, 31, -16), A.addImm(29, 31, 0), A.mov(19, 0), A.subImm(31, 31, 32)];
  for (let j = 0; j < 4; j++) c.push(A.ldr(9, 19, B.stack + 8 * j), A.str(9, 31, 8 * j));
  for (let k = 0; k < 8; k++) c.push(A.ldrQ(k, 19, B.q + 16 * k));
  for (let k = 20; k <= 28; k++) c.push(A.ldr(k, 19, B.calleeIn + 8 * (k - 20)));
  for (let k = 8; k <= 15; k++) c.push(A.ldrD(k, 19, B.dIn + 8 * (k - 8)));
  c.push(A.addImm(9, 31, 0), A.str(9, 19, B.spIn), A.ldr(16, 19, B.target), A.ldr(8, 19, B.x8));
  for (let k = 0; k < 8; k++) c.push(A.ldr(k, 19, B.x + 8 * k));
  c.push(A.blr(16), A.str(0, 19, B.result));
  for (let k = 20; k <= 28; k++) c.push(A.str(k, 19, B.calleeOut + 8 * (k - 20)));
  for (let k = 8; k <= 15; k++) c.push(A.strD(k, 19, B.dOut + 8 * (k - 8)));
  c.push(A.addImm(9, 31, 0), A.str(9, 19, B.spOut), A.addImm(31, 31, 32), A.ldpPost(29, 30, 31, 16), A.ret());
  return words(c);
}

/** drvN(table): pthread_create N threads (thunk, block i), then pthread_join each. */
function driver(n: number): number[] {
  const c: Insn[] = [A.stpPre(29, 30, 31, -32), A.addImm(29, 31, 0), A.stp(19, 20, 31, 16), A.mov(19, 0)];
  for (let i = 0; i < n; i++)
    c.push(
      A.addImm(0, 19, T.tid + 8 * i),
      A.movz(1, 0, 0),
      A.ldr(2, 19, T.thunk),
      A.ldr(3, 19, T.block + 8 * i),
      A.ldr(9, 19, T.create),
      A.blr(9),
    );
  for (let i = 0; i < n; i++) c.push(A.ldr(0, 19, T.tid + 8 * i), A.movz(1, 0, 0), A.ldr(9, 19, T.join), A.blr(9));
  c.push(A.ldp(19, 20, 31, 16), A.ldpPost(29, 30, 31, 32), A.ret());
  return words(c);
}

export interface HarnessCode {
  bytes: Uint8Array;
  thunk: number;
  /** Entry of the driver for n threads (index n). */
  driver: number[];
}

export function harnessCode(): HarnessCode {
  const all: number[] = [];
  const thunkAt = HARNESS.code;
  all.push(...thunk());
  const driverAt: number[] = [];
  for (let n = 0; n <= MAX_THREADS; n++) {
    driverAt.push(HARNESS.code + 4 * all.length);
    if (n >= 2) all.push(...driver(n));
  }
  const bytes = new Uint8Array(4 * all.length);
  const dv = new DataView(bytes.buffer);
  all.forEach((w, k) => {
    dv.setUint32(4 * k, w, true);
  });
  return { bytes, thunk: thunkAt, driver: driverAt };
}
