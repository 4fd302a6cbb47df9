/**
 * The session's executor-level debug primitives, in process and in a worker (the same requests
 * through the EPC): a breakpoint at main, registers there (argc in x0, pc), a single step,
 * a read watchpoint on a data symbol, a fault that stops with the registers intact, and a debugged
 * run without stops printing exactly what the plain run prints. Breakpoints are engine breakpoints:
 * a never-hit one leaves the ts engine's translation tier on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import type { ExecutorKind } from '../../src/orc/epc/epc.ts';
import { type OrcSession, openSession } from '../../src/orc/session/session.ts';
import type { DebugStop } from '../../src/protocol/debug.ts';

const demoDir = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));
const threadsDir = fileURLToPath(new URL('../threads/programs/obj/', import.meta.url));
const segvDir = fileURLToPath(new URL('../programs/obj/segv/', import.meta.url));
const read = (dir: string, f: string) => new Uint8Array(readFileSync(`${dir}${f}`));

async function demo(executor: ExecutorKind): Promise<{ s: OrcSession; out: () => string; stops: DebugStop[] }> {
  let text = '';
  const dec = new TextDecoder();
  const s = await openSession({
    executor,
    // Translate from the start (the default waits for 5 M instructions and 5000 runs of a block): the tier must stay on.
    engineOptions: { jitThreshold: 16 },
    stdout: (b) => {
      text += dec.decode(b, { stream: true });
    },
    stderr: () => {},
    stdin: new Uint8Array(0),
  });
  for (const f of ['main.o', 'greet.o', 'math.o', 'data.o', 'rarely.o'])
    s.addObject(read(demoDir, f), f, { lazy: f !== 'main.o' });
  const stops: DebugStop[] = [];
  s.observe({ onStop: (st) => stops.push(st) });
  return { s, out: () => text, stops };
}

/** Resolves with the next stop the session reports. */
const nextStop = (s: OrcSession) =>
  new Promise<DebugStop>((resolve) => {
    const off = s.observe({
      onStop: (st) => {
        off();
        resolve(st);
      },
    });
  });

