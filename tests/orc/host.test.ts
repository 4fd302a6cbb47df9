/**
 * Host functions of the Process JITDylib, on the `ts` engine: called directly through their gates
 * (arguments in registers/stack as AAPCS64 says) and from small hand-assembled programs
 * (fixtures/host-programs.json: llvm-mc output, sources included). A program that needs an
 * instruction the engine does not implement yet is skipped with the engine's message.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Engine, PROT_ALL, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { UndefinedInstruction, UnimplementedInstruction } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import {
  DoubleFree,
  InvalidPointer,
  InvalidStream,
  ProcessHost,
  ProgramExit,
  runProgram,
} from '../../src/executor/host/index.ts';

const programs = JSON.parse(readFileSync(new URL('./fixtures/host-programs.json', import.meta.url), 'utf8')) as Record<
  string,
  { hex: string; symbols: Record<string, number> }
>;

const td = new TextDecoder('latin1');

async function setup() {
  const engine: Engine = await createEngine('ts');
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const host = new ProcessHost(engine, {
    stdout: (b) => out.push(b.slice()),
    stderr: (b) => err.push(b.slice()),
  }).install();
  // a scratch stack + data area for direct gate calls
  engine.memMap(0x200000, 0x10000, PROT_READ | PROT_WRITE);
  engine.setX(31, 0x208000);
  const text = (chunks: Uint8Array[]) => td.decode(Buffer.concat(chunks));
  const call = (name: string, args: (number | bigint)[] = []) => {
    const s = host.symbol(name);
    if (!s) throw new Error(`no host symbol ${name}`);
    return host.callEmulated(s.address, args);
  };
  const cstr = (addr: number, s: string) => host.writeCString(addr, new TextEncoder().encode(s));
  return { engine, host, out: () => text(out), err: () => text(err), call, cstr };
}

describe('host functions through their gates', () => {
  it('puts / putchar / printf / fprintf(stdout|stderr) / snprintf / sprintf', async () => {
    const { host, out, err, call, cstr } = await setup();
    cstr(0x200000, 'hello');
    expect(call('puts', [0x200000])).toBe(6n);
    expect(call('putchar', [0x21])).toBe(0x21n);
    cstr(0x200100, '[%s|%5d|%-4x|%c]\n');
    expect(call('printf', [0x200100, 0x200000, -42, 255, 0x41])).toBe(21n);
    const stderrVar = host.symbol('stderr')?.address as number;
    const stdoutVar = host.symbol('stdout')?.address as number;
    cstr(0x200200, 'E%d\n');
    call('fprintf', [host.readU64(stderrVar), 0x200200, 7]);
    call('fprintf', [host.readU64(stdoutVar), 0x200200, 8]);
    expect(out()).toBe('hello\n![hello|  -42|ff  |A]\nE8\n');
    expect(err()).toBe('E7\n');
    cstr(0x200300, 'n=%d');
    expect(call('snprintf', [0x200400, 4, 0x200300, 12345])).toBe(7n);
    expect(td.decode(host.readCString(0x200400))).toBe('n=1');
    expect(call('sprintf', [0x200400, 0x200300, -1])).toBe(4n);
    expect(td.decode(host.readCString(0x200400))).toBe('n=-1');
    expect(() => call('fprintf', [0x1234, 0x200200, 1])).toThrow(InvalidStream);
  });

  it('printf varargs: x1–x7 then the stack for integers; d0–d7 then the stack for doubles', async () => {
    const { engine, host, out, call, cstr } = await setup();
    cstr(0x200000, '%d %d %d %d %d %d %d %ld %ld|%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f\n');
    for (let i = 0; i < 8; i++)
      engine.regWrite(
        `d${i}`,
        BigInt(
          `0x${Buffer.from(new Float64Array([i + 0.5]).buffer)
            .reverse()
            .toString('hex')}`,
        ),
      );
    // overflow slots in argument order: ints 8 and 9 and doubles 8.5, 9.5 as the call lists them
    // printf(fmt, 1..7, 8, 9, 0.5..7.5, 8.5, 9.5): order of overflow = 8, 9, 8.5, 9.5
    const sp = 0x208000;
    host.writeU64(sp, 8n);
    host.writeU64(sp + 8, 9n);
    const f = new Float64Array([8.5, 9.5]);
    host.writeBytes(sp + 16, new Uint8Array(f.buffer));
    call('printf', [0x200000, 1, 2, 3, 4, 5, 6, 7]);
    expect(out()).toBe('1 2 3 4 5 6 7 8 9|0.5 1.5 2.5 3.5 4.5 5.5 6.5 7.5 8.5 9.5\n');
  });

  it('malloc/calloc/realloc/free/aligned_alloc/posix_memalign, with typed errors for bad frees', async () => {
    const { host, call } = await setup();
    const a = Number(call('malloc', [100]));
    const b = Number(call('malloc', [1]));
    expect(a % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 100);
    host.writeBytes(a, new Uint8Array([1, 2, 3]));
    const c = Number(call('realloc', [a, 1000]));
    expect([...host.readBytes(c, 3)]).toEqual([1, 2, 3]);
    expect(() => call('free', [a])).toThrow(DoubleFree);
    expect(() => call('free', [b + 8])).toThrow(InvalidPointer);
    const z = Number(call('calloc', [10, 10]));
    expect([...host.readBytes(z, 100)].every((x) => x === 0)).toBe(true);
    const al = Number(call('aligned_alloc', [4096, 10]));
    expect(al % 4096).toBe(0);
    expect(call('aligned_alloc', [24, 10])).toBe(0n);
    expect(call('posix_memalign', [0x200000, 256, 64])).toBe(0n);
    expect(Number(host.readU64(0x200000)) % 256).toBe(0);
    expect(call('posix_memalign', [0x200000, 4, 64])).toBe(22n);
    for (const p of [b, c, z, al, Number(host.readU64(0x200000))]) call('free', [p]);
    call('free', [0]);
    expect(host.heap.liveBlocks).toBe(0);
    expect(call('malloc', [2 ** 40])).toBe(0n);
  });

  it('string and memory functions', async () => {
    const { host, call, cstr } = await setup();
    const s = (a: number) => td.decode(host.readCString(a));
    cstr(0x200000, 'hello world');
    cstr(0x200100, 'world');
    expect(call('strlen', [0x200000])).toBe(11n);
    expect(call('strstr', [0x200000, 0x200100])).toBe(0x200006n);
    expect(call('strchr', [0x200000, 0x6f])).toBe(0x200004n);
    expect(call('strrchr', [0x200000, 0x6f])).toBe(0x200007n);
    expect(call('strchr', [0x200000, 0])).toBe(0x20000bn);
    expect(call('strchr', [0x200000, 0x7a])).toBe(0n);
    expect(Number(BigInt.asIntN(32, call('strcmp', [0x200000, 0x200100])))).toBeLessThan(0);
    expect(call('strncmp', [0x200006, 0x200100, 5])).toBe(0n);
    call('strcpy', [0x200200, 0x200100]);
    call('strcat', [0x200200, 0x200000]);
    expect(s(0x200200)).toBe('worldhello world');
    host.writeBytes(0x200300, new Uint8Array(8).fill(0xaa));
    call('strncpy', [0x200300, 0x200100, 8]);
    expect([...host.readBytes(0x200300, 8)]).toEqual([119, 111, 114, 108, 100, 0, 0, 0]);
    call('memset', [0x200400, 0x41, 4]);
    expect(s(0x200400)).toBe('AAAA');
    call('memcpy', [0x200500, 0x200000, 5]);
    expect(td.decode(host.readBytes(0x200500, 5))).toBe('hello');
    call('memmove', [0x200501, 0x200500, 5]);
    expect(td.decode(host.readBytes(0x200500, 6))).toBe('hhello');
    expect(call('memcmp', [0x200000, 0x200500, 1])).toBe(0n);
    cstr(0x200600, '  -123xyz');
    expect(BigInt.asIntN(64, call('atoi', [0x200600]))).toBe(-123n);
    cstr(0x200700, '0x1F!');
    expect(call('strtol', [0x200700, 0x200800, 0])).toBe(31n);
    expect(host.readU64(0x200800)).toBe(0x200704n);
    cstr(0x200700, '99999999999999999999');
    expect(call('strtol', [0x200700, 0, 10])).toBe((1n << 63n) - 1n);
    expect(BigInt.asIntN(32, call('abs', [-5]))).toBe(5n);
  });

  it('abort ends the program with status 134; exit runs atexit handlers', async () => {
    const { call } = await setup();
    let ex: unknown;
    try {
      call('abort');
    } catch (e) {
      ex = e;
    }
    expect(ex).toBeInstanceOf(ProgramExit);
    expect((ex as ProgramExit).status).toBe(134);
  });
});

async function runFixture(name: string, patches: Record<string, string>, ctx: { skip: (note?: string) => void }) {
  const env = await setup();
  const p = programs[name] as { hex: string; symbols: Record<string, number> };
  const base = 0x100000;
  env.engine.memMap(base, 0x1000, PROT_ALL);
  env.engine.memWrite(base, new Uint8Array(Buffer.from(p.hex, 'hex')));
  for (const [slot, fn] of Object.entries(patches)) {
    env.host.writeU64(base + (p.symbols[slot] as number), BigInt(env.host.symbol(fn)?.address as number));
  }
  try {
    return { ...env, result: runProgram(env.host, base + (p.symbols.main as number), { maxInstructions: 100000 }) };
  } catch (e) {
    if (e instanceof UnimplementedInstruction || e instanceof UndefinedInstruction) {
      ctx.skip(`ts engine lacks an instruction: ${e.message}`);
    }
    throw e;
  }
}

describe('hand-assembled programs calling host functions', () => {
  it('printf with register and stack varargs (ints and doubles)', async (ctx) => {
    const r = await runFixture('p1', { printf_ptr: 'printf' }, ctx);
    expect(r.out()).toBe('1 -2 3 4 5 6 7 8|0.5 1.5 2.5 3.5 4.5 5.5 6.5 7.5 8.50\n');
    expect(r.result.status).toBe(3);
  });

  it('qsort calls back into an emulated comparator', async (ctx) => {
    const r = await runFixture('p2', { printf_ptr: 'printf', qsort_ptr: 'qsort' }, ctx);
    expect(r.out()).toBe('-1 0 3 5 10\n');
    expect(r.result.status).toBe(0);
  });

  it('exit(7) runs the atexit handler in emulated code', async (ctx) => {
    const r = await runFixture('p3', { atexit_ptr: 'atexit', exit_ptr: 'exit', puts_ptr: 'puts' }, ctx);
    expect(r.out()).toBe('bye\n');
    expect(r.result).toMatchObject({ status: 7, reason: 'exit' });
  });
});
