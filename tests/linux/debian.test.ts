/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell scripts */
/**
 * Debian's static arm64 busybox and bash (fetched by tests/linux/fetch-debian.sh into
 * test-artifacts/, never committed) under Linux user mode, compared with qemu-aarch64: a table of
 * applets and shell scripts with pipes, $(…), loops, `read` from stdin, traps and kill.
 * Without the artifacts: skipped with a message (failing in CI, which fetches them).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles, inCI } from '../support/oracles.ts';
import { DEBIAN, debianAvailable, type RunSpec, runOurs, runQemu } from './support.ts';

interface Case {
  name: string;
  exe: 'busybox' | 'bash';
  args: string[];
  stdin?: string;
  /** Also run on the unicorn engine. */
  unicorn?: boolean;
  /** Runs with FIXTURE (made afresh before each run: d/a.txt, d/e/b.txt) mounted read-write. */
  mount?: boolean;
}

/** A host directory both qemu and our guest see at the same path (recreated before every run). */
const FIXTURE = join(tmpdir(), `orc-linux-debian-${process.pid}`);
function resetFixture(): void {
  rmSync(FIXTURE, { recursive: true, force: true });
  mkdirSync(join(FIXTURE, 'd', 'e'), { recursive: true });
  writeFileSync(join(FIXTURE, 'd', 'a.txt'), 'alpha\n');
  writeFileSync(join(FIXTURE, 'd', 'e', 'b.txt'), 'beta\n');
}

const numbers = Array.from({ length: 5000 }, (_, i) => `${i}`).join('\n');

