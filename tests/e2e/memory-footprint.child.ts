/**
 * Child process for memory-footprint.test.ts: runs a program whose data footprint is 1 MiB
 * (three passes over a 1 MiB buffer) plus 1 MiB of mapped code pages, then prints RSS as JSON.
 */
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';

// mov x2,#0; 1: ldr x3,[x5,x2,lsl #3]; add x3,x3,x2; str x3,[x5,x2,lsl #3]; add x2,x2,#1;
// and x2,x2,#0x1ffff; cbnz x2,1b; subs x0,x0,#1; b.ne 1b; brk #0   (llvm-mc-16)
const WORDS = [
  0xd2800002, 0xf86278a3, 0x8b020063, 0xf82278a3, 0x91000442, 0x92404042, 0xb5ffff62, 0xf1000400, 0x54ffff21,
  0xd4200000,
];
const CODE = 0x400000;
const DATA = 0x1000000;
const e = new TsEngine();
e.memMap(CODE, 0x100000, PROT_ALL);
e.memWrite(CODE, new Uint8Array(new Uint32Array(WORDS).buffer));
e.memMap(DATA, 0x100000, PROT_READ | PROT_WRITE);
e.regWrite('x0', 3n);
e.regWrite('x5', BigInt(DATA));
const r = e.start(CODE, CODE + 4 * (WORDS.length - 1));
const check = new DataView(e.memRead(DATA + 8 * 5, 8).buffer).getBigUint64(0, true);
process.stdout.write(
  `${JSON.stringify({ reason: r.reason, instructions: r.instructions, rss: process.memoryUsage().rss, slot5: check.toString() })}\n`,
);
