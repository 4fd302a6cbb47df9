/** Linux user mode: the executable loader's validation and the initial stack layout. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmuError } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { ET_DYN, PT_INTERP, PT_LOAD, parseExecutable } from '../../src/emu/linux/elf.ts';
import { ElfLoadError } from '../../src/emu/linux/errors.ts';
import { AT, HWCAP, PIE_BASE } from '../../src/emu/linux/loader.ts';
import { LinuxProcess, STACK_TOP } from '../../src/emu/linux/process.ts';
import { SeededRandom } from '../../src/emu/linux/random.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { asmProgram } from '../programs/corpus.ts';

const hello = asmProgram('hello');

function mutate(base: Uint8Array, edit: (dv: DataView, b: Uint8Array) => void): Uint8Array {
  const b = base.slice();
  edit(new DataView(b.buffer), b);
  return b;
}

function rejection(bytes: Uint8Array): ElfLoadError {
  try {
    parseExecutable(bytes, 'prog.elf');
  } catch (e) {
    if (e instanceof ElfLoadError) return e;
    throw e;
  }
  throw new Error('accepted');
}

const phoff = (dv: DataView) => Number(dv.getBigUint64(32, true));
/** Index of the n-th program header of a type. */
function phdrIndex(b: Uint8Array, type: number, nth = 0): number {
  const dv = new DataView(b.buffer, b.byteOffset);
  const n = dv.getUint16(56, true);
  let seen = 0;
  for (let i = 0; i < n; i++) {
    if (dv.getUint32(phoff(dv) + i * 56, true) === type && seen++ === nth) return i;
  }
  throw new Error(`no phdr of type ${type}`);
}

