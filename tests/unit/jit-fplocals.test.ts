/**
 * jit/fplocals.ts's rewriting of snippet text: which references become locals, where the state is
 * written before a helper or another kind of reference reads it, and that the result is valid
 * JavaScript that computes what the plain snippet computes on a small state.
 */
import { describe, expect, it } from 'vitest';
import {
  FP_FAST,
  fpDeclare,
  fpLimits,
  fpLoadAll,
  fpStoreBack,
  fpTooCostly,
  localizeFp,
  newFpLocals,
  resolveFp,
} from '../../src/emu/ts/jit/fplocals.ts';

interface MiniState {
  vi: Int32Array;
  vf64: Float64Array;
  fpsr: number;
  fpcr: number;
}

function miniState(): MiniState {
  const buf = new ArrayBuffer(8 * 16);
  const s = { vi: new Int32Array(buf), vf64: new Float64Array(buf), fpsr: 0x10, fpcr: 0 };
  s.vf64.set([1.5, 0, 2.25, 0, 0, 0, 0, 0]);
  // D3's upper half, which only a write of D3 zeroes.
  s.vi[14] = 7;
  s.vi[15] = 9;
  return s;
}

/**
 * Runs snippet texts (plain, or localized and joined as compile.ts does) on a mini state; a piece
 * starting with `op:` stands for an op call (the locals stored before it and reloaded after).
 */
function runPieces(pieces: string[], localized: boolean, helpers: object): MiniState {
  const s = miniState();
  let body: string;
  if (localized) {
    const fp = newFpLocals();
    const texts = pieces.map((p) => (p.startsWith('op:') ? p : localizeFp(p, fp)));
    body =
      fpDeclare(fp) +
      texts
        .map((t) => (t.startsWith('op:') ? fpStoreBack(fp) + t.slice(3) + fpLoadAll(fp) : resolveFp(t, fp)))
        .join('\n') +
      fpStoreBack(fp);
  } else {
    body = pieces.map((p) => (p.startsWith('op:') ? p.slice(3) : p)).join('\n');
  }
  new Function('s', 'h', `const vi=s.vi,vf=s.vf64;${body}`)(s, helpers);
  return s;
}

const MUL = (d: number, n: number, m: number) =>
  `{const r=vf[${2 * n}]*vf[${2 * m}];if(Math.abs(r)>1e-300&&${FP_FAST}){vf[${2 * d}]=r;vi[${4 * d + 2}]=0;vi[${4 * d + 3}]=0;}else h.mul(s,${d},${n},${m});}`;

