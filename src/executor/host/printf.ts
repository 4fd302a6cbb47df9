/**
 * printf-family formatting, bit-exact with glibc for the conversions we support:
 * flags `-+ #0`, width and precision (numbers or `*`), length modifiers hh h l ll q j z Z t L,
 * conversions d i u o x X c s p n f F e E g G a A %.
 *
 * Floating point is converted exactly (BigInt arithmetic on the binary value, round-half-even on
 * the exact value, as glibc does in the default rounding mode), so every precision is exact.
 * Strings are byte strings (one char code per byte, 0..255).
 */

/** Where the arguments come from (AAPCS64 varargs in the host glue). */
export interface PrintfArgs {
  /** Next integer/pointer argument, raw 64 bits. */
  nextInt(): bigint;
  /** Next double argument. */
  nextDouble(): number;
}

export interface PrintfMemory {
  /** Bytes of the C string at `addr`, at most `max` of them (NUL not included). */
  readCString(addr: number, max?: number): Uint8Array;
  /** For %n: stores `value` (size 1/2/4/8 bytes) at `addr`. */
  writeInt?(addr: number, size: number, value: number): void;
}

const fromBytes = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};

export function toBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

// ---- exact decimal conversion ----------------------------------------------------------------------

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** |x| = m · 2^e exactly (x finite). */
function decompose(x: number): { m: bigint; e: number } {
  f64[0] = x;
  const bits = u64[0] as bigint;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  if (exp === 0) return { m: frac, e: -1074 };
  return { m: frac | (1n << 52n), e: exp - 1075 };
}

const pow10cache: bigint[] = [];
function pow10(k: number): bigint {
  let p = pow10cache[k];
  if (p === undefined) {
    p = 10n ** BigInt(k);
    if (k < 2000) pow10cache[k] = p;
  }
  return p;
}

/** round-half-even(m · 2^e · 10^k) */
function scaledRound(m: bigint, e: number, k: number): bigint {
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= pow10(k);
  else den *= pow10(-k);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Digits of |x| with `prec` fractional digits: [integer part, fraction]. */
function fixed(x: number, prec: number): [string, string] {
  const { m, e } = decompose(x);
  const s = scaledRound(m, e, prec)
    .toString()
    .padStart(prec + 1, '0');
  return [s.slice(0, s.length - prec), s.slice(s.length - prec)];
}

/** |x| ≈ d.ddd × 10^exp with `prec` digits after the point: [digits (prec+1 chars), exp]. */
function scientific(x: number, prec: number): [string, number] {
  if (x === 0) return ['0'.repeat(prec + 1), 0];
  const { m, e } = decompose(x);
  let exp = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const n = scaledRound(m, e, prec - exp);
    const s = n.toString();
    if (s.length > prec + 1) {
      exp += 1;
      continue;
    }
    if (s.length < prec + 1) {
      exp -= 1;
      continue;
    }
    return [s, exp];
  }
}

// ---- the formatter -----------------------------------------------------------------------------------

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number; // -1 = none
  len: string;
  conv: string;
}

function pad(spec: Spec, prefix: string, body: string, zeroOk: boolean): string {
  const total = prefix.length + body.length;
  if (total >= spec.width) return prefix + body;
  const fill = spec.width - total;
  if (spec.minus) return prefix + body + ' '.repeat(fill);
  if (spec.zero && zeroOk) return prefix + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + prefix + body;
}

function intBits(len: string): number {
  switch (len) {
    case 'hh':
      return 8;
    case 'h':
      return 16;
    case 'l':
    case 'll':
    case 'q':
    case 'j':
    case 'z':
    case 'Z':
    case 't':
    case 'L':
      return 64;
    default:
      return 32;
  }
}

