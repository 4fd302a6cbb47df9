/** Lazy reexports through the library API: first vs later calls, failures, trackers, dispatch errors. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExecutorRuntime } from '../../src/executor/runtime.ts';
import { runJITDispatchHandlerSync } from '../../src/orc/dispatch/index.ts';
import { bodyName } from '../../src/orc/layers/lazy-object-linking-layer.ts';
import { STUB_WORDS } from '../../src/orc/lazy/redirectable-symbols.ts';
import { type OrcSession, openSession } from '../../src/orc/session/session.ts';
import {
  SPSExecutorAddr,
  SPSExecutorSymbolDef,
  SPSExpected,
  spsDeserialize,
  spsSerialize,
} from '../../src/protocol/sps.ts';

const objDir = fileURLToPath(new URL('./fixtures/obj/', import.meta.url));
const obj = (n: string) => new Uint8Array(readFileSync(`${objDir}${n}`));

async function sandbox() {
  const linked: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const s = await openSession({
    syscalls: false,
    faultsAsSignals: false,
    showLinkedFiles: (l) => linked.push(l.trim().replace(/^Linking /, '')),
    stdout: (b) => out.push(new TextDecoder().decode(b)),
    stderr: (b) => err.push(new TextDecoder().decode(b)),
  });
  return { s, linked, out, err };
}

/** The executor runtime in this thread (engine, parking executor). */
const local = (s: OrcSession) => s.local as ExecutorRuntime;
const u64 = (s: OrcSession, a: number) =>
  Number(new DataView(local(s).engine.memRead(a, 8).buffer).getBigUint64(0, true));

describe('lazy reexports via OrcSession', () => {
  it('first call re-enters and links the body once; the pointer then holds the body; later calls never re-enter', async () => {
    const { s, linked } = await sandbox();
    s.addObject(obj('good.o'), 'good.o', { lazy: true });
    const stub = await s.lookupOne('good');
    expect(linked).toContain('<indirect stubs graph #1>');
    expect(linked).not.toContain('good.o');
    const words = new DataView(local(s).engine.memRead(stub.address, 12).buffer);
    expect(words.getUint32(8, true)).toBe(STUB_WORDS[2]);
    const ptr = s.rsm.pointerAddress(s.main, 'good') as number;
    const tramp = s.lrm.trampolineOf(s.main, 'good') as number;
    expect(u64(s, ptr)).toBe(tramp);
    expect(new DataView(local(s).engine.memRead(tramp, 4).buffer).getUint32(0, true)).toBe(0xa9bf7bfd);
    local(s).engine.memMap(0x6f00_0000, 0x10000, 3);
    local(s).engine.setX(31, 0x6f00_ff00);
    expect(await s.call(stub.address, [5])).toBe(105n);
    const body = s.main.getSymbol(bodyName('good'))?.address as number;
    expect(u64(s, ptr)).toBe(body);
    for (let i = 0; i < 3; i++) expect(await s.call(stub.address, [i])).toBe(BigInt(100 + i));
    expect(s.reentries).toHaveLength(1);
    expect(linked.filter((l) => l === 'good.o')).toHaveLength(1);
    expect(local(s).executor.parks).toBe(1);
  });

  it('a body with an undefined symbol aborts the program (134) with the root cause; other lazy symbols still work', async () => {
    const { s, out, err } = await sandbox();
    s.addObject(obj('calls-bad.o'), 'calls-bad.o');
    s.addObject(obj('good.o'), 'good.o', { lazy: true });
    s.addObject(obj('bad.o'), 'bad.o', { lazy: true });
    const r = await s.run('main');
    expect(r).toMatchObject({ status: 134, reason: 'abort' });
    expect(out.join('')).toBe('before: good(1)=101\n');
    expect(err.join('')).toMatch(/^error resolving implementation for stub 0x[0-9a-f]+: .*this_symbol_is_nowhere/);
    // The session stays usable: good still works, bad fails the same way through the API.
    const good = await s.lookupOne('good');
    local(s).engine.setX(31, 0x7fe0_0000);
    expect(await s.call(good.address, [7])).toBe(107n);
    const t = s.lrm.trampolineOf(s.main, 'bad') as number;
    await expect(s.lrm.resolveAsync(t)).rejects.toThrow(/this_symbol_is_nowhere/);
  });

  it('missing body: the reentry answers SymbolsNotFound for the body', async () => {
    const { s } = await sandbox();
    const { lazyReexports } = await import('../../src/orc/lazy/lazy-reexports.ts');
    s.main.define(lazyReexports(s.lrm, { ghost: { aliasee: 'ghost$orc_fnbody', flags: 0x30 } }));
    await s.lookupOne('ghost');
    const t = s.lrm.trampolineOf(s.main, 'ghost') as number;
    await expect(s.lrm.resolveAsync(t)).rejects.toThrow(/Symbols not found: \[ ghost\$orc_fnbody \]/);
    await expect(s.lrm.resolveAsync(0x1234)).rejects.toThrow('Reentry address 0x0000000000001234 not registered');
  });

  it('the dispatch handler speaks SPS; an unknown tag answers an out-of-band error', async () => {
    const { s } = await sandbox();
    s.addObject(obj('good.o'), 'good.o', { lazy: true });
    await s.lookupOne('good');
    const tag = (await s.lookupOne('__orc_rt_resolve_tag', s.platformJD)).address;
    const t = s.lrm.trampolineOf(s.main, 'good') as number;
    let late: unknown;
    runJITDispatchHandlerSync(s.es, tag, spsSerialize([SPSExecutorAddr], [t]), (r) => {
      late = r;
    });
    await s.layer.whenIdle();
    await new Promise((r) => setTimeout(r, 0));
    const res = late as { ok: true; data: Uint8Array };
    expect(res.ok).toBe(true);
    const [v] = spsDeserialize([SPSExpected(SPSExecutorSymbolDef)], res.data);
    expect(v).toMatchObject({ ok: true, value: { address: s.main.getSymbol(bodyName('good'))?.address } });
    expect(runJITDispatchHandlerSync(s.es, 0x42, new Uint8Array())).toEqual({
      ok: false,
      error: 'No function registered for tag 0x0000000000000042',
    });
  });

  it('removing the tracker removes the manager entries and stub pointers; transfer moves them', async () => {
    const { s } = await sandbox();
    const rt = s.main.createResourceTracker();
    s.lazyLayer.add(rt, obj('good.o'), 'good.o');
    await s.lookupOne('good');
    const t = s.lrm.trampolineOf(s.main, 'good') as number;
    expect(s.lrm.callThrough(t)).toMatchObject({ name: 'good', bodyName: 'good$orc_fnbody' });
    const rt2 = s.main.createResourceTracker();
    rt.transferTo(rt2);
    expect(s.lrm.keyToReentryAddrs.get(rt2.key)).toEqual([t]);
    expect(s.lrm.keyToReentryAddrs.has(rt.key)).toBe(false);
    rt2.remove();
    expect(s.lrm.callThrough(t)).toBeUndefined();
    expect(s.lrm.keyToReentryAddrs.size).toBe(0);
    expect(s.rsm.pointerAddress(s.main, 'good')).toBeUndefined();
    expect(s.main.getSymbol('good')).toBeUndefined();
    await expect(s.lrm.resolveAsync(t)).rejects.toThrow(/not registered/);
  });
});
