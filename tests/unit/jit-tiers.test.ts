/**
 * The translation tier must not change results: random multi-block programs (integer, memory,
 * branch and FP encodings drawn from the decode table) run on ts engines with jitThreshold
 * Infinity (block interpreter only), 0, 1 and the default, with instruction budgets and `until`
 * addresses that cut through translated regions, and must end in the same state: registers,
 * flags, memory, pc, instruction count and outcome (including faults).
 */
import { describe, expect, it } from 'vitest';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { TABLE } from '../../src/emu/ts/isa/index.ts';
import { COMPARED_REGS, DATA, DATA_SIZE, drawState, drawWord, outcomeOf } from '../../src/fuzz/isa/fuzzer.ts';
import { Rng } from '../../src/fuzz/isa/prng.ts';

const CODE = 0x40000;
const WORDS = 96;
const CLASSES = ['dp-imm', 'dp-reg', 'dp-reg', 'ldst', 'ldst-pair', 'fp', 'simd'] as const;

/** A short conditional branch (B.cond/CBZ/CBNZ/TBZ/TBNZ/B) to a word inside the program. */
function localBranch(rng: Rng, at: number): number {
  const target = rng.below(WORDS);
  const off = target - at;
  switch (rng.below(4)) {
    case 0:
      return (0x54000000 | ((off & 0x7ffff) << 5) | rng.below(15)) >>> 0;
    case 1:
      return (0xb4000000 | (rng.below(2) << 24) | ((off & 0x7ffff) << 5) | rng.below(31)) >>> 0;
    case 2:
      return (0x36000000 | (rng.below(2) << 24) | (rng.below(32) << 19) | ((off & 0x3fff) << 5) | rng.below(31)) >>> 0;
    default:
      return (0x14000000 | (off & 0x3ffffff)) >>> 0;
  }
}

function program(rng: Rng): Uint8Array {
  const bytes = new Uint8Array(WORDS * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < WORDS; i++) {
    let w = 0;
    if (rng.chance(0.12)) w = localBranch(rng, i);
    else {
      // Words the table decodes (undefined ones would end every run at once).
      for (let t = 0; t < 20; t++) {
        w = drawWord(rng, rng.pick([...CLASSES])) ?? 0;
        if (TABLE.decode(w) !== null) break;
      }
    }
    dv.setUint32(4 * i, w, true);
  }
  return bytes;
}

interface End {
  outcome: string;
  regs: string[];
  pc: number;
  icount: number;
  mem: string;
}

function run(threshold: number, code: Uint8Array, seed: number, count: number, until: number): End {
  const e = new TsEngine({ jitThreshold: threshold });
  e.memMap(CODE, 0x1000, PROT_ALL);
  e.memMap(DATA, DATA_SIZE, PROT_READ | PROT_WRITE);
  e.memWrite(CODE, code);
  const rng = new Rng(seed, 7);
  const data = new Uint8Array(DATA_SIZE);
  rng.fill(data);
  e.memWrite(DATA, data);
  for (const [name, v] of drawState(rng).regs) e.regWrite(name as never, v);
  // Mostly pointers into the data region, so that loads and stores mostly succeed.
  for (let i = 0; i < 31; i++) {
    if (rng.chance(0.8)) e.regWrite(`x${i}` as never, BigInt(DATA + 0x1000 + 16 * rng.below(0x300)));
  }
  let outcome = 'ok';
  try {
    // Several runs: the second and later ones find translated code already there.
    for (let k = 0; k < 3; k++) {
      const r = e.start(CODE + 4 * (k % 2), until, { count });
      outcome += `,${r.reason}@${r.pc}`;
    }
  } catch (err) {
    outcome = outcomeOf(err);
  }
  const regs = COMPARED_REGS.filter((r) => r !== 'pc').map((r) => `${r}=${e.regRead(r as never).toString(16)}`);
  const mem = Buffer.from(e.memRead(DATA, DATA_SIZE)).toString('base64');
  return { outcome, regs, pc: e.getPc(), icount: e.instructionCount(), mem };
}

