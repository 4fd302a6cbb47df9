/**
 * Emulated pthreads: mutexes, condition variables, atomics (outline-atomics LDXR/STXR loops across
 * preemption), pthread_once, deadlock reports, and four threads making the first call of one lazy
 * function at once — on the ts engine and on the unicorn oracle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { ThreadDeadlock } from '../../src/executor/threads/scheduler.ts';
import { openSession } from '../../src/orc/session/session.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { LAZY_INPUTS, LAZY_TOTAL, runThreads, WORK } from './support.ts';

const SEEDS = [0, 1, 2, 3, 4];

function suite(kind: EngineKind): void {
  it('a counter incremented under a mutex by 4 threads', async () => {
    for (const seed of [0, 7]) {
      const r = await runThreads(kind, ['counter.o'], seed);
      expect(r.error).toBeUndefined();
      expect(r.out).toContain('counter = 1200 (expected 1200), returns = 60\n');
      expect(r.out).toMatch(/thread 0: 300\nthread 1: 300\nthread 2: 300\nthread 3: 300\n/);
      expect(r.result?.status).toBe(0);
      expect(r.switches.length).toBeGreaterThan(10);
    }
  });

  it('condvar producer/consumer', async () => {
    const r = await runThreads(kind, ['prodcons.o'], 5);
    expect(r.error).toBeUndefined();
    expect(r.out).toBe('items = 200, sum = 20100 (expected 20100)\n');
  });

  it('atomics through the runtime outline-atomics helpers, preempted every few instructions', async () => {
    for (const seed of [0, 1]) {
      const r = await runThreads(kind, ['atomics.o'], seed, { minSlice: 1, maxSlice: 12 });
      expect(r.error).toBeUndefined();
      expect(r.out).toBe('fetch_add total = 2500 (expected 2500), cas counter = 1000 (expected 1000)\n');
      expect(r.linked).toContain('orc-rt/atomics.o');
      expect(r.result?.status).toBe(0);
    }
  });

  it('pthread_once runs the routine once while the others wait', async () => {
    const r = await runThreads(kind, ['once.o'], 2);
    expect(r.error).toBeUndefined();
    expect(r.out).toBe(
      'thread 0 saw 1240\nthread 1 saw 1240\nthread 2 saw 1240\nthread 3 saw 1240\ninit ran 1 time(s)\n',
    );
  });

  it('a deadlock ends the run with an error listing every thread and what it waits for', async () => {
    const r = await runThreads(kind, ['deadlock.o'], 3);
    expect(r.out).toBe('started\n');
    expect(r.error).toBeInstanceOf(ThreadDeadlock);
    const msg = r.error?.message ?? '';
    expect(msg).toMatch(/^deadlock: all 3 threads are blocked\n/);
    expect(msg).toContain('thread 1 (main): pthread_join(thread 2)');
    expect(msg).toMatch(/thread 2: pthread_mutex_lock\(0x[0-9a-f]+\), held by thread 3/);
    expect(msg).toMatch(/thread 3: pthread_mutex_lock\(0x[0-9a-f]+\), held by thread 2/);
    expect((r.error as ThreadDeadlock).threads.map((t) => t.id)).toEqual([1, 2, 3]);
  });

  for (const seed of SEEDS) {
    it(`four threads make the first call of one lazy function at once (seed ${seed})`, async () => {
      const r = await runThreads(kind, LAZY_INPUTS, seed);
      expect(r.error).toBeUndefined();
      WORK.forEach((w, i) => {
        expect(r.out).toContain(`thread ${i}: work(${10 * (i + 1)}) = ${w}\n`);
      });
      expect(r.out).toContain(`total = ${LAZY_TOTAL}\n`);
      // Every thread took the trampoline path and parked; the body's object linked once.
      expect(r.linked.filter((l) => l === 'lazy-work.o')).toHaveLength(1);
      expect(r.sandbox.reentries).toHaveLength(4);
      expect(r.sandbox.reentries.every((e) => e.result.ok)).toBe(true);
      expect(r.sandbox.local?.executor.parks).toBe(4);
    });
  }
}

describe('threads on the ts engine', () => {
  suite('ts');

  it('the same seed gives the same interleaving; different seeds differ', async () => {
    const a = await runThreads('ts', LAZY_INPUTS, 11);
    const b = await runThreads('ts', LAZY_INPUTS, 11);
    expect(b.out).toBe(a.out);
    expect(b.switches).toEqual(a.switches);
    expect(b.result?.instructions).toBe(a.result?.instructions);
    const orders = new Set<string>();
    for (const seed of SEEDS) orders.add((await runThreads('ts', LAZY_INPUTS, seed)).switches.join());
    expect(orders.size).toBeGreaterThan(1);
  });

  it('without clearing the exclusive monitor at switches, interrupted LDXR/STXR loops lose updates', async () => {
    // The monitor compares the loaded value (QEMU semantics) and is shared by all threads of the
    // one emulated CPU: a thread resumed after another thread's LDXR of the same address may
    // store its stale sum. Clearing it at every switch (the default) makes the loop retry.
    let lost = false;
    for (const seed of [0, 1, 2, 3]) {
      const r = await runThreads('ts', ['atomics.o'], seed, { minSlice: 1, maxSlice: 6, clearExclusive: false });
      if (r.result?.status === 1) lost = true;
    }
    expect(lost).toBe(true);
  });

  it('an unthreaded program runs exactly as under the single-thread executor (same instruction count)', async () => {
    const dir = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));
    const counts: number[] = [];
    for (const threads of [undefined, false] as const) {
      const s = await openSession({ stdout: () => {}, threads, syscalls: false, faultsAsSignals: false });
      for (const f of readdirSync(dir).sort())
        s.addObject(new Uint8Array(readFileSync(dir + f)), f, { lazy: f !== 'main.o' });
      const r = await s.run();
      expect(r.status).toBe(0);
      counts.push(r.instructions);
      if (threads === undefined) expect(s.local?.threads?.switches).toBe(0);
    }
    expect(counts[0]).toBe(counts[1]);
  });
});

describeWithOracles(['unicorn'], 'threads on the unicorn engine', () => {
  suite('unicorn');

  it('ts and unicorn interleave identically for a seed', async () => {
    const a = await runThreads('ts', LAZY_INPUTS, 4);
    const b = await runThreads('unicorn', LAZY_INPUTS, 4);
    expect(b.out).toBe(a.out);
    expect(b.switches).toEqual(a.switches);
  });
});
