/**
 * gdb's output shapes, measured on gdb-multiarch (see tests/debug/gdb-shapes.test.ts):
 *   - `info registers`: name padded to column 15, raw value padded to column 35, natural value;
 *   - `x/Nfu ADDR`: `ADDR <sym+off>:` then tab-separated units, 8 per line for b/h, 4 for w, 2 for g;
 *     hex zero-padded to the unit, octal with a leading 0, binary padded to the unit's bits;
 *   - `x/s` one quoted C string per line, `x/i` one instruction per line, `=> ` marking pc.
 * Symbol offsets in `<…>` are decimal, as gdb prints them (`<main+12>`).
 */
import { angled, cEscape, formatInt } from './expr.ts';

/** A register row of `info registers`. */
export function registerLine(name: string, raw: string, natural: string): string {
  const head = name.length < 15 ? name.padEnd(15) : `${name} `;
  const mid = head + raw;
  return `${mid.length < 35 ? mid.padEnd(35) : `${mid} `}${natural}`;
}

interface Field {
  name: string;
  lsb: number;
  bits: number;
}

function flagsText(value: number, fields: readonly Field[]): string {
  const parts: string[] = [];
  for (const f of fields) {
    const v = Math.floor(value / 2 ** f.lsb) % 2 ** f.bits;
    if (f.bits === 1) {
      if (v) parts.push(f.name);
    } else parts.push(`${f.name}=${v}`);
  }
  return `[ ${parts.join(' ')}${parts.length ? ' ' : ''}]`;
}

const bit = (name: string, lsb: number): Field => ({ name, lsb, bits: 1 });

/** cpsr as gdb's aarch64 flags type shows it (multi-bit fields always, single bits when set). */
export const CPSR_FIELDS: readonly Field[] = [
  bit('SP', 0),
  { name: 'EL', lsb: 2, bits: 2 },
  bit('nRW', 4),
  bit('F', 6),
  bit('I', 7),
  bit('A', 8),
  bit('D', 9),
  { name: 'BTYPE', lsb: 10, bits: 2 },
  bit('SSBS', 12),
  bit('IL', 20),
  bit('SS', 21),
  bit('PAN', 22),
  bit('UAO', 23),
  bit('DIT', 24),
  bit('TCO', 25),
  bit('V', 28),
  bit('C', 29),
  bit('Z', 30),
  bit('N', 31),
];
export const FPSR_FIELDS: readonly Field[] = [
  bit('IOC', 0),
  bit('DZC', 1),
  bit('OFC', 2),
  bit('UFC', 3),
  bit('IXC', 4),
  bit('IDC', 7),
  bit('QC', 27),
  bit('V', 28),
  bit('C', 29),
  bit('Z', 30),
  bit('N', 31),
];
export const FPCR_FIELDS: readonly Field[] = [
  bit('FIZ', 0),
  bit('AH', 1),
  bit('NEP', 2),
  bit('IOE', 8),
  bit('DZE', 9),
  bit('OFE', 10),
  bit('UFE', 11),
  bit('IXE', 12),
  bit('EBF', 13),
  bit('IDE', 15),
  { name: 'Len', lsb: 16, bits: 3 },
  bit('FZ16', 19),
  { name: 'Stride', lsb: 20, bits: 2 },
  { name: 'RMode', lsb: 22, bits: 2 },
  bit('FZ', 24),
  bit('DN', 25),
  bit('AHP', 26),
];

export const cpsrText = (v: number): string => flagsText(v, CPSR_FIELDS);
export const fpsrText = (v: number): string => flagsText(v, FPSR_FIELDS);
export const fpcrText = (v: number): string => flagsText(v, FPCR_FIELDS);

// ---- x/Nfu -----------------------------------------------------------------------------------------

export type Unit = 1 | 2 | 4 | 8;
export const UNIT_LETTERS: Readonly<Record<string, Unit>> = { b: 1, h: 2, w: 4, g: 8 };
export const EXAMINE_FORMATS = 'xduotacfsiz';

export interface ExamineSpec {
  count: number;
  letter: string;
  unit: Unit;
  /** The unit was given explicitly (it becomes the default of later `x`). */
  unitGiven: boolean;
}

export class FormatError extends Error {
  override name = 'FormatError';
}

/**
 * Parses what follows `x/` (count, then format and unit letters in any order). `last` holds the
 * format and unit of the previous `x`, gdb's defaults.
 */
