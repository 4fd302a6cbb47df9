/**
 * The page's model (web/src: stepper, the walk, the object list and URL state) in Node, no
 * browser: the walk through the demo's first lazy call with its source lines from our DWARF
 * reader checked against llvm-dwarfdump's line table, a first call through a function pointer
 * (the stub reached without a `bl`), manual moves in the middle of the walk, and the object list.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuntimeObjects } from '../../runtime-aarch64/index.ts';
import { addObjects, demoSelection, formatHash, type PageObject, parseHash } from '../../web/src/inputs.ts';
import { registerRanges } from '../../web/src/narrative.ts';
import { type InputObject, Stepper } from '../../web/src/stepper.ts';
import { describeWithOracles, oracle } from '../support/oracles.ts';

/** The phases from the stub's pointer load to the second call's body, as the page must show them. */
const FROM_POINTER = [
  'pointer',
  'trampoline',
  'reenter',
  'saved',
  'dispatch',
  'link',
  'redirect',
  'restored',
  'body',
  'call2',
  'stub2',
  'body2',
];

const DEMO_DIR = new URL('../../examples/lazy-demo/', import.meta.url);
const DEMO: [string, boolean][] = [
  ['main.o', false],
  ['greet.o', true],
  ['math.o', true],
  ['data.o', true],
  ['rarely.o', true],
];
const demoBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`obj/${name}`, DEMO_DIR)));
const sources = new Map(
  ['main.c', 'greet.c', 'math.c', 'data.c', 'rarely.c'].map((f) => [
    f,
    readFileSync(new URL(`src/${f}`, DEMO_DIR), 'utf8'),
  ]),
);

async function open(objects: InputObject[] = DEMO.map(([name, lazy]) => ({ name, lazy, bytes: demoBytes(name) }))) {
  const s = await Stepper.create({ objects, runtimeObjects: loadRuntimeObjects(), sources });
  await s.start();
  return s;
}

const greet = (s: Stepper) => s.stubRows().find((r) => r.alias === 'greet');

describe('web stepper', () => {
  it('walks the first call of greet and its second call, phase by phase', async () => {
    const s = await open();
    expect(s.phase).toMatchObject({ id: 'start', index: 0 });
    expect(s.symbolize(s.pc)).toBe('main');
    const ids: string[] = [];
    const where: string[] = [];
    while (s.tour.next !== 'done') {
      await s.nextPhase();
      expect(s.state).toBe('paused');
      ids.push(s.phase.id);
      where.push(s.symbolize(s.pc) ?? '?');
      // No data in any code the walk goes through (the runtime's, the stubs, the bodies).
      expect(s.disassembly().filter((l) => l.data)).toEqual([]);
    }
    expect(ids).toEqual(['call', 'stub', ...FROM_POINTER]);
    expect(where.slice(1, 5)).toEqual(['greet', 'greet+8', '<trampoline greet>', '__orc_rt_sysv_resolve']);
    expect(where.slice(10)).toEqual(['greet$orc_fnbody', where[11], 'greet+8', 'greet$orc_fnbody']);
    expect(s.onlyPhases).toBe(true);
    expect(greet(s)).toMatchObject({ resolved: true, targetLabel: 'greet$orc_fnbody' });
    expect(s.timeline.filter((e) => e.kind === 'phase')).toHaveLength(14);
    expect(s.timeline.some((e) => e.kind === 'link' && e.text === 'greet.o')).toBe(true);
    await s.resume('run');
    expect(s.state).toBe('exited');
    expect(s.exitStatus).toBe(0);
    expect(s.output.map((c) => c.text).join('')).toContain('greet: hello, again! (call 2, counter=44)');
  });

  it('the disassembly is the function holding pc, not what follows it', async () => {
    const s = await open();
    const lines = s.disassembly();
    const main = s.control.symbols.lookup('main')[0];
    expect(lines[0]?.address).toBe(main?.address);
    expect(lines.at(-1)?.address).toBe((main?.address ?? 0) + (main?.size ?? 0) - 4);
    expect(lines.filter((l) => l.current)).toHaveLength(1);
    expect(lines.every((l) => !l.data)).toBe(true);
  });

  it('steps over a bl and single-steps with register changes; a manual move makes the walk find its place', async () => {
    const s = await open();
    for (let i = 0; i < 40 && s.state === 'paused'; i++) {
      const pc = s.pc;
      const b = await s.control.session.readMemory(pc, 4);
      const word = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
      if ((word & 0xfc000000) >>> 0 === 0x94000000) {
        await s.resume('over');
        expect(s.pc).toBe(pc + 4);
        expect(s.why).toBe('step over');
        break;
      }
      await s.resume('step');
      expect(s.previousRegs).toHaveLength(34);
    }
    expect(s.onlyPhases).toBe(false);
    // Into greet's stub by hand (the lazy action), then "next phase" goes on from there.
    await s.resume('lazy');
    expect(s.why).toContain('call of stub greet');
    await s.nextPhase();
    expect(s.phase.id).toBe('pointer');
    expect(s.tourTarget?.alias).toBe('greet');
    expect(s.onlyPhases).toBe(false);
    while (s.tour.next !== 'done') await s.nextPhase();
    expect(s.phase.id).toBe('body2');
    expect(s.timeline.filter((e) => e.kind === 'phase').map((e) => e.text.replace(/\..*/, ''))).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 1)),
    );
  });
});

