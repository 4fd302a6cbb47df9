/**
 * SPS — ORC's Simple Packed Serialization (llvm/ExecutionEngine/Orc/Shared/SimplePackedSerialization.h).
 *
 * Wire format (little-endian, no padding, no type tags):
 *   integers   fixed width (u8/i8 1 byte … u64/i64 8 bytes), little-endian
 *   bool       1 byte, 0 or 1
 *   char       1 byte
 *   sequence   u64 element count, then the elements; SPSString = sequence<char> (bytes, here UTF-8)
 *   tuple      the elements back to back; an argument list is serialized like a tuple
 *   ExecutorAddr          u64
 *   JITSymbolFlags        tuple<u8 raw flags, u8 target flags>
 *   ExecutorSymbolDef     tuple<ExecutorAddr, JITSymbolFlags>  (10 bytes)
 *   Expected<T>           bool hasValue, then T if true, else SPSString error message
 *   Error                 bool hasError, then SPSString message if true
 */
import { checkExecutorAddr, type ExecutorAddr } from './symbols.ts';

export class SPSError extends Error {
  override name = 'SPSError';
}

export class SPSOutputBuffer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.view.setUint8(this.len, v);
    this.len += 1;
  }
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }
  u64(v: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.len, BigInt.asUintN(64, v), true);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class SPSInputBuffer {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  private need(n: number, what: string): void {
    if (this.pos + n > this.data.length) {
      throw new SPSError(
        `SPS buffer too short reading ${what}: need ${n} bytes at offset ${this.pos} of ${this.data.length}`,
      );
    }
  }
  u8(): number {
    this.need(1, 'u8');
    return this.view.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2, 'u16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8, 'u64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n, `${n} bytes`);
    const b = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  get remaining(): number {
    return this.data.length - this.pos;
  }
}

/** An SPS tag type with its TypeScript value type. */
export interface SPSType<T> {
  readonly name: string;
  serialize(out: SPSOutputBuffer, v: T): void;
  deserialize(inp: SPSInputBuffer): T;
}

const intType = (name: string, bits: 8 | 16 | 32, signed: boolean): SPSType<number> => ({
  name,
  serialize(out, v) {
    const lo = signed ? -(2 ** (bits - 1)) : 0;
    const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new SPSError(`${name} value ${v} out of range`);
    const u = v < 0 ? v + 2 ** bits : v;
    if (bits === 8) out.u8(u);
    else if (bits === 16) out.u16(u);
    else out.u32(u);
  },
  deserialize(inp) {
    const u = bits === 8 ? inp.u8() : bits === 16 ? inp.u16() : inp.u32();
    return signed && u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
  },
});

export const SPSu8 = intType('uint8_t', 8, false);
export const SPSi8 = intType('int8_t', 8, true);
export const SPSu16 = intType('uint16_t', 16, false);
export const SPSi16 = intType('int16_t', 16, true);
export const SPSu32 = intType('uint32_t', 32, false);
export const SPSi32 = intType('int32_t', 32, true);

export const SPSu64: SPSType<bigint> = {
  name: 'uint64_t',
  serialize(out, v) {
    if (v < 0n || v >= 1n << 64n) throw new SPSError(`uint64_t value ${v} out of range`);
    out.u64(v);
  },
  deserialize: (inp) => inp.u64(),
};

export const SPSi64: SPSType<bigint> = {
  name: 'int64_t',
  serialize(out, v) {
    if (v < -(1n << 63n) || v >= 1n << 63n) throw new SPSError(`int64_t value ${v} out of range`);
    out.u64(v);
  },
  deserialize: (inp) => BigInt.asIntN(64, inp.u64()),
};

export const SPSBool: SPSType<boolean> = {
  name: 'bool',
  serialize: (out, v) => out.u8(v ? 1 : 0),
  deserialize(inp) {
    const b = inp.u8();
    if (b > 1) throw new SPSError(`bad bool byte ${b}`);
    return b === 1;
  },
};

/** SPS `char`: one byte, exchanged as a number 0..255. */
export const SPSChar = intType('char', 8, false);

/** SPSExecutorAddr: a u64 on the wire, a checked number (below 2^52) here. */
export const SPSExecutorAddr: SPSType<ExecutorAddr> = {
  name: 'SPSExecutorAddr',
  serialize: (out, v) => out.u64(BigInt(checkExecutorAddr(v))),
  deserialize(inp) {
    const v = inp.u64();
    try {
      return checkExecutorAddr(v, 'SPSExecutorAddr');
    } catch (e) {
      throw new SPSError((e as Error).message);
    }
  },
};

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: false });

