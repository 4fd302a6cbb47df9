/**
 * Proof that a lazy first call runs LLVM's own `__orc_rt_sysv_reenter` and `__orc_rt_resolve`,
 * linked from Debian's liborc_rt-aarch64.a with their bytes unmodified, on both engines:
 * - the executor's copy of `__orc_rt_sysv_reenter` is the archive member's .text word for word,
 *   except the one CALL26 field (the `bl __orc_rt_resolve` at +0x78), which reaches `__orc_rt_resolve`;
 * - breakpoints inside that copy stop in order with the registers LLVM's protocol defines: on entry
 *   x30 = trampoline + 8 and the trampoline's (x29, x30) pair on the stack; `__orc_rt_resolve`
 *   entered with x0 = trampoline; after it returns (+0x7c) x0 = the body; at `ret x17` (+0xf8)
 *   x17 = the body, SP back to the caller's and x30 = the caller's return address;
 * - the debugged run then prints exactly what the plain run prints;
 * - single-stepping the first call visits every one of the routine's 63 instructions in order,
 *   `bl` into `__orc_rt_resolve` after the 31st and `ret x17` into the body after the last.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { readArchive } from '../../src/linker/archive.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import { type OrcSession, openSession } from '../../src/orc/session/session.ts';
import type { DebugStop } from '../../src/protocol/debug.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { describeWithArtifact, ORC_RT_ARCHIVE, SCENARIO_DIR } from './support.ts';

const ARGS = join(SCENARIO_DIR, 'args', 'obj');
const read = (f: string) => new Uint8Array(readFileSync(join(ARGS, f)));

function reenterText(): Uint8Array {
  const archive = readArchive(new Uint8Array(readFileSync(ORC_RT_ARCHIVE)), ORC_RT_ARCHIVE);
  const member = archive.members.find((m) => m.name === 'sysv_reenter.arm64.S.o');
  if (!member) throw new Error('sysv_reenter.arm64.S.o not in the archive');
  const elf = readElf(member.bytes, member.name);
  const text = elf.sections.find((s) => s.name === '.text');
  if (!text) throw new Error('no .text');
  return member.bytes.slice(text.offset, text.offset + text.size);
}

async function open(engine: EngineKind): Promise<{ s: OrcSession; out: () => string }> {
  let text = '';
  const dec = new TextDecoder();
  const s = await openSession({
    engine,
    orcRuntime: ORC_RT_ARCHIVE,
    stdout: (b) => {
      text += dec.decode(b, { stream: true });
    },
    stderr: () => {},
    stdin: new Uint8Array(0),
  });
  s.addObject(read('main.o'), 'main.o');
  s.addObject(read('scalars.o'), 'scalars.o', { lazy: true });
  s.addObject(read('structs.o'), 'structs.o', { lazy: true });
  return { s, out: () => text };
}

const nextStop = (s: OrcSession) =>
  new Promise<DebugStop>((resolve) => {
    const off = s.observe({
      onStop: (st) => {
        off();
        resolve(st);
      },
    });
  });

const u64 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(o, true);

function suite(engine: EngineKind): void {
  it('single-stepping a first call executes all 63 instructions of __orc_rt_sysv_reenter in order', async () => {
    const { s } = await open(engine);
    try {
      await s.link('main');
      const reenter = (await s.lookupOne('__orc_rt_sysv_reenter', s.platformJD)).address;
      const resolve = (await s.lookupOne('__orc_rt_resolve', s.platformJD)).address;
      const body = (await s.lookupOne('many_int$orc_fnbody')).address;
      await s.setBreakpoints([reenter]);
      let stop = nextStop(s);
      const run = s.run('main', { debug: {} });
      expect((await stop).pc).toBe(reenter);
      await s.setBreakpoints([reenter + 0x7c]);
      const step = async () => {
        stop = nextStop(s);
        await s.resume({ kind: 'step' });
        return (await stop).pc;
      };
      const pcs: number[] = [reenter];
      for (let i = 0; i < 31; i++) pcs.push(await step());
      // Saves and `sub x0, x30, #8`, then the `bl` lands in __orc_rt_resolve.
      expect(pcs).toEqual([...Array.from({ length: 31 }, (_, i) => reenter + 4 * i), resolve]);
      stop = nextStop(s);
      await s.resume({ kind: 'continue' });
      expect((await stop).pc).toBe(reenter + 0x7c);
      await s.setBreakpoints([]);
      const tail: number[] = [reenter + 0x7c];
      for (let i = 0; i < 32; i++) tail.push(await step());
      // `mov x17, x0`, the restores, `ret x17` into the body.
      expect(tail).toEqual([...Array.from({ length: 32 }, (_, i) => reenter + 0x7c + 4 * i), body]);
      await s.resume({ kind: 'continue' });
      expect((await run).status).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('the linked __orc_rt_sysv_reenter is the archive bytes; breakpoints in it see LLVM protocol registers', async () => {
    const plain = await open(engine);
    const plainResult = await plain.s.run('main');
    await plain.s.close();
    expect(plainResult.status).toBe(0);

    const { s, out } = await open(engine);
    try {
      await s.link('main');
      const reenter = (await s.lookupOne('__orc_rt_sysv_reenter', s.platformJD)).address;
      const resolve = (await s.lookupOne('__orc_rt_resolve', s.platformJD)).address;
      const want = reenterText();
      expect(want.length).toBe(0xfc);
      const got = await s.readMemory(reenter, want.length);
      const dvGot = new DataView(got.buffer, got.byteOffset);
      const dvWant = new DataView(want.buffer, want.byteOffset);
      for (let o = 0; o < want.length; o += 4) {
        if (o === 0x78) continue;
        expect([o, dvGot.getUint32(o, true)]).toEqual([o, dvWant.getUint32(o, true)]);
      }
      const bl = dvGot.getUint32(0x78, true);
      expect(bl >>> 26).toBe(0x25); // BL
      const imm26 = bl & 0x3ffffff;
      const target = reenter + 0x78 + (imm26 >= 0x2000000 ? imm26 - 0x4000000 : imm26) * 4;
      expect(target).toBe(resolve);

      await s.setBreakpoints([reenter, resolve, reenter + 0x7c, reenter + 0xf8]);
      let stop = nextStop(s);
      const run = s.run('main', { debug: {} });

      // 1. Entry: x30 = T + 8, T a trampoline of many_int; [sp] = the trampoline's (x29, x30).
      let st = await stop;
      expect(st).toMatchObject({ reason: 'breakpoint', pc: reenter });
      let r = await s.readRegisters();
      const t = Number(r.x[30]) - 8;
      const info = s.lrm.callThrough(t);
      expect(info?.name).toBe('many_int');
      // x16 still holds the stub's pointer value (the trampoline): the trampoline's BL is direct.
      expect(Number(r.x[16])).toBe(t);
      const entrySp = Number(r.sp);
      const pair = await s.readMemory(entrySp, 16);
      const callerFp = u64(pair, 0);
      const callerLr = u64(pair, 8);
      expect(callerFp).toBe(r.x[29]);
      const argRegs = r.x.slice(0, 8);

      // 2. __orc_rt_resolve(T), after LLVM's 13 GPR pairs and 16 Q pairs (720 bytes).
      stop = nextStop(s);
      await s.resume({ kind: 'continue' });
      st = await stop;
      expect(st.pc).toBe(resolve);
      r = await s.readRegisters();
      expect(Number(r.x[0])).toBe(t);
      expect(Number(r.sp)).toBe(entrySp - 720);
      expect(Number(r.x[30])).toBe(reenter + 0x7c);

      // 3. Back from the JIT: x0 = the body of many_int.
      stop = nextStop(s);
      await s.resume({ kind: 'continue' });
      st = await stop;
      expect(st.pc).toBe(reenter + 0x7c);
      r = await s.readRegisters();
      const body = (await s.lookupOne('many_int$orc_fnbody')).address;
      expect(Number(r.x[0])).toBe(body);

      // 4. ret x17: everything restored, the caller's frame pair popped.
      stop = nextStop(s);
      await s.resume({ kind: 'continue' });
      st = await stop;
      expect(st.pc).toBe(reenter + 0xf8);
      r = await s.readRegisters();
      expect(Number(r.x[17])).toBe(body);
      expect(Number(r.sp)).toBe(entrySp + 16);
      expect(r.x[29]).toBe(callerFp);
      expect(r.x[30]).toBe(callerLr);
      expect(r.x.slice(0, 8)).toEqual(argRegs);

      await s.setBreakpoints([]);
      await s.resume({ kind: 'continue' });
      const result = await run;
      expect(result.status).toBe(0);
      expect(out()).toBe(plain.out());
    } finally {
      await s.close();
    }
  });
}

describeWithArtifact('liborc_rt-aarch64.a', "LLVM's __orc_rt_sysv_reenter, unmodified (ts)", () => suite('ts'));
describeWithArtifact('liborc_rt-aarch64.a', "LLVM's __orc_rt_sysv_reenter", () => {
  describeWithOracles(['unicorn'], "LLVM's __orc_rt_sysv_reenter, unmodified (unicorn)", () => suite('unicorn'));
});
