/**
 * The anchor: LLVM's whole ORC stack on the same objects. `llvm-jitlink-22 -lazy
 * -orc-runtime=liborc_rt-aarch64.a -oop-executor=<Debian's arm64 llvm-jitlink-executor under
 * qemu-aarch64>` prints what `orc-sandbox run --orc-runtime liborc_rt-aarch64.a` prints, for the lazy
 * demo and every lazy scenario; for `undefined` both executors die in LLVM's `__orc_rt_resolve` with
 * its message about the stub whose body failed to materialize. (llvm-jitlink does not wait for its
 * executor: its stdout is read to the end through a pipe, as oracles.md says.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import {
  ARM64_EXECUTOR,
  DEMO_DIR,
  describeWithArtifact,
  lazyInputs,
  ORC_RT_ARCHIVE,
  runCli,
  SCENARIO_DIR,
} from './support.ts';

const PROGRAMS: [string, string][] = [
  ['lazy-demo', DEMO_DIR],
  ...['args', 'fnptr', 'mutual', 'data', 'chain20', 'fpheavy', 'callback', 'weakhidden', 'undefined'].map(
    (n): [string, string] => [n, join(SCENARIO_DIR, n, 'obj')],
  ),
];

/** llvm-jitlink-22 with the qemu'd executor; stdout through `cat` so the executor's output is complete. */
function anchor(inputs: string[]): { stdout: string; stderr: string } {
  const args = [`-oop-executor=${ARM64_EXECUTOR}`, `-orc-runtime=${ORC_RT_ARCHIVE}`, ...inputs];
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('sh', ['-c', `llvm-jitlink-22 ${quoted} | cat`], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr };
}

describeWithArtifact('llvm-jitlink-executor', 'llvm-jitlink-22 -lazy with the arm64 executor (anchor)', () => {
  describeWithOracles(['llvm-jitlink-22', 'qemu'], 'orc-sandbox --orc-runtime agrees with llvm-jitlink-22', () => {
    it('the anchor runs (llvm-jitlink-22 version)', () => {
      expect(execFileSync('llvm-jitlink-22', ['--version'], { encoding: 'utf8' })).toMatch(/LLVM version 22\./);
    });
    for (const [name, dir] of PROGRAMS) {
      it(`${name}: same output as llvm-jitlink-22 -lazy -orc-runtime`, async () => {
        const inputs = lazyInputs(dir);
        const ref = anchor(inputs);
        const ours = await runCli(['--orc-runtime', ORC_RT_ARCHIVE, ...inputs]);
        if (name === 'undefined') {
          // The executor's buffered stdout dies with abort(); both runtimes report the same stub failure.
          const msg =
            /error resolving implementation for stub 0x[0-9a-f]+: Failed to materialize symbols: \{ \(main, \{ bad\$orc_fnbody \}\) \}/;
          expect(ref.stderr).toMatch(msg);
          expect(ours.stderr).toMatch(msg);
          expect(ours.status).toBe(134);
          return;
        }
        expect(ref.stdout.length).toBeGreaterThan(20);
        expect(ours.stdout).toBe(ref.stdout);
        expect(ours.status).toBe(0);
      });
    }
  });
});