function formatInt(spec: Spec, raw: bigint): string {
  const bits = intBits(spec.len);
  const c = spec.conv;
  let sign = '';
  let mag: bigint;
  if (c === 'd' || c === 'i') {
    const v = BigInt.asIntN(bits, raw);
    if (v < 0n) {
      sign = '-';
      mag = -v;
    } else {
      mag = v;
      sign = spec.plus ? '+' : spec.space ? ' ' : '';
    }
  } else mag = BigInt.asUintN(bits, raw);
  const base = c === 'o' ? 8 : c === 'x' || c === 'X' ? 16 : 10;
  let digits = mag === 0n && spec.prec === 0 ? '' : mag.toString(base);
  if (c === 'X') digits = digits.toUpperCase();
  if (spec.prec > digits.length) digits = digits.padStart(spec.prec, '0');
  let prefix = sign;
  if (spec.alt) {
    if (c === 'o' && !digits.startsWith('0')) digits = `0${digits}`;
    else if ((c === 'x' || c === 'X') && mag !== 0n) prefix += c === 'x' ? '0x' : '0X';
  }
  return pad(spec, prefix, digits, spec.prec < 0);
}

function formatFloat(spec: Spec, x: number): string {
  const c = spec.conv;
  const upper = c === 'F' || c === 'E' || c === 'G' || c === 'A';
  const neg = x < 0 || Object.is(x, -0) || (Number.isNaN(x) && signBit(x));
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (!Number.isFinite(x)) {
    const t = Number.isNaN(x) ? 'nan' : 'inf';
    return pad(spec, sign, upper ? t.toUpperCase() : t, false);
  }
  const ax = Math.abs(x);
  let body: string;
  const lc = c.toLowerCase();
  if (lc === 'f') {
    const p = spec.prec < 0 ? 6 : spec.prec;
    const [ip, fp] = fixed(ax, p);
    body = p > 0 || spec.alt ? `${ip}.${fp}` : ip;
  } else if (lc === 'e') {
    const p = spec.prec < 0 ? 6 : spec.prec;
    body = expForm(ax, p, spec.alt, upper);
  } else if (lc === 'g') {
    let P = spec.prec < 0 ? 6 : spec.prec;
    if (P === 0) P = 1;
    const [, X] = scientific(ax, P - 1);
    if (P > X && X >= -4) {
      const p = P - 1 - X;
      const [ip, fp] = fixed(ax, p);
      let frac = fp;
      if (!spec.alt) frac = frac.replace(/0+$/, '');
      body = frac.length > 0 || spec.alt ? `${ip}.${frac}` : ip;
    } else {
      const [digits, exp] = scientific(ax, P - 1);
      let frac = digits.slice(1);
      if (!spec.alt) frac = frac.replace(/0+$/, '');
      body = `${digits[0]}${frac.length > 0 || spec.alt ? `.${frac}` : ''}${expSuffix(exp, upper)}`;
    }
  } else {
    body = hexFloat(ax, spec.prec, spec.alt, upper);
    const pre = upper ? '0X' : '0x';
    return pad(spec, sign + pre, body, true);
  }
  return pad(spec, sign, body, true);
}

function signBit(x: number): boolean {
  f64[0] = x;
  return (u64[0] as bigint) >> 63n === 1n;
}

function expSuffix(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${a < 10 ? `0${a}` : `${a}`}`;
}

function expForm(ax: number, p: number, alt: boolean, upper: boolean): string {
  const [digits, exp] = scientific(ax, p);
  const frac = digits.slice(1);
  return `${digits[0]}${p > 0 || alt ? `.${frac}` : ''}${expSuffix(exp, upper)}`;
}

/** %a: glibc style (normalized 1.xxx, subnormals as 0.xxx), without the 0x prefix. */
function hexFloat(ax: number, prec: number, alt: boolean, upper: boolean): string {
  let lead: bigint;
  let frac: bigint;
  let exp: number;
  if (ax === 0) {
    lead = 0n;
    frac = 0n;
    exp = 0;
  } else {
    f64[0] = ax;
    const bits = u64[0] as bigint;
    const e = Number((bits >> 52n) & 0x7ffn);
    frac = bits & ((1n << 52n) - 1n);
    if (e === 0) {
      lead = 0n;
      exp = -1022;
    } else {
      lead = 1n;
      exp = e - 1023;
    }
  }
  let fdigits = 13;
  if (prec >= 0 && prec < 13) {
    const drop = BigInt(4 * (13 - prec));
    const q = frac >> drop;
    const r = frac & ((1n << drop) - 1n);
    const half = 1n << (drop - 1n);
    let v = (lead << BigInt(4 * prec)) | q;
    if (r > half || (r === half && (v & 1n) === 1n)) v += 1n;
    lead = v >> BigInt(4 * prec);
    frac = v & ((1n << BigInt(4 * prec)) - 1n);
    fdigits = prec;
  }
  let fs = fdigits > 0 ? frac.toString(16).padStart(fdigits, '0') : '';
  if (prec < 0) fs = fs.replace(/0+$/, '');
  else if (prec > 13) fs = fs.padEnd(prec, '0');
  let s = `${lead.toString(16)}${fs.length > 0 || alt ? `.${fs}` : ''}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  if (upper) s = s.toUpperCase();
  return s;
}

