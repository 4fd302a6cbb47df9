/**
 * Declarative instruction table, in the spirit of QEMU's decodetree: each encoding is written
 * once as a bit pattern with named fields; the decoder, the disassembler and the fuzzer's
 * encoding classes all derive from that description.
 *
 * Pattern syntax: tokens from bit 31 down to bit 0, separated by spaces. A token is either a
 * run of literal bits (`0`, `1`, or `x` for "any") or a field `name:width`. Widths add up to 32.
 * A field that appears twice is an error; split fields get two names (e.g. immlo/immhi).
 *
 * Field names are checked twice, so that a misspelt name cannot silently read `undefined`:
 * - at compile time, entries written with `insn({...})` see their fields typed by the pattern
 *   (`FieldsOf`), so `f.rnn` on a pattern that declares `rn` is a type error;
 * - at table construction, `DecodeTable` runs every entry's `when`, `disasm` and `exec` on
 *   sample words with a fields object that throws `FieldError` for any name the pattern does not
 *   declare (this also covers patterns built at run time and helpers that take the fields); the
 *   ISA's own table skips this at start-up and tests/unit/isa-ids.test.ts runs it instead.
 */
import type { Op } from './state.ts';

export type Fields = Record<string, number>;

type FieldToken<T extends string> = T extends `${infer N}:${string}` ? N : never;
/** Names a pattern declares; interpolated literal bits (`${bitsOf(op, 5)}`) contribute none. */
export type FieldNames<P extends string> = P extends `${infer H} ${infer R}`
  ? FieldToken<H> | FieldNames<R>
  : FieldToken<P>;
/**
 * The fields of an encoding, typed by its pattern when the pattern is known to the compiler. A
 * pattern chosen among several literals gives a union, so only fields every alternative
 * declares can be read without narrowing.
 */
export type FieldsOf<P extends string> = string extends P
  ? Fields
  : P extends string
    ? { readonly [K in FieldNames<P>]: number }
    : never;

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

/** An entry whose field uses are typed by its own pattern (see `insn`). */
export interface InsnSpec<P extends string> extends Omit<InsnDef, 'pattern' | 'when' | 'disasm' | 'exec'> {
  pattern: P;
  when?: (f: FieldsOf<P>) => boolean;
  disasm: (f: FieldsOf<P>, address: number, ctx?: DisasmContext) => string;
  exec?: (f: FieldsOf<P>, address: number) => Op;
}

/**
 * Declares a table entry; the compiler infers the pattern's field names from the (template)
 * literal, so semantics and disassembly may only read declared fields. Identity at run time.
 */
export function insn<P extends string>(spec: InsnSpec<P>): InsnDef {
  return spec as unknown as InsnDef;
}

/** A table entry reads a field its pattern does not declare. */
export class FieldError extends Error {
  constructor(
    readonly id: string,
    readonly field: string,
    readonly pattern: string,
  ) {
    super(`${id}: field '${field}' is not declared by its pattern '${pattern}'`);
    this.name = 'FieldError';
  }
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
  // Scanned by hand, without regular expressions: every start-up compiles ~400 patterns.
  const p = def.pattern;
  let bit = 32;
  let mask = 0;
  let value = 0;
  const fields: [string, number, number][] = [];
  const seen = new Set<string>();
  let i = 0;
  while (i < p.length) {
    if (p.charCodeAt(i) <= 32) {
      i++;
      continue;
    }
    let end = i;
    while (end < p.length && p.charCodeAt(end) > 32) end++;
    const tok = p.slice(i, end);
    i = end;
    const colon = tok.indexOf(':');
    if (colon >= 0) {
      const name = tok.slice(0, colon);
      const digits = tok.slice(colon + 1);
      if (!isFieldName(name) || !isDigits(digits)) throw new Error(`${def.id}: bad pattern token '${tok}'`);
      const width = Number(digits);
      if (seen.has(name)) throw new Error(`${def.id}: field ${name} appears twice`);
      seen.add(name);
      bit -= width;
      fields.push([name, bit, width]);
      continue;
    }
    for (let k = 0; k < tok.length; k++) {
      const ch = tok.charCodeAt(k);
      if (ch !== 48 && ch !== 49 && ch !== 120) throw new Error(`${def.id}: bad pattern token '${tok}'`);
      bit -= 1;
      if (ch !== 120) {
        mask |= 1 << bit;
        if (ch === 49) value |= 1 << bit;
      }
    }
  }
  if (bit !== 0) throw new Error(`${def.id}: pattern covers ${32 - bit} bits, not 32`);
  return { ...def, mask: mask >>> 0, value: value >>> 0, fields };
}

