import { describe, expect, it } from 'vitest';
import {
  absoluteSymbols,
  DuplicateDefinition,
  ExecutionSession,
  type Expected,
  FailedToMaterialize,
  type JITDylib,
  JITDylibLookupFlags,
  JITSymbolFlags,
  type MaterializationResponsibility,
  MissingSymbolDefinitions,
  ReexportsGenerator,
  ResourceTrackerDefunct,
  reexports,
  rootCausesOf,
  SimpleMaterializationUnit,
  SymbolLookupFlags,
  type SymbolMap,
  SymbolState,
  SymbolsNotFound,
  symbolAliases,
  UnexpectedSymbolDefinitions,
  UnsatisfiedSymbolDependencies,
} from '../../src/orc/core/index.ts';

const E = JITSymbolFlags.Exported;
const EC = JITSymbolFlags.Exported | JITSymbolFlags.Callable;
const W = JITSymbolFlags.Exported | JITSymbolFlags.Weak;
const ALL = JITDylibLookupFlags.MatchAllSymbols;
const EXP = JITDylibLookupFlags.MatchExportedSymbolsOnly;

/** A unit that resolves each symbol to `base + index*16` and emits with optional dependencies. */
function unit(
  name: string,
  syms: Record<string, number>,
  opts: {
    base?: number;
    deps?: [JITDylib, string[]][];
    fail?: boolean;
    onMat?: (mr: MaterializationResponsibility) => void;
    log?: string[];
  } = {},
) {
  return new SimpleMaterializationUnit(name, syms, (mr) => {
    opts.log?.push(name);
    if (opts.onMat) return opts.onMat(mr);
    if (opts.fail) return mr.failMaterialization(new Error(`${name} failed on purpose`));
    const m: SymbolMap = new Map();
    let i = 0;
    for (const [n, f] of mr.getSymbols()) {
      if (f & JITSymbolFlags.MaterializationSideEffectsOnly) continue;
      m.set(n, { address: (opts.base ?? 0x1000) + 16 * i++, flags: f });
    }
    mr.notifyResolved(m);
    mr.notifyEmitted(
      opts.deps ? [{ symbols: mr.getSymbols().keys(), dependencies: new Map(opts.deps.map(([j, n]) => [j, n])) }] : [],
    );
  });
}

function collect(es: ExecutionSession, jd: JITDylib, names: string[], state: SymbolState = SymbolState.Ready) {
  const results: Expected<SymbolMap>[] = [];
  es.lookup('Static', [[jd, ALL]], names, state, (r) => results.push(r));
  return results;
}

describe('definitions', () => {
  it('looks up absolute symbols', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(absoluteSymbols({ foo: { address: 0x1234, flags: EC } }));
    expect(jd.getSymbol('foo')?.state).toBe(SymbolState.NeverSearched);
    const r = es.lookupSync([[jd, ALL]], ['foo']);
    expect(r.get('foo')).toEqual({ address: 0x1234, flags: EC });
    expect(jd.getSymbol('foo')?.state).toBe(SymbolState.Ready);
  });

  it('strong vs strong is a DuplicateDefinition naming the symbol and both definers', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(unit('a.o', { dup: E, a: E }));
    let err: unknown;
    try {
      jd.define(unit('b.o', { b: E, dup: E }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DuplicateDefinition);
    const d = err as DuplicateDefinition;
    expect(d.symbol).toBe('dup');
    expect(d.existingDefiner).toBe('a.o');
    expect(d.newDefiner).toBe('b.o');
    expect(d.message).toMatch(/duplicate definition.*dup.*a\.o/);
    expect(d.message).toContain('b.o');
    expect(jd.getSymbol('b')).toBeUndefined(); // atomic: nothing of b.o was added
  });

  it('a new weak definition is discarded via MU.discard', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(unit('a.o', { x: E }, { base: 0x100 }));
    const weak = unit('w.o', { x: W, y: E }, { base: 0x900 });
    jd.define(weak);
    expect(weak.discarded).toEqual(['x']);
    expect(es.lookupSync([[jd, ALL]], ['x', 'y']).get('x')?.address).toBe(0x100);
  });

  it('a strong definition overrides a never-searched weak one (discarded)', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const weak = unit('w.o', { x: W, y: E }, { base: 0x900 });
    jd.define(weak);
    jd.define(unit('s.o', { x: E }, { base: 0x100 }));
    expect(weak.discarded).toEqual(['x']);
    expect(jd.getSymbol('x')?.definer).toBe('s.o');
    const r = es.lookupSync([[jd, ALL]], ['x', 'y']);
    expect(r.get('x')?.address).toBe(0x100);
    expect(r.get('y')?.address).toBe(0x900);
  });

  it('a strong definition vs an already-searched weak one is a duplicate', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(unit('w.o', { x: W }));
    es.lookupSync([[jd, ALL]], ['x']);
    expect(() => jd.define(unit('s.o', { x: E }))).toThrow(DuplicateDefinition);
  });
});

