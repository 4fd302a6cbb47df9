/**
 * The AdvSIMD rows described by a lane expression (three-same SameOp.e, two-register-misc UnOp.e)
 * run as ops generated per (row, element size, width) that read and write the register file in
 * place (lane-expr.ts laneOp). Each such form, at every size and width it has, runs against native
 * Unicorn from random registers, with the destination often one of the sources (lanes written
 * while others are still to be read) and with shift amounts over the whole byte range
 * (USHL/SSHL/URSHL/SRSHL by 32 and more).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TABLE } from '../../src/emu/ts/isa/index.ts';
import { setLaneCompilation } from '../../src/emu/ts/isa/simd/lane-expr.ts';
import { LOGIC, SAME } from '../../src/emu/ts/isa/simd/three_same.ts';
import { UN } from '../../src/emu/ts/isa/simd/two_reg_misc.ts';
import { compare, drawState, FuzzBench } from '../../src/fuzz/isa/fuzzer.ts';
import { Rng } from '../../src/fuzz/isa/prng.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { enc } from '../unit/isa-simd-support.ts';

/** The expression rows: their instruction id and whether they read Vm. */
const ROWS = [
  ...SAME.filter((o) => o.e !== undefined).map((o) => ({ id: `${o.name.toUpperCase()}_v`, vsz: o.vsz, binary: true })),
  ...UN.filter((o) => o.e !== undefined).map((o) => ({
    id: `${o.name.toUpperCase()}_${o.zero ? 'z' : ''}v`,
    vsz: o.vsz,
    binary: false,
  })),
  // The bitwise group has no size field: one size (bytes) stands for all.
  ...LOGIC.map(([name]) => ({ id: `${name.toUpperCase()}_v`, vsz: 1, binary: true })),
  // Three different, long and wide (q: the upper halves), and long by element (size H and S).
  ...['s', 'u'].flatMap((p) =>
    ['addl', 'addw', 'subl', 'subw', 'abal', 'abdl', 'mlal', 'mlsl', 'mull'].map((op) => ({
      id: `${(p + op).toUpperCase()}_v`,
      vsz: 7,
      binary: true,
    })),
  ),
  ...['smlal', 'smlsl', 'smull', 'umlal', 'umlsl', 'umull'].map((op) => ({
    id: `${op.toUpperCase()}_elem_v`,
    vsz: 6,
    binary: true,
  })),
];

/** Every (row, size, width) the encoding allows: sizes from vsz, no 64-bit lanes in a D register. */
const FORMS = ROWS.flatMap((o) =>
  [0, 1, 2, 3].flatMap((size) =>
    ((o.vsz >> size) & 1) === 1 ? [0, 1].filter((q) => !(size === 3 && q === 0)).map((q) => ({ o, size, q })) : [],
  ),
);

/** Each expression form from random registers, often aliased, ends as on Unicorn. */
function formsAsUnicorn(bench: () => FuzzBench, runs: number, seed: number): void {
  const reg = fc.integer({ min: 0, max: 31 });
  fc.assert(
    fc.property(
      fc.constantFrom(...FORMS),
      reg,
      reg,
      reg,
      fc.constantFrom('none', 'd=n', 'd=m', 'n=m', 'all'),
      fc.integer({ min: 0, max: 0x7fffffff }),
      ({ o, size, q }, n0, m0, d0, alias, seed) => {
        const n = alias === 'all' ? d0 : n0;
        const m = alias === 'all' || alias === 'd=m' ? d0 : alias === 'n=m' ? n : m0;
        const d = alias === 'd=n' ? n : d0;
        const fields: Record<string, number> = o.binary ? { q, size, rm: m, rn: n, rd: d } : { q, size, rn: n, rd: d };
        // By element: Vm is one of v0-v15 (rm:4; mh is the fifth bit for S lanes), the lane in h:l(:mh).
        if (o.id.endsWith('_elem_v'))
          Object.assign(fields, { rm: m & 15, l: seed & 1, mh: (seed >> 1) & 1, h: (seed >> 2) & 1 });
        const word = enc(o.id, fields);
        const state = drawState(new Rng(seed, 0x5a5e));
        const unicorn = bench().observe('unicorn', word, state);
        const ours = bench().observe('ts', word, state);
        expect(ours.outcome).toBe(unicorn.outcome);
        expect(compare(ours, unicorn), `${o.id} size ${size} q ${q} v${d}, v${n}, v${m}`).toEqual([]);
      },
    ),
    { numRuns: runs, seed },
  );
}

