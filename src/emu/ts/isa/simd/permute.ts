/** Advanced SIMD permute: UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2. */
import { type InsnDef, insn } from '../../decoder.ts';
import { bitsOf, lanes, permExec, vr } from './lanes.ts';

const PERM: [string, number][] = [
  ['uzp1', 1],
  ['trn1', 2],
  ['zip1', 3],
  ['uzp2', 5],
  ['trn2', 6],
  ['zip2', 7],
];

/** The opcode (opc) of each permute instruction by its id (UZP1 ... ZIP2). */
export const PERMUTE_OPC: Readonly<Record<string, number>> = Object.fromEntries(
  PERM.map(([name, opc]) => [name.toUpperCase(), opc]),
);

/**
 * The byte of Vn ++ Vm (Vn 0-15, Vm 16-31) each byte of Vd takes for permute `opc` of element
 * size `z` (-1: zero, the upper half of a 64-bit form). The op and the WebAssembly regions'
 * shuffle (jit/wasm.ts) both use it.
 */
export function permuteBytes(opc: number, z: number, q: number): number[] {
  const eb = 1 << z;
  const cnt = lanes(z, q);
  const half = cnt >> 1;
  const part = opc >> 2;
  const src: number[] = []; // element index into Vn ++ Vm (in units of elements; Vm at 16/eb)
  const mOff = 16 / eb;
  for (let i = 0; i < cnt; i++) {
    let el: number;
    const kind = opc & 3;
    if (kind === 1) {
      // UZP: even (part 0) or odd elements of concatenated n:m
      const k = 2 * i + part;
      el = k < cnt ? k : mOff + (k - cnt);
    } else if (kind === 2) {
      // TRN
      const pair = i >> 1;
      el = i & 1 ? mOff + 2 * pair + part : 2 * pair + part;
    } else {
      // ZIP
      const base = part * half;
      el = i & 1 ? mOff + base + (i >> 1) : base + (i >> 1);
    }
    src.push(el);
  }
  const perm: number[] = [];
  for (let j = 0; j < 16; j++) {
    const i = Math.floor(j / eb);
    perm.push(i < cnt ? (src[i] as number) * eb + (j % eb) : -1);
  }
  return perm;
}

export const defs: InsnDef[] = [];
for (const [name, opc] of PERM) {
  defs.push(
    insn({
      id: `${name.toUpperCase()}`,
      cls: 'simd',
      pattern: `0 q:1 001110 size:2 0 rm:5 0 ${bitsOf(opc, 3)} 10 rn:5 rd:5`,
      when: (f) => !(f.size === 3 && f.q === 0),
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        return `${name} ${vr(f.rd, z, q)}, ${vr(f.rn, z, q)}, ${vr(f.rm, z, q)}`;
      },
      exec: (f) => permExec(permuteBytes(opc, f.size, f.q), f.rn, f.rm, f.rd, f.q),
    }),
  );
}
