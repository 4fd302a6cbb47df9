/**
 * The page's model (web/src/stepper.ts) in Node, no browser: stops, modes and the stub table
 * through the first lazy call of the demo.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRuntimeObjects } from '../../runtime-aarch64/index.ts';
import { Stepper } from '../../web/src/stepper.ts';

const OBJ = new URL('../../examples/lazy-demo/obj/', import.meta.url);
const DEMO: [string, boolean][] = [
  ['main.o', false],
  ['greet.o', true],
  ['math.o', true],
  ['data.o', true],
  ['rarely.o', true],
];

async function demo(): Promise<Stepper> {
  const objects = DEMO.map(([name, lazy]) => ({ name, lazy, bytes: new Uint8Array(readFileSync(new URL(name, OBJ))) }));
  const s = await Stepper.create({ objects, runtimeObjects: loadRuntimeObjects() });
  await s.start();
  return s;
}

const greet = (s: Stepper) => s.stubRows().find((r) => r.alias === 'greet');

describe('web stepper', () => {
  it('stops at main, then at each lazy event of the first greet() call', async () => {
    const s = await demo();
    expect(s.state).toBe('paused');
    expect(s.symbolize(s.pc)).toBe('main');
    expect(s.disassembly().filter((l) => l.current)).toHaveLength(1);
    expect(greet(s)?.targetLabel).toBe('trampoline');
    await s.resume('lazy');
    expect(s.why).toContain('call of stub greet');
    expect(s.pc).toBe(greet(s)?.stub);
    await s.resume('lazy');
    expect(s.pc).toBe(greet(s)?.trampoline);
    await s.resume('lazy');
    expect(s.symbolize(s.pc)).toBe('greet$orc_fnbody');
    expect(greet(s)).toMatchObject({ resolved: true, targetLabel: 'greet$orc_fnbody' });
    expect(s.log.some((e) => e.kind === 'link' && e.text === 'Linking greet.o')).toBe(true);
    await s.resume('run');
    expect(s.state).toBe('exited');
    expect(s.exitStatus).toBe(0);
  });

  it('steps over a bl and single-steps with register changes', async () => {
    const s = await demo();
    const pcs: number[] = [];
    for (let i = 0; i < 40 && s.state === 'paused'; i++) {
      const pc = s.pc;
      const b = await s.control.session.readMemory(pc, 4);
      const word = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
      if ((word & 0xfc000000) >>> 0 === 0x94000000) {
        await s.resume('over');
        expect(s.pc).toBe(pc + 4);
        expect(s.why).toBe('step over');
        return;
      }
      await s.resume('step');
      pcs.push(s.pc);
      expect(s.previousRegs).toHaveLength(34);
    }
    throw new Error(`no bl within 40 steps of main: ${pcs.map((p) => p.toString(16)).join(' ')}`);
  });
});
