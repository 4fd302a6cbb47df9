/** Advanced SIMD extract: EXT. */
import { type InsnDef, insn } from '../../decoder.ts';
import { imm } from '../fmt.ts';
import { permExec, vr } from './lanes.ts';

/**
 * The byte of Vn ++ Vm (Vn 0-15, Vm 16-31) each byte of Vd takes for EXT from byte `imm4` (-1:
 * zero, the upper half of the 64-bit form); the op and the WebAssembly regions' shuffle use it.
 */
export function extBytes(q: number, imm4: number): number[] {
  const len = q ? 16 : 8;
  const perm: number[] = [];
  for (let j = 0; j < 16; j++) {
    const k = j + imm4;
    perm.push(j >= len ? -1 : k < len ? k : 16 + (k - len));
  }
  return perm;
}

export const defs: InsnDef[] = [
  insn({
    id: 'EXT',
    cls: 'simd',
    pattern: '0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5',
    when: (f) => f.q === 1 || f.imm4 < 8,
    disasm: (f) => {
      const q = f.q;
      return `ext ${vr(f.rd, 0, q)}, ${vr(f.rn, 0, q)}, ${vr(f.rm, 0, q)}, ${imm(f.imm4)}`;
    },
    exec: (f) => permExec(extBytes(f.q, f.imm4), f.rn, f.rm, f.rd, f.q),
  }),
];
