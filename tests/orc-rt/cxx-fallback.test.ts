/**
 * runtime-aarch64's cxx_fallback.o (the libstdc++/fortify entry points LLVM's runtime needs when
 * there is no sysroot) against the real ones: cxx-fallback/strings.o drives std::string's
 * _M_create/reserve/_M_mutate (a seeded sequence of replaces and reserves), operator new/delete and
 * __memcpy_chk/__strcpy_chk, and each failure mode. Linked with cxx_fallback.o in orc-sandbox it must
 * print what the same object linked statically against libstdc++ 12/glibc 2.36 printed under
 * qemu-aarch64 (cxx-fallback/expected/, made by cxx-fallback/build.sh): same stdout, and for the
 * failures the same stderr and status 134 (glibc's stdout is lost at abort, so it is not compared).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { runCli } from './support.ts';

const dir = new URL('./cxx-fallback/', import.meta.url);
const strings = new URL('strings.o', dir).pathname;
const fallback = new URL('../../runtime-aarch64/obj/cxx_fallback.o', import.meta.url).pathname;
const expected = (n: number, ext: string) => readFileSync(new URL(`expected/strings-${n}.${ext}`, dir), 'utf8');

function suite(engine: EngineKind): void {
  it('the std::string sequence prints what libstdc++ printed', async () => {
    const r = await runCli(['--engine', engine, strings, fallback]);
    expect(r).toEqual({ stdout: expected(0, 'out'), stderr: '', status: 0 });
    expect(r.stdout).toMatch(/^create\(16, 15\) -> 30$/m);
  });
  for (const [n, what] of [
    [1, '_M_create beyond max_size: std::length_error'],
    [2, '__memcpy_chk overflow'],
    [3, '__strcpy_chk overflow'],
    [4, '__throw_logic_error'],
  ] as const) {
    it(`failure ${n} (${what}): same stderr and status as libstdc++/glibc`, async () => {
      const r = await runCli(['--engine', engine, strings, fallback, '--', String(n)]);
      expect(r.stderr).toBe(expected(n, 'err'));
      expect(r.status).toBe(Number(expected(n, 'status').trim()));
      expect(r.status).toBe(134);
    });
  }
}

describe('cxx_fallback.o vs libstdc++ (ts)', () => suite('ts'));
describeWithOracles(['unicorn'], 'cxx_fallback.o vs libstdc++ (unicorn)', () => suite('unicorn'));
