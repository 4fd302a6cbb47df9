/**
 * Declarative instruction table, in the spirit of QEMU's decodetree: each encoding is written
 * once as a bit pattern with named fields; the decoder, the disassembler and the fuzzer's
 * encoding classes all derive from that description.
 *
 * Pattern syntax: tokens from bit 31 down to bit 0, separated by spaces. A token is either a
 * run of literal bits (`0`, `1`, or `x` for "any") or a field `name:width`. Widths add up to 32.
 * A field that appears twice is an error; split fields get two names (e.g. immlo/immhi).
 */
import type { Op } from './state.ts';

export type Fields = Record<string, number>;

export type IsaClass =
  | 'dp-imm'
  | 'dp-reg'
  | 'branch'
  | 'system'
  | 'ldst'
  | 'ldst-pair'
  | 'ldst-excl'
  | 'fp'
  | 'simd'
  | 'simd-ldst'
  | 'crypto'
  | 'crc';

/**
 * How an instruction affects the block structure:
 * - 'seq': falls through; may be in the middle of a block.
 * - 'branch': ends a block; its op always sets `s.pc`.
 * - 'alone': needs exact pc/icount (SVC, MRS of counters, ...): its op sits in a block of its
 *   own and must set `s.pc` itself.
 */
export type Flow = 'seq' | 'branch' | 'alone';

export interface DisasmContext {
  /** Turns an address into `sym+off` text, when a symbol is known. */
  symbolize?: (address: number) => string | undefined;
}

export interface InsnDef {
  /** Unique id, e.g. 'ADD_imm'. */
  id: string;
  cls: IsaClass;
  pattern: string;
  /** Extra constraint on the fields (unallocated combinations, aliases split off). */
  when?: (f: Fields) => boolean;
  flow?: Flow;
  /** Text in llvm-objdump syntax (preferred alias), e.g. `add x0, x1, #0x10`. */
  disasm: (f: Fields, address: number, ctx?: DisasmContext) => string;
  /** Builds the op for this instance; `address` is the instruction's own address. */
  exec?: (f: Fields, address: number) => Op;
}

export interface CompiledDef extends InsnDef {
  mask: number;
  value: number;
  fields: readonly (readonly [name: string, shift: number, width: number])[];
}

export interface Decoded {
  def: CompiledDef;
  fields: Fields;
  word: number;
}

export function compilePattern(def: InsnDef): CompiledDef {
  const tokens = def.pattern.trim().split(/\s+/);
  let bit = 32;
  let mask = 0;
  let value = 0;
  const fields: [string, number, number][] = [];
  const seen = new Set<string>();
  for (const tok of tokens) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):(\d+)$/.exec(tok);
    if (m) {
      const name = m[1] as string;
      const width = Number(m[2]);
      if (seen.has(name)) throw new Error(`${def.id}: field ${name} appears twice`);
      seen.add(name);
      bit -= width;
      fields.push([name, bit, width]);
      continue;
    }
    if (!/^[01x]+$/.test(tok)) throw new Error(`${def.id}: bad pattern token '${tok}'`);
    for (const ch of tok) {
      bit -= 1;
      if (ch !== 'x') {
        mask |= 1 << bit;
        if (ch === '1') value |= 1 << bit;
      }
    }
  }
  if (bit !== 0) throw new Error(`${def.id}: pattern covers ${32 - bit} bits, not 32`);
  return { ...def, mask: mask >>> 0, value: value >>> 0, fields };
}

export function extractFields(def: CompiledDef, word: number): Fields {
  const f: Fields = {};
  for (const [name, shift, width] of def.fields) {
    f[name] = width === 32 ? word >>> 0 : (word >>> shift) & ((1 << width) - 1);
  }
  return f;
}

/**
 * Table indexed by bits 31..24 of the word: each entry sits in every bucket its pattern allows,
 * in table order, so the first match in a bucket is the first match in the whole table.
 */
export class DecodeTable {
  private readonly buckets: CompiledDef[][] = Array.from({ length: 256 }, () => []);
  readonly defs: CompiledDef[] = [];

  constructor(defs: readonly InsnDef[]) {
    const ids = new Set<string>();
    for (const d of defs) {
      if (ids.has(d.id)) throw new Error(`duplicate instruction id ${d.id}`);
      ids.add(d.id);
      const c = compilePattern(d);
      this.defs.push(c);
      const m = c.mask >>> 24;
      const v = c.value >>> 24;
      for (let b = 0; b < 256; b++) if ((b & m) === v) (this.buckets[b] as CompiledDef[]).push(c);
    }
  }

  decode(word: number): Decoded | null {
    const w = word >>> 0;
    const bucket = this.buckets[w >>> 24] as CompiledDef[];
    for (const def of bucket) {
      if ((w & def.mask) >>> 0 !== def.value) continue;
      const fields = extractFields(def, w);
      if (def.when && !def.when(fields)) continue;
      return { def, fields, word: w };
    }
    return null;
  }
}
