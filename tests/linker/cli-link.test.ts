import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['bin/orc-sandbox.js', 'link', ...args], { cwd: root, encoding: 'utf8' });

describe('orc-sandbox link (CLI defaults)', () => {
  it('links at a host-like address, so rules that hold for llvm-jitlink-16 hold with GOT/PLT optimisation on', () => {
    const r = cli([
      '--noexec',
      '--abs',
      'external_data=0xdeadbeef',
      '--abs',
      'external_func=0xcafef00d',
      '--check',
      'tests/linker/asm/elf_relocations.s',
      'tests/linker/obj/elf_relocations.o',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a near slab lets the optimisation rewrite GOT loads, and the false rules are printed', () => {
    const r = cli([
      '--noexec',
      '--slab-address',
      '0x10000000',
      '--abs',
      'external_data=0xdeadbeef',
      '--abs',
      'external_func=0xcafef00d',
      '--check',
      'tests/linker/asm/elf_relocations.s',
      'tests/linker/obj/elf_relocations.o',
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /Expression 'decode_operand\(test_ld64_gotlo12_external, 2\) = .*' is false: 0x/,
    );
  });

  it('a file without rules is an error', () => {
    const r = cli([
      '--noexec',
      '--check',
      'tests/linker/asm/build.sh',
      'tests/linker/obj/elf_relocations.o',
      '--abs',
      'external_data=1',
      '--abs',
      'external_func=2',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no.*rules|rules/i);
  });
});