describe('lookup', () => {
  it('reports every missing symbol; weak references may be missing', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(unit('a.o', { a: E }));
    const r = collect(es, jd, ['a', 'm1', 'm2']);
    expect(r).toHaveLength(1);
    expect(r[0]?.ok).toBe(false);
    const err = (r[0] as { error: Error }).error as SymbolsNotFound;
    expect(err).toBeInstanceOf(SymbolsNotFound);
    expect(err.symbols).toEqual(['m1', 'm2']);
    const ok = es.lookupSync(
      [[jd, ALL]],
      [
        ['a', SymbolLookupFlags.RequiredSymbol],
        ['zz', SymbolLookupFlags.WeaklyReferencedSymbol],
      ],
    );
    expect([...ok.keys()]).toEqual(['a']);
  });

  it('MatchExportedSymbolsOnly hides non-exported definitions and continues in the next JITDylib', () => {
    const es = new ExecutionSession();
    const a = es.createJITDylib('A');
    const b = es.createJITDylib('B');
    a.define(absoluteSymbols({ s: { address: 1, flags: 0 } }));
    b.define(absoluteSymbols({ s: { address: 2, flags: E } }));
    expect(
      es.lookupSymbol(
        [
          [a, EXP],
          [b, EXP],
        ],
        's',
      ).address,
    ).toBe(2);
    expect(
      es.lookupSymbol(
        [
          [a, ALL],
          [b, EXP],
        ],
        's',
      ).address,
    ).toBe(1);
  });

  it('link order: first JITDylib with a definition wins', () => {
    const es = new ExecutionSession();
    const main = es.createJITDylib('main');
    const platform = es.createJITDylib('Platform');
    const proc = es.createJITDylib('Process');
    main.setLinkOrder([platform, proc]);
    expect(main.getLinkOrder().map(([j, f]) => [j.name, f])).toEqual([
      ['main', ALL],
      ['Platform', EXP],
      ['Process', EXP],
    ]);
    platform.define(absoluteSymbols({ f: { address: 10, flags: E } }));
    proc.define(absoluteSymbols({ f: { address: 20, flags: E }, g: { address: 30, flags: E } }));
    const r = es.lookupSync(main.getLinkOrder(), ['f', 'g']);
    expect(r.get('f')?.address).toBe(10);
    expect(r.get('g')?.address).toBe(30);
    main.removeFromLinkOrder(platform);
    expect(es.lookupSymbol(main.getLinkOrder(), 'f').address).toBe(20);
    main.addToLinkOrder(platform, ALL);
    main.replaceInLinkOrder(proc, platform);
    expect(main.getLinkOrder().map(([j]) => j.name)).toEqual(['main', 'Platform', 'Platform']);
    main.setLinkOrder([proc], false);
    expect(main.getLinkOrder().map(([j]) => j.name)).toEqual(['Process']);
  });

  it('required states: Resolved completes before Emitted/Ready', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    let held: MaterializationResponsibility | undefined;
    jd.define(
      unit(
        'a.o',
        { a: E },
        {
          onMat: (mr) => {
            held = mr;
          },
        },
      ),
    );
    const resolved = collect(es, jd, ['a'], SymbolState.Resolved);
    const ready = collect(es, jd, ['a'], SymbolState.Ready);
    expect(jd.getSymbol('a')?.state).toBe(SymbolState.Materializing);
    held?.notifyResolved({ a: 0x42 });
    expect(resolved).toHaveLength(1);
    expect(ready).toHaveLength(0);
    expect(jd.getSymbol('a')?.state).toBe(SymbolState.Resolved);
    held?.notifyEmitted();
    expect(ready).toHaveLength(1);
    expect(ready[0]?.ok && ready[0].value.get('a')?.address).toBe(0x42);
  });

  it('side-effects-only symbols: required reference is not found, weak reference waits for emission', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const S = JITSymbolFlags.MaterializationSideEffectsOnly;
    jd.define(unit('init.o', { init: S, x: E }));
    expect(() => es.lookupSync([[jd, ALL]], ['init'])).toThrow(SymbolsNotFound);
    const r = es.lookupSync([[jd, ALL]], [['init', SymbolLookupFlags.WeaklyReferencedSymbol]]);
    expect(r.size).toBe(0);
    expect(jd.getSymbol('init')?.state).toBe(SymbolState.Ready);
  });

  it('a unit materializes once for concurrent lookups', () => {
    const es = new ExecutionSession({ autoRun: false });
    const jd = es.createJITDylib('main');
    const log: string[] = [];
    jd.define(unit('a.o', { a: E, b: E }, { log }));
    const r1 = collect(es, jd, ['a']);
    const r2 = collect(es, jd, ['b']);
    const r3 = collect(es, jd, ['a', 'b']);
    expect(log).toEqual([]);
    es.runTasks();
    expect(log).toEqual(['a.o']);
    expect([r1, r2, r3].map((r) => r.length)).toEqual([1, 1, 1]);
  });

  it('definition generators run in order on candidates, and may suspend a lookup', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const seen: string[][] = [];
    let resume: (() => void) | undefined;
    jd.addGenerator({
      tryToGenerate(ls, _k, j, _f, set) {
        seen.push(set.names());
        if (set.has('late')) {
          ls.takeOwnership();
          resume = () => {
            j.define(absoluteSymbols({ late: { address: 77, flags: E } }));
            ls.continueLookup();
          };
          return undefined;
        }
        j.define(absoluteSymbols({ gen: { address: 5, flags: E } }));
        return undefined;
      },
    });
    expect(es.lookupSymbol([[jd, ALL]], 'gen').address).toBe(5);
    const r = collect(es, jd, ['late']);
    expect(r).toHaveLength(0);
    resume?.();
    expect(r[0]?.ok && r[0].value.get('late')?.address).toBe(77);
    expect(seen).toEqual([['gen'], ['late']]);
  });

  it('a busy generator queues later lookups', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const calls: string[] = [];
    const pending: (() => void)[] = [];
    jd.addGenerator({
      tryToGenerate(ls, _k, j, _f, set) {
        calls.push(set.names().join(','));
        ls.takeOwnership();
        pending.push(() => {
          for (const n of set.names())
            if (!j.getSymbol(n)) j.define(absoluteSymbols({ [n]: { address: 1, flags: E } }));
          ls.continueLookup();
        });
        return undefined;
      },
    });
    const r1 = collect(es, jd, ['p']);
    const r2 = collect(es, jd, ['q']);
    expect(calls).toEqual(['p']);
    pending.shift()?.();
    expect(r1).toHaveLength(1);
    expect(calls).toEqual(['p', 'q']);
    pending.shift()?.();
    expect(r2).toHaveLength(1);
  });
});