describeWithOracles(['llvm-objdump'], 'web stepper: source lines', () => {
  it('the highlighted line at each phase is the one llvm-objdump -l gives for pc, or for the call in progress', async () => {
    const objdump = (name: string): Map<number, number> => {
      const text = execFileSync(
        oracle('llvm-objdump').detail,
        ['-d', '-l', new URL(`obj/${name}`, DEMO_DIR).pathname],
        {
          encoding: 'utf8',
        },
      );
      const out = new Map<number, number>();
      let line = 0;
      for (const l of text.split('\n')) {
        const m = /^; .+:(\d+)$/.exec(l);
        if (m) line = Number(m[1]);
        const i = /^\s+([0-9a-f]+):\s/.exec(l);
        if (i) out.set(Number.parseInt(i[1] as string, 16), line);
      }
      return out;
    };
    const mainLines = objdump('main.o');
    const greetLines = objdump('greet.o');
    const s = await open();
    const main = s.control.symbols.lookup('main')[0]?.address ?? 0;
    let callLine = 0;
    while (s.tour.next !== 'done') {
      await s.nextPhase();
      const v = s.source();
      const sym = s.control.symbols.symbolAt(s.pc);
      if (s.phase.id === 'call' || s.phase.id === 'call2') {
        callLine = mainLines.get(s.pc - main) ?? -1;
        expect(v).toMatchObject({ file: 'examples/lazy-demo/src/main.c', line: callLine, frame: 0 });
      } else if (sym?.name === 'greet$orc_fnbody') {
        expect(v).toMatchObject({ file: 'examples/lazy-demo/src/greet.c', line: greetLines.get(s.pc - sym.address) });
      } else {
        expect(v?.line).toBe(callLine);
        expect(v?.frame).toBeGreaterThan(0);
      }
      expect(v?.lines?.[(v?.line ?? 0) - 1]).toBeDefined();
    }
    expect(callLine).toBe(15);
  });
});

