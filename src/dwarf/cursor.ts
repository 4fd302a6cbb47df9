/**
 * Bounds-checked little-endian reading of one DWARF section. Every read past the end, every
 * value that cannot be a JS number exactly, becomes a DwarfFormatError naming the section and
 * offset.
 */
import { DwarfFormatError } from './errors.ts';

const TWO32 = 0x1_0000_0000;

export class Cursor {
  private readonly dv: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly section: string,
    public pos = 0,
    /** Exclusive end of what this cursor may read (a unit's end, say). */
    public end = bytes.length,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (end > bytes.length)
      this.fail(`range end 0x${end.toString(16)} beyond the section (0x${bytes.length.toString(16)} bytes)`, pos);
  }

  fail(detail: string, at = this.pos): never {
    throw new DwarfFormatError(this.file, this.section, at, detail);
  }

  /** A cursor over [pos, pos + length) that shares the bytes. */
  sub(length: number, what: string): Cursor {
    this.need(length, what);
    const c = new Cursor(this.bytes, this.file, this.section, this.pos, this.pos + length);
    return c;
  }

  at(pos: number, what: string): Cursor {
    if (pos < 0 || pos > this.bytes.length) this.fail(`${what} 0x${pos.toString(16)} outside the section`, this.pos);
    return new Cursor(this.bytes, this.file, this.section, pos, this.bytes.length);
  }

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end)
      this.fail(`${what}: ${n} bytes needed, ${Math.max(0, this.end - this.pos)} left`);
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++] as number;
  }

  i8(what: string): number {
    this.need(1, what);
    return this.dv.getInt8(this.pos++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u24(what: string): number {
    this.need(3, what);
    const v = this.dv.getUint16(this.pos, true) + (this.bytes[this.pos + 2] as number) * 0x10000;
    this.pos += 3;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A u64 that must be exact as a number (addresses, offsets, lengths). */
  u64(what: string): number {
    this.need(8, what);
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getUint32(this.pos + 4, true);
    if (hi >= 0x200000)
      this.fail(`${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} does not fit 53 bits`);
    this.pos += 8;
    return hi * TWO32 + lo;
  }

  /** A 4- or 8-byte offset (DWARF32 / DWARF64). */
  offset(is64: boolean, what: string): number {
    return is64 ? this.u64(what) : this.u32(what);
  }

  /** An address of `size` bytes (1, 2, 4 or 8). */
  address(size: number, what: string): number {
    switch (size) {
      case 1:
        return this.u8(what);
      case 2:
        return this.u16(what);
      case 4:
        return this.u32(what);
      case 8:
        return this.u64(what);
      default:
        return this.fail(`${what}: address size ${size} is not 1, 2, 4 or 8`);
    }
  }

  uleb(what: string): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.end) this.fail(`${what}: ULEB128 runs past the end`, start);
      const b = this.bytes[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
      if (mul > 2 ** 56) this.fail(`${what}: ULEB128 too large`, start);
    }
    if (result > Number.MAX_SAFE_INTEGER) this.fail(`${what}: ULEB128 too large`, start);
    return result;
  }

  sleb(what: string): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    let b: number;
    do {
      if (this.pos >= this.end) this.fail(`${what}: SLEB128 runs past the end`, start);
      b = this.bytes[this.pos++] as number;
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (mul > 2 ** 56) this.fail(`${what}: SLEB128 too large`, start);
    } while (b & 0x80);
    if (b & 0x40) result -= mul;
    return result;
  }

  /** Skips a LEB128 of any size (values we do not need). */
  skipLeb(what: string): void {
    const start = this.pos;
    for (;;) {
      if (this.pos >= this.end) this.fail(`${what}: LEB128 runs past the end`, start);
      if (((this.bytes[this.pos++] as number) & 0x80) === 0) return;
    }
  }

  cstr(what: string): string {
    const start = this.pos;
    let i = start;
    while (i < this.end && this.bytes[i] !== 0) i++;
    if (i >= this.end) this.fail(`${what}: string without a terminating NUL`, start);
    this.pos = i + 1;
    return decodeUtf8(this.bytes.subarray(start, i));
  }
}

const utf8 = new TextDecoder('utf-8');

export function decodeUtf8(b: Uint8Array): string {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) >= 0x80) return utf8.decode(b);
  return String.fromCharCode.apply(null, Array.from(b));
}

/** The NUL-terminated string at `offset` of a string section. */
export function stringAt(c: Cursor, offset: number, what: string): string {
  if (offset >= c.bytes.length) c.fail(`${what} 0x${offset.toString(16)} outside ${c.section}`, c.pos);
  return c.at(offset, what).cstr(what);
}