/** A field name of a pattern: a letter or _, then letters, digits or _. */
function isFieldName(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && (k === 0 || c < 48 || c > 57)) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function extractFields(def: CompiledDef, word: number): Fields {
  const f: Fields = {};
  for (const [name, shift, width] of def.fields) {
    f[name] = width === 32 ? word >>> 0 : (word >>> shift) & ((1 << width) - 1);
  }
  return f;
}

/** Fields of `word` that throw `FieldError` when a name the pattern lacks is read. */
function strictFields(def: CompiledDef, word: number): Fields {
  return new Proxy(extractFields(def, word), {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) throw new FieldError(def.id, key, def.pattern);
      return Reflect.get(target, key, receiver);
    },
  });
}

const PROBE_SAMPLES = 16;
const PROBE_ACCEPTED = 2;
/** Entries whose `when` is narrow get more random words, so their disasm/exec run at least once. */
const PROBE_MAX_SAMPLES = 1024;
const probeContext: DisasmContext = { symbolize: () => undefined };

/** A 32-bit mixer (mulberry32's output step), for reproducible sample words. */
function mix32(x: number): number {
  let z = Math.imul(x ^ (x >>> 15), x | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return (z ^ (z >>> 14)) >>> 0;
}

/**
 * Runs `when`, `disasm` and `exec` of an entry on sample words of its pattern (free bits all
 * clear, all set, then pseudo-random), reading the fields through `strictFields`. Any other
 * error is the entry's own business (e.g. a reserved value) and is ignored here; only field
 * names are checked. `disasm`/`exec` run only on words `when` accepts, as the decoder does.
 * Returns on how many words they ran.
 */
export function checkFieldUse(def: CompiledDef): number {
  const free = ~def.mask >>> 0;
  let seed = 0x9e3779b9;
  let accepted = 0;
  for (let i = 0; i < PROBE_MAX_SAMPLES && accepted < PROBE_ACCEPTED; i++) {
    if (i >= PROBE_SAMPLES && accepted > 0) break;
    let bits = 0;
    if (i === 1) bits = free;
    else if (i > 1) {
      seed = (seed + 0x6d2b79f5) | 0;
      bits = mix32(seed);
      // Every other word is sparse (about one bit in four), for `when`s that want zero fields.
      if (i & 1) bits &= mix32(seed ^ 0x5bd1e995) & mix32(seed ^ 0x1b873593);
    }
    const word = (def.value | (bits & free)) >>> 0;
    try {
      // The strict (Proxy) view costs; `when` gets it on the two fixed words and on every word
      // it accepts, which is where a misspelt name in it would show.
      if (def.when && !def.when(i < 2 ? strictFields(def, word) : extractFields(def, word))) continue;
      if (def.when && i >= 2) def.when(strictFields(def, word));
    } catch (e) {
      if (e instanceof FieldError) throw e;
      continue;
    }
    accepted++;
    for (const run of [
      () => def.disasm(strictFields(def, word), 0x1000, probeContext),
      () => def.exec?.(strictFields(def, word), 0x1000),
    ]) {
      try {
        run();
      } catch (e) {
        if (e instanceof FieldError) throw e;
      }
    }
  }
  return accepted;
}

/**
 * Table indexed by bits 31..24 of the word: each entry sits in every bucket its pattern allows,
 * in table order, so the first match in a bucket is the first match in the whole table.
 */
export class DecodeTable {
  private readonly buckets: CompiledDef[][] = Array.from({ length: 256 }, () => []);
  readonly defs: CompiledDef[] = [];

  /**
   * `checkFields: false` skips checkFieldUse: the ISA's own table (isa/index.ts) is checked by
   * tests/unit/isa-ids.test.ts instead of at every start-up, where the check cost 30-45 ms.
   */
  constructor(defs: readonly InsnDef[], options: { checkFields?: boolean } = {}) {
    const ids = new Set<string>();
    const check = options.checkFields !== false;
    for (const d of defs) {
      if (ids.has(d.id)) throw new Error(`duplicate instruction id ${d.id}`);
      ids.add(d.id);
      const c = compilePattern(d);
      if (check) checkFieldUse(c);
      this.defs.push(c);
      // The top bytes the pattern matches: its fixed bits with every subset of its free ones (a
      // pattern fixes most of them: a few buckets each instead of a test of all 256).
      const v = c.value >>> 24;
      const free = ~(c.mask >>> 24) & 0xff;
      for (let sub = free; ; sub = (sub - 1) & free) {
        (this.buckets[v | sub] as CompiledDef[]).push(c);
        if (sub === 0) break;
      }
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