/** SPSString (sequence<char>): u64 byte length, then the UTF-8 bytes. */
export const SPSString: SPSType<string> = {
  name: 'SPSString',
  serialize(out, v) {
    const b = utf8.encode(v);
    out.u64(BigInt(b.length));
    out.bytes(b);
  },
  deserialize(inp) {
    const n = inp.u64();
    if (n > BigInt(inp.remaining)) throw new SPSError(`string length ${n} exceeds the ${inp.remaining} bytes left`);
    return utf8d.decode(inp.bytes(Number(n)));
  },
};

/** sequence<char> as raw bytes. */
export const SPSBytes: SPSType<Uint8Array> = {
  name: 'SPSSequence<char>',
  serialize(out, v) {
    out.u64(BigInt(v.length));
    out.bytes(v);
  },
  deserialize(inp) {
    const n = inp.u64();
    if (n > BigInt(inp.remaining)) throw new SPSError(`sequence length ${n} exceeds the ${inp.remaining} bytes left`);
    return inp.bytes(Number(n));
  },
};

export function SPSSequence<T>(elem: SPSType<T>): SPSType<T[]> {
  return {
    name: `SPSSequence<${elem.name}>`,
    serialize(out, v) {
      out.u64(BigInt(v.length));
      for (const e of v) elem.serialize(out, e);
    },
    deserialize(inp) {
      const n = inp.u64();
      if (n > BigInt(inp.remaining)) throw new SPSError(`sequence length ${n} exceeds the ${inp.remaining} bytes left`);
      const r: T[] = [];
      for (let i = 0n; i < n; i++) r.push(elem.deserialize(inp));
      return r;
    },
  };
}

export function SPSTuple<T extends unknown[]>(...elems: { [K in keyof T]: SPSType<T[K]> }): SPSType<T> {
  const types = elems as SPSType<unknown>[];
  return {
    name: `SPSTuple<${types.map((t) => t.name).join(', ')}>`,
    serialize(out, v) {
      if (v.length !== types.length) throw new SPSError(`tuple of ${types.length} given ${v.length} values`);
      types.forEach((t, i) => {
        t.serialize(out, v[i]);
      });
    },
    deserialize(inp) {
      return types.map((t) => t.deserialize(inp)) as T;
    },
  };
}

export type SPSExpectedValue<T> = { ok: true; value: T } | { ok: false; error: string };

export function SPSExpected<T>(inner: SPSType<T>): SPSType<SPSExpectedValue<T>> {
  return {
    name: `SPSExpected<${inner.name}>`,
    serialize(out, v) {
      SPSBool.serialize(out, v.ok);
      if (v.ok) inner.serialize(out, v.value);
      else SPSString.serialize(out, v.error);
    },
    deserialize(inp) {
      if (SPSBool.deserialize(inp)) return { ok: true, value: inner.deserialize(inp) };
      return { ok: false, error: SPSString.deserialize(inp) };
    },
  };
}

/** SPSError: bool hasError, then the message. `undefined` = success. */
export const SPSErrorType: SPSType<string | undefined> = {
  name: 'SPSError',
  serialize(out, v) {
    SPSBool.serialize(out, v !== undefined);
    if (v !== undefined) SPSString.serialize(out, v);
  },
  deserialize(inp) {
    return SPSBool.deserialize(inp) ? SPSString.deserialize(inp) : undefined;
  },
};

export interface SPSSymbolDef {
  address: ExecutorAddr;
  flags: number;
  targetFlags?: number;
}

/** SPSExecutorSymbolDef = tuple<SPSExecutorAddr, tuple<u8 flags, u8 target flags>>. */
export const SPSExecutorSymbolDef: SPSType<SPSSymbolDef> = {
  name: 'SPSExecutorSymbolDef',
  serialize(out, v) {
    SPSExecutorAddr.serialize(out, v.address);
    SPSu8.serialize(out, v.flags);
    SPSu8.serialize(out, v.targetFlags ?? 0);
  },
  deserialize(inp) {
    const address = SPSExecutorAddr.deserialize(inp);
    const flags = SPSu8.deserialize(inp);
    const targetFlags = SPSu8.deserialize(inp);
    return { address, flags, targetFlags };
  },
};

/** Serializes an argument list (like a tuple). */
export function spsSerialize<T extends unknown[]>(
  types: { [K in keyof T]: SPSType<T[K]> },
  values: NoInfer<T>,
): Uint8Array {
  const out = new SPSOutputBuffer();
  (types as SPSType<unknown>[]).forEach((t, i) => {
    t.serialize(out, values[i]);
  });
  return out.result();
}

/** Deserializes an argument list; the whole buffer must be consumed. */
export function spsDeserialize<T extends unknown[]>(types: { [K in keyof T]: SPSType<T[K]> }, data: Uint8Array): T {
  const inp = new SPSInputBuffer(data);
  const r = (types as SPSType<unknown>[]).map((t) => t.deserialize(inp)) as T;
  if (inp.remaining !== 0) throw new SPSError(`${inp.remaining} trailing bytes after the SPS arguments`);
  return r;
}