describe('materialization responsibility', () => {
  it('failMaterialization → FailedToMaterialize naming the symbols, carrying the cause', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(unit('bad.o', { f: E, g: E }, { fail: true }));
    const r = collect(es, jd, ['f']);
    expect(r[0]?.ok).toBe(false);
    const err = (r[0] as unknown as { error: FailedToMaterialize }).error;
    expect(err).toBeInstanceOf(FailedToMaterialize);
    expect(err.symbols.get('main')?.sort()).toEqual(['f', 'g']);
    expect(err.message).toContain('bad.o failed on purpose');
    expect(jd.getSymbol('g')?.hasError).toBe(true);
    // later lookups fail at once
    expect(() => es.lookupSync([[jd, ALL]], ['g'])).toThrow(FailedToMaterialize);
  });

  it('failure propagates to symbols whose emission depended on it', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    let bad: MaterializationResponsibility | undefined;
    jd.define(
      unit(
        'dep.o',
        { d: E },
        {
          onMat: (mr) => {
            bad = mr;
          },
        },
      ),
    );
    jd.define(
      unit(
        'user.o',
        { u: E },
        {
          onMat: (mr) => {
            mr.notifyResolved({ u: 0x10 });
            es.lookup('Static', [[jd, ALL]], ['d'], SymbolState.Resolved, () => {});
            mr.notifyEmitted([{ symbols: ['u'], dependencies: new Map([[jd, ['d']]]) }]);
          },
        },
      ),
    );
    const r = collect(es, jd, ['u']);
    expect(jd.getSymbol('u')?.state).toBe(SymbolState.Emitted);
    expect(r).toHaveLength(0);
    bad?.failMaterialization();
    expect(r[0]?.ok).toBe(false);
    const err = (r[0] as unknown as { error: FailedToMaterialize }).error;
    expect(err.allSymbols().sort()).toEqual(['d', 'u']);
    expect(jd.getSymbol('u')?.hasError).toBe(true);
  });

  it('emitting with a dependency on a failed symbol → UnsatisfiedSymbolDependencies', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(unit('bad.o', { d: E }, { fail: true }));
    collect(es, jd, ['d']);
    let caught: unknown;
    jd.define(
      unit(
        'user.o',
        { u: E },
        {
          onMat: (mr) => {
            mr.notifyResolved({ u: 1 });
            try {
              mr.notifyEmitted([{ symbols: ['u'], dependencies: new Map([[jd, ['d']]]) }]);
            } catch (e) {
              caught = e;
              mr.failMaterialization(e as Error);
            }
          },
        },
      ),
    );
    const r = collect(es, jd, ['u']);
    expect(caught).toBeInstanceOf(UnsatisfiedSymbolDependencies);
    expect((r[0] as { error: Error }).error).toBeInstanceOf(FailedToMaterialize);
  });

  it('failures carry the root cause through a chain of dependencies (3 levels)', () => {
    // a.o: a → b.o: b → c.o: c, whose materializer fails. Each level emits only once its lookup of
    // the next level answered (at Resolved), as the object linking layer does.
    for (const cFailsFirst of [true, false]) {
      const es = new ExecutionSession();
      const jd = es.createJITDylib('main');
      const root = new Error('In c.o: Symbols not found: [ nowhere ]');
      const caught: Error[] = [];
      let failC = () => {};
      const level = (name: string, sym: string, next: string) =>
        unit(
          name,
          { [sym]: E },
          {
            onMat: (mr) => {
              mr.notifyResolved({ [sym]: 0x1000 });
              es.lookup('Static', [[jd, ALL]], [next], SymbolState.Resolved, (r) => {
                const emit = () => {
                  try {
                    mr.notifyEmitted([{ symbols: [sym], dependencies: new Map([[jd, [next]]]) }]);
                  } catch (e) {
                    caught.push(e as Error);
                    mr.failMaterialization(new Error(`In ${name}: ${(e as Error).message}`, { cause: e }));
                  }
                };
                if (!r.ok) mr.failMaterialization(r.error);
                else if (cFailsFirst) emit();
                else es.enqueueTask({ kind: 'callback', description: 'emit later', run: emit });
              });
            },
          },
        );
      jd.define(level('a.o', 'a', 'b'));
      jd.define(level('b.o', 'b', 'c'));
      jd.define(
        unit(
          'c.o',
          { c: E },
          {
            onMat: (mr) => {
              mr.notifyResolved({ c: 0x3000 });
              failC = () => mr.failMaterialization(root);
              if (cFailsFirst) failC();
            },
          },
        ),
      );
      const r = collect(es, jd, ['a']);
      if (!cFailsFirst) failC();
      es.runTasks();
      expect(r).toHaveLength(1);
      const err = (r[0] as { error: Error }).error;
      expect(err).toBeInstanceOf(FailedToMaterialize);
      expect((err as FailedToMaterialize).allSymbols()).toContain('a');
      expect(err.message).toContain('In c.o: Symbols not found: [ nowhere ]');
      expect(rootCausesOf(err)).toEqual([root]);
      for (const e of caught) {
        expect(e).toBeInstanceOf(UnsatisfiedSymbolDependencies);
        expect((e as UnsatisfiedSymbolDependencies).rootCauses).toEqual([root]);
        expect(e.message).toMatch(
          /dependencies failed to materialize or were removed \(root cause: In c\.o: Symbols not found: \[ nowhere \]\)$/,
        );
      }
      if (cFailsFirst) expect(caught.length).toBeGreaterThan(0); // b (at least) met a failed dependency
      // Looking a failed symbol up later still names the root cause.
      const again = collect(es, jd, ['b']);
      expect((again[0] as unknown as { error: FailedToMaterialize }).error.causes).toEqual([root]);
    }
  });

  it('dependency cycles across separate emissions become Ready together', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const mrs: MaterializationResponsibility[] = [];
    jd.define(unit('a.o', { a: E }, { onMat: (mr) => mrs.push(mr) }));
    jd.define(unit('b.o', { b: E }, { onMat: (mr) => mrs.push(mr) }));
    const r = collect(es, jd, ['a', 'b']);
    const [ma, mb] = mrs as [MaterializationResponsibility, MaterializationResponsibility];
    ma.notifyResolved({ a: 1 });
    mb.notifyResolved({ b: 2 });
    ma.notifyEmitted([{ symbols: ['a'], dependencies: new Map([[jd, ['b']]]) }]);
    expect(jd.getSymbol('a')?.state).toBe(SymbolState.Emitted);
    mb.notifyEmitted([{ symbols: ['b'], dependencies: new Map([[jd, ['a']]]) }]);
    expect(jd.getSymbol('a')?.state).toBe(SymbolState.Ready);
    expect(jd.getSymbol('b')?.state).toBe(SymbolState.Ready);
    expect(r).toHaveLength(1);
  });

  it('notifyEmitted before all symbols are resolved → MissingSymbolDefinitions; foreign names → Unexpected', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const errs: unknown[] = [];
    jd.define(
      unit(
        'm.o',
        { a: E, b: E },
        {
          onMat: (mr) => {
            try {
              mr.notifyResolved({ zz: 1 });
            } catch (e) {
              errs.push(e);
            }
            mr.notifyResolved({ a: 1 });
            try {
              mr.notifyEmitted();
            } catch (e) {
              errs.push(e);
            }
            mr.failMaterialization();
          },
        },
      ),
    );
    collect(es, jd, ['a']);
    expect(errs[0]).toBeInstanceOf(UnexpectedSymbolDefinitions);
    expect((errs[0] as UnexpectedSymbolDefinitions).symbols).toEqual(['zz']);
    expect(errs[1]).toBeInstanceOf(MissingSymbolDefinitions);
    expect((errs[1] as MissingSymbolDefinitions).symbols).toEqual(['b']);
  });

  it('getRequestedSymbols + replace hands back unrequested symbols; delegate splits', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const log: string[] = [];
    jd.define(
      unit(
        'big',
        { a: E, b: E, c: E },
        {
          onMat: (mr) => {
            const req = mr.getRequestedSymbols();
            expect([...req]).toEqual(['a']);
            mr.replace(unit('rest', { b: E, c: E }, { log, base: 0x500 }));
            const sub = mr.delegate(['a']);
            expect([...mr.getSymbols().keys()]).toEqual([]);
            sub.notifyResolved({ a: 0x10 });
            sub.notifyEmitted();
          },
        },
      ),
    );
    expect(es.lookupSymbol([[jd, ALL]], 'a').address).toBe(0x10);
    expect(log).toEqual([]);
    expect(jd.getSymbol('b')?.state).toBe(SymbolState.NeverSearched);
    expect(es.lookupSymbol([[jd, ALL]], 'c').address).toBe(0x510);
    expect(log).toEqual(['rest']);
  });

  it('defineMaterializing: strong duplicate is an error, weak duplicate silently skipped', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(absoluteSymbols({ taken: { address: 1, flags: E } }));
    const out: unknown[] = [];
    jd.define(
      unit(
        'm.o',
        { a: E },
        {
          onMat: (mr) => {
            try {
              mr.defineMaterializing({ taken: E });
            } catch (e) {
              out.push(e);
            }
            mr.defineMaterializing({ taken: W, extra: E });
            out.push([...mr.getSymbols().keys()]);
            mr.notifyResolved({ a: 2, extra: 3 });
            mr.notifyEmitted();
          },
        },
      ),
    );
    es.lookupSync([[jd, ALL]], ['a']);
    expect(out[0]).toBeInstanceOf(DuplicateDefinition);
    expect(out[1]).toEqual(['a', 'extra']);
    expect(es.lookupSymbol([[jd, ALL]], 'extra').address).toBe(3);
  });

  it('a throwing materializer fails its symbols and is reported', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(
      unit(
        'boom.o',
        { a: E },
        {
          onMat: () => {
            throw new Error('kaboom');
          },
        },
      ),
    );
    expect(() => es.lookupSync([[jd, ALL]], ['a'])).toThrow(/kaboom/);
    expect(es.reportedErrors.map((e) => e.message)).toEqual(['kaboom']);
  });
});

