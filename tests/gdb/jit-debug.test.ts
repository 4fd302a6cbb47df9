/**
 * Debug objects for gdb's JIT interface: a relocatable object with its sections at the addresses
 * a link gave them. gdb-multiarch reads the file and must say what it says of the linked
 * executable (the oracle); at an address no executable uses, it must agree with our DWARF reader.
 * The descriptor list is checked byte by byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDebugSections } from '../../src/dwarf/elf.ts';
import { DwarfInfo } from '../../src/dwarf/index.ts';
import { jitLoaderCode } from '../../src/executor/jit-loader-gdb.ts';
import {
  buildDebugObject,
  JIT_CODE_ENTRY_SIZE,
  JIT_REGISTER_FN,
  JIT_UNREGISTER_FN,
  JitDebugRegistry,
} from '../../src/gdb/jit-debug.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { FIXTURES } from './support.ts';

const tmp = mkdtempSync(join(tmpdir(), 'orc-jit-debug-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gdb(file: string, commands: string[]): string {
  const args = ['-nx', '-batch'];
  for (const c of commands) args.push('-ex', c);
  args.push(file);
  return execFileSync('gdb-multiarch', args, { encoding: 'utf8', cwd: FIXTURES });
}

/** The object's sections placed where the executable has its functions. */
function placedLikeExecutable(variant: string, object: string) {
  const exePath = join(FIXTURES, 'bin', `${variant}.elf`);
  const objPath = join(FIXTURES, 'obj', variant, object);
  const exeBytes = new Uint8Array(readFileSync(exePath));
  const objBytes = new Uint8Array(readFileSync(objPath));
  const exe = readDebugSections(exeBytes, exePath);
  const obj = readDebugSections(objBytes, objPath);
  const linked = new Map(exe.functions.map((f) => [f.name, f.address]));
  const bases = new Map<number, number>();
  for (const f of obj.functions) {
    const a = linked.get(f.name);
    if (a !== undefined) bases.set(f.section, a - f.address);
  }
  const exeText = exe.sections.find((s) => s.name === '.text')!;
  const debugObject = buildDebugObject(objBytes, objPath, {
    sectionAddress: (s) => bases.get(s.index),
    sectionContents: (s, address) =>
      exeBytes.slice(
        exeText.offset + (address - exeText.address),
        exeText.offset + (address - exeText.address) + s.size,
      ),
  });
  return { exePath, debugObject, objBytes };
}

describeWithOracles(['gdb-multiarch'], 'debug objects read by gdb-multiarch', () => {
  for (const variant of ['clang5', 'gcc5', 'gcc4']) {
    it(`${variant} greet.o placed as in the executable: gdb says what it says of the executable`, () => {
      const { exePath, debugObject, objBytes } = placedLikeExecutable(variant, 'greet.o');
      const file = join(tmp, `${variant}-greet.debug.o`);
      writeFileSync(file, debugObject);
      const commands = [
        'info line greet',
        'info line greet.c:12',
        'info line weight',
        'x/3i greet',
        'info address greet',
      ];
      const fromExe = gdb(exePath, commands);
      const fromDebugObject = gdb(file, commands);
      expect(fromDebugObject).toBe(fromExe);
      expect(fromExe).toMatch(/^Line 9 of "(?:\.\/src\/)?greet\.c" starts at address 0x[0-9a-f]+ <greet> and ends at/m);
      expect(fromExe).toMatch(/^Line 12 of "(?:\.\/src\/)?greet\.c" starts at address/m);
      // The input object is left as it was.
      expect(objBytes).toEqual(new Uint8Array(readFileSync(join(FIXTURES, 'obj', variant, 'greet.o'))));
    });
  }

  it('at a JIT-like address, gdb and our reader agree on lines and functions', () => {
    const path = join(FIXTURES, 'obj', 'clang5', 'main.o');
    const obj = new Uint8Array(readFileSync(path));
    const base = 0x7f12_3456_0000;
    const debugObject = buildDebugObject(obj, path, { sectionAddress: (s) => (s.name === '.text' ? base : undefined) });
    const file = join(tmp, 'main.debug.o');
    writeFileSync(file, debugObject);
    const ours = DwarfInfo.fromElf(debugObject, file);
    const main = ours.functionNamed('main')!;
    expect(main.lowPc).toBe(base);
    const text = gdb(file, ['info line main', 'info line main.c:12', 'info line main.c:16']);
    const starts = [...text.matchAll(/^Line (\d+) of "\.\/src\/main\.c" starts at address 0x([0-9a-f]+)/gm)];
    expect(starts.length).toBe(3);
    for (const m of starts) expect(ours.lineToAddresses('main.c', Number(m[1]))).toContain(Number.parseInt(m[2]!, 16));
    expect(Number.parseInt(starts[0][2]!, 16)).toBe(base);
  });
});

