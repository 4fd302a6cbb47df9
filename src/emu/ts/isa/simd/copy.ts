/** Advanced SIMD copy: DUP (element, general), INS (general, element), SMOV, UMOV (and MOV aliases). */
import { type InsnDef, insn } from '../../decoder.ts';
import { D32, fin, ge, permExec, type Rd, RS, RU, sr, vr, wn, xn } from './lanes.ts';

/** imm5 → [size, index], size -1 when reserved (also the translation tier's rule, jit/wasm.ts). */
export function imm5(v: number): [number, number] {
  for (let z = 0; z < 4; z++) if ((v >> z) & 1) return [z, v >> (z + 1)];
  return [-1, 0];
}

export const defs: InsnDef[] = [
  insn({
    id: 'DUP_elem_v',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(f.imm5);
      return z >= 0 && !(z === 3 && f.q === 0);
    },
    disasm: (f) => {
      const [z, i] = imm5(f.imm5);
      return `dup ${vr(f.rd, z, f.q)}, ${ge(f.rn, z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(f.imm5);
      const eb = 1 << z;
      const perm: number[] = [];
      for (let j = 0; j < 16; j++) perm.push(i * eb + (j % eb));
      return permExec(perm, f.rn, 0, f.rd, f.q);
    },
  }),
  insn({
    id: 'DUP_elem_s',
    cls: 'simd',
    pattern: '01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5',
    when: (f) => imm5(f.imm5)[0] >= 0,
    disasm: (f) => {
      const [z, i] = imm5(f.imm5);
      return `mov ${sr(f.rd, z)}, ${ge(f.rn, z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(f.imm5);
      const eb = 1 << z;
      const perm: number[] = [];
      for (let j = 0; j < 16; j++) perm.push(j < eb ? i * eb + j : -1);
      return permExec(perm, f.rn, 0, f.rd, 0);
    },
  }),
  insn({
    id: 'DUP_gen',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(f.imm5);
      return z >= 0 && !(z === 3 && f.q === 0);
    },
    disasm: (f) => {
      const [z] = imm5(f.imm5);
      return `dup ${vr(f.rd, z, f.q)}, ${z === 3 ? xn(f.rn) : wn(f.rn)}`;
    },
    exec: (f) => {
      const [z] = imm5(f.imm5);
      const n = f.rn === 31 ? 32 : f.rn;
      const d = f.rd;
      const q = f.q;
      return (s) => {
        const lo = s.xlo[n] as number;
        const hi = s.xhi[n] as number;
        let w = lo;
        if (z === 0) w = (lo & 0xff) * 0x01010101;
        else if (z === 1) w = (lo & 0xffff) * 0x10001;
        D32[0] = w;
        D32[1] = z === 3 ? hi : w;
        D32[2] = D32[0] as number;
        D32[3] = D32[1] as number;
        fin(s, d, q);
      };
    },
  }),
  insn({
    id: 'INS_gen',
    cls: 'simd',
    pattern: '0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5',
    when: (f) => imm5(f.imm5)[0] >= 0,
    disasm: (f) => {
      const [z, i] = imm5(f.imm5);
      return `mov ${ge(f.rd, z, i)}, ${z === 3 ? xn(f.rn) : wn(f.rn)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(f.imm5);
      const n = f.rn === 31 ? 32 : f.rn;
      const d = f.rd;
      return (s) => {
        const lo = s.xlo[n] as number;
        if (z === 0) s.vb[(d << 4) + i] = lo;
        else if (z === 1) s.vh[(d << 3) + i] = lo;
        else if (z === 2) s.vi[(d << 2) + i] = lo;
        else {
          s.vi[(d << 2) + 2 * i] = lo;
          s.vi[(d << 2) + 2 * i + 1] = s.xhi[n] as number;
        }
      };
    },
  }),
  insn({
    id: 'INS_elem',
    cls: 'simd',
    pattern: '0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5',
    when: (f) => imm5(f.imm5)[0] >= 0,
    disasm: (f) => {
      const [z, i] = imm5(f.imm5);
      return `mov ${ge(f.rd, z, i)}, ${ge(f.rn, z, f.imm4 >> z)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(f.imm5);
      const j = f.imm4 >> z;
      const eb = 1 << z;
      const perm: number[] = [];
      for (let k = 0; k < 16; k++) perm.push(k >= i * eb && k < (i + 1) * eb ? j * eb + (k - i * eb) : 32 + k);
      return permExec(perm, f.rn, 0, f.rd, 1);
    },
  }),
  insn({
    id: 'SMOV',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0101 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(f.imm5);
      return z >= 0 && z < 2 + f.q;
    },
    disasm: (f) => {
      const [z, i] = imm5(f.imm5);
      return `smov ${f.q ? xn(f.rd) : wn(f.rd)}, ${ge(f.rn, z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(f.imm5);
      const ra = RS[z] as Rd;
      const n = f.rn;
      const d = f.rd === 31 ? 33 : f.rd;
      const q = f.q;
      return (s) => {
        const v = ra(s, n, i);
        s.xlo[d] = v;
        s.xhi[d] = q ? v >> 31 : 0;
      };
    },
  }),
  insn({
    id: 'UMOV',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0111 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(f.imm5);
      return f.q ? z === 3 : z >= 0 && z < 3;
    },
    disasm: (f) => {
      const [z, i] = imm5(f.imm5);
      const nm = z >= 2 ? 'mov' : 'umov';
      return `${nm} ${f.q ? xn(f.rd) : wn(f.rd)}, ${ge(f.rn, z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(f.imm5);
      const n = f.rn;
      const d = f.rd === 31 ? 33 : f.rd;
      if (z === 3) {
        return (s) => {
          s.xlo[d] = s.vi[(n << 2) + 2 * i] as number;
          s.xhi[d] = s.vi[(n << 2) + 2 * i + 1] as number;
        };
      }
      const ra = RU[z] as Rd;
      return (s) => {
        s.xlo[d] = ra(s, n, i);
        s.xhi[d] = 0;
      };
    },
  }),
];
