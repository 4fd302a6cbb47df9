/**
 * The mutant catalogue: realistic bugs of the lazy-linking machinery, each switched on only when a
 * campaign runs with `--mutant NAME` (or a test passes it to `runCase`). Nothing here edits a file or
 * a module-level object:
 *  - runtime mutants patch a copy of the runtime objects' bytes, handed to the session through its
 *    `runtimeObjects` option;
 *  - graph mutants add a pass (the session's public `layer.addPlugin`) that edits the stubs graph,
 *    the trampoline graph or a user graph's edges just before fixups — the bytes/fixups a buggy
 *    writer would have produced;
 *  - behaviour mutants shadow a method on this session's instances (the LRM, the redirectable
 *    symbol manager, the executor runtime); they die with the session.
 * Each mutant is a single, small deviation; its description says what a real bug would look like.
 */
import { loadRuntimeObjects, type RuntimeObject } from '../../../runtime-aarch64/index.ts';
import { K } from '../../linker/aarch64/edges.ts';
import type { Block, LinkGraph } from '../../linker/graph.ts';
import type { ExecutorSymbolDef } from '../../orc/core/types.ts';
import type { OrcSession } from '../../orc/session/index.ts';

export interface Mutant {
  name: string;
  /** Where the bug lives and what it does. */
  description: string;
  /** Patched runtime objects handed to the session (the originals are never modified). */
  runtimeObjects?: () => RuntimeObject[];
  /** Patches this session's instances (never prototypes or modules): gone with the session. */
  install?: (session: OrcSession) => void;
  /** Why no program can observe it in this system (kept in the catalogue, reported apart). */
  equivalent?: string;
}

const NOP = 0xd503201f;

/** A copy of the runtime objects with word `from` (first 4-aligned occurrence in `object`) replaced. */
function patchRuntime(object: string, from: number, to: number): () => RuntimeObject[] {
  return () =>
    loadRuntimeObjects().map((o) => {
      if (o.name !== object) return o;
      const bytes = new Uint8Array(o.bytes);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i + 4 <= bytes.length; i += 4) {
        if (dv.getUint32(i, true) === from >>> 0) {
          dv.setUint32(i, to >>> 0, true);
          return { name: o.name, bytes };
        }
      }
      throw new Error(`mutant: word 0x${from.toString(16)} not found in ${object}`);
    });
}

const rt = (name: string, description: string, from: number, to: number): Mutant => ({
  name,
  description: `runtime (sysv_resolve.S): ${description}`,
  runtimeObjects: patchRuntime('sysv_resolve.o', from, to),
});

const isStubs = (g: LinkGraph): boolean => g.name.startsWith('<indirect stubs graph');
const isTrampolines = (g: LinkGraph): boolean => g.name.startsWith('__orc_reentry_graph');
const isUser = (g: LinkGraph): boolean => /^obj\d+\.o$/.test(g.name);

/** Adds a pre-fixup pass to every graph `which` selects. */
function graphPass(which: (g: LinkGraph) => boolean, pass: (g: LinkGraph) => void): (s: OrcSession) => void {
  return (s) => {
    s.layer.addPlugin({
      modifyPassConfig(_mr, g, config) {
        if (which(g)) config.preFixup.push(pass);
      },
    });
  };
}

function setWord(b: Block, offset: number, word: number): void {
  if (!b.content) return;
  new DataView(b.content.buffer, b.content.byteOffset, b.content.byteLength).setUint32(offset, word >>> 0, true);
}

function forEachEdge(g: LinkGraph, kind: number, fn: (e: { addend: number; kind: number }, b: Block) => void): void {
  for (const b of g.blocks()) for (const e of b.edges) if (e.kind === kind) fn(e, b);
}

