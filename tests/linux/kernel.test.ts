/**
 * The Linux process model on its own terms: mounts confine every path (`..`, relative and
 * absolute symlinks), read-only mounts refuse writes, stdin is awaited (the guest is parked, not
 * the host busy), a gone stdout reader is SIGPIPE (141), fork is bounded by the process limit,
 * and a deadlock is reported with every thread's state.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E } from '../../src/emu/linux/errno.ts';
import { GuestFs, parseMount } from '../../src/emu/linux/fs.ts';
import type { HostInput } from '../../src/emu/linux/host.ts';
import { GuestDeadlock } from '../../src/emu/linux/kernel.ts';
import { NodeHostFs } from '../../src/emu/linux/node-host.ts';
import { execElf, execElfCaptured } from '../../src/emu/linux/process.ts';
import { TsEngine } from '../../src/emu/ts/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { HERE, PROGRAMS } from './support.ts';

const program = (name: string) => new Uint8Array(readFileSync(join(PROGRAMS, `${name}.elf`)));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('mounts confine paths', () => {
  let root: string;
  let fs: GuestFs;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'linux-mount-'));
    mkdirSync(join(root, 'in', 'sub'), { recursive: true });
    writeFileSync(join(root, 'in', 'f'), 'inside');
    writeFileSync(join(root, 'secret'), 'outside');
    symlinkSync('../secret', join(root, 'in', 'up'));
    symlinkSync(join(root, 'secret'), join(root, 'in', 'abs'));
    symlinkSync('../../../../../../..', join(root, 'in', 'sub', 'deep'));
    symlinkSync('f', join(root, 'in', 'ok'));
    symlinkSync('loop', join(root, 'in', 'loop'));
    fs = new GuestFs([{ host: join(root, 'in'), guest: '/data', writable: false }], new NodeHostFs(), {
      uid: 1,
      gid: 1,
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const hostPathOf = (path: string, follow = true): string | number => {
    const r = fs.resolve('/', path, follow);
    if (typeof r === 'number') return r;
    if (!r.exists) return -E.ENOENT;
    return r.loc.kind === 'host' ? r.loc.hostPath : `virtual:${r.loc.guestPath}`;
  };

  it('resolves inside the mount and through an inner symlink', () => {
    expect(hostPathOf('/data/f')).toBe(join(root, 'in', 'f'));
    expect(hostPathOf('/data/ok')).toBe(join(root, 'in', 'f'));
    expect(hostPathOf('/data/sub/../f')).toBe(join(root, 'in', 'f'));
  });

  it('never leaves the guest namespace: .., relative and absolute symlinks', () => {
    expect(hostPathOf('/data/../secret')).toBe(-E.ENOENT);
    expect(hostPathOf('/data/../../../../secret')).toBe(-E.ENOENT);
    expect(hostPathOf('/data/up')).toBe(-E.ENOENT); // ../secret from /data is /secret in the guest
    expect(hostPathOf('/data/abs')).toBe(-E.ENOENT); // the host's absolute path means nothing here
    expect(hostPathOf('/data/sub/deep')).toBe('virtual:/'); // climbing stops at the guest root
    expect(hostPathOf('/data/sub/deep/data/f')).toBe(join(root, 'in', 'f'));
    expect(hostPathOf('/data/loop')).toBe(-E.ELOOP);
    expect(hostPathOf('/etc/passwd')).toBe(-E.ENOENT);
    expect(hostPathOf('/data/up', false)).toBe(join(root, 'in', 'up'));
  });

  it('refuses writes in a read-only mount and creation outside mounts', () => {
    const r = fs.resolve('/', '/data/new', true);
    if (typeof r === 'number') throw new Error('resolve failed');
    expect(fs.open(r, 0o101, 0o644)).toBe(-E.EROFS);
    const f = fs.resolve('/', '/data/f', true);
    if (typeof f === 'number') throw new Error('resolve failed');
    expect(fs.open(f, 1, 0)).toBe(-E.EROFS);
    const v = fs.resolve('/', '/newfile', true);
    if (typeof v === 'number') throw new Error('resolve failed');
    expect(fs.open(v, 0o101, 0o644)).toBe(-E.EROFS);
  });

  it('parses --mount specs', () => {
    expect(parseMount('/a:/b')).toEqual({ host: '/a', guest: '/b', writable: false });
    expect(parseMount('/a/:/b/c/:rw')).toEqual({ host: '/a', guest: '/b/c', writable: true });
    expect(() => parseMount('/a:b')).toThrow(/absolute/);
    expect(() => parseMount('/a:/b/../c')).toThrow(/'\.\.'/);
    expect(() => parseMount('/a:/b:rx')).toThrow(/ro or rw/);
  });
});

describe('processes, streams and limits', () => {
  it('parks on stdin until a slow producer delivers, and reads everything', async () => {
    const parts = ['one\n', 'two\nthree', '\nfour\n'];
    let waits = 0;
    let ready = false;
    let ended = false;
    const input: HostInput = {
      read(max) {
        if (!ready) return ended ? null : 'again';
        ready = false;
        const p = parts.shift();
        if (p === undefined) {
          ended = true;
          return null;
        }
        return new TextEncoder().encode(p).subarray(0, max);
      },
      status: () => (ready ? 'data' : ended ? 'eof' : 'again'),
      readable() {
        waits++;
        return new Promise((resolve) =>
          setTimeout(() => {
            ready = true;
            resolve();
          }, 5),
        );
      },
    };
    const r = await execElfCaptured(program('stdin'), 'stdin', { input });
    expect(text(r.stdout)).toMatch(/^lines=4 bytes=19 sum=\d+\n$/);
    expect(waits).toBeGreaterThanOrEqual(4);
  });

  it('a stdout whose reader has gone raises SIGPIPE: status 141', async () => {
    let writes = 0;
    const r = await execElf(program('spam'), 'spam', {
      stdout: { write: () => (++writes > 3 ? 'epipe' : undefined) },
    });
    expect(r.status).toBe(141);
    expect(r.termination).toMatchObject({ kind: 'signal', signal: 13 });
    expect(writes).toBe(4);
  });

  it('fork is bounded by the process limit (EAGAIN) and the run still ends', async () => {
    const r = await execElfCaptured(program('forkbomb'), 'forkbomb', { maxProcesses: 20 });
    expect(text(r.stdout)).toBe('forked 19, then EAGAIN\n');
    expect(r.status).toBe(0);
  }, 60_000);

  it('system calls leave through the exception exit: no intr hook runs, the ts translation tier stays on', async () => {
    // Translate from the start (the default waits for 5 M instructions and 5000 runs of a block).
    const engine = new TsEngine({ seed: 0, jitThreshold: 16 });
    let interrupts = 0;
    engine.hookAdd('intr', () => {
      interrupts++;
    });
    try {
      const lines = `${Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n')}\n`;
      const r = await execElfCaptured(program('stdin'), 'stdin', { engine, stdin: new TextEncoder().encode(lines) });
      expect(text(r.stdout)).toMatch(/^lines=3000 bytes=\d+ sum=\d+\n$/);
      expect(r.status).toBe(0);
      expect(interrupts).toBe(0);
      expect(engine.translatedRegions).toBeGreaterThan(0);
    } finally {
      engine.close();
    }
  });

  it('a deadlock names every thread and what it waits for', async () => {
    const p = execElfCaptured(program('deadlock'), 'deadlock');
    await expect(p).rejects.toBeInstanceOf(GuestDeadlock);
    await expect(p).rejects.toThrow(/thread 100: futex wait 0x[0-9a-f]+\n {2}process 100 thread 101: read\(3\)/);
  });
});

describeWithOracles(['qemu'], 'orc-sandbox exec with host pipes (the command, as qemu)', () => {
  const bin = join(HERE, '..', '..', 'bin', 'orc-sandbox.js');
  const sh = (script: string) =>
    spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, ORC: `${process.execPath} ${bin}` } });

  it('a closed stdout pipe ends the program with 141, as under qemu', () => {
    const spam = join(PROGRAMS, 'spam.elf');
    const ours = sh(`$ORC exec ${spam} | head -c 6; echo " \${PIPESTATUS[0]}"`);
    const qemu = sh(`qemu-aarch64 ${spam} | head -c 6; echo " \${PIPESTATUS[0]}"`);
    expect(ours.stdout).toBe('y\ny\ny\n 141\n');
    expect(ours.stdout).toBe(qemu.stdout);
  }, 60_000);

  it('stdin from a slow producer is read to the end, as under qemu', () => {
    const prog = join(PROGRAMS, 'stdin.elf');
    const ours = sh(`(echo a; sleep 1; echo bb) | $ORC exec ${prog}`);
    const qemu = sh(`(echo a; sleep 1; echo bb) | qemu-aarch64 ${prog}`);
    expect(ours.stdout).toMatch(/^lines=2 bytes=5 /);
    expect(ours.stdout).toBe(qemu.stdout);
  }, 60_000);

  it('exec of a device, a directory or a non-ELF file is a one-line error', () => {
    for (const [file, why] of [
      ['/dev/zero', 'a device'],
      ['/tmp', 'a directory'],
    ]) {
      const r = sh(`$ORC exec ${file}`);
      expect(r.status).toBe(2); // a usage error of the command
      expect(r.stderr).toBe(`orc-sandbox exec: cannot run '${file}': ${why}\n`);
    }
    const r = sh(`$ORC exec ${join(HERE, 'kernel.test.ts')}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('not an ELF file');
  }, 60_000);
});
