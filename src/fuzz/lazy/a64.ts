/**
 * The few AArch64 instructions the generated programs use, encoded by hand (checked against
 * llvm-mc-16 in tests/fuzz-lazy/a64.test.ts). Each helper answers one 32-bit word; the `text`
 * helper answers the same instruction in assembler syntax (the test feeds it to llvm-mc).
 */

const u = (x: number): number => x >>> 0;
const chk = (v: number, lo: number, hi: number, what: string): number => {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what} ${v} out of range ${lo}..${hi}`);
  return v;
};
const reg = (r: number): number => chk(r, 0, 31, 'register');

export interface Insn {
  word: number;
  text: string;
}

const I = (word: number, text: string): Insn => ({ word: u(word), text });
const xn = (r: number): string => (r === 31 ? 'sp' : `x${r}`);
const xz = (r: number): string => (r === 31 ? 'xzr' : `x${r}`);

export const A = {
  movz: (d: number, imm: number, hw: number): Insn =>
    I(
      0xd2800000 | (chk(hw, 0, 3, 'hw') << 21) | (chk(imm, 0, 0xffff, 'imm16') << 5) | reg(d),
      `movz ${xz(d)}, #${imm}, lsl #${16 * hw}`,
    ),
  movk: (d: number, imm: number, hw: number): Insn =>
    I(
      0xf2800000 | (chk(hw, 0, 3, 'hw') << 21) | (chk(imm, 0, 0xffff, 'imm16') << 5) | reg(d),
      `movk ${xz(d)}, #${imm}, lsl #${16 * hw}`,
    ),
  /** mov xd, xm (orr xd, xzr, xm). */
  mov: (d: number, m: number): Insn => I(0xaa0003e0 | (reg(m) << 16) | reg(d), `mov ${xz(d)}, ${xz(m)}`),
  eor: (d: number, n: number, m: number): Insn =>
    I(0xca000000 | (reg(m) << 16) | (reg(n) << 5) | reg(d), `eor ${xz(d)}, ${xz(n)}, ${xz(m)}`),
  add: (d: number, n: number, m: number): Insn =>
    I(0x8b000000 | (reg(m) << 16) | (reg(n) << 5) | reg(d), `add ${xz(d)}, ${xz(n)}, ${xz(m)}`),
  addImm: (d: number, n: number, imm: number): Insn =>
    I(0x91000000 | (chk(imm, 0, 4095, 'imm12') << 10) | (reg(n) << 5) | reg(d), `add ${xn(d)}, ${xn(n)}, #${imm}`),
  subImm: (d: number, n: number, imm: number): Insn =>
    I(0xd1000000 | (chk(imm, 0, 4095, 'imm12') << 10) | (reg(n) << 5) | reg(d), `sub ${xn(d)}, ${xn(n)}, #${imm}`),
  /** ror xd, xn, #sh (extr xd, xn, xn, #sh). */
  ror: (d: number, n: number, sh: number): Insn =>
    I(
      0x93c00000 | (reg(n) << 16) | (chk(sh, 0, 63, 'shift') << 10) | (reg(n) << 5) | reg(d),
      `ror ${xz(d)}, ${xz(n)}, #${sh}`,
    ),
  /** fmov xd, dn */
  fmovXD: (d: number, n: number): Insn => I(0x9e660000 | (reg(n) << 5) | reg(d), `fmov ${xz(d)}, d${n}`),
  /** fmov dd, xn */
  fmovDX: (d: number, n: number): Insn => I(0x9e670000 | (reg(n) << 5) | reg(d), `fmov d${d}, ${xz(n)}`),
  /** mov xd, vn.d[1] */
  umovHi: (d: number, n: number): Insn => I(0x4e183c00 | (reg(n) << 5) | reg(d), `mov ${xz(d)}, v${n}.d[1]`),
  /** mov vd.d[1], xn */
  insHi: (d: number, n: number): Insn => I(0x4e181c00 | (reg(n) << 5) | reg(d), `mov v${d}.d[1], ${xz(n)}`),
  /** stp xt1, xt2, [xn, #imm]! */
  stpPre: (t1: number, t2: number, n: number, imm: number): Insn =>
    I(
      0xa9800000 | ((chk(imm / 8, -64, 63, 'stp offset') & 0x7f) << 15) | (reg(t2) << 10) | (reg(n) << 5) | reg(t1),
      `stp ${xz(t1)}, ${xz(t2)}, [${xn(n)}, #${imm}]!`,
    ),
  /** ldp xt1, xt2, [xn], #imm */
  ldpPost: (t1: number, t2: number, n: number, imm: number): Insn =>
    I(
      0xa8c00000 | ((chk(imm / 8, -64, 63, 'ldp offset') & 0x7f) << 15) | (reg(t2) << 10) | (reg(n) << 5) | reg(t1),
      `ldp ${xz(t1)}, ${xz(t2)}, [${xn(n)}], #${imm}`,
    ),
  stp: (t1: number, t2: number, n: number, imm: number): Insn =>
    I(
      0xa9000000 | ((chk(imm / 8, -64, 63, 'stp offset') & 0x7f) << 15) | (reg(t2) << 10) | (reg(n) << 5) | reg(t1),
      `stp ${xz(t1)}, ${xz(t2)}, [${xn(n)}, #${imm}]`,
    ),
  ldp: (t1: number, t2: number, n: number, imm: number): Insn =>
    I(
      0xa9400000 | ((chk(imm / 8, -64, 63, 'ldp offset') & 0x7f) << 15) | (reg(t2) << 10) | (reg(n) << 5) | reg(t1),
      `ldp ${xz(t1)}, ${xz(t2)}, [${xn(n)}, #${imm}]`,
    ),
  /** str xt, [xn, #imm] (imm a multiple of 8) */
  str: (t: number, n: number, imm: number): Insn =>
    I(
      0xf9000000 | (chk(imm / 8, 0, 4095, 'str offset') << 10) | (reg(n) << 5) | reg(t),
      `str ${xz(t)}, [${xn(n)}, #${imm}]`,
    ),
  ldr: (t: number, n: number, imm: number): Insn =>
    I(
      0xf9400000 | (chk(imm / 8, 0, 4095, 'ldr offset') << 10) | (reg(n) << 5) | reg(t),
      `ldr ${xz(t)}, [${xn(n)}, #${imm}]`,
    ),
  strD: (t: number, n: number, imm: number): Insn =>
    I(
      0xfd000000 | (chk(imm / 8, 0, 4095, 'str offset') << 10) | (reg(n) << 5) | reg(t),
      `str d${t}, [${xn(n)}, #${imm}]`,
    ),
  ldrD: (t: number, n: number, imm: number): Insn =>
    I(
      0xfd400000 | (chk(imm / 8, 0, 4095, 'ldr offset') << 10) | (reg(n) << 5) | reg(t),
      `ldr d${t}, [${xn(n)}, #${imm}]`,
    ),
  /** str qt, [xn, #imm] (imm a multiple of 16) */
  strQ: (t: number, n: number, imm: number): Insn =>
    I(
      0x3d800000 | (chk(imm / 16, 0, 4095, 'str offset') << 10) | (reg(n) << 5) | reg(t),
      `str q${t}, [${xn(n)}, #${imm}]`,
    ),
  ldrQ: (t: number, n: number, imm: number): Insn =>
    I(
      0x3dc00000 | (chk(imm / 16, 0, 4095, 'ldr offset') << 10) | (reg(n) << 5) | reg(t),
      `ldr q${t}, [${xn(n)}, #${imm}]`,
    ),
  /** mvn xd, xm (orn xd, xzr, xm). */
  mvn: (d: number, m: number): Insn => I(0xaa2003e0 | (reg(m) << 16) | reg(d), `mvn ${xz(d)}, ${xz(m)}`),
  /** adrp xd, 0 (the page comes from an R_AARCH64_ADR_PREL_PG_HI21 relocation). */
  adrp: (d: number): Insn => I(0x90000000 | reg(d), `adrp ${xz(d)}, 0`),
  /** bl / b with a zero displacement (filled by CALL26 / JUMP26). */
  bl: (): Insn => I(0x94000000, 'bl 0'),
  b: (): Insn => I(0x14000000, 'b 0'),
  blr: (n: number): Insn => I(0xd63f0000 | (reg(n) << 5), `blr ${xz(n)}`),
  br: (n: number): Insn => I(0xd61f0000 | (reg(n) << 5), `br ${xz(n)}`),
  ret: (): Insn => I(0xd65f03c0, 'ret'),
  nop: (): Insn => I(0xd503201f, 'nop'),
};
