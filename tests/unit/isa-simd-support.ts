/** Helpers for the AdvSIMD / crypto unit tests: run single words on a bare CpuState. */
import { Memory } from '../../src/emu/memory.ts';
import { TABLE } from '../../src/emu/ts/isa/index.ts';
import { CpuState } from '../../src/emu/ts/state.ts';

export const QC_BIT = 1 << 27;

export function newState(): CpuState {
  return new CpuState(new Memory());
}

/** Decodes and executes one instruction word (address 0x1000). */
export function run(s: CpuState, word: number): void {
  const d = TABLE.decode(word >>> 0);
  if (!d) throw new Error(`undecodable word 0x${(word >>> 0).toString(16)}`);
  if (!d.def.exec) throw new Error(`no exec for ${d.def.id}`);
  d.def.exec(d.fields, 0x1000)(s);
}

/** Builds a word for the instruction `id` with the given field values. */
export function enc(id: string, fields: Record<string, number>): number {
  const def = TABLE.defs.find((d) => d.id === id);
  if (!def) throw new Error(`no instruction ${id}`);
  let w = def.value;
  for (const [name, shift, width] of def.fields) {
    const v = fields[name];
    if (v === undefined) throw new Error(`${id}: field ${name} missing`);
    w |= (v & (width === 32 ? -1 : (1 << width) - 1)) << shift;
  }
  return w >>> 0;
}

const BITS = [8, 16, 32, 64];

/** Writes lanes of size 2^esz bytes into Vr (values may be negative); other lanes keep. */
export function setLanes(s: CpuState, r: number, esz: number, vals: (number | bigint)[]): void {
  const bits = BigInt(BITS[esz] as number);
  const mask = (1n << bits) - 1n;
  vals.forEach((v, i) => {
    let u = BigInt(v) & mask;
    const bytes = 1 << esz;
    for (let k = 0; k < bytes; k++) {
      s.vb[r * 16 + i * bytes + k] = Number(u & 0xffn);
      u >>= 8n;
    }
  });
}

/** Lanes of Vr as bigints, signed or unsigned. */
export function lanesOf(s: CpuState, r: number, esz: number, signed = false, count?: number): bigint[] {
  const bytes = 1 << esz;
  const n = count ?? 16 / bytes;
  const bits = BigInt(BITS[esz] as number);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    let u = 0n;
    for (let k = bytes - 1; k >= 0; k--) u = (u << 8n) | BigInt(s.vb[r * 16 + i * bytes + k] as number);
    out.push(signed ? BigInt.asIntN(Number(bits), u) : u);
  }
  return out;
}

/** Vr as a 128-bit value. */
export function q(s: CpuState, r: number): bigint {
  return lanesOf(s, r, 3).reduce((acc, v, i) => acc | (v << (64n * BigInt(i))), 0n);
}

export function setQ(s: CpuState, r: number, v: bigint): void {
  setLanes(s, r, 3, [v & 0xffffffffffffffffn, (v >> 64n) & 0xffffffffffffffffn]);
}

export function qc(s: CpuState): number {
  return (s.fpsr >>> 27) & 1;
}