describe('translation tier: same results as the block interpreter', () => {
  it('random programs end in the same state with any jitThreshold', () => {
    let translatedRuns = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed, 99);
      const code = program(rng);
      const count = 200 + rng.below(3000);
      const until = rng.chance(0.5) ? CODE + 4 * rng.below(WORDS) : 0;
      const ref = run(Number.POSITIVE_INFINITY, code, seed, count, until);
      for (const t of [0, 1, 16]) {
        const got = run(t, code, seed, count, until);
        expect(got, `seed ${seed}, jitThreshold ${t}`).toEqual(ref);
      }
      if (ref.icount > 100) translatedRuns++;
    }
    expect(translatedRuns).toBeGreaterThan(10);
  });

  it('deferred add/subtract flags: read in the block, overwritten, then read again and left in NZCV', () => {
    // loop: subs x0, x0, #1; csel x1, x2, x3, eq; ands x4, x5, x6; add x5, x5, #1; b.ne loop
    //       adds w7, w7, w8; cmp x0, #5; b.gt loop; brk #0
    const words = [
      0xf1000400, 0x9a830041, 0xea0600a4, 0x910004a5, 0x54ffff81, 0x2b0800e7, 0xf100141f, 0x54ffff2c, 0xd4200000,
    ];
    const code = new Uint8Array(new Uint32Array(words).buffer);
    const go = (threshold: number, count: number) => {
      const e = new TsEngine({ jitThreshold: threshold });
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memWrite(CODE, code);
      e.regWrite('x0', 400n);
      e.regWrite('x2', 0x1111n);
      e.regWrite('x3', 0x2222n);
      e.regWrite('x6', 3n);
      e.regWrite('x7', 0x7ffffff0n);
      e.regWrite('x8', 3n);
      const r = e.start(CODE, CODE + 32, { count });
      const regs = ['x0', 'x1', 'x4', 'x5', 'x7', 'nzcv'].map((n) => `${n}=${e.regRead(n as never).toString(16)}`);
      return { state: `${r.reason}@${r.pc}:${r.instructions} ${regs.join(' ')}`, regions: e.translatedRegions };
    };
    const ref = go(Number.POSITIVE_INFINITY, 0);
    // The same as native Unicorn gives for this program.
    expect(ref.state).toBe('until@262176:2285 x0=3 x1=2222 x4=0 x5=18d x7=8000011c nzcv=80000000');
    for (const t of [0, 1, 16]) {
      const got = go(t, 0);
      expect(got.state, `jitThreshold ${t}`).toBe(ref.state);
      expect(got.regions).toBeGreaterThan(0);
      for (const count of [3, 5, 17, 400, 1001])
        expect(go(t, count).state).toBe(go(Number.POSITIVE_INFINITY, count).state);
    }
  });

  it('a loop region stops exactly on budget, until, and a fault in a later iteration', () => {
    // x2 = 0; loop: str x2, [x5, x2, lsl #3]; add x2, x2, #1; cmp x2, x0; b.ne loop; brk #0
    const words = [0xd2800002, 0xf82278a2, 0x91000442, 0xeb00005f, 0x54ffffa1, 0xd4200000];
    const code = new Uint8Array(new Uint32Array(words).buffer);
    const go = (threshold: number, count: number, until: number, x0: bigint) => {
      const e = new TsEngine({ jitThreshold: threshold });
      e.memMap(CODE, 0x1000, PROT_ALL);
      e.memMap(DATA, 0x1000, PROT_READ | PROT_WRITE);
      e.memWrite(CODE, code);
      e.regWrite('x0', x0);
      e.regWrite('x5', BigInt(DATA));
      let outcome = '';
      try {
        const r = e.start(CODE, until, { count });
        outcome = `${r.reason}@${r.pc}:${r.instructions}`;
      } catch (err) {
        outcome = outcomeOf(err);
      }
      return `${outcome} pc=${e.getPc()} n=${e.instructionCount()} x2=${e.regRead('x2')}`;
    };
    for (const [count, until, x0] of [
      [0, CODE + 20, 100n],
      [37, CODE + 20, 100n],
      [0, CODE + 12, 100n],
      [0, CODE + 20, 1000n], // faults at x2 = 512 (end of the data page)
    ] as const) {
      const ref = go(Number.POSITIVE_INFINITY, count, until, x0);
      for (const t of [0, 1, 16]) expect(go(t, count, until, x0), `count ${count} until ${until}`).toBe(ref);
    }
  });
});
