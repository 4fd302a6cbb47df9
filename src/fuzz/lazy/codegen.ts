/**
 * Program → relocatable AArch64 ELF objects (one per object of the program), following the steps
 * of semantics.ts. Frame of every function (48 bytes): [x29, x30] at 0, [x19, x20] at 16, d8 at 32;
 * x19 is the accumulator, d8 keeps the post-argument value across calls (so a callee or a reentry
 * that loses d8 shows up in the result), stack arguments sit at [x29 + 48 + 8j].
 */
import { A, type Insn } from './a64.ts';
import { R, type Reloc, writeElfObject } from './elf.ts';
import { calleeOf, type FnDef, fnName, type Program } from './program.ts';
import { intImm, ROT, stackRot } from './semantics.ts';

const FRAME = 48;

interface Emitter {
  words: number[];
  relocs: Reloc[];
  data: number;
  dataRelocs: Reloc[];
}

const put = (e: Emitter, ...insns: Insn[]): void => {
  for (const i of insns) e.words.push(i.word);
};

/** Loads a 32-bit constant into x19. */
const loadK = (e: Emitter, k: number): void => {
  put(e, A.movz(19, k & 0xffff, 0), A.movk(19, (k >>> 16) & 0xffff, 1));
};

/** Sets up the arguments of call site n for `callee` (stack arguments: caller reserved 16 bytes at sp). */
function emitArgs(e: Emitter, callee: FnDef, n: number): void {
  for (let j = 0; j < callee.sig.ints; j++) put(e, A.movz(9, intImm(n, j), 0), A.eor(j, 19, 9));
  callee.sig.fps.forEach((_k, j) => {
    put(e, A.addImm(9, 19, j + 1), A.fmovDX(j, 9), A.insHi(j, 19));
  });
  for (let j = 0; j < callee.sig.stack; j++) put(e, A.ror(9, 19, stackRot(j)), A.str(9, 31, 8 * j));
}

function emitFunction(e: Emitter, p: Program, i: number): void {
  const f = p.fns[i] as FnDef;
  const n = p.fns.length;
  put(e, A.stpPre(29, 30, 31, -FRAME), A.addImm(29, 31, 0), A.stp(19, 20, 31, 16), A.strD(8, 31, 32));
  loadK(e, f.k >>> 0);
  for (let j = 0; j < f.sig.ints; j++) put(e, A.eor(19, 19, j), A.ror(19, 19, ROT));
  f.sig.fps.forEach((k, j) => {
    put(e, A.fmovXD(9, j), A.add(19, 19, 9), A.ror(19, 19, ROT));
    if (k === 'q') put(e, A.umovHi(9, j), A.eor(19, 19, 9), A.ror(19, 19, ROT));
  });
  for (let j = 0; j < f.sig.stack; j++) put(e, A.ldr(9, 29, FRAME + 8 * j), A.eor(19, 19, 9), A.ror(19, 19, ROT));
  put(e, A.fmovDX(8, 19));
  f.calls.forEach((call, site) => {
    const c = calleeOf(i, call.d, n) as number;
    const callee = p.fns[c] as FnDef;
    if (callee.sig.stack > 0) put(e, A.subImm(31, 31, 16));
    emitArgs(e, callee, site);
    if (call.via === 'direct') {
      e.relocs.push({ offset: 4 * e.words.length, type: R.CALL26, target: fnName(c), addend: 0 });
      put(e, A.bl());
    } else {
      const slot = e.data;
      e.data += 8;
      e.dataRelocs.push({ offset: slot, type: R.ABS64, target: fnName(c), addend: 0 });
      e.relocs.push({ offset: 4 * e.words.length, type: R.ADR_PREL_PG_HI21, target: '.data', addend: slot });
      put(e, A.adrp(9));
      e.relocs.push({ offset: 4 * e.words.length, type: R.LDST64_ABS_LO12_NC, target: '.data', addend: slot });
      put(e, A.ldr(9, 9, 0), A.blr(9));
    }
    if (callee.sig.stack > 0) put(e, A.addImm(31, 31, 16));
    put(e, A.eor(19, 19, 0), A.ror(19, 19, ROT), A.fmovXD(9, 8), A.add(19, 19, 9));
  });
  const epilogue = () => put(e, A.ldrD(8, 31, 32), A.ldp(19, 20, 31, 16), A.ldpPost(29, 30, 31, FRAME));
  if (f.tail !== null) {
    const c = calleeOf(i, f.tail, n) as number;
    emitArgs(e, p.fns[c] as FnDef, f.calls.length);
    epilogue();
    e.relocs.push({ offset: 4 * e.words.length, type: R.JUMP26, target: fnName(c), addend: 0 });
    put(e, A.b());
  } else {
    put(e, A.mov(0, 19));
    epilogue();
    put(e, A.ret());
  }
}

/** The ELF object of object `o` (its functions in index order). */
export function objectBytes(p: Program, o: number): Uint8Array {
  const e: Emitter = { words: [], relocs: [], data: 0, dataRelocs: [] };
  const defs: { name: string; offset: number; size: number }[] = [];
  p.fns.forEach((_f, i) => {
    if (p.objectOf[i] !== o) return;
    const start = 4 * e.words.length;
    emitFunction(e, p, i);
    defs.push({ name: fnName(i), offset: start, size: 4 * e.words.length - start });
  });
  const text = new Uint8Array(4 * e.words.length);
  const dv = new DataView(text.buffer);
  e.words.forEach((w, k) => {
    dv.setUint32(4 * k, w, true);
  });
  return writeElfObject({ text, defs, textRelocs: e.relocs, data: new Uint8Array(e.data), dataRelocs: e.dataRelocs });
}
