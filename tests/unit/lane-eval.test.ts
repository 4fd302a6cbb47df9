/**
 * Lane expressions evaluated from their parse (lane-eval.ts), the path for hosts that forbid
 * `new Function`, give the generated functions' values: every expression of the tables, at every
 * element size, on random lanes. The ops built on that path are checked against Unicorn in
 * tests/differential/simd-lane-ops.test.ts.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { evalLaneExpr } from '../../src/emu/ts/isa/simd/lane-eval.ts';
import { type LaneExpr, laneFn, setLaneCompilation } from '../../src/emu/ts/isa/simd/lane-expr.ts';
import { LONG_EXPR } from '../../src/emu/ts/isa/simd/three_different.ts';
import { LOGIC, SAME } from '../../src/emu/ts/isa/simd/three_same.ts';
import { UN } from '../../src/emu/ts/isa/simd/two_reg_misc.ts';

const EXPRESSIONS: string[] = [
  ...SAME.flatMap((o) => (o.e === undefined ? [] : [o.e])),
  ...UN.flatMap((o) => (o.e === undefined ? [] : [o.e])),
  ...LOGIC.map((r) => r[3]),
  ...Object.values(LONG_EXPR).flatMap((byAcc) => Object.values(byAcc ?? {})),
  // The shifts by immediate put their amount in the text (shift_by_immediate.ts).
  'shiftN(a, -3, Z, true, true, false)',
  'd + shiftN(a, -7, Z, false, false, false)',
  'd + shiftN(a, -32, Z, true, true, false)',
  'a << 5',
  'a * 256',
];

describe('lane expressions evaluated from their parse', () => {
  afterEach(() => setLaneCompilation(undefined));

  it('equal the generated functions on every expression and size', () => {
    expect(EXPRESSIONS.length).toBeGreaterThan(40);
    const lane = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
      fc.integer({ min: -300, max: 300 }),
      fc.constantFrom(0, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 2 ** 31 - 1, -(2 ** 31)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...EXPRESSIONS),
        fc.integer({ min: 0, max: 2 }),
        lane,
        lane,
        lane,
        (e, z, a, b, d) => {
          const x: LaneExpr = { key: `t/${e}`, e, sg: true };
          setLaneCompilation(true);
          const generated = laneFn(x, z)(a, b, d);
          setLaneCompilation(false);
          const parsed = laneFn(x, z)(a, b, d);
          expect(parsed, `${e} at size ${z} with a=${a} b=${b} d=${d}`).toBe(generated);
        },
      ),
      { numRuns: 3000, seed: 2027 },
    );
  });

  it('reads JavaScript precedence: unary before *, * before +, shifts, comparisons, & ^ |, ?:', () => {
    const at = (e: string, a: number, b = 0, d = 0): number => evalLaneExpr(e, 2, {})({ a, b, d });
    expect(at('-a * 2 + 1', 3)).toBe(-5);
    expect(at('a + b << 2', 1, 2)).toBe(12);
    expect(at('a & b | d ^ 1', 6, 3, 4)).toBe((6 & 3) | (4 ^ 1));
    expect(at('a > b ? -1 : 0', 2, 1)).toBe(-1);
    expect(at('a > b ? a : b > d ? b : d', 1, 2, 3)).toBe(3);
    expect(at('~a >>> 28', 0)).toBe(15);
    expect(at('a >> 1 === -2 ? 1 : 0', -4)).toBe(1);
    expect(at('a - b - d', 10, 3, 2)).toBe(5);
    expect(at('Math.floor((a - b) / 2)', 1, 4)).toBe(-2);
    expect(() => evalLaneExpr('a + ', 0, {})).toThrow(/lane expression 'a \+ '/);
    expect(() => evalLaneExpr('a ; b', 0, {})).toThrow(/unexpected text/);
    expect(() => evalLaneExpr('foo(a)', 0, {})).toThrow(/unknown name foo/);
  });
});
