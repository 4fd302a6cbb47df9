/**
 * The fast TLBs that translated code (and the interpreter's loads and stores) use to access a
 * page's bytes without Memory's checks: a hit must stay a promise that the page allows the access,
 * that no observer (memory hook) is installed, and, for stores, that the page holds no decoded
 * code. Each case first fills the fast entries through translated code, then changes what the
 * promise depends on (the page gets code, a hook is added, the page is touched, protected or
 * unmapped) and checks the next accesses against the architecture's results, on the translation
 * tier and on the interpreter alone.
 */
import { describe, expect, it } from 'vitest';
import { PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { MemoryFault } from '../../src/emu/errors.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { words } from '../support/words.ts';

const CODE = 0x10000;
const DATA = 0x40000;
/** Where runs stop: blocks that end in `ret` return here (a stop inside a block would cut it). */
const END = CODE + 0x800;
const TIERS = [
  { name: 'translated', jitThreshold: 0 },
  { name: 'interpreted', jitThreshold: Number.POSITIVE_INFINITY },
];

function engine(jitThreshold: number, code: Uint8Array, codeSize = 0x1000): TsEngine {
  const e = new TsEngine({ jitThreshold });
  e.memMap(CODE, codeSize, PROT_ALL);
  e.memWrite(CODE, code);
  e.memMap(DATA, 0x2000, PROT_READ | PROT_WRITE);
  return e;
}

function fault(run: () => unknown): MemoryFault {
  try {
    run();
  } catch (e) {
    if (e instanceof MemoryFault) return e;
    throw e;
  }
  throw new Error('no MemoryFault');
}

describe.each(TIERS)('fast TLB ($name)', ({ jitThreshold }) => {
  it('a store into a page whose code ran after stores filled its entry still drops that code', () => {
    // CODE:      str w4,[x5]; add x4,x4,#1; sub x7,x7,#1; cbnz x7,CODE      (stores into page P)
    // CODE+0x10: bl F; str w2,[x3]; sub x6,x6,#1; cbnz x6,CODE+0x10         (F = P+0x10)
    // P+0x10 (F): add x0,x0,#1; ret           the loop rewrites F's first word to add x0,x0,#16
    const main = words(0xb90000a4, 0x91000484, 0xd10004e7, 0xb5ffffa7, 0x94000400, 0xb9000062, 0xd10004c6, 0xb5ffffa6);
    const e = engine(jitThreshold, main, 0x2000);
    const f = CODE + 0x1010;
    e.memWrite(f, words(0x91000400, 0xd65f03c0));
    e.regWrite('x5', CODE + 0x1800);
    e.regWrite('x7', 4);
    e.regWrite('x3', f);
    e.regWrite('x2', 0x91004000);
    e.regWrite('x6', 3);
    e.start(CODE, CODE + 0x20);
    expect(e.regRead('x0')).toBe(1n + 16n + 16n);
    expect(Buffer.from(e.memRead(CODE + 0x1800, 4)).readUInt32LE()).toBe(3);
  });

  it('a read of an untouched page, a store that touches it, then a read see the stored value', () => {
    // ldr x1,[x0]; str x2,[x0]; ldr x3,[x0]; ret
    const e = engine(jitThreshold, words(0xf9400001, 0xf9000002, 0xf9400003, 0xd65f03c0));
    for (const [at, v] of [
      [DATA + 0x1008, 0x1122334455667788n],
      [DATA + 0x1008, 0x99n],
    ] as const) {
      e.regWrite('x0', at);
      e.regWrite('x2', v);
      e.regWrite('x30', END);
      e.start(CODE, END);
      expect(e.regRead('x3')).toBe(v);
    }
    expect(e.regRead('x1')).toBe(0x1122334455667788n);
  });

  it('protect and unmap after the entries were filled give the exact faults', () => {
    // ldr x1,[x0,#8]; str x1,[x0,#16]; add x0,x0,#8; sub x7,x7,#1; cbnz x7,CODE
    const e = engine(jitThreshold, words(0xf9400401, 0xf9000801, 0x91002000, 0xd10004e7, 0xb5ffff87));
    e.memWrite(DATA + 8, words(0x12345678, 0x9abcdef0));
    const loop = (): void => {
      e.regWrite('x0', DATA);
      e.regWrite('x7', 20);
      e.start(CODE, CODE + 20);
    };
    loop();
    loop();
    expect(e.regRead('x1')).toBe(0x9abcdef012345678n);
    expect(e.regRead('x7')).toBe(0n);
    e.memProtect(DATA, 0x1000, PROT_READ);
    const w = fault(loop);
    expect([w.access, w.kind, w.address, w.pc]).toEqual(['write', 'protection', DATA + 16, CODE + 4]);
    e.memUnmap(DATA, 0x1000);
    const r = fault(loop);
    expect([r.access, r.kind, r.address, r.pc]).toEqual(['read', 'unmapped', DATA + 8, CODE]);
  });

  it('memory hooks added after the entries were filled see every access', () => {
    // ldp x1,x2,[x0]; stp x2,x1,[x0,#16]; ldrb w3,[x0,x4]; strh w3,[x0,x4,lsl #1]; ret
    const e = engine(jitThreshold, words(0xa9400801, 0xa9010402, 0x38646803, 0x78247803, 0xd65f03c0));
    e.memWrite(DATA, words(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    const run = (): void => {
      e.regWrite('x0', DATA);
      e.regWrite('x4', 36);
      e.regWrite('x30', END);
      e.start(CODE, END);
    };
    run();
    run();
    const seen: string[] = [];
    e.hookAdd('mem-read', (_a, address, size) => {
      seen.push(`r ${(address - DATA).toString(16)} ${size}`);
    });
    e.hookAdd('mem-write', (_a, address, size, value) => {
      seen.push(`w ${(address - DATA).toString(16)} ${size} ${value.toString(16)}`);
    });
    run();
    expect(seen).toEqual(['r 0 8', 'r 8 8', 'w 10 8 400000003', 'w 18 8 200000001', 'r 24 1', 'w 48 2 a']);
  });
});