describe('ELF executable validation', () => {
  it('accepts the real executables: ET_EXEC and static-pie ET_DYN', () => {
    const exe = parseExecutable(hello, 'hello.elf');
    expect(exe.entry).toBe(0x400000);
    expect(exe.segments.length).toBeGreaterThanOrEqual(2);
    const pie = parseExecutable(asmProgram('pie-exit'), 'pie-exit.elf');
    expect(pie.type).toBe(ET_DYN);
  });

  const cases: [string, (dv: DataView, b: Uint8Array) => void, string, string, RegExp][] = [
    ['bad magic', (d) => d.setUint8(1, 0x46), 'magic', 'e_ident[EI_MAG]', /not an ELF file/],
    ['ELFCLASS32', (d) => d.setUint8(4, 1), 'class', 'e_ident[EI_CLASS]', /ELFCLASS32/],
    ['big-endian', (d) => d.setUint8(5, 2), 'endianness', 'e_ident[EI_DATA]', /big-endian/],
    ['x86-64 machine', (d) => d.setUint16(18, 62, true), 'machine', 'e_machine', /machine 62/],
    ['relocatable object', (d) => d.setUint16(16, 1, true), 'type', 'e_type', /ET_REL/],
    ['bad phentsize', (d) => d.setUint16(54, 32, true), 'field', 'e_phentsize', /32/],
    ['no program headers', (d) => d.setUint16(56, 0, true), 'entry', 'e_phnum', /nothing to load/],
    ['phdr table past the end', (d) => d.setBigUint64(32, 1n << 20n, true), 'truncated', 'e_phoff', /end of the file/],
    ['entry outside code', (d) => d.setBigUint64(24, 0x1000n, true), 'entry', 'e_entry', /not inside an executable/],
  ];
  for (const [what, edit, kind, field, msg] of cases) {
    it(`rejects ${what} (${field})`, () => {
      const e = rejection(mutate(hello, edit));
      expect(e.kind).toBe(kind);
      expect(e.field).toBe(field);
      expect(e.file).toBe('prog.elf');
      expect(e.message).toMatch(/^prog\.elf: /);
      expect(e.message).toMatch(msg);
    });
  }

  it('rejects truncated headers', () => {
    expect(rejection(hello.slice(0, 10)).field).toBe('e_ident');
    expect(rejection(hello.slice(0, 40))).toMatchObject({ kind: 'truncated', field: 'ELF header' });
    expect(rejection(hello.slice(0, 100))).toMatchObject({ kind: 'truncated', field: 'e_phoff' });
  });

  it('rejects a segment whose file range lies outside the file', () => {
    const i = phdrIndex(hello, PT_LOAD, 1);
    const e = rejection(mutate(hello, (d) => d.setBigUint64(phoff(d) + i * 56 + 8, 1n << 30n, true)));
    expect(e).toMatchObject({ kind: 'bounds', field: `phdr[${i}].p_offset` });
    expect(e.message).toMatch(/lies outside the file/);
  });

  it('rejects p_filesz > p_memsz', () => {
    const i = phdrIndex(hello, PT_LOAD, 0);
    const e = rejection(mutate(hello, (d) => d.setBigUint64(phoff(d) + i * 56 + 40, 1n, true)));
    expect(e).toMatchObject({ kind: 'field', field: `phdr[${i}].p_filesz` });
  });

  it('rejects overlapping PT_LOAD segments', () => {
    const a = phdrIndex(hello, PT_LOAD, 0);
    const b = phdrIndex(hello, PT_LOAD, 1);
    const bytes = mutate(hello, (d) => {
      const va = d.getBigUint64(phoff(d) + a * 56 + 16, true);
      const off = d.getBigUint64(phoff(d) + a * 56 + 8, true);
      // Same page offset as its own p_offset, inside segment a.
      const boff = d.getBigUint64(phoff(d) + b * 56 + 8, true);
      d.setBigUint64(phoff(d) + b * 56 + 16, va - (off % 4096n) + (boff % 4096n), true);
    });
    const e = rejection(bytes);
    expect(e.kind).toBe('overlap');
    expect(e.message).toMatch(/overlaps phdr\[/);
  });

  it('rejects a program that asks for a dynamic loader (PT_INTERP)', () => {
    const bytes = mutate(hello, (d, b) => {
      const i = phdrIndex(b, PT_LOAD, 1); // any header becomes PT_INTERP pointing at a path
      const text = new TextEncoder().encode('/lib/ld-linux-aarch64.so.1\0');
      const at = b.length - 64;
      b.set(text, at);
      d.setUint32(phoff(d) + i * 56, PT_INTERP, true);
      d.setBigUint64(phoff(d) + i * 56 + 8, BigInt(at), true);
      d.setBigUint64(phoff(d) + i * 56 + 32, BigInt(text.length), true);
    });
    const e = rejection(bytes);
    expect(e).toMatchObject({ kind: 'interpreter', field: 'PT_INTERP' });
    expect(e.message).toContain("'/lib/ld-linux-aarch64.so.1'");
  });

  it('rejects segments larger than the image limit', () => {
    const i = phdrIndex(hello, PT_LOAD, 1);
    const e = rejection(mutate(hello, (d) => d.setBigUint64(phoff(d) + i * 56 + 40, 1n << 40n, true)));
    expect(e).toMatchObject({ kind: 'address', field: `phdr[${i}].p_memsz` });
  });

  it('mutated executables: a typed error or a run that ends, never an untyped exception or a hang', async () => {
    const seeds = [hello, asmProgram('pie-exit')];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (which, edits, cut) => {
          const base = seeds[which] as Uint8Array;
          let b = base.slice();
          for (const [pos, value, header] of edits) {
            // Mostly the headers (where the loader looks), sometimes anywhere.
            const at = header ? pos % Math.min(b.length, 0x200) : pos % b.length;
            b[at] = value;
          }
          if (cut !== undefined) b = b.slice(0, cut % (b.length + 1));
          let exe: ReturnType<typeof parseExecutable>;
          try {
            exe = parseExecutable(b, 'fuzz.elf', { maxImageBytes: 1 << 22 });
          } catch (e) {
            expect(e).toBeInstanceOf(ElfLoadError);
            return;
          }
          const engine = new TsEngine();
          try {
            const r = new LinuxProcess(engine, exe, { maxInsns: 2000, stackSize: 1 << 16 }).run();
            expect(r.status).toBeGreaterThanOrEqual(0);
          } catch (e) {
            if (!(e instanceof EmuError)) throw e;
          }
        },
      ),
      { numRuns: 300, seed: 20240611 },
    );
  });
});

