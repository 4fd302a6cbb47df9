/**
 * Advanced SIMD vector x indexed element, and Advanced SIMD scalar x indexed element (integer
 * forms): the operation of the three-same or three-different row, with Vm[index] as operand b.
 */
import { type InsnDef, insn } from '../../decoder.ts';
import { bitsOf, ge, sr, vr } from './lanes.ts';
import { type Acc, type Core, longExec } from './three_different.ts';
import { SAME, type SameOp, sameExec } from './three_same.ts';

interface IdxOp {
  name: string;
  u: number;
  op: number;
  long?: { core: Core; acc: Acc; sg: boolean };
  same?: SameOp;
  scalar?: boolean;
}

const sameNamed = (nm: string): SameOp => SAME.find((o) => o.name === nm) as SameOp;
const IDX: IdxOp[] = [
  { name: 'smlal', u: 0, op: 2, long: { core: 'mul', acc: 'add', sg: true } },
  { name: 'sqdmlal', u: 0, op: 3, long: { core: 'qdmul', acc: 'qadd', sg: true }, scalar: true },
  { name: 'smlsl', u: 0, op: 6, long: { core: 'mul', acc: 'sub', sg: true } },
  { name: 'sqdmlsl', u: 0, op: 7, long: { core: 'qdmul', acc: 'qsub', sg: true }, scalar: true },
  { name: 'mul', u: 0, op: 8, same: sameNamed('mul') },
  { name: 'smull', u: 0, op: 10, long: { core: 'mul', acc: 'none', sg: true } },
  { name: 'sqdmull', u: 0, op: 11, long: { core: 'qdmul', acc: 'none', sg: true }, scalar: true },
  { name: 'sqdmulh', u: 0, op: 12, same: sameNamed('sqdmulh'), scalar: true },
  { name: 'sqrdmulh', u: 0, op: 13, same: sameNamed('sqrdmulh'), scalar: true },
  { name: 'mla', u: 1, op: 0, same: sameNamed('mla') },
  { name: 'umlal', u: 1, op: 2, long: { core: 'mul', acc: 'add', sg: false } },
  { name: 'mls', u: 1, op: 4, same: sameNamed('mls') },
  { name: 'umlsl', u: 1, op: 6, long: { core: 'mul', acc: 'sub', sg: false } },
  { name: 'umull', u: 1, op: 10, long: { core: 'mul', acc: 'none', sg: false } },
];

/** The fields `idxOf` reads; both by-element patterns declare them. */
type ElemFields = {
  readonly size: number;
  readonly rm: number;
  readonly h: number;
  readonly l: number;
  readonly mh: number;
};

function idxOf(f: ElemFields): [number, number] {
  const z = f.size;
  if (z === 1) return [f.rm, (f.h << 2) | (f.l << 1) | f.mh];
  return [f.rm | (f.mh << 4), (f.h << 1) | f.l];
}

export const defs: InsnDef[] = [];
for (const o of IDX) {
  const ob = bitsOf(o.op, 4);
  const szOk = (f: ElemFields): boolean => f.size === 1 || f.size === 2;
  defs.push(
    insn({
      id: `${o.name.toUpperCase()}_elem_v`,
      cls: 'simd',
      pattern: `0 q:1 ${o.u} 01111 size:2 l:1 mh:1 rm:4 ${ob} h:1 0 rn:5 rd:5`,
      when: szOk,
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        const [m, i] = idxOf(f);
        if (o.long) {
          return `${o.name}${q ? '2' : ''} ${vr(f.rd, z + 1, 1)}, ${vr(f.rn, z, q)}, ${ge(m, z, i)}`;
        }
        return `${o.name} ${vr(f.rd, z, q)}, ${vr(f.rn, z, q)}, ${ge(m, z, i)}`;
      },
      exec: (f) => {
        const [m, i] = idxOf(f);
        const [d, n, z, q] = [f.rd, f.rn, f.size, f.q];
        if (o.long) return longExec(o.long.core, o.long.acc, o.long.sg, false, n, m, d, z, q, i, false);
        return sameExec(o.same as SameOp, n, m, d, z, q, false, i);
      },
    }),
  );
  if (o.scalar) {
    defs.push(
      insn({
        id: `${o.name.toUpperCase()}_elem_s`,
        cls: 'simd',
        pattern: `01 ${o.u} 11111 size:2 l:1 mh:1 rm:4 ${ob} h:1 0 rn:5 rd:5`,
        when: szOk,
        disasm: (f) => {
          const z = f.size;
          const [m, i] = idxOf(f);
          return `${o.name} ${sr(f.rd, o.long ? z + 1 : z)}, ${sr(f.rn, z)}, ${ge(m, z, i)}`;
        },
        exec: (f) => {
          const [m, i] = idxOf(f);
          const [d, n, z] = [f.rd, f.rn, f.size];
          if (o.long) return longExec(o.long.core, o.long.acc, true, false, n, m, d, z, 0, i, true);
          return sameExec(o.same as SameOp, n, m, d, z, 0, true, i);
        },
      }),
    );
  }
}
