/**
 * Program → relocatable AArch64 ELF objects (one per object of the program), following the steps
 * of semantics.ts. Frame of every function (48 bytes): [x29, x30] at 0, [x19, x20] at 16, d8 at 32,
 * x8 (the caller's result buffer, for struct returns) at 40; x19 is the accumulator, d8 keeps the
 * post-argument value across calls (so a callee or a reentry that loses d8 shows up in the result),
 * stack arguments sit at [x29 + 48 + 8j]. The constant is loaded by the 5th and 6th instructions
 * (PATCH_OFFSET), which the `patch` operation rewrites in executor memory.
 */
import { A, type Insn } from './a64.ts';
import { R, type Reloc, writeElfObject } from './elf.ts';
import { calleeOf, type FnDef, fnName, type Program } from './program.ts';
import { intImm, ROT, SRET_ROT, stackRot } from './semantics.ts';

const FRAME = 48;
/** Byte offset of the `movz x19, #lo` / `movk x19, #hi, lsl #16` pair in every function. */
export const PATCH_OFFSET = 16;
/** The host function behind `host` calls: calls x9 back with x0–x7 and answers its x0. */
export const HOST_APPLY = '__fz_host_apply';

/** The constant-loading words of a body with constant `k` (what a patch writes at PATCH_OFFSET). */
export const constantWords = (k: number): [number, number] => [
  A.movz(19, k & 0xffff, 0).word,
  A.movk(19, (k >>> 16) & 0xffff, 1).word,
];

/** Bytes of stack argument area a caller reserves for `stack` slots (sp stays 16-aligned). */
const argArea = (stack: number): number => (8 * stack + 15) & ~15;

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
  if (f.sig.sret) put(e, A.str(8, 31, 40));
  for (let j = 0; j < f.sig.ints; j++) put(e, A.eor(19, 19, j), A.ror(19, 19, ROT));
  f.sig.fps.forEach((k, j) => {
    put(e, A.fmovXD(9, j), A.add(19, 19, 9), A.ror(19, 19, ROT));
    if (k === 'q') put(e, A.umovHi(9, j), A.eor(19, 19, 9), A.ror(19, 19, ROT));
  });
  for (let j = 0; j < f.sig.stack; j++) put(e, A.ldr(9, 29, FRAME + 8 * j), A.eor(19, 19, 9), A.ror(19, 19, ROT));
  put(e, A.fmovDX(8, 19));
  const pointerSlot = (target: string, reg: number): void => {
    const slot = e.data;
    e.data += 8;
    e.dataRelocs.push({ offset: slot, type: R.ABS64, target, addend: 0 });
    e.relocs.push({ offset: 4 * e.words.length, type: R.ADR_PREL_PG_HI21, target: '.data', addend: slot });
    put(e, A.adrp(reg));
    e.relocs.push({ offset: 4 * e.words.length, type: R.LDST64_ABS_LO12_NC, target: '.data', addend: slot });
    put(e, A.ldr(reg, reg, 0));
  };
  f.calls.forEach((call, site) => {
    const user = call.u === undefined ? undefined : p.user?.fns[call.u];
    if (user) {
      // A user's function (`--objects`): integer arguments only, result in x0.
      emitArgs(e, { k: 0, sig: { ints: user.ints, fps: [], stack: 0 }, calls: [], tail: null }, site);
      if (call.via === 'direct') {
        e.relocs.push({ offset: 4 * e.words.length, type: R.CALL26, target: user.name, addend: 0 });
        put(e, A.bl());
      } else {
        pointerSlot(user.name, 9);
        if (call.via === 'host') pointerSlot(HOST_APPLY, 10);
        put(e, A.blr(call.via === 'host' ? 10 : 9));
      }
      put(e, A.eor(19, 19, 0), A.ror(19, 19, ROT), A.fmovXD(9, 8), A.add(19, 19, 9));
      return;
    }
    const c = calleeOf(i, call.d, n) as number;
    const callee = p.fns[c] as FnDef;
    const area = argArea(callee.sig.stack);
    const reserve = area + (callee.sig.sret ? 32 : 0);
    if (reserve > 0) put(e, A.subImm(31, 31, reserve));
    emitArgs(e, callee, site);
    if (callee.sig.sret) put(e, A.addImm(8, 31, area));
    if (call.via === 'direct') {
      e.relocs.push({ offset: 4 * e.words.length, type: R.CALL26, target: fnName(c), addend: 0 });
      put(e, A.bl());
    } else if (call.via === 'pointer') {
      pointerSlot(fnName(c), 9);
      put(e, A.blr(9));
    } else {
      pointerSlot(fnName(c), 9);
      pointerSlot(HOST_APPLY, 10);
      put(e, A.blr(10));
    }
    if (callee.sig.sret)
      put(e, A.ldr(0, 31, area), A.ldr(9, 31, area + 8), A.eor(0, 0, 9), A.ldr(9, 31, area + 16), A.eor(0, 0, 9));
    if (reserve > 0) put(e, A.addImm(31, 31, reserve));
    put(e, A.eor(19, 19, 0), A.ror(19, 19, ROT), A.fmovXD(9, 8), A.add(19, 19, 9));
  });
  const epilogue = () => put(e, A.ldrD(8, 31, 32), A.ldp(19, 20, 31, 16), A.ldpPost(29, 30, 31, FRAME));
  if (f.tail !== null) {
    const c = calleeOf(i, f.tail, n) as number;
    emitArgs(e, p.fns[c] as FnDef, f.calls.length);
    // A struct-returning tail call hands the caller's x8 on.
    if (f.sig.sret) put(e, A.ldr(8, 31, 40));
    epilogue();
    e.relocs.push({ offset: 4 * e.words.length, type: R.JUMP26, target: fnName(c), addend: 0 });
    put(e, A.b());
  } else {
    if (f.sig.sret)
      put(
        e,
        A.ldr(10, 31, 40),
        A.str(19, 10, 0),
        A.ror(9, 19, SRET_ROT),
        A.str(9, 10, 8),
        A.mvn(9, 19),
        A.str(9, 10, 16),
      );
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