describe('resource trackers', () => {
  it('remove() calls managers (reverse order), removes symbols, makes the tracker defunct', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const calls: string[] = [];
    es.registerResourceManager({
      handleRemoveResources: (_j, k) => {
        calls.push(`m1 remove ${k}`);
        return undefined;
      },
      handleTransferResources: () => {},
    });
    es.registerResourceManager({
      handleRemoveResources: (_j, k) => {
        calls.push(`m2 remove ${k}`);
        return undefined;
      },
      handleTransferResources: () => {},
    });
    const rt = jd.createResourceTracker();
    jd.define(unit('a.o', { a: E, b: E }), rt);
    jd.define(unit('c.o', { c: E }));
    es.lookupSync([[jd, ALL]], ['a']);
    rt.remove();
    expect(calls).toEqual([`m2 remove ${rt.key}`, `m1 remove ${rt.key}`]);
    expect(jd.symbolNames()).toEqual(['c']);
    expect(() => jd.define(unit('x.o', { x: E }), rt)).toThrow(ResourceTrackerDefunct);
    expect(() => es.lookupSync([[jd, ALL]], ['a'])).toThrow(SymbolsNotFound);
  });

  it('removing a tracker fails pending queries and defuncts its MRs', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const rt = jd.createResourceTracker();
    let held: MaterializationResponsibility | undefined;
    jd.define(
      unit(
        'a.o',
        { a: E },
        {
          onMat: (mr) => {
            held = mr;
          },
        },
      ),
      rt,
    );
    const r = collect(es, jd, ['a']);
    rt.remove();
    expect((r[0] as { error: Error }).error).toBeInstanceOf(FailedToMaterialize);
    expect(() => held?.notifyResolved({ a: 1 })).toThrow(ResourceTrackerDefunct);
    expect(() => held?.withResourceKeyDo(() => 0)).toThrow(ResourceTrackerDefunct);
    held?.failMaterialization(); // harmless
  });

  it('transferTo moves symbols and MRs; the source becomes defunct', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const moved: [number, number][] = [];
    es.registerResourceManager({
      handleRemoveResources: () => undefined,
      handleTransferResources: (_j, d, s) => void moved.push([d, s]),
    });
    const src = jd.createResourceTracker();
    const dst = jd.createResourceTracker();
    let held: MaterializationResponsibility | undefined;
    jd.define(
      unit(
        'a.o',
        { a: E },
        {
          onMat: (mr) => {
            held = mr;
          },
        },
      ),
      src,
    );
    jd.define(unit('b.o', { b: E }), src);
    collect(es, jd, ['a']);
    src.transferTo(dst);
    expect(moved).toEqual([[dst.key, src.key]]);
    expect(src.isDefunct()).toBe(true);
    expect(held?.getResourceTracker()).toBe(dst);
    held?.notifyResolved({ a: 1 });
    held?.notifyEmitted();
    dst.remove();
    expect(jd.symbolNames()).toEqual([]);
  });

  it('removing the default tracker installs a new default', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    const d0 = jd.getDefaultResourceTracker();
    jd.define(unit('a.o', { a: E }));
    d0.remove();
    expect(jd.getDefaultResourceTracker()).not.toBe(d0);
    jd.define(unit('a2.o', { a: E }));
    expect(jd.symbolNames()).toEqual(['a']);
  });
});