describe('JIT descriptor list', () => {
  it('register and unregister write gdb/jit.h layouts', () => {
    const mem = new Map<number, Uint8Array>();
    let next = 0x10000;
    const registry = new JitDebugRegistry(
      {
        write: (a, b) => mem.set(a, b.slice()),
        allocate: (n) => {
          const a = next;
          next += (n + 7) & ~7;
          return a;
        },
      },
      0x8000,
    );
    const u64 = (a: number, i = 0): number => Number(new DataView(mem.get(a)!.buffer).getBigUint64(i * 8, true));
    const desc = () => {
      const dv = new DataView(mem.get(0x8000)!.buffer);
      return [
        dv.getUint32(0, true),
        dv.getUint32(4, true),
        Number(dv.getBigUint64(8, true)),
        Number(dv.getBigUint64(16, true)),
      ];
    };
    expect(desc()).toEqual([1, 0, 0, 0]);
    const a = registry.register(new Uint8Array(100));
    expect(a.symfile).toBe(0x10000);
    expect(a.address).toBe(0x10000 + 104);
    expect(desc()).toEqual([1, JIT_REGISTER_FN, a.address, a.address]);
    expect([u64(a.address, 0), u64(a.address, 1), u64(a.address, 2), u64(a.address, 3)]).toEqual([
      0,
      0,
      a.symfile,
      100,
    ]);
    const b = registry.register(new Uint8Array(8));
    expect(desc()).toEqual([1, JIT_REGISTER_FN, b.address, b.address]);
    expect(mem.get(b.address)!.length).toBe(JIT_CODE_ENTRY_SIZE);
    expect([u64(b.address, 0), u64(b.address, 1)]).toEqual([a.address, 0]);
    expect(u64(a.address + 8)).toBe(b.address); // a.prev = b
    registry.unregister(b);
    expect(desc()).toEqual([1, JIT_UNREGISTER_FN, b.address, a.address]);
    expect(u64(a.address + 8)).toBe(0);
    expect(registry.registered).toEqual([a]);
  });
});

describeWithOracles(['llvm-mc', 'llvm-objdump'], "the executor's JIT loader code", () => {
  it('is what llvm-mc-16 assembles from its listing', () => {
    const asm = [
      '__jit_debug_register_code: ret',
      'nop',
      'notify_from_gate: mov x30, x17',
      'notify: stp x29, x30, [sp, #-16]!',
      'mov x29, sp',
      '1: bl next',
      'cbz x16, 2f',
      'bl __jit_debug_register_code',
      'b 1b',
      '2: ldp x29, x30, [sp], #16',
      'ret',
      'nop',
      'nop',
      'nop',
      'nop',
      'nop',
      'next: ret',
    ].join('\n');
    const obj = join(tmp, 'loader.o');
    execFileSync('llvm-mc-16', ['-triple=aarch64-linux-gnu', '-filetype=obj', '-o', obj], { input: asm });
    const listing = execFileSync('llvm-objdump-16', ['-d', obj], { encoding: 'utf8' });
    const words = [...listing.matchAll(/^\s+[0-9a-f]+: ([0-9a-f]{8})\s/gm)].map((m) =>
      Number.parseInt(m[1] as string, 16),
    );
    expect(words.length).toBe(17);
    expect([...jitLoaderCode()]).toEqual(words);
  });
});
