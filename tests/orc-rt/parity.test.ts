/**
 * `run --orc-runtime liborc_rt-aarch64.a` (LLVM's runtime, unmodified) against our runtime: the lazy
 * demo and every multi-object lazy scenario print exactly the same stdout and stderr and end with
 * the same status, on the ts and unicorn engines (in process), and through the worker executor for
 * a sample; each reentry really went through LLVM's members (`Linking` lines of the archive members,
 * and `--trace lazy` shows one reentry per lazy function with LLVM's routine).
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { DEMO_DIR, describeWithArtifact, lazyInputs, ORC_RT_ARCHIVE, runCli, SCENARIO_DIR } from './support.ts';

const PROGRAMS: [string, string][] = [
  ['lazy-demo', DEMO_DIR],
  ...['args', 'fnptr', 'mutual', 'data', 'chain20', 'fpheavy', 'callback', 'weakhidden', 'undefined'].map(
    (n): [string, string] => [n, join(SCENARIO_DIR, n, 'obj')],
  ),
];

function parity(engine: EngineKind): void {
  for (const [name, dir] of PROGRAMS) {
    it(`${name}: same stdout, stderr and status with LLVM's runtime as with ours`, async () => {
      const ours = await runCli(['--engine', engine, ...lazyInputs(dir)]);
      const llvm = await runCli(['--engine', engine, '--orc-runtime', ORC_RT_ARCHIVE, ...lazyInputs(dir)]);
      expect(llvm).toEqual(ours);
      if (name === 'undefined') {
        expect(llvm.status).toBe(134);
        expect(llvm.stderr).toMatch(
          /^error resolving implementation for stub 0x[0-9a-f]+: Failed to materialize symbols: \{ \(main, \{ bad\$orc_fnbody \}\) \}: In undefined\/obj\/bad\.o: Symbols not found: \[ this_symbol_is_nowhere \]\n$/,
        );
      } else {
        expect(llvm.status).toBe(0);
        expect(llvm.stdout.length).toBeGreaterThan(20);
      }
    });
  }

  it('the reentries go through the archive members (resolve.cpp.o, rtti.cpp.o, sysv_reenter.arm64.S.o)', async () => {
    const dir = join(SCENARIO_DIR, 'chain20', 'obj');
    const r = await runCli([
      '--engine',
      engine,
      '--orc-runtime',
      ORC_RT_ARCHIVE,
      '--show-linked-files',
      '--trace',
      'lazy',
      ...lazyInputs(dir),
    ]);
    expect(r.status).toBe(0);
    const members = [...r.stdout.matchAll(/^Linking .*liborc_rt-aarch64\.a\[\d+\]\((.*)\)$/gm)].map((m) => m[1]);
    expect(members.sort()).toEqual(['resolve.cpp.o', 'rtti.cpp.o', 'sysv_reenter.arm64.S.o']);
    expect(r.stdout).toMatch(/^Linking orc-rt\/cxx_fallback\.o$/m);
    expect(r.stdout).not.toMatch(/^Linking orc-rt\/(sysv_resolve|resolve)\.o$/m);
    const reentries = [
      ...r.stderr.matchAll(/^\[lazy\] .*: (f\d+) -> \1\$orc_fnbody .* resolved .*, (\d+) insns in reentry/gm),
    ];
    expect(reentries.map((m) => m[1])).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}`));
    // Trampoline to body: LLVM's routine and __orc_rt_resolve run the same instructions every time.
    const counts = new Set(reentries.map((m) => Number(m[2])));
    expect(counts.size).toBe(1);
    expect([...counts][0]).toBeGreaterThan(200);
  });
}

describeWithArtifact('liborc_rt-aarch64.a', "LLVM's ORC runtime vs ours (ts engine)", () => {
  parity('ts');
  it('worker executor: same output as in process', async () => {
    for (const name of ['args', 'callback']) {
      const inputs = lazyInputs(join(SCENARIO_DIR, name, 'obj'));
      const inProcess = await runCli(['--orc-runtime', ORC_RT_ARCHIVE, ...inputs]);
      const worker = await runCli(['--executor', 'worker', '--orc-runtime', ORC_RT_ARCHIVE, ...inputs]);
      expect(worker).toEqual(inProcess);
      expect(worker.status).toBe(0);
    }
  });
  it('an unreadable or non-archive --orc-runtime is a usage error naming the file', async () => {
    const inputs = lazyInputs(join(SCENARIO_DIR, 'args', 'obj'));
    const missing = await runCli(['--orc-runtime', '/nonexistent/liborc_rt.a', ...inputs]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the ORC runtime '\/nonexistent\/liborc_rt\.a'/);
    const notArchive = await runCli(['--orc-runtime', join(SCENARIO_DIR, 'args', 'obj', 'main.o'), ...inputs]);
    expect(notArchive.stderr).toMatch(/--orc-runtime: '.*main\.o' is not a static archive/);
  });
});

describeWithArtifact('liborc_rt-aarch64.a', "LLVM's ORC runtime", () => {
  describeWithOracles(['unicorn'], "LLVM's ORC runtime vs ours (unicorn engine)", () => parity('unicorn'));
});
