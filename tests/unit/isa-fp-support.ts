/** Shared runner for the FP instruction tests: one word, registers in, registers and FPSR out. */
import { PROT_ALL, type RegName } from '../../src/emu/engine.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';

export const CODE = 0x10000;

export const IOC = 0x1;
export const DZC = 0x2;
export const OFC = 0x4;
export const UFC = 0x8;
export const IXC = 0x10;
export const IDC = 0x80;
export const RP = 1 << 22;
export const RM = 2 << 22;
export const RZ = 3 << 22;
export const FZ = 1 << 24;
export const DN = 1 << 25;
export const AHP = 1 << 26;

/**
 * A case: [assembly (for the title), word, inputs, expected outputs, FPCR, NZCV in, FPSR out].
 * Input names s1/d1/h1/q1 write the whole Q register (zero-extended); x1 writes X1. Output q0 is
 * the whole 128-bit register, x0 the 64-bit register, nzcv the flags word.
 */
export type Case = [
  asm: string,
  word: number,
  inputs: Record<string, bigint>,
  outputs: Record<string, bigint>,
  fpcr: number,
  nzcv: number,
  fpsr: number,
];

export interface RunOut {
  regs: Record<string, bigint>;
  fpsr: number;
}

let engine: TsEngine | null = null;

function regName(k: string): RegName {
  if (k === 'nzcv') return 'nzcv';
  if (k[0] === 'x') return k as RegName;
  return `q${k.slice(1)}` as RegName;
}

export function runWord(
  word: number,
  inputs: Record<string, bigint>,
  outs: string[],
  fpcr: number,
  nzcv = 0,
  jitThreshold = Number.POSITIVE_INFINITY,
): RunOut {
  let e: TsEngine;
  if (jitThreshold !== Number.POSITIVE_INFINITY) e = newEngine(jitThreshold);
  else {
    engine ??= newEngine(jitThreshold);
    e = engine;
  }
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, word >>> 0, true);
  e.memWrite(CODE, b);
  for (let i = 0; i < 32; i++) e.regWrite(`q${i}` as RegName, 0n);
  for (let i = 0; i < 31; i++) e.regWrite(`x${i}` as RegName, 0n);
  for (const [k, v] of Object.entries(inputs)) e.regWrite(regName(k), v);
  e.regWrite('fpcr', BigInt(fpcr));
  e.regWrite('fpsr', 0n);
  e.regWrite('nzcv', BigInt(nzcv >>> 0));
  e.start(CODE, CODE + 4, { count: 1 });
  const regs: Record<string, bigint> = {};
  for (const k of outs) regs[k] = BigInt.asUintN(k[0] === 'q' ? 128 : 64, e.regRead(regName(k)));
  return { regs, fpsr: Number(e.regRead('fpsr')) };
}

function newEngine(jitThreshold: number): TsEngine {
  const e = new TsEngine({ jitThreshold });
  e.memMap(CODE, 0x1000, PROT_ALL);
  return e;
}

export const hex = (v: bigint | number) => `0x${BigInt.asUintN(128, BigInt(v)).toString(16)}`;