export function parseExamineSpec(spec: string, last: { letter: string; unit: Unit }): ExamineSpec {
  const m = /^(-?\d*)([a-z]*)$/.exec(spec);
  if (!m) throw new FormatError(`Invalid number "${spec}".`);
  const count = m[1] === '' ? 1 : Number(m[1]);
  if (!Number.isSafeInteger(count) || count < 1 || count > 4096)
    throw new FormatError(`x/${spec}: the count must be between 1 and 4096`);
  let letter: string | undefined;
  let unit: Unit | undefined;
  for (const c of m[2] as string) {
    const u = UNIT_LETTERS[c];
    if (u !== undefined) unit = u;
    else if (EXAMINE_FORMATS.includes(c)) letter = c;
    else throw new FormatError(`Undefined output format "${c}".`);
  }
  const f = letter ?? last.letter;
  let size: Unit;
  if (f === 'a') size = 8;
  else if (unit !== undefined) size = unit;
  else if (f === 'c' || f === 's') size = 1;
  else if (f === 'f') size = last.unit === 4 || last.unit === 8 ? last.unit : 8;
  else size = last.unit;
  return { count, letter: f, unit: size, unitGiven: unit !== undefined };
}

/** Units per output line for a format and unit size. */
export function perLine(letter: string, unit: Unit): number {
  if (letter === 's' || letter === 'i') return 1;
  if (letter === 'a') return 2;
  return unit <= 2 ? 8 : unit === 4 ? 4 : 2;
}

function shortestFloat(x: number, single: boolean): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (!single) return numberText(x);
  for (let p = 1; p <= 9; p++) {
    const t = Number(x.toPrecision(p));
    if (Math.fround(t) === x) return numberText(t);
  }
  return numberText(x);
}

function numberText(x: number): string {
  if (Object.is(x, -0)) return '-0';
  const s = String(x);
  // gdb (%g style) writes 1e+21 / 1e-07; JS writes the same exponents but no padding.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** One unit of memory (little-endian bytes) in an `x` format. */
export function formatUnit(
  bytes: Uint8Array,
  letter: string,
  unit: Unit,
  symbolize: (a: number) => string | undefined,
): string {
  let v = 0n;
  for (let i = unit - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  const bits = unit * 8;
  switch (letter) {
    case 'x':
    case 'z':
      return `0x${v.toString(16).padStart(unit * 2, '0')}`;
    case 't':
      return v.toString(2).padStart(bits, '0');
    case 'f': {
      const dv = new DataView(bytes.buffer, bytes.byteOffset, unit);
      if (unit === 8) {
        const x = dv.getFloat64(0, true);
        if (Number.isNaN(x)) {
          const neg = (bytes[7] as number) >= 0x80 ? '-' : '';
          return `${neg}nan(0x${(v & 0xfffffffffffffn).toString(16)})`;
        }
        return shortestFloat(x, false);
      }
      if (unit === 4) {
        const x = dv.getFloat32(0, true);
        if (Number.isNaN(x)) {
          const neg = (bytes[3] as number) >= 0x80 ? '-' : '';
          return `${neg}nan(0x${(v & 0x7fffffn).toString(16)})`;
        }
        return shortestFloat(x, true);
      }
      return formatInt(v, bits, true, 'd', { symbolize });
    }
    default:
      return formatInt(v, bits, letter === 'd', letter, { symbolize });
  }
}

/** `0x… <sym+off>:` — the label of an `x` line. */
export function lineLabel(address: number, symbolize: (a: number) => string | undefined): string {
  const s = symbolize(address);
  return `0x${address.toString(16)}${s ? ` ${angled(s)}` : ''}:`;
}

/** gdb's x/s text for the bytes of one string (without the NUL), cut at `limit` characters. */
export function stringText(bytes: Uint8Array, limit = 200): string {
  if (bytes.length > limit) return `"${cEscape(bytes.subarray(0, limit), '"')}"...`;
  return `"${cEscape(bytes, '"')}"`;
}

/** An instruction line of x/i and disassemble: the llvm-style text with a tab after the mnemonic. */
export function insnText(text: string): string {
  const sp = text.indexOf(' ');
  return sp < 0 ? text : `${text.slice(0, sp)}\t${text.slice(sp + 1)}`;
}