describeWithOracles(['unicorn'], 'AdvSIMD lane-expression ops vs native Unicorn', () => {
  let bench: FuzzBench;
  beforeAll(async () => {
    bench = await FuzzBench.open(5);
  });
  afterAll(() => bench?.close());

  it('cover the rows that never saturate, at every size', () => {
    expect(ROWS.map((o) => o.id).sort()).toEqual(
      [
        'ADD_v',
        'CMEQ_v',
        'CMGE_v',
        'CMGT_v',
        'CMHI_v',
        'CMHS_v',
        'CMTST_v',
        'MLA_v',
        'MLS_v',
        'MUL_v',
        'SABA_v',
        'SABD_v',
        'SHADD_v',
        'SHSUB_v',
        'SMAX_v',
        'SMIN_v',
        'SRHADD_v',
        'SRSHL_v',
        'SSHL_v',
        'SUB_v',
        'UABA_v',
        'UABD_v',
        'UHADD_v',
        'UHSUB_v',
        'UMAX_v',
        'UMIN_v',
        'URHADD_v',
        'URSHL_v',
        'USHL_v',
        'ABS_v',
        'NEG_v',
        'CLZ_v',
        'CMGT_zv',
        'CMGE_zv',
        'CMEQ_zv',
        'CMLE_zv',
        'CMLT_zv',
        'AND_v',
        'BIC_v',
        'ORR_v',
        'ORN_v',
        'EOR_v',
        'BSL_v',
        'BIT_v',
        'BIF_v',
        ...['SADDL', 'SADDW', 'SSUBL', 'SSUBW', 'SABAL', 'SABDL', 'SMLAL', 'SMLSL', 'SMULL'].map((o) => `${o}_v`),
        ...['UADDL', 'UADDW', 'USUBL', 'USUBW', 'UABAL', 'UABDL', 'UMLAL', 'UMLSL', 'UMULL'].map((o) => `${o}_v`),
        ...['SMLAL', 'SMLSL', 'SMULL', 'UMLAL', 'UMLSL', 'UMULL'].map((o) => `${o}_elem_v`),
      ].sort(),
    );
    // Three-same: 12 rows at four sizes (seven forms each), 17 at three (six each); two-register
    // misc: ABS, NEG and the five compares with zero at four sizes, CLZ at three; bitwise: two
    // widths each; three different: 18 rows at three sizes and both halves, 6 by element at two.
    expect(FORMS.length).toBe(186 + 7 * 7 + 6 + 8 * 2 + 18 * 6 + 6 * 4);
  });

  it('end in the same registers as Unicorn, aliased or not', () => {
    formsAsUnicorn(() => bench, 2500, 0x1a5e);
  });

  it('end as Unicorn does with the ops evaluated from their parse, as without new Function', () => {
    setLaneCompilation(false);
    try {
      const mla = TABLE.decode(enc('MLA_v', { q: 1, size: 2, rm: 1, rn: 2, rd: 3 }));
      // The op really is the parse's: its loop reads lanes through viewOf, not generated text.
      expect(String(mla?.def.exec?.(mla.fields, 0x1000))).toContain('viewOf');
      formsAsUnicorn(() => bench, 800, 0x9a75e);
    } finally {
      setLaneCompilation(undefined);
    }
  });

  // Byte and word moves with fast paths of their own: permutations whose result words are whole
  // source words (lanes.ts permExec), XTN (two_reg_misc.ts), TBL with one table register; and the
  // shifts by immediate that are lane expressions with their amount in them (shift_by_immediate.ts).
  it('moves, narrows and looks up as Unicorn does, every field at random', () => {
    const IDS = [
      'XTN_v',
      'TBL_TBX',
      'EXT',
      'DUP_elem_v',
      'INS_elem',
      'ZIP1',
      'ZIP2',
      'UZP1',
      'UZP2',
      'TRN1',
      'TRN2',
      ...['SSHR', 'USHR', 'SRSHR', 'URSHR', 'SSRA', 'USRA', 'SRSRA', 'URSRA', 'SHL', 'SSHLL', 'USHLL'].map(
        (o) => `${o}_imm_v`,
      ),
    ];
    const defs = IDS.map((id) => TABLE.defs.find((d) => d.id === id));
    expect(defs.every((d) => d !== undefined)).toBe(true);
    fc.assert(
      fc.property(
        // TBL/TBX has the most cases: its forms (len, op) and indices vary the most.
        fc.oneof(fc.constantFrom(...IDS), fc.constant('TBL_TBX')),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
        fc.constantFrom('none', 'd=n', 'd=m', 'all'),
        fc.integer({ min: 0, max: 0x7fffffff }),
        (id, values, alias, seed) => {
          const def = TABLE.defs.find((d) => d.id === id);
          const fields: Record<string, number> = {};
          (def?.fields ?? []).forEach(([name], k) => {
            fields[name] = values[k] as number;
          });
          const rm = fields.rm;
          if (alias === 'd=n' || alias === 'all') fields.rd = fields.rn as number;
          if (rm !== undefined && (alias === 'd=m' || alias === 'all')) fields.rd = rm;
          if (rm !== undefined && alias === 'all') fields.rn = rm;
          const word = enc(id, fields);
          const rng = new Rng(seed, 0x7e57);
          const state = drawState(rng);
          if (id === 'TBL_TBX') {
            // Indices mostly inside the table (its len + 1 registers), some just past it.
            const limit = 16 * (((fields.len as number) & 3) + 1) + 4;
            let v = 0n;
            for (let b = 0; b < 16; b++) v = (v << 8n) | BigInt(rng.below(limit));
            state.regs.set(`q${(fields.rm as number) & 31}`, v);
          }
          const unicorn = bench.observe('unicorn', word, state);
          const ours = bench.observe('ts', word, state);
          expect(ours.outcome).toBe(unicorn.outcome);
          expect(compare(ours, unicorn), `${id} 0x${word.toString(16)}`).toEqual([]);
        },
      ),
      { numRuns: 2500, seed: 0x7e57 },
    );
  });
});