describe('initial stack', () => {
  it('is laid out as Linux builds it', async () => {
    const engine = await createEngine('ts');
    const exe = parseExecutable(hello, 'hello.elf');
    const proc = new LinuxProcess(engine, exe, {
      argv0: './hello',
      args: ['one', 'two words'],
      env: ['A=1', 'PATH=/bin'],
      seed: 42,
    });
    const sp = Number(engine.regRead('sp'));
    expect(sp % 16).toBe(0);
    expect(sp).toBe(proc.stack.sp);
    const word = (a: number) => Number(new DataView(engine.memRead(a, 8).buffer).getBigUint64(0, true));
    const cstr = (a: number) => {
      const out: number[] = [];
      for (let p = a; ; p++) {
        const c = engine.memRead(p, 1)[0] as number;
        if (c === 0) break;
        out.push(c);
      }
      return new TextDecoder().decode(new Uint8Array(out));
    };
    expect(word(sp)).toBe(3);
    const argv = [word(sp + 8), word(sp + 16), word(sp + 24)];
    expect(argv.map(cstr)).toEqual(['./hello', 'one', 'two words']);
    expect(word(sp + 32)).toBe(0);
    const envp = [word(sp + 40), word(sp + 48)];
    expect(envp.map(cstr)).toEqual(['A=1', 'PATH=/bin']);
    expect(word(sp + 56)).toBe(0);
    // Strings: argv[0] lowest, each string right after the previous one, env after argv.
    expect(argv[1]).toBe((argv[0] as number) + 8);
    expect(envp[0]).toBe((argv[2] as number) + 10);
    const aux = new Map<number, number>();
    let a = sp + 64;
    const order: number[] = [];
    for (;;) {
      const k = word(a);
      order.push(k);
      aux.set(k, word(a + 8));
      a += 16;
      if (k === AT.NULL) break;
    }
    expect(order[0]).toBe(AT.HWCAP);
    expect(order[order.length - 1]).toBe(AT.NULL);
    expect(aux.get(AT.PAGESZ)).toBe(4096);
    expect(aux.get(AT.HWCAP)).toBe(HWCAP);
    expect(aux.get(AT.CLKTCK)).toBe(100);
    expect(aux.get(AT.ENTRY)).toBe(0x400000);
    expect(aux.get(AT.PHENT)).toBe(56);
    expect(aux.get(AT.PHNUM)).toBe(exe.phnum);
    expect(aux.get(AT.PHDR)).toBe(exe.phdrVaddr);
    expect(aux.get(AT.UID)).toBe(1000);
    expect(aux.get(AT.SECURE)).toBe(0);
    const random = aux.get(AT.RANDOM) as number;
    expect(engine.memRead(random, 16)).toEqual(new SeededRandom(42).bytes(16));
    expect(random % 16).toBe(0);
    expect(random).toBeGreaterThan(a - 8);
    expect(cstr(aux.get(AT.EXECFN) as number)).toBe('./hello');
    // The exec file name is the highest string, followed by an 8-byte zero word at the top.
    expect(aux.get(AT.EXECFN)).toBe(STACK_TOP - 8 - './hello'.length - 1);
    expect(word(STACK_TOP - 8)).toBe(0);
    expect(envp[1]).toBe((aux.get(AT.EXECFN) as number) - 'PATH=/bin'.length - 1);
    // The program's phdrs are readable at AT_PHDR.
    const phdr = aux.get(AT.PHDR) as number;
    expect(new DataView(engine.memRead(phdr, 4).buffer).getUint32(0, true)).toBe(exe.phdrs[0]?.type);
  });

  it('places a static-pie image at the PIE base and relocates entry and AT_PHDR', async () => {
    const engine = await createEngine('ts');
    const exe = parseExecutable(asmProgram('pie-exit'), 'pie-exit.elf');
    const proc = new LinuxProcess(engine, exe);
    expect(proc.image.bias).toBe(PIE_BASE);
    expect(engine.getPc()).toBe(PIE_BASE + exe.entry);
    expect(proc.stack.auxv.find(([k]) => k === AT.PHDR)?.[1]).toBe(PIE_BASE + (exe.phdrVaddr as number));
    expect(proc.run().status).toBe(42);
  });
});
