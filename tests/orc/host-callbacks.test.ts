/**
 * Host functions that call back into emulated code (qsort comparators, atexit handlers run by
 * exit(), initializers and finalizers) without nesting `engine.start`: generator host functions
 * yield call requests, the gate driver runs them through the call stub and the continuation gate.
 * Everything here runs on the ts engine and, identically, on the unicorn engine (which cannot run a
 * nested uc_emu_start).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { type Engine, type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { EngineUnavailable } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import {
  type CallResult,
  HostCallError,
  type HostGenerator,
  ProcessHost,
  ProgramExit,
  runProgram,
} from '../../src/executor/host/index.ts';
import { describeWithOracles } from '../support/oracles.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const programs = JSON.parse(readFileSync(join(fixtures, 'host-programs.json'), 'utf8')) as Record<
  string,
  { hex: string; symbols: Record<string, number> }
>;
const td = new TextDecoder('latin1');
const words = (...w: number[]) => new Uint8Array(new Uint32Array(w).buffer);
const RET = 0xd65f03c0;

function suite(kind: EngineKind, unavailable: () => string) {
  const engines: Engine[] = [];
  afterEach(() => {
    for (const e of engines.splice(0)) e.close();
  });

  async function setup() {
    const engine = await createEngine(kind);
    engines.push(engine);
    const out: Uint8Array[] = [];
    const host = new ProcessHost(engine, { stdout: (b) => out.push(b.slice()), stderr: () => {} });
    return { engine, host, out: () => td.decode(Buffer.concat(out)) };
  }

  /** A hand-assembled program of host-programs.json at 0x100000, its pointer slots patched. */
  async function fixture(name: string, patches: Record<string, string>) {
    const env = await setup();
    env.host.install();
    const p = programs[name] as { hex: string; symbols: Record<string, number> };
    env.engine.memMap(0x100000, 0x1000, PROT_ALL);
    env.engine.memWrite(0x100000, new Uint8Array(Buffer.from(p.hex, 'hex')));
    for (const [slot, fn] of Object.entries(patches))
      env.host.writeU64(0x100000 + (p.symbols[slot] as number), BigInt(env.host.symbol(fn)?.address as number));
    return { ...env, main: 0x100000 + (p.symbols.main as number) };
  }

  it('qsort calls an emulated comparator (p2)', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const f = await fixture('p2', { printf_ptr: 'printf', qsort_ptr: 'qsort' });
    const r = runProgram(f.host, f.main, { maxInstructions: 100000 });
    expect(f.out()).toBe('-1 0 3 5 10\n');
    expect(r.status).toBe(0);
    expect(f.host.pendingCalls()).toEqual([]);
  });

  it('exit(7) runs the atexit handler in emulated code (p3)', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const f = await fixture('p3', { atexit_ptr: 'atexit', exit_ptr: 'exit', puts_ptr: 'puts' });
    const r = runProgram(f.host, f.main, { maxInstructions: 100000 });
    expect(f.out()).toBe('bye\n');
    expect(r).toMatchObject({ status: 7, reason: 'exit' });
  });

  it('a generator host function passes x and d arguments, gets x0/d0, nests, and returns to its caller', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const { engine, host } = await setup();
    const seen: CallResult[] = [];
    // twice(fn, v): fn(v, 2.5) twice; the second call gets the first answer; answers x0 + d0.
    host.defineFunction('twice', function* (c): HostGenerator {
      const fn = c.n(0);
      const v = c.x(1);
      const a = yield { call: fn, args: [v], fpArgs: [2.5] };
      const b = yield { call: fn, args: [a.x0], fpArgs: [a.d0] };
      seen.push(a, b);
      return b.x0 + BigInt(Math.round(b.d0));
    });
    host.install();
    const twice = host.symbol('twice')?.address as number;
    // callee: x0 = x0 * 3 ; d0 = d0 + d0 ; ret
    // caller: stp x29,x30 ; mov x19,#77 ; bl twice (via x16) ; ldp ; ret   (x19 must survive)
    engine.memMap(0x100000, 0x1000, PROT_ALL);
    engine.memWrite(
      0x100000,
      words(
        0x8b000400, // add x0, x0, x0, lsl #1
        0x1e602800, // fadd d0, d0, d0
        RET,
      ),
    );
    engine.memWrite(
      0x100100,
      words(
        0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
        0xd28009b3, // mov x19, #77
        0xd63f0200, // blr x16
        0xaa1303e1, // mov x1, x19
        0xa8c17bfd, // ldp x29, x30, [sp], #16
        RET,
      ),
    );
    engine.memMap(0x200000, 0x10000, PROT_READ | PROT_WRITE);
    engine.setX(31, 0x208000);
    engine.setX(16, twice);
    expect(host.callEmulated(0x100100, [0x100000, 5])).toBe(45n + 10n);
    expect(seen).toEqual([
      { x0: 15n, d0: 5 },
      { x0: 45n, d0: 10 },
    ]);
    expect(host.pendingCalls()).toEqual([]);
  });

  it('callEmulated inside a host function is refused (no nested start); a callback that moves sp is named', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const { engine, host } = await setup();
    host.defineFunction('nests', () => host.callEmulated(0x100000));
    host.defineFunction('callsBadSp', function* (): HostGenerator {
      yield { call: 0x100010 };
      return 0;
    });
    host.install();
    engine.memMap(0x100000, 0x1000, PROT_ALL);
    engine.memWrite(0x100010, words(0xd10043ff, RET)); // sub sp, sp, #16 ; ret
    engine.memMap(0x200000, 0x10000, PROT_READ | PROT_WRITE);
    engine.setX(31, 0x208000);
    expect(() => host.callEmulated(host.symbol('nests')?.address as number)).toThrow(
      /callEmulated cannot run inside a host function/,
    );
    let ex: unknown;
    try {
      host.callEmulated(host.symbol('callsBadSp')?.address as number);
    } catch (e) {
      ex = e;
    }
    expect(ex).toBeInstanceOf(HostCallError);
    expect((ex as Error).message).toBe('callsBadSp: callback 0x100010 returned with sp 0x207ff0, expected 0x208000');
    expect(host.pendingCalls()).toEqual([]);
  });

  it('exit() inside a qsort comparator runs atexit handlers and ends the program', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const { engine, host, out } = await setup();
    host.install();
    const sym = (n: string) => host.symbol(n)?.address as number;
    engine.memMap(0x100000, 0x1000, PROT_ALL);
    engine.memMap(0x200000, 0x10000, PROT_READ | PROT_WRITE);
    // comparator: mov w0, #9 ; blr x20 (exit)   handler: blr x21 (putchar 'A' via x0) then ret
    engine.memWrite(0x100000, words(0x52800120, 0xd63f0280));
    engine.memWrite(0x100020, words(0xa9bf7bfd, 0x52800820, 0xd63f02a0, 0xa8c17bfd, RET));
    host.atexitHandlers.push(0x100020);
    engine.setX(20, sym('exit'));
    engine.setX(21, sym('putchar'));
    host.writeBytes(0x200000, words(3, 1, 2));
    engine.setX(31, 0x208000);
    let ex: unknown;
    try {
      host.callEmulated(sym('qsort'), [0x200000, 3, 4, 0x100000]);
    } catch (e) {
      ex = e;
    }
    expect(ex).toBeInstanceOf(ProgramExit);
    expect(ex).toMatchObject({ status: 9, reason: 'exit' });
    expect(out()).toBe('A');
    expect(host.pendingCalls()).toEqual([]);
  });

  // ---- orc-sandbox run with qsort (nested), atexit, exit, .init_array/.fini_array, eager and lazy ----

  const runCli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const status = await runCommand(['--engine', kind, ...args], {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
      stdin: new Uint8Array(0),
    });
    return { stdout, stderr, status };
  };
  const obj = (n: string) => join(fixtures, 'objs', n);
  const expected = 'init\n-1 0 3 5 7 10 nested=10\natexit: 3 2 1\nfini\n';

  it('orc-sandbox run: initializer, nested qsort callbacks, atexit handler, finalizer, exit(5)', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const r = await runCli([obj('callbacks.o'), obj('intcmp.o')]);
    expect(r).toEqual({ stdout: expected, stderr: '', status: 5 });
  });

  it('orc-sandbox run: a lazy comparator resolves (parks) inside the qsort callback', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const r = await runCli(['--trace', 'lazy', obj('callbacks.o'), '-lazy', obj('intcmp.o')]);
    expect(r.stdout).toBe(expected);
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(
      /^\[lazy\] trampoline 0x[0-9a-f]+: int_cmp -> int_cmp\$orc_fnbody \(JITDylib main\) resolved/,
    );
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('orc-sandbox run: the older fixtures (init.o, exit3.o) give the same results', async (ctx) => {
    if (unavailable()) ctx.skip(unavailable());
    const r = await runCli([obj('main.o'), obj('greet.o'), obj('init.o')]);
    expect(r).toEqual({ stdout: 'init runs first\nhi from greet\nmain got 7\n', stderr: '', status: 42 });
    const x = await runCli([obj('exit3.o'), '--', 'hello']);
    expect(x).toEqual({ stdout: 'arg1=hello\n', stderr: '', status: 3 });
  });
}

describe('host callbacks on the ts engine', () => suite('ts', () => ''));

describeWithOracles(['unicorn'], 'host callbacks on the unicorn engine', () => {
  let why = '';
  beforeAll(async () => {
    try {
      (await createEngine('unicorn')).close();
    } catch (e) {
      if (!(e instanceof EngineUnavailable)) throw e;
      why = `unicorn engine unavailable: ${e.message}`;
    }
  });
  suite('unicorn', () => why);
});