for (const executor of ['in-process', 'worker'] as const) {
  describe(`session debug primitives (${executor})`, () => {
    it('breakpoint at main, registers, one step, continue to the end: same output as run', async () => {
      const plain = await demo(executor);
      const plainResult = await plain.s.run('main');
      await plain.s.close();

      const { s, out, stops } = await demo(executor);
      try {
        const main = await s.link('main');
        await s.setBreakpoints([main]);
        let stop = nextStop(s);
        const run = s.run('main', { debug: {} });
        let st = await stop;
        expect(st).toMatchObject({ reason: 'breakpoint', pc: main, thread: 1 });
        expect(s.stopped?.reason).toBe('breakpoint');
        const regs = await s.readRegisters();
        expect(regs.pc).toBe(main);
        expect(regs.x[0]).toBe(1n); // argc
        expect(regs.x).toHaveLength(31);
        expect(regs.v).toHaveLength(32);
        const word = new DataView((await s.readMemory(main, 4)).buffer).getUint32(0, true);
        expect(word).not.toBe(0);

        stop = nextStop(s);
        await s.resume({ kind: 'step' });
        st = await stop;
        expect(st).toMatchObject({ reason: 'step', pc: main + 4 });
        expect((await s.readRegisters()).pc).toBe(main + 4);

        await s.writeRegisters([{ name: 'x9', value: 0x1234n }]);
        expect((await s.readRegisters()).x[9]).toBe(0x1234n);

        await s.setBreakpoints([]);
        stop = nextStop(s);
        await s.resume({ kind: 'continue' });
        st = await stop;
        expect(st).toMatchObject({ reason: 'exit', status: plainResult.status });
        const r = await run;
        expect(r.status).toBe(plainResult.status);
        expect(out()).toBe(plain.out());
        expect(stops.map((x) => x.reason)).toEqual(['breakpoint', 'step', 'exit']);
        expect(s.stopped).toBeNull();
      } finally {
        await s.close();
      }
    });

    it('interrupt stops a running program at its next poll point; continue finishes it', async () => {
      const { s, stops } = await demo(executor);
      try {
        const main = await s.link('main');
        await s.setBreakpoints([main]);
        let stop = nextStop(s);
        const run = s.run('main', { debug: { pollInstructions: 50 } });
        await stop;
        await s.setBreakpoints([]);
        stop = nextStop(s);
        await s.resume();
        await s.interrupt();
        const st = await stop;
        expect(st.reason).toBe('interrupt');
        expect(st.instructions).toBeGreaterThan(stops[0]?.instructions ?? 0);
        await s.resume();
        expect((await run).status).toBe(0);
        expect(stops.map((x) => x.reason)).toEqual(['breakpoint', 'interrupt', 'exit']);
      } finally {
        await s.close();
      }
    });

    it('a breakpoint at a thread function stops once in each thread that begins there, with that thread', async () => {
      const open = async () => {
        let text = '';
        const s = await openSession({
          executor,
          stdout: (b) => {
            text += new TextDecoder().decode(b);
          },
          stderr: () => {},
          stdin: new Uint8Array(0),
        });
        s.addObject(read(threadsDir, 'counter.o'), 'counter.o');
        return { s, out: () => text };
      };
      const plain = await open();
      const plainResult = await plain.s.run('main');
      await plain.s.close();
      expect(plainResult.status).toBe(0);

      const { s, out } = await open();
      try {
        const main = await s.link('main');
        // worker is static: main's address plus its offset from main in the object's .text.
        const elf = readElf(read(threadsDir, 'counter.o'), 'counter.o');
        const sym = (name: string) => elf.symbols.find((x) => x.name === name);
        const [mainSym, workerSym] = [sym('main'), sym('worker')];
        expect(workerSym?.shndx).toBe(mainSym?.shndx);
        const worker = main + (workerSym?.value ?? Number.NaN) - (mainSym?.value ?? 0);
        await s.setBreakpoints([worker]);
        const stops: DebugStop[] = [];
        const args: bigint[] = [];
        let stop = nextStop(s);
        const run = s.run('main', { debug: {} });
        for (;;) {
          const st = await stop;
          stops.push(st);
          if (st.reason === 'exit') break;
          expect(st).toMatchObject({ reason: 'breakpoint', pc: worker });
          const regs = await s.readRegisters();
          expect(regs.pc).toBe(worker);
          args.push(regs.x[0] as bigint);
          stop = nextStop(s);
          await s.resume({ kind: 'continue' });
        }
        expect((await run).status).toBe(plainResult.status);
        expect(out()).toBe(plain.out());
        const hits = stops.filter((x) => x.reason === 'breakpoint');
        expect(hits).toHaveLength(4);
        expect(new Set(hits.map((x) => x.thread)).size).toBe(4);
        expect(hits.every((x) => x.thread !== 1)).toBe(true);
        expect([...args].sort()).toEqual([0n, 1n, 2n, 3n]);
        for (let i = 1; i < hits.length; i++)
          expect(hits[i]?.instructions).toBeGreaterThan(hits[i - 1]?.instructions ?? 0);
      } finally {
        await s.close();
      }
    });

    it('a read watchpoint on a data symbol stops at the access', async () => {
      const { s } = await demo(executor);
      try {
        await s.link('main');
        const counter = (await s.lookupOne('counter')).address;
        await s.setWatchpoints([{ address: counter, size: 4, kind: 'read' }]);
        const stop = nextStop(s);
        const run = s.run('main', { debug: {} });
        const st = await stop;
        expect(st.reason).toBe('watchpoint');
        expect(st.watch).toMatchObject({ address: counter, size: 4, access: 'read' });
        await s.setWatchpoints([]);
        await s.resume();
        expect((await run).status).toBe(0);
      } finally {
        await s.close();
      }
    });

    it('a fault stops with reason fault (registers intact); resuming ends the run with the signal status', async () => {
      let err = '';
      const s = await openSession({
        executor,
        stdout: () => {},
        stderr: (b) => {
          err += new TextDecoder().decode(b);
        },
        stdin: new Uint8Array(0),
      });
      try {
        for (const f of readdirSync(segvDir).sort()) s.addObject(read(segvDir, f), f);
        const stop = nextStop(s);
        const run = s.run('main', { debug: {} });
        const st = await stop;
        expect(st.reason).toBe('fault');
        expect(st.fault?.signal).toBe(11);
        expect(st.fault?.message).toMatch(/^unmapped write fault at 0x0 \(size 4\)/);
        expect((await s.readRegisters()).pc).toBe(st.pc);
        expect(err).toBe('');
        await s.resume();
        expect((await run).status).toBe(139);
        expect(err).toMatch(/^orc-sandbox run: program killed by SIGSEGV \(status 139\)/);
      } finally {
        await s.close();
      }
    });
  });
}

describe('breakpoints and the ts translation tier', () => {
  it('a never-hit breakpoint leaves the ts engine translating the hot code (fib) as without it', async () => {
    const regions: number[] = [];
    for (const withBreakpoint of [false, true]) {
      const { s, out } = await demo('in-process');
      try {
        await s.link('main');
        // rarely() is never called: its lazy reexport is executable code the program never reaches.
        const rarely = (await s.lookupOne('rarely')).address;
        if (withBreakpoint) await s.setBreakpoints([rarely]);
        const engine = s.local?.engine;
        expect(engine).toBeInstanceOf(TsEngine);
        const run = s.run('main', { debug: {} });
        expect((await run).status).toBe(0);
        expect(out()).toContain('main: fib(25)=75025');
        expect(s.stopped).toBeNull();
        regions.push((engine as TsEngine).translatedRegions);
      } finally {
        await s.close();
      }
    }
    // A code hook anywhere (the former breakpoints) turns translation off: 0 regions.
    expect(regions[1]).toBeGreaterThan(0);
    expect(regions[1]).toBe(regions[0]);
  });
});
