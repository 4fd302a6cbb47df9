/**
 * Engine API ergonomics, the same on both engines: regWrite takes a number or a bigint (regRead
 * returns bigint), a negative value is its two's complement, a number that is not a safe integer
 * is a typed EngineApiError naming the register (register unchanged), and range errors print
 * addresses in hex.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, EngineApiError, type EngineKind, PROT_ALL } from '../../src/api/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';

function cases(kind: EngineKind): void {
  it('regWrite accepts number and bigint; regRead returns bigint', async () => {
    const e = await createEngine(kind);
    try {
      e.regWrite('x1', 0x50000);
      expect(e.regRead('x1')).toBe(0x50000n);
      e.regWrite('x2', 0xffff_ffff_ffff_fff0n);
      expect(e.regRead('x2')).toBe(0xffff_ffff_ffff_fff0n);
      e.regWrite('x3', -1);
      expect(e.regRead('x3')).toBe(0xffff_ffff_ffff_ffffn);
      e.regWrite('w4', 0x1_2345_6789);
      expect(e.regRead('x4')).toBe(0x2345_6789n);
      e.regWrite('sp', 0x7fff_0000);
      expect(e.regRead('sp')).toBe(0x7fff_0000n);
      // A number register value drives execution like the bigint would: add x0, x1, #7.
      e.memMap(0x10000, 0x1000, PROT_ALL);
      e.memWrite(0x10000, new Uint8Array(new Uint32Array([0x91001c20]).buffer));
      e.start(0x10000, 0x10004);
      expect(e.regRead('x0')).toBe(0x50007n);
    } finally {
      e.close();
    }
  });

  it('a number that is not a safe integer is an EngineApiError; the register keeps its value', async () => {
    const e = await createEngine(kind);
    try {
      e.regWrite('x1', 5);
      for (const bad of [1.5, Number.NaN, 2 ** 60, Number.POSITIVE_INFINITY]) {
        expect(() => e.regWrite('x1', bad)).toThrow(EngineApiError);
        expect(() => e.regWrite('x1', bad)).toThrow(/regWrite\('x1', .*bigint/);
      }
      expect(e.regRead('x1')).toBe(5n);
      expect(() => e.regWrite('x99' as 'x1', 1)).toThrow(/unknown register 'x99'/);
    } finally {
      e.close();
    }
  });

  it('range errors print addresses in hex', async () => {
    const e = await createEngine(kind);
    try {
      expect(() => e.memMap(0xffff_8000_0000_0000, 0x1000, PROT_ALL)).toThrow(
        /invalid range address=0xffff800000000000 size=0x1000/,
      );
      expect(() => e.memMap(-0x1000, 0x1000, PROT_ALL)).toThrow(/address=-0x1000/);
    } finally {
      e.close();
    }
  });
}

describe('engine API ergonomics (ts)', () => cases('ts'));
describeWithOracles(['unicorn'], 'engine API ergonomics (unicorn)', () => cases('unicorn'));