describe('fplocals', () => {
  it('keeps reads and fast-path writes in locals and tests FP_FAST through $ff', () => {
    const fp = newFpLocals();
    const out = localizeFp(MUL(3, 0, 1), fp);
    expect(out).toContain('const r=$d0*$d1;');
    expect(out).toContain('$d3=r;$fw|=8;');
    expect(out).toContain('&&$ff)');
    expect(out).not.toContain(FP_FAST);
    // The slow path stores the locals before its helper and reloads them after, in its branch.
    expect(out).toContain('else {@F{*}@h.mul(s,3,0,1);@R{*}@}');
    expect([...fp.regs].sort()).toEqual([0, 1, 3]);
    const resolved = resolveFp(out, fp);
    expect(resolved).toContain('if(($fw&8)!==0){vf[6]=$d3;vi[14]=0;vi[15]=0;}');
    expect(resolved).toContain('$d3=vf[6];');
  });

  it('stores only what an exact helper reads and reloads what it writes', () => {
    const fp = newFpLocals();
    const out = localizeFp(
      `{const r=vf[2]*vf[4];if(r>1&&${FP_FAST}){vf[10]=r;vi[22]=0;vi[23]=0;}else h.fmul64v(s,5,1,2);}`,
      fp,
    );
    expect(out).toContain('else {@F{1,2}@h.fmul64v(s,5,1,2);@W{5}@}');
    const resolved = resolveFp(out, fp);
    expect(resolved).toContain('$d5=vf[10];$fw&=-33;$ff=');
    expect(resolved).not.toContain('vf[10]=$d5');
  });

  it('puts FMADD inline only where the registers are locals', () => {
    const call = '{h.ffma64v(s,4,3,0,1,0,2147483648);}';
    const fp = newFpLocals();
    const out = localizeFp(call, fp);
    expect(out).toContain('const z=$d3,x=-$d0,y=$d1;');
    expect(out).toContain('&&$ff){$d4=r;$fw|=16;}else {@F{3,0,1}@h.ffma64v(s,4,3,0,1,0,2147483648);@W{4}@}');
    expect(localizeFp(call, newFpLocals(true))).toBe(call);
  });

  it('keeps the registers in the state past the limits', () => {
    const fp = newFpLocals();
    for (let r = 0; r < fpLimits.locals; r++) fp.regs.add(r);
    expect(fpTooCostly(fp, 0)).toBe(false);
    expect(fpTooCostly(fp, Math.floor(fpLimits.reloads / fpLimits.locals) + 1)).toBe(true);
    fp.regs.add(fpLimits.locals);
    expect(fpTooCostly(fp, 0)).toBe(true);
  });

  it('leaves a snippet with a helper inside an expression in the state', () => {
    const fp = newFpLocals();
    const code = `{const v=h.get(s,1)+vf[2];vf[4]=v;vi[10]=0;vi[11]=0;if(${FP_FAST})vf[0]=v;}`;
    expect(localizeFp(code, fp)).toBe(`@F{*}@${code}@R{*}@`);
    expect(fp.regs.size).toBe(0);
    expect(fp.fast).toBe(false);
  });

  it('stores a local before another kind of reference and reloads it after', () => {
    const fp = newFpLocals();
    localizeFp(MUL(2, 0, 1), fp);
    const str = localizeFp('{const lo=vi[8],hi=vi[9];vi[0]=lo;vi[1]=hi;}', fp);
    expect(str).toMatch(/^@F\{[02,]+\}@/);
    const resolved = resolveFp(str, fp);
    expect(resolved).toContain('if(($fw&4)!==0){vf[4]=$d2;vi[10]=0;vi[11]=0;}');
    expect(resolved).toContain('$d0=vf[0];');
    expect(resolved).toContain('$d2=vf[4];');
  });

  it('computes what the plain snippets compute, on the fast path and through the helper', () => {
    const helpers = {
      // The slow path's stand-in: reads and writes the state, sets a flag, zeroes the upper half.
      mul(s: MiniState, d: number, n: number, m: number) {
        s.vf64[2 * d] = (s.vf64[2 * n] as number) * (s.vf64[2 * m] as number) + 1;
        s.vi[4 * d + 2] = 0;
        s.vi[4 * d + 3] = 0;
        s.fpsr |= 1;
      },
    };
    // d2 = d0*d1; d3 = d2*d2, then an op sets FZ (FP_FAST false: the helper) or clears IXC.
    for (const op of ['op:s.fpcr=16777216;', 'op:s.fpsr=0;', 'op:']) {
      const pieces = [MUL(2, 0, 1), MUL(3, 2, 2), op, MUL(1, 0, 3), MUL(0, 1, 1)];
      const plain = runPieces(pieces, false, helpers);
      const local = runPieces(pieces, true, helpers);
      expect([...local.vi]).toEqual([...plain.vi]);
      expect(local.fpsr).toBe(plain.fpsr);
      expect(local.fpcr).toBe(plain.fpcr);
    }
    // The helper's results are not the host's product: the slow path did run.
    const slow = runPieces([MUL(2, 0, 1), 'op:s.fpsr=0;', MUL(3, 2, 2)], true, helpers);
    expect(slow.vf64[6]).toBe(1.5 * 2.25 * (1.5 * 2.25) + 1);
    expect(slow.vi[14]).toBe(0);
  });
});
