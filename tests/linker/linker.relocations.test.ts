/**
 * Every relocation and error case of tests/linker/asm: our linker + our jitlink-check
 * evaluator on the committed objects, and (with the oracles) llvm-jitlink-16 on the same rules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkError } from '../../src/linker/errors.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { ASM_DIR, asmCases, assemble, linkAndCheck, llvmJitlink, llvmJitlink22, OBJ_DIR } from './support.ts';

const cases = asmCases();
const ok = cases.filter((c) => !c.error);
const errors = cases.filter((c) => c.error);

describe('linker: jitlink-check rules on the committed objects', () => {
  for (const c of ok) {
    it(`${c.name}: every rule holds`, async () => {
      const bytes = new Uint8Array(readFileSync(join(OBJ_DIR, `${c.name}.o`)));
      const { failures } = await linkAndCheck(`${c.name}.o`, bytes, c);
      expect(failures).toEqual([]);
    });
  }

  it('got_plt_opt with the optimisation switched off keeps GOT loads and stubs', async () => {
    const c = cases.find((x) => x.name === 'got_plt_opt')!;
    const bytes = new Uint8Array(readFileSync(join(OBJ_DIR, 'got_plt_opt.o')));
    const rules = [
      '# jitlink-check: (*{4}load_var0) & 0x9f00001f = 0x90000000',
      '# jitlink-check: decode_operand(load_var0 + 4, 2) = got_addr(got_plt_opt.o, var0)[11:3]',
      '# jitlink-check: (*{4}(load_var1 + 4)) & 0xffc00000 = 0xf9400000',
      '# jitlink-check: decode_operand(call_func0, 0)[25:0] = (stub_addr(got_plt_opt.o, func0) - call_func0)[27:2]',
    ].join('\n');
    const { failures } = await linkAndCheck('got_plt_opt.o', bytes, c, { optimizeGotPlt: false, rules });
    expect(failures).toEqual([]);
  });

  it('a false rule reports both sides', async () => {
    const c = cases.find((x) => x.name === 'elf_relocations')!;
    const bytes = new Uint8Array(readFileSync(join(OBJ_DIR, 'elf_relocations.o')));
    const { failures } = await linkAndCheck('elf_relocations.o', bytes, c, {
      rules: '# jitlink-check: *{8}local_func_addr_quad = local_func + 4',
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /^Expression '\*\{8\}local_func_addr_quad = local_func \+ 4' is false: 0x[0-9a-f]+ != 0x[0-9a-f]+$/,
    );
  });
});

describe('linker: error cases', () => {
  for (const c of errors) {
    it(`${c.name}: fails with '${c.error}'`, async () => {
      const bytes = new Uint8Array(readFileSync(join(OBJ_DIR, `${c.name}.o`)));
      const err = await linkAndCheck(`${c.name}.o`, bytes, c).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LinkError);
      expect((err as Error).message).toContain(c.error!);
      expect((err as Error).message).toContain(`In ${c.name}.o, section `);
    });
  }
});

describe('linker: orc-sandbox link (CLI)', () => {
  const bin = join(import.meta.dirname, '../../bin/orc-sandbox.js');
  it('exits 0 when every rule holds and 1 with the reason otherwise', () => {
    const good = spawnSync(
      process.execPath,
      [
        bin,
        'link',
        '--noexec',
        '--abs',
        'external_data=0x1234deadbeef',
        '--abs',
        'external_func=0x1234cafef00c',
        '--check',
        join(ASM_DIR, 'elf_relocations.s'),
        join(OBJ_DIR, 'elf_relocations.o'),
      ],
      { encoding: 'utf8' },
    );
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    const bad = spawnSync(
      process.execPath,
      [bin, 'link', '--noexec', '--abs', 'big=0x123456789', join(OBJ_DIR, 'err_abs32_range.o')],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("R_AARCH64_ABS32 to 'big' out of range: 0x123456789 not in [0x0, 0xffffffff]");
    const dir = mkdtempSync(join(tmpdir(), 'orc-link-'));
    writeFileSync(join(dir, 'empty.s'), '# no rules here\n');
    const none = spawnSync(
      process.execPath,
      [
        bin,
        'link',
        '--noexec',
        '--abs',
        'external_data=1',
        '--abs',
        'external_func=2',
        '--check',
        join(dir, 'empty.s'),
        join(OBJ_DIR, 'elf_relocations.o'),
      ],
      { encoding: 'utf8' },
    );
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no');
  });
});

describeWithOracles(['llvm-mc', 'llvm-jitlink'], 'linker vs llvm-jitlink-16 (same rules, fresh objects)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orc-linker-'));
  for (const c of cases) {
    it(`${c.name}: llvm-mc output matches the committed object; ${c.llvm16 ? 'llvm-jitlink agrees' : 'ours only'}`, async () => {
      const obj = join(dir, `${c.name}.o`);
      assemble(join(ASM_DIR, `${c.name}.s`), obj);
      const fresh = new Uint8Array(readFileSync(obj));
      expect(Buffer.from(fresh).equals(readFileSync(join(OBJ_DIR, `${c.name}.o`)))).toBe(true);
      if (c.error) {
        await expect(linkAndCheck(`${c.name}.o`, fresh, c)).rejects.toThrow(c.error);
        if (c.llvm16) expect(llvmJitlink(obj, c, false).status).not.toBe(0);
        return;
      }
      expect((await linkAndCheck(`${c.name}.o`, fresh, c)).failures).toEqual([]);
      if (c.llvm16) {
        const r = llvmJitlink(obj, c, true);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
    });
  }
});

describeWithOracles(
  ['llvm-jitlink-22'],
  'linker vs llvm-jitlink-22 (the relocation oracle; same rules, same slab)',
  () => {
    for (const c of cases) {
      if (c.llvm22 === 'no') continue;
      const what =
        c.llvm22 === 'unsupported'
          ? 'llvm-jitlink-22 rejects it as an unsupported relocation'
          : c.error
            ? 'llvm-jitlink-22 fails too'
            : 'every rule holds in llvm-jitlink-22';
      it(`${c.name}: ${what}`, () => {
        const r = llvmJitlink22(join(OBJ_DIR, `${c.name}.o`), c, !c.error && c.llvm22 === 'yes');
        if (c.llvm22 === 'unsupported') {
          expect(r.stderr).toMatch(/Unsupported aarch64 relocation:\d+: R_AARCH64_/);
          expect(r.status).not.toBe(0);
        } else if (c.error) {
          expect(r.stderr).not.toContain('Symbols not found');
          expect(r.status).not.toBe(0);
        } else {
          expect(r.stderr).toBe('');
          expect(r.status).toBe(0);
        }
      });
    }
  },
);