describe('aliases and reexports', () => {
  it('symbolAliases resolve to the aliasee address with the alias flags; chains work', () => {
    const es = new ExecutionSession();
    const jd = es.createJITDylib('main');
    jd.define(absoluteSymbols({ body: { address: 0x4000, flags: EC } }));
    jd.define(
      symbolAliases({
        a1: { aliasee: 'body', flags: E },
        a2: { aliasee: 'a1', flags: EC },
      }),
    );
    const r = es.lookupSync([[jd, ALL]], ['a2', 'a1']);
    expect(r.get('a2')).toEqual({ address: 0x4000, flags: EC });
    expect(r.get('a1')).toEqual({ address: 0x4000, flags: E });
  });

  it('reexports materialize only requested aliases and become Ready with the aliasee', () => {
    const es = new ExecutionSession();
    const src = es.createJITDylib('src');
    const tgt = es.createJITDylib('tgt');
    let held: MaterializationResponsibility | undefined;
    src.define(
      unit(
        'f.o',
        { f: E },
        {
          onMat: (mr) => {
            held = mr;
          },
        },
      ),
    );
    src.define(absoluteSymbols({ g: { address: 2, flags: E } }));
    tgt.define(
      reexports(src, {
        rf: { aliasee: 'f', flags: E },
        rg: { aliasee: 'g', flags: E },
      }),
    );
    const r = collect(es, tgt, ['rf']);
    held?.notifyResolved({ f: 0x99 });
    expect(tgt.getSymbol('rf')?.state).toBe(SymbolState.Emitted);
    expect(tgt.getSymbol('rg')?.state).toBe(SymbolState.NeverSearched);
    expect(r).toHaveLength(0);
    held?.notifyEmitted();
    expect(r[0]?.ok && r[0].value.get('rf')?.address).toBe(0x99);
  });

  it('ReexportsGenerator defines reexports on demand', () => {
    const es = new ExecutionSession();
    const src = es.createJITDylib('src');
    const tgt = es.createJITDylib('tgt');
    src.define(absoluteSymbols({ puts: { address: 0x70, flags: EC }, hidden: { address: 1, flags: 0 } }));
    tgt.addGenerator(new ReexportsGenerator(src));
    expect(es.lookupSymbol([[tgt, ALL]], 'puts')).toEqual({ address: 0x70, flags: EC });
    expect(() => es.lookupSync([[tgt, ALL]], ['hidden'])).toThrow(SymbolsNotFound);
  });
});

describe('determinism', () => {
  it('the same seed gives the same materialization order; FIFO without a seed', () => {
    const order = (seed: number | undefined) => {
      const es = new ExecutionSession({ seed, autoRun: false });
      const jd = es.createJITDylib('main');
      for (let i = 0; i < 8; i++) jd.define(unit(`u${i}.o`, { [`s${i}`]: E }));
      es.lookup('Static', [[jd, ALL]], ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'], SymbolState.Ready, () => {});
      es.runTasks();
      return es.materializationLog.join(' ');
    };
    expect(order(undefined)).toBe('u0.o u1.o u2.o u3.o u4.o u5.o u6.o u7.o');
    expect(order(7)).toBe(order(7));
    const perms = new Set([1, 2, 3, 4, 5].map(order));
    expect(perms.size).toBeGreaterThan(1);
  });
});