const CASES: Case[] = [
  { name: 'echo', exe: 'busybox', args: ['echo', 'hello', 'world'], unicorn: true },
  { name: 'printf', exe: 'busybox', args: ['printf', '%s|%5d|%x\\n', 'a', '42', '255'] },
  { name: '$(…)', exe: 'busybox', args: ['sh', '-c', 'x=$(echo hi); echo "got $x"'], unicorn: true },
  {
    name: 'pipeline of four applets',
    exe: 'busybox',
    args: ['sh', '-c', 'echo one two three four | tr " " "\\n" | sort -r | head -n 2'],
    unicorn: true,
  },
  {
    name: 'while loop',
    exe: 'busybox',
    args: ['sh', '-c', 'i=0; while [ $i -lt 5 ]; do i=$((i+1)); echo -n "$i "; done; echo'],
  },
  { name: 'read from stdin', exe: 'busybox', args: ['sh', '-c', 'read a b; echo "$b/$a"'], stdin: 'left right\n' },
  {
    name: 'trap and kill',
    exe: 'busybox',
    args: ['sh', '-c', 'trap "echo caught TERM" TERM; kill -TERM $$; echo after'],
  },
  { name: 'background job and wait', exe: 'busybox', args: ['sh', '-c', 'sleep 0.1 & wait $!; echo waited $?'] },
  { name: 'subshell status', exe: 'busybox', args: ['sh', '-c', '(exit 3); echo status $?; false | true; echo $?'] },
  { name: 'kill -9 self', exe: 'busybox', args: ['sh', '-c', 'echo before; kill -9 $$; echo not'] },
  { name: 'seq | wc', exe: 'busybox', args: ['sh', '-c', 'seq 1 1000 | wc -l'] },
  { name: 'wc of a large stdin', exe: 'busybox', args: ['wc'], stdin: numbers },
  { name: 'sha256sum', exe: 'busybox', args: ['sha256sum'], stdin: 'abc' },
  { name: 'error on stderr', exe: 'busybox', args: ['sh', '-c', 'ls /nonexistent; echo rc=$?'] },
  { name: 'exit status', exe: 'busybox', args: ['sh', '-c', 'exit 42'] },
  { name: 'here-document', exe: 'busybox', args: ['sh', '-c', 'cat <<EOF\nheredoc $((1+1))\nEOF'] },
  {
    name: 'pipe into while read',
    exe: 'busybox',
    args: ['sh', '-c', 'for f in a b c; do echo $f; done | while read x; do echo "[$x]"; done'],
  },
  { name: 'awk', exe: 'busybox', args: ['awk', 'BEGIN{s=0; for(i=1;i<=100;i++) s+=i; print s}'] },
  { name: 'sed', exe: 'busybox', args: ['sed', 's/a/o/g'], stdin: 'banana\n' },
  {
    name: 'bash: pipe into a group',
    exe: 'bash',
    args: ['--norc', '-c', 'for i in 1 2 3; do echo $i; done | { while read l; do s=$((s+l)); done; echo sum=$s; }'],
    unicorn: true,
  },
  {
    name: 'bash: functions, $(…), EXIT trap',
    exe: 'bash',
    args: ['--norc', '-c', 'f() { return 4; }; f; echo $?; x=$(printf "%s-" a b); echo $x; trap "echo bye" EXIT'],
  },
  {
    name: 'bash: trap USR1 and kill',
    exe: 'bash',
    args: ['--norc', '-c', 'trap "echo usr1" USR1; kill -USR1 $$; echo ${BASH_VERSION%%.*}'],
  },
  { name: 'bash: read -r', exe: 'bash', args: ['--norc', '-c', 'read -r line; echo "${line^^}"'], stdin: 'shout\n' },
  {
    name: 'bash: arrays',
    exe: 'bash',
    args: ['--norc', '-c', 'declare -A m=([a]=1 [b]=2); echo ${m[a]} ${m[b]}; arr=(x y z); echo ${#arr[@]} ${arr[1]}'],
  },
  // Scripts and applets the layer was not written against (the "unseen" check).
  {
    name: 'for loop into sort -r',
    exe: 'busybox',
    args: ['sh', '-c', 'for i in 1 2 3; do echo $i; done | sort -r'],
    unicorn: true,
  },
  { name: 'trap USR1, kill self', exe: 'busybox', args: ['sh', '-c', 'trap "echo T" USR1; kill -USR1 $$; echo after'] },
  { name: 'read a line from stdin', exe: 'busybox', args: ['sh', '-c', 'read a; echo got $a'], stdin: 'x\n' },
  {
    name: 'awk -F with END',
    exe: 'busybox',
    args: ['awk', '-F:', '{ s += $2 } END { print NR, s }'],
    stdin: 'a:1\nb:2\nc:39\n',
    unicorn: true,
  },
  { name: 'sed -n range and $=', exe: 'busybox', args: ['sed', '-n', '2,3p;$='], stdin: 'l1\nl2\nl3\nl4\n' },
  { name: 'expr', exe: 'busybox', args: ['sh', '-c', 'expr 6 \\* 7; expr length hello; expr 5 = 6; echo rc=$?'] },
  { name: 'find in a mount', exe: 'busybox', args: ['find', FIXTURE, '-name', '*.txt'], mount: true, unicorn: true },
  {
    name: 'tar in a read-write mount',
    exe: 'busybox',
    args: [
      'sh',
      '-c',
      `cd ${FIXTURE} && tar cf t.tar d && tar tf t.tar | sort && mkdir x && tar xf t.tar -C x && cat x/d/e/b.txt`,
    ],
    mount: true,
    unicorn: true,
  },
  {
    name: 'cp, mv, rm in a mount',
    exe: 'busybox',
    args: ['sh', '-c', `cd ${FIXTURE} && cp d/a.txt c.txt && mv c.txt e.txt && cat e.txt && rm e.txt && ls`],
    mount: true,
  },
  { name: 'md5sum', exe: 'busybox', args: ['md5sum'], stdin: 'hello\n', unicorn: true },
  { name: 'od', exe: 'busybox', args: ['od', '-A', 'x', '-t', 'x1z'], stdin: 'hi there\n' },
  {
    name: 'case/esac',
    exe: 'busybox',
    args: ['sh', '-c', 'for x in a1 b2 zz; do case $x in a*) echo A;; b*) echo B;; *) echo other;; esac; done'],
  },
  {
    name: 'getopts',
    exe: 'busybox',
    args: ['sh', '-c', 'set -- -a -b val x; while getopts ab: o; do echo "$o=$OPTARG"; done'],
  },
  { name: 'xargs -n1', exe: 'busybox', args: ['sh', '-c', 'echo 1 2 3 | xargs -n1 echo item'] },
  {
    name: 'base64 both ways',
    exe: 'busybox',
    args: ['sh', '-c', 'echo hello world | base64; echo aGVsbG8K | base64 -d'],
  },
  { name: 'yes | head: SIGPIPE ends yes', exe: 'busybox', args: ['sh', '-c', 'yes | head -n 3; echo rc=$?'] },
  // Run as applets: under qemu, sh cannot re-exec busybox through /proc/self/exe for them.
  { name: 'dc', exe: 'busybox', args: ['dc', '-e', '2 10 ^ p'] },
  { name: 'factor', exe: 'busybox', args: ['factor', '360', '97'] },
  {
    name: 'bash: C-style for, substrings',
    exe: 'bash',
    args: ['--norc', '-c', 'for ((i=0;i<3;i++)); do echo $i; done; s=hello; echo ${s:1:3} ${#s}'],
  },
];