describeWithOracles(['llvm-mc'], 'web stepper: data inside a function', () => {
  it('shows a literal pool word as .word (its $d mapping symbol), although it decodes as ret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-web-lit-'));
    try {
      writeFileSync(
        join(dir, 'lit.s'),
        '  .text\n  .globl main\n  .type main, %function\nmain:\n  ldr w0, 1f\n  sub w0, w0, w0\n  ret\n1:\n  .word 0xd65f03c0\n  .size main, .-main\n',
      );
      execFileSync(oracle('llvm-mc').detail, [
        '-triple=aarch64-linux-gnu',
        '-filetype=obj',
        '-o',
        join(dir, 'lit.o'),
        join(dir, 'lit.s'),
      ]);
      const s = await open([{ name: 'lit.o', lazy: false, bytes: new Uint8Array(readFileSync(join(dir, 'lit.o'))) }]);
      const lines = s.disassembly().map((l) => [l.text, l.data]);
      expect(lines).toEqual([
        [expect.stringMatching(/^ldr w0, 0x[0-9a-f]+ <main\+12>$/), false],
        ['sub w0, w0, w0', false],
        ['ret', false],
        ['.word 0xd65f03c0', true],
      ]);
      await s.resume('run');
      expect(s.exitStatus).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('web stepper: a first call through a function pointer', () => {
  it('reaches the stub without a bl: the walk starts at the stub and names the caller', async () => {
    const dir = new URL('../lazy-scenarios/fnptr/obj/', import.meta.url);
    const objects = ['main.o', 'a.o', 'b.o', 'target.o'].map((name) => ({
      name,
      lazy: name === 'target.o',
      bytes: new Uint8Array(readFileSync(new URL(name, dir))),
    }));
    const s = await open(objects);
    await s.nextPhase();
    expect(s.phase.id).toBe('stub');
    expect(s.phase.title).toBe('The stub of target');
    expect(s.phase.text[0]).toMatch(
      /^\(Reached target's stub directly: the call came from 0x[0-9a-f]+ <main\+\d+>\.\)$/,
    );
    const ids: string[] = [];
    while (s.tour.next !== 'done') {
      await s.nextPhase();
      ids.push(s.phase.id);
    }
    expect(ids).toEqual(FROM_POINTER);
    // No DWARF in these objects: no source line, and the page says nothing false about one.
    expect(s.source()).toBeUndefined();
    await s.resume('run');
    expect(s.exitStatus).toBe(0);
  });
});

describe('web object list and URL state', () => {
  const demo = (): PageObject[] => DEMO.map(([name, lazy]) => ({ name, lazy, bytes: demoBytes(name), origin: 'demo' }));

  it('an object defining main replaces main.o; one with the same name replaces it, keeping its lazy flag', () => {
    const r = addObjects(demo(), [{ name: 'prog.o', bytes: demoBytes('main.o') }]);
    expect(r.objects.map((o) => o.name)).toEqual(['greet.o', 'math.o', 'data.o', 'rarely.o', 'prog.o']);
    expect(r.objects.at(-1)).toMatchObject({ lazy: false, origin: 'user' });
    expect(r.notes).toEqual(["prog.o defines 'main', as main.o did: main.o removed from the link"]);
    const same = addObjects(demo(), [{ name: 'greet.o', bytes: demoBytes('greet.o') }]);
    expect(same.objects.map((o) => o.name)).toEqual(['main.o', 'math.o', 'data.o', 'rarely.o', 'greet.o']);
    expect(same.objects.at(-1)?.lazy).toBe(true);
    expect(same.notes).toEqual(['greet.o replaces the previous greet.o']);
    const bad = addObjects(demo(), [{ name: 'x.o', bytes: new Uint8Array([1, 2, 3]) }]);
    expect(bad.objects).toHaveLength(5);
    expect(bad.notes[0]).toMatch(/^x\.o not added: /);
  });

  it('the fragment keeps the demo objects, lazy flags and phase', () => {
    const objs = demo().filter((o) => o.name !== 'rarely.o');
    (objs[2] as PageObject).lazy = false;
    const hash = formatHash(objs, 7);
    expect(hash).toBe('#objects=main,greet,math,data&lazy=greet,data&phase=7');
    const state = parseHash(hash);
    expect(state).toEqual({ objects: ['main', 'greet', 'math', 'data'], lazy: ['greet', 'data'], phase: 7 });
    const bytes = new Map(DEMO.map(([n]) => [n, demoBytes(n)]));
    const back = demoSelection(
      state,
      DEMO.map(([name, lazy]) => ({ name, lazy })),
      bytes,
    );
    expect(back.map((o) => [o.name, o.lazy])).toEqual([
      ['main.o', false],
      ['greet.o', true],
      ['math.o', false],
      ['data.o', true],
    ]);
    expect(parseHash('#phase=-3&objects=a;b,c').phase).toBe(0);
    expect(parseHash('').objects).toBeUndefined();
  });

  it('register ranges', () => {
    expect(registerRanges(['x0', 'x1', 'x2', 'x3', 'x19', 'x20', 'q0', 'q1', 'x29', 'x30'])).toBe(
      'x0–x3, x19–x20, x29–x30, q0–q1',
    );
  });
});
