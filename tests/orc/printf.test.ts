/**
 * printf formatting against glibc. fixtures/printf-glibc.json was produced by glibc's snprintf on
 * this host (fixtures/gen-printf-vectors.py compiles and runs the C program with gcc); x86-64 and
 * AArch64 Linux agree on every type used here (int 32-bit, long/pointers 64-bit, double).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatPrintf, type PrintfArgs, toBytes } from '../../src/executor/host/printf.ts';

interface Vector {
  fmt: string;
  args: [string, number | string][];
  out: string;
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/printf-glibc.json', import.meta.url), 'utf8')) as Vector[];

function parseHexFloat(s: string): number {
  if (s === 'nan') return Number.NaN;
  if (s === 'inf') return Number.POSITIVE_INFINITY;
  if (s === '-inf') return Number.NEGATIVE_INFINITY;
  const m = /^(-?)0x([0-9a-f]+)\.?([0-9a-f]*)p([+-]\d+)$/i.exec(s);
  if (!m) throw new Error(`bad hex float ${s}`);
  const mant = BigInt(`0x${m[2]}${m[3]}`);
  const exp = Number(m[4]) - 4 * (m[3] as string).length;
  const v = Number(mant) * 2 ** exp;
  return m[1] === '-' ? -v : v;
}

function run(fmt: string, args: [string, number | string][]): string {
  const strings = new Map<number, string>();
  const ints: bigint[] = [];
  const doubles: number[] = [];
  let nextStr = 0x1000;
  for (const [t, v] of args) {
    if (t === 'd') doubles.push(parseHexFloat(String(v)));
    else if (t === 's') {
      strings.set(nextStr, String(v));
      ints.push(BigInt(nextStr));
      nextStr += 0x100;
    } else ints.push(BigInt.asUintN(64, BigInt(v)));
  }
  const a: PrintfArgs = {
    nextInt: () => ints.shift() ?? 0n,
    nextDouble: () => doubles.shift() ?? 0,
  };
  const out = formatPrintf(toBytes(fmt), a, {
    readCString: (addr, max) => toBytes((strings.get(addr) ?? '').slice(0, max)),
  });
  return Buffer.from(out).toString('latin1');
}

describe('printf formatting is bit-exact with glibc', () => {
  for (const v of vectors) {
    it(JSON.stringify(v.fmt), () => {
      expect(run(v.fmt, v.args)).toBe(v.out);
    });
  }

  it('%n stores the count so far; %s with NULL prints (null)', () => {
    let stored = -1;
    const out = formatPrintf(
      toBytes('abc%n%s|%.3s'),
      {
        nextInt: (() => {
          const q = [0x10n, 0n, 0n];
          return () => q.shift() ?? 0n;
        })(),
        nextDouble: () => 0,
      },
      {
        readCString: () => new Uint8Array(),
        writeInt: (_a, _s, v) => {
          stored = v;
        },
      },
    );
    expect(Buffer.from(out).toString('latin1')).toBe('abc(null)|');
    expect(stored).toBe(3);
  });
});