const available = debianAvailable();
if (!available && !inCI) process.stderr.write('[skipped] Debian busybox/bash: run tests/linux/fetch-debian.sh first\n');

describeWithOracles(['qemu', 'unicorn'], 'Debian busybox-static and bash-static vs qemu-aarch64', () => {
  if (!available) {
    if (inCI) it('needs the Debian binaries', () => expect.fail('run tests/linux/fetch-debian.sh (CI must)'));
    else it.skip('needs tests/linux/fetch-debian.sh', () => {});
    return;
  }
  afterAll(() => rmSync(FIXTURE, { recursive: true, force: true }));
  for (const c of CASES) {
    const engines: EngineKind[] = c.unicorn ? ['ts', 'unicorn'] : ['ts'];
    for (const engine of engines) {
      it(`${c.name} (${engine})`, async () => {
        // Node's child stdin is a socket, which makes bash source ~/.bashrc (as under rshd): --norc.
        const spec: RunSpec = {
          exe: join(DEBIAN, c.exe),
          args: c.args,
          stdin: c.stdin,
          argv0: c.exe,
          mounts: c.mount ? [FIXTURE] : [],
        };
        if (c.mount) resetFixture();
        const q = runQemu(spec);
        if (c.mount) resetFixture();
        const o = await runOurs(spec, engine);
        expect({ stdout: o.stdout, stderr: o.stderr, status: o.status }).toEqual(q);
      }, 60_000);
    }
  }
});

describe('Debian busybox: identity and the confinement of mounts', () => {
  it.runIf(available)('reports the configured unprivileged identity', async () => {
    const o = await runOurs({ exe: join(DEBIAN, 'busybox'), argv0: 'busybox', args: ['id'] }, 'ts');
    expect(o.stdout).toBe('uid=1000 gid=1000 groups=1000\n');
  });

  it.runIf(available)(
    'nproc: one CPU by default on every host, --nproc N as asked, the host count as qemu',
    async () => {
      const spec: RunSpec = { exe: join(DEBIAN, 'busybox'), argv0: 'busybox', args: ['nproc'] };
      expect((await runOurs(spec, 'ts')).stdout).toBe('1\n');
      expect((await runOurs({ ...spec, cpus: 100 }, 'ts')).stdout).toBe('100\n');
      const q = runQemu(spec);
      const o = await runOurs({ ...spec, cpus: availableParallelism() }, 'ts');
      expect({ stdout: o.stdout, stderr: o.stderr, status: o.status }).toEqual(q);
    },
  );
});