/**
 * Formats `fmt` (bytes) with `args`; returns the output bytes. `written` (for %n) counts bytes so far.
 */
export function formatPrintf(fmt: Uint8Array, args: PrintfArgs, mem: PrintfMemory): Uint8Array {
  const f = fromBytes(fmt);
  let out = '';
  let i = 0;
  while (i < f.length) {
    const pct = f.indexOf('%', i);
    if (pct < 0) {
      out += f.slice(i);
      break;
    }
    out += f.slice(i, pct);
    i = pct + 1;
    const spec: Spec = {
      minus: false,
      plus: false,
      space: false,
      alt: false,
      zero: false,
      width: 0,
      prec: -1,
      len: '',
      conv: '',
    };
    for (;;) {
      const ch = f[i];
      if (ch === '-') spec.minus = true;
      else if (ch === '+') spec.plus = true;
      else if (ch === ' ') spec.space = true;
      else if (ch === '#') spec.alt = true;
      else if (ch === '0') spec.zero = true;
      else break;
      i++;
    }
    if (f[i] === '*') {
      const w = Number(BigInt.asIntN(32, args.nextInt()));
      if (w < 0) {
        spec.minus = true;
        spec.width = -w;
      } else spec.width = w;
      i++;
    } else {
      while (i < f.length && f[i]! >= '0' && f[i]! <= '9') spec.width = spec.width * 10 + (f.charCodeAt(i++) - 48);
    }
    if (f[i] === '.') {
      i++;
      if (f[i] === '*') {
        const p = Number(BigInt.asIntN(32, args.nextInt()));
        spec.prec = p < 0 ? -1 : p;
        i++;
      } else {
        spec.prec = 0;
        while (i < f.length && f[i]! >= '0' && f[i]! <= '9') spec.prec = spec.prec * 10 + (f.charCodeAt(i++) - 48);
      }
    }
    const two = f.slice(i, i + 2);
    if (two === 'hh' || two === 'll') {
      spec.len = two;
      i += 2;
    } else if ('hlqjzZtL'.includes(f[i] ?? '@')) {
      spec.len = f[i] as string;
      i++;
    }
    spec.conv = f[i] ?? '';
    i++;
    switch (spec.conv) {
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X':
        out += formatInt(spec, args.nextInt());
        break;
      case 'c':
        out += pad(spec, '', String.fromCharCode(Number(args.nextInt() & 0xffn)), false);
        break;
      case 's': {
        const p = Number(args.nextInt());
        let s: string;
        if (p === 0) s = spec.prec < 0 || spec.prec >= 6 ? '(null)' : '';
        else s = fromBytes(mem.readCString(p, spec.prec < 0 ? undefined : spec.prec));
        out += pad(spec, '', s, false);
        break;
      }
      case 'p': {
        const p = BigInt.asUintN(64, args.nextInt());
        if (p === 0n) out += pad(spec, '', '(nil)', false);
        else {
          let digits = p.toString(16);
          if (spec.prec > digits.length) digits = digits.padStart(spec.prec, '0');
          const sign = spec.plus ? '+' : spec.space ? ' ' : '';
          out += pad(spec, `${sign}0x`, digits, spec.prec < 0);
        }
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
      case 'a':
      case 'A':
        out += formatFloat(spec, args.nextDouble());
        break;
      case 'n': {
        const p = Number(args.nextInt());
        const size = spec.len === 'hh' ? 1 : spec.len === 'h' ? 2 : intBits(spec.len) / 8;
        mem.writeInt?.(p, size, out.length);
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        // Unknown conversion: glibc prints the directive as is.
        out += f.slice(pct, i);
        break;
    }
  }
  return toBytes(out);
}
