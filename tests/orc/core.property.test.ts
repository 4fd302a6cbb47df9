/**
 * Properties over random graphs of materialization units: random dependencies, random failures,
 * random lookup orders, random task orders (dispatcher seed) and random completion orders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExecutionSession,
  type Expected,
  FailedToMaterialize,
  type JITDylib,
  JITDylibLookupFlags,
  JITSymbolFlags,
  type ResourceTracker,
  ResourceTrackerDefunct,
  SimpleMaterializationUnit,
  type SymbolMap,
  SymbolState,
  SymbolsNotFound,
  UnsatisfiedSymbolDependencies,
} from '../../src/orc/core/index.ts';

const E = JITSymbolFlags.Exported;
const ALL = JITDylibLookupFlags.MatchAllSymbols;

interface UnitSpec {
  nsyms: number;
  fail: boolean;
  deps: number[]; // indices of symbols (global numbering)
  tracker: number;
}

interface Scenario {
  units: UnitSpec[];
  lookups: { syms: number[]; missing: number; state: 'Resolved' | 'Ready' }[];
  actions: number[];
  seed: number;
  removals: number[]; // tracker indices removed at action points (only in the removal property)
}

const scenarioArb = (withRemovals: boolean) =>
  fc
    .integer({ min: 1, max: 8 })
    .chain((nunits) =>
      fc.record({
        units: fc.array(
          fc.record({
            nsyms: fc.integer({ min: 1, max: 3 }),
            fail: fc.boolean(),
            deps: fc.array(fc.nat({ max: 3 * nunits - 1 }), { maxLength: 3 }),
            tracker: fc.nat({ max: 2 }),
          }),
          { minLength: nunits, maxLength: nunits },
        ),
        lookups: fc.array(
          fc.record({
            syms: fc.array(fc.nat({ max: 3 * nunits - 1 }), { minLength: 1, maxLength: 4 }),
            missing: fc.nat({ max: 2 }),
            state: fc.constantFrom('Resolved' as const, 'Ready' as const),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        actions: fc.array(fc.nat({ max: 99 }), { maxLength: 60 }),
        seed: fc.integer(),
        removals: withRemovals ? fc.array(fc.nat({ max: 2 }), { maxLength: 2 }) : fc.constant([]),
      }),
    )
    .map((s) => {
      // failure probability ~ 1/4
      s.units.forEach((u, i) => {
        u.fail = u.fail && (i + s.seed) % 2 === 0;
      });
      return s as Scenario;
    });

function run(sc: Scenario) {
  const es = new ExecutionSession({ seed: sc.seed, autoRun: false });
  const jd: JITDylib = es.createJITDylib('main');
  const trackers: ResourceTracker[] = [
    jd.createResourceTracker(),
    jd.createResourceTracker(),
    jd.createResourceTracker(),
  ];
  // Symbol numbering: unit i owns s{3i}..s{3i+nsyms-1}.
  const owner = new Map<string, number>();
  const symName = (k: number) => `s${k}`;
  const valid = new Set<string>();
  sc.units.forEach((u, i) => {
    for (let j = 0; j < u.nsyms; j++) {
      owner.set(symName(3 * i + j), i);
      valid.add(symName(3 * i + j));
    }
  });
  const depNames = (u: UnitSpec) => [...new Set(u.deps.map(symName).filter((n) => valid.has(n)))];
  const addrOf = (name: string) => 0x10000 + 16 * Number(name.slice(1));
  const matCount = new Map<number, number>();
  const held: (() => void)[] = [];

  sc.units.forEach((u, i) => {
    const syms: Record<string, number> = {};
    for (let j = 0; j < u.nsyms; j++) syms[symName(3 * i + j)] = E;
    jd.define(
      new SimpleMaterializationUnit(`u${i}`, syms, (mr) => {
        matCount.set(i, (matCount.get(i) ?? 0) + 1);
        if (u.fail) {
          held.push(() => mr.failMaterialization(new Error(`u${i} fails`)));
          return;
        }
        const m: SymbolMap = new Map();
        for (const n of mr.getSymbols().keys()) m.set(n, { address: addrOf(n), flags: E });
        try {
          mr.notifyResolved(m);
        } catch (e) {
          if (e instanceof ResourceTrackerDefunct) return;
          throw e;
        }
        const deps = depNames(u);
        es.lookup('Static', [[jd, ALL]], deps, SymbolState.Resolved, (r) => {
          held.push(() => {
            if (!r.ok) return mr.failMaterialization(r.error);
            try {
              mr.notifyEmitted([{ symbols: mr.getSymbols().keys(), dependencies: new Map([[jd, deps]]) }]);
            } catch (e) {
              if (e instanceof ResourceTrackerDefunct) return;
              if (!(e instanceof UnsatisfiedSymbolDependencies)) throw e;
              mr.failMaterialization(e);
            }
          });
        });
      }),
      trackers[u.tracker],
    );
  });

  // Expected failures: closure over dependencies.
  const failedUnits = new Set<number>();
  sc.units.forEach((u, i) => {
    if (u.fail) failedUnits.add(i);
  });
  for (let changed = true; changed; ) {
    changed = false;
    sc.units.forEach((u, i) => {
      if (failedUnits.has(i)) return;
      if (depNames(u).some((d) => failedUnits.has(owner.get(d) as number))) {
        failedUnits.add(i);
        changed = true;
      }
    });
  }

  const results: { req: string[]; missing: string[]; state: string; got: Expected<SymbolMap>[] }[] = [];
  let nextLookup = 0;
  const issue = () => {
    const l = sc.lookups[nextLookup++];
    if (!l) return;
    const req = [...new Set(l.syms.map(symName).filter((n) => valid.has(n)))];
    const missing = Array.from({ length: l.missing }, (_, k) => `missing${k}`);
    const entry = { req, missing, state: l.state, got: [] as Expected<SymbolMap>[] };
    results.push(entry);
    es.lookup(
      'Static',
      [[jd, ALL]],
      [...req, ...missing],
      l.state === 'Ready' ? SymbolState.Ready : SymbolState.Resolved,
      (r) => entry.got.push(r),
    );
  };
  const removed = new Set<number>();
  let removalIdx = 0;
  for (const a of sc.actions) {
    if (a < 30) issue();
    else if (a < 60) es.dispatcher.runOne();
    else if (a < 95) {
      const h = held.splice(a % Math.max(1, held.length), 1)[0];
      h?.();
    } else if (removalIdx < sc.removals.length) {
      const t = sc.removals[removalIdx++] as number;
      if (!removed.has(t)) {
        removed.add(t);
        (trackers[t] as ResourceTracker).remove();
      }
    }
  }
  while (nextLookup < sc.lookups.length) issue();
  for (let guard = 0; guard < 10000; guard++) {
    if (es.dispatcher.runOne()) continue;
    const h = held.shift();
    if (!h) break;
    h();
  }
  return { es, jd, trackers, results, matCount, failedUnits, owner, addrOf, removed };
}

describe('ORC core properties', () => {
  it('every lookup completes exactly once with all addresses or a precise error; no unit runs twice', () => {
    fc.assert(
      fc.property(scenarioArb(false), (sc) => {
        const { results, matCount, failedUnits, owner, addrOf } = run(sc);
        for (const c of matCount.values()) expect(c).toBe(1);
        for (const r of results) {
          expect(r.got).toHaveLength(1);
          const got = r.got[0] as Expected<SymbolMap>;
          // A Resolved-state lookup may succeed before a dependency failure reaches the symbol; only
          // units that fail outright (never resolve) must fail it.
          const reqFailed = r.req.filter((n) => {
            const u = owner.get(n) as number;
            return r.state === 'Ready' ? failedUnits.has(u) : (sc.units[u] as UnitSpec).fail;
          });
          if (got.ok) {
            expect(r.missing).toEqual([]);
            expect(reqFailed).toEqual([]);
            expect([...got.value.keys()].sort()).toEqual([...r.req].sort());
            for (const [n, d] of got.value) expect(d.address).toBe(addrOf(n));
          } else if (got.error instanceof SymbolsNotFound) {
            expect(got.error.symbols).toEqual(r.missing);
          } else {
            expect(got.error).toBeInstanceOf(FailedToMaterialize);
            const named = (got.error as FailedToMaterialize).allSymbols();
            // every named symbol really failed, and at least one requested symbol is among them
            for (const n of named) expect(failedUnits.has(owner.get(n) as number)).toBe(true);
            expect(named.some((n) => r.req.includes(n))).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('with tracker removals: lookups still complete exactly once; removed trackers leave no symbol behind', () => {
    fc.assert(
      fc.property(scenarioArb(true), (sc) => {
        const { jd, trackers, results, matCount, addrOf, removed, es } = run(sc);
        for (const c of matCount.values()) expect(c).toBe(1);
        for (const r of results) {
          expect(r.got).toHaveLength(1);
          const got = r.got[0] as Expected<SymbolMap>;
          if (got.ok) for (const [n, d] of got.value) expect(d.address).toBe(addrOf(n));
        }
        for (const t of removed) expect(jd.symbolsOfTracker(trackers[t] as ResourceTracker)).toEqual([]);
        // remove everything: nothing is left
        for (const [i, t] of trackers.entries()) if (!removed.has(i)) t.remove();
        jd.getDefaultResourceTracker().remove();
        es.runTasks();
        expect(jd.symbolNames()).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