export const MUTANTS: Mutant[] = [
  // ---- the reentry routine (runtime objects' bytes) ------------------------------------------
  rt(
    'rt-no-restore-q0q1',
    'ldp q0, q1 after resolve is lost: double/vector arguments 0–1 arrive clobbered',
    0xad4687e0,
    NOP,
  ),
  rt('rt-no-restore-q2q3', 'ldp q2, q3 lost', 0xad478fe2, NOP),
  rt('rt-no-restore-q4q5', 'ldp q4, q5 lost', 0xad4897e4, NOP),
  rt('rt-no-restore-q6q7', 'ldp q6, q7 lost', 0xad499fe6, NOP),
  rt('rt-no-restore-x0x1', 'ldp x0, x1 lost: integer arguments 0–1 arrive clobbered', 0xa94007e0, NOP),
  rt('rt-no-restore-x2x3', 'ldp x2, x3 lost', 0xa9410fe2, NOP),
  rt('rt-no-restore-x4x5', 'ldp x4, x5 lost', 0xa94217e4, NOP),
  rt('rt-no-restore-x6x7', 'ldp x6, x7 lost', 0xa9431fe6, NOP),
  rt(
    'rt-no-restore-x8x9',
    'ldp x8, x9 lost: the indirect result register (x8) of a struct-returning body arrives clobbered',
    0xa94427e8,
    NOP,
  ),
  rt('rt-no-save-x0x1', 'stp x0, x1 lost: the restore reloads stale stack contents', 0xa90007e0, NOP),
  rt('rt-no-save-q0q1', 'stp q0, q1 lost', 0xad0687e0, NOP),
  rt('rt-no-save-x2x3', 'stp x2, x3 lost', 0xa9010fe2, NOP),
  rt('rt-restore-q2q3-from-q0-slot', 'ldp q2, q3 reads the q0/q1 slot (frame offset typo)', 0xad478fe2, 0xad4687e2),
  rt(
    'rt-restore-q8q9-from-q10-slot',
    'ldp q8, q9 reads the q10/q11 slot: the callee-saved d8/d9 come back with d10/d11’s values',
    0xad4aa7e8,
    0xad4ba7e8,
  ),
  rt('rt-restore-x2x3-from-x0-slot', 'ldp x2, x3 reads the x0/x1 slot', 0xa9410fe2, 0xa9400fe2),
  rt('rt-trampoline-x30-4', 'the trampoline is recovered as x30 − 4 instead of x30 − 8', 0xd10023c0, 0xd10013c0),
  rt('rt-trampoline-x30', 'the trampoline is recovered as x30 (the offset forgotten)', 0xd10023c0, 0xaa1e03e0),
  rt('rt-frame-704', 'the frame is dropped with add sp, #704 instead of #720', 0x910b43ff, 0x910b03ff),
  rt('rt-pop-32', 'the trampoline frame is popped with post-index #32 instead of #16', 0xa8c17bfd, 0xa8c27bfd),
  rt(
    'rt-no-pop-lr',
    'the trampoline frame is dropped without reloading x29/x30 (add sp, sp, #16)',
    0xa8c17bfd,
    0x910043ff,
  ),
  rt('rt-blr-body', 'the body is entered with blr x17 (x30 clobbered) instead of br x17', 0xd61f0220, 0xd63f0220),
  rt('rt-body-from-x1', 'the body address is taken from x1 instead of x0 (mov x17, x1)', 0xaa0003f1, 0xaa0103f1),

  // ---- stubs and trampolines (graph contents / fixups) -------------------------------------------
  {
    name: 'stub-blr',
    description: 'stub writer emits blr x16 instead of br x16 (the stub clobbers the link register)',
    install: graphPass(isStubs, (g) => {
      for (const b of g.blocks()) if (b.size === 12) setWord(b, 8, 0xd63f0200);
    }),
  },
  {
    name: 'stub-ptr-neighbour',
    description: "stub's PageOffset12 fixup addend +8: each stub loads the next stub's pointer",
    install: graphPass(isStubs, (g) =>
      forEachEdge(g, K.PageOffset12, (e) => {
        e.addend += 8;
      }),
    ),
  },
  {
    name: 'stub-ptr-init-missing',
    description:
      'stub pointers are not initialised to the trampoline (Pointer64 init edge dropped): first call jumps to 0',
    install: graphPass(isStubs, (g) => {
      for (const b of g.blocks())
        for (let i = b.edges.length - 1; i >= 0; i--) if (b.edges[i]?.kind === K.Pointer64) b.edges.splice(i, 1);
    }),
  },
  {
    name: 'tramp-no-frame',
    description: 'trampoline writer drops the stp x29, x30, [sp, #-16]! (the runtime then pops the caller’s frame)',
    install: graphPass(isTrampolines, (g) => {
      for (const b of g.blocks()) if (b.size === 8) setWord(b, 0, NOP);
    }),
  },
  {
    name: 'tramp-frame-32',
    description: 'trampoline pushes with stp x29, x30, [sp, #-32]! (frame size mismatch with the runtime)',
    install: graphPass(isTrampolines, (g) => {
      for (const b of g.blocks()) if (b.size === 8) setWord(b, 0, 0xa9be7bfd);
    }),
  },
  {
    name: 'tramp-bl-plus4',
    description: "trampoline's Branch26 addend +4: enters the runtime past its sub sp (frame not allocated)",
    install: graphPass(isTrampolines, (g) =>
      forEachEdge(g, K.Branch26PCRel, (e) => {
        e.addend += 4;
      }),
    ),
  },
  // ---- the linker's fixups in user graphs -----------------------------------------------------------
  {
    name: 'fixup-abs64-plus4',
    description: 'ABS64 (function pointers in data) resolved 4 bytes past the target',
    install: graphPass(isUser, (g) =>
      forEachEdge(g, K.Pointer64, (e) => {
        e.addend += 4;
      }),
    ),
  },
  {
    name: 'fixup-pageoff-minus8',
    description: 'LDST64_ABS_LO12_NC resolved 8 bytes early (the pointer slot before the right one)',
    install: graphPass(isUser, (g) => {
      for (const b of g.blocks())
        for (const e of b.edges) if (e.kind === K.PageOffset12 || e.kind === K.PageOffset12Relaxable) e.addend -= 8;
    }),
  },
  // ---- behaviour: redirectable symbol manager, LRM, executor memory -----------------------------
  {
    name: 'rsm-redirect-dropped',
    description: 'redirect() computes the writes but never issues them (pointers keep the trampoline / old body)',
    install: (s) => {
      s.rsm.redirect = (_jd, _dests) => {};
    },
  },
  {
    name: 'rsm-redirect-off-by-slot',
    description: 'redirect() writes the pointer 8 bytes past the right one (pointer table indexing off by one)',
    install: (s) => {
      const rsm = s.rsm;
      const orig = rsm.redirect.bind(rsm);
      rsm.redirect = (jd, dests) => {
        const writes: { address: number; value: number }[] = [];
        for (const [name, def] of dests) {
          const a = rsm.pointerAddress(jd, name);
          if (a === undefined) return orig(jd, dests);
          writes.push({ address: a + 8, value: def.address });
        }
        void s.epc.writePointers(writes).catch(() => {});
      };
    },
  },
  {
    name: 'rsm-redirect-once',
    description:
      'redirect() skips aliases it has already re-pointed once (a stale "resolved" cache): hot swaps after the first call are lost',
    install: (s) => {
      const rsm = s.rsm;
      const orig = rsm.redirect.bind(rsm);
      const done = new Set<string>();
      rsm.redirect = (jd, dests) => {
        const fresh = new Map([...dests].filter(([name]) => !done.has(name)));
        for (const name of dests.keys()) done.add(name);
        if (fresh.size > 0) orig(jd, fresh);
      };
    },
  },
  {
    name: 'lrm-no-redirect',
    description: 'the LRM answers the body but does not redirect the alias (every call reenters)',
    install: (s) => {
      s.lrm.rsm.redirect = () => {};
    },
  },
  {
    name: 'lrm-wrong-body',
    description: 'the LRM resolves a trampoline to the first registered reexport of its JITDylib',
    install: (s) => {
      const lrm = s.lrm;
      const orig = lrm.resolve.bind(lrm);
      lrm.resolve = (t, send) => {
        const info = lrm.callThroughs.get(t);
        const first = [...lrm.callThroughs].find(([, i]) => info && i.jd === info.jd)?.[0];
        orig(first ?? t, send);
      };
    },
  },
  {
    name: 'lrm-answer-trampoline',
    description:
      'the LRM redirects correctly but answers the stub pointer’s old value (the trampoline): one extra reentry',
    install: (s) => {
      const lrm = s.lrm;
      const orig = lrm.resolve.bind(lrm);
      lrm.resolve = (t, send) =>
        orig(t, (r) => send(r.ok ? { ok: true, value: { ...r.value, address: t } as ExecutorSymbolDef } : r));
    },
  },
  // ---- the executor's dispatch gate (host side of the reentry) -------------------------------------
  {
    name: 'gate-clobbers-fpcr',
    description:
      'the dispatch gate switches FPCR to round-toward-zero for its own arithmetic and does not restore it (FPCR is callee-saved by the AAPCS64)',
    install: (s) => {
      s.observe({
        onLazyReentry: () => {
          s.local?.engine.regWrite('fpcr', 3n << 22n);
        },
      });
    },
  },
  // ---- failures and concurrency: only the fault and thread operations can find these -------------
  {
    name: 'lrm-reject-concurrent',
    description:
      'the LRM refuses a reentry of a trampoline whose resolution is still in flight ("already resolving") instead of waiting for it: the second thread of a concurrent first call aborts',
    install: (s) => {
      const lrm = s.lrm;
      const orig = lrm.resolve.bind(lrm);
      const inFlight = new Set<number>();
      lrm.resolve = (t, send) => {
        if (inFlight.has(t)) {
          send({ ok: false, error: `reentry 0x${t.toString(16)} is already being resolved` });
          return;
        }
        inFlight.add(t);
        orig(t, (r) => {
          inFlight.delete(t);
          send(r);
        });
      };
    },
  },
  {
    name: 'lrm-redirect-overwrites',
    description:
      'a first-call resolution redirects the alias unconditionally when it finishes, overwriting a hot swap issued meanwhile by another thread (LLVM’s LazyReexportsManager::resolve does this)',
    install: (s) => {
      (s.rsm as { redirectCount?: unknown }).redirectCount = undefined;
    },
  },
  {
    name: 'lrm-failure-sticky',
    description:
      'a failed resolution is cached by alias name and survives the tracker: after remove + re-add the alias keeps failing with the old error (the symbol stays poisoned)',
    install: (s) => {
      const lrm = s.lrm;
      const orig = lrm.resolve.bind(lrm);
      const failed = new Map<string, string>();
      lrm.resolve = (t, send) => {
        const name = lrm.callThroughs.get(t)?.name;
        const cached = name === undefined ? undefined : failed.get(name);
        if (cached !== undefined) {
          const info = lrm.callThroughs.get(t);
          for (const l of lrm.listeners) l.onLazyReexportCalled?.(info as NonNullable<typeof info>);
          for (const l of lrm.listeners)
            l.onReentryResolved?.({ trampoline: t, info, result: { ok: false, error: cached }, hostMicros: 0 });
          send({ ok: false, error: cached });
          return;
        }
        orig(t, (r) => {
          if (!r.ok && name !== undefined) failed.set(name, r.error);
          send(r);
        });
      };
    },
  },
  {
    name: 'lrm-error-no-cause',
    description:
      'the LRM answers a failed lookup with a generic message and drops the root cause (the user sees "failed to materialize" without why)',
    install: (s) => {
      const lrm = s.lrm;
      const orig = lrm.resolve.bind(lrm);
      lrm.resolve = (t, send) =>
        orig(t, (r) => send(r.ok ? r : { ok: false, error: `failed to materialize the body of 0x${t.toString(16)}` }));
    },
  },
  {
    name: 'icache-no-invalidate',
    description:
      'executor memory writes bypass the engine’s code invalidation: a patched body keeps running its stale decoded block',
    install: (s) => {
      const runtime = s.local;
      if (!runtime) return;
      const engine = runtime.engine as unknown as {
        mem?: {
          pages: Map<number, { code: unknown }>;
          write(a: number, d: Uint8Array): void;
          onCodeInvalidated: unknown;
        };
      };
      const mem = engine.mem;
      if (!mem) return;
      runtime.writeMemory = (w) => {
        const saved = new Map<number, unknown>();
        for (const [n, p] of mem.pages) saved.set(n, p.code);
        const notify = mem.onCodeInvalidated;
        mem.onCodeInvalidated = null;
        mem.write(w.address, w.bytes);
        mem.onCodeInvalidated = notify;
        for (const [n, p] of mem.pages) if (saved.has(n)) p.code = saved.get(n);
      };
    },
  },
];

export function findMutant(name: string): Mutant {
  const m = MUTANTS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown mutant '${name}' (known: ${MUTANTS.map((x) => x.name).join(', ')})`);
  return m;
}
