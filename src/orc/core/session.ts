/**
 * ORC core: ExecutionSession, JITDylib, ResourceTracker, MaterializationResponsibility, lookups.
 *
 * Single-threaded and deterministic. Work that LLVM would hand to a TaskDispatcher (running a
 * materialization unit, completing a query, resuming a suspended lookup) is queued on the session's
 * TaskDispatcher and run by `runTasks()` — automatically at the end of every public entry point
 * unless the session was created with `autoRun: false` (then the caller drives the queue).
 *
 * Symbol lifecycle: NeverSearched (an MU is attached) → Materializing (its MR runs) → Resolved
 * (address known) → Emitted (in memory, waiting for dependencies) → Ready. Failure is a flag.
 *
 * Emission dependencies: an Emitted symbol keeps `waitingOn`, the set of *not yet emitted* symbols
 * it transitively depends on (dependencies on already-emitted symbols are replaced by their own
 * `waitingOn`, so cycles through emitted symbols resolve). When that set is empty the symbol is
 * Ready. When a symbol fails, every symbol waiting on it fails with it.
 */
import type { JITDispatchHandler, WrapperFunctionResult } from '../../protocol/wrapper.ts';
import { type Task, TaskDispatcher } from './dispatcher.ts';
import {
  DuplicateDefinition,
  distinctErrors,
  FailedToMaterialize,
  joinErrors,
  MissingSymbolDefinitions,
  OrcError,
  OrcUsageError,
  ResourceTrackerDefunct,
  rootCausesOf,
  type SymbolDependenceNames,
  SymbolsNotFound,
  UnexpectedSymbolDefinitions,
  UnsatisfiedSymbolDependencies,
} from './errors.ts';
import type { MaterializationUnit } from './materialization-unit.ts';
import {
  type ExecutorAddr,
  type ExecutorSymbolDef,
  type Expected,
  fail,
  hexAddr,
  isExported,
  isSideEffectsOnly,
  isWeak,
  JITDylibLookupFlags,
  type LookupKind,
  ok,
  type SymbolFlags,
  type SymbolFlagsMap,
  SymbolLookupFlags,
  SymbolLookupSet,
  type SymbolMap,
  SymbolState,
} from './types.ts';

export type SearchOrder = Array<readonly [JITDylib, JITDylibLookupFlags]>;
export type SearchOrderInput = Iterable<JITDylib | readonly [JITDylib, JITDylibLookupFlags]>;

/** Builds a search order from JITDylibs, all with the same match flags. */
export function makeJITDylibSearchOrder(
  jds: Iterable<JITDylib>,
  flags: JITDylibLookupFlags = JITDylibLookupFlags.MatchExportedSymbolsOnly,
): SearchOrder {
  return [...jds].map((jd) => [jd, flags] as const);
}

function normalizeOrder(order: SearchOrderInput, fallback: JITDylibLookupFlags): SearchOrder {
  return [...order].map((e) => (e instanceof JITDylib ? ([e, fallback] as const) : ([e[0], e[1]] as const)));
}

/** Dependencies of a group of symbols on other symbols (JITDylib → names). */
export interface SymbolDependenceGroup {
  symbols: Iterable<string>;
  dependencies: Map<JITDylib, Iterable<string>>;
}

/** Receives resource removal/transfer events for trackers (e.g. the ObjectLinkingLayer frees memory). */
export interface ResourceManager {
  handleRemoveResources(jd: JITDylib, key: number): Error | undefined;
  handleTransferResources(jd: JITDylib, dstKey: number, srcKey: number): void;
}

export type LookupCallback = (result: Expected<SymbolMap>) => void;
export type RegisterDependenciesFn = (deps: Map<JITDylib, Set<string>>) => void;

/** A definition generator: may define symbols in `jd` for lookups that found nothing there. */
export interface DefinitionGenerator {
  /**
   * `set` holds the names not (visibly) defined in `jd`. Define what you can (synchronously), or call
   * `ls.takeOwnership()` and later `ls.continueLookup(error?)`. Returning/throwing an error fails the lookup.
   */
  tryToGenerate(
    ls: LookupState,
    kind: LookupKind,
    jd: JITDylib,
    jdLookupFlags: JITDylibLookupFlags,
    set: SymbolLookupSet,
  ): Error | undefined;
}

// ---- internal records ----------------------------------------------------------------------------

interface UnmaterializedInfo {
  mu: MaterializationUnit;
  tracker: ResourceTracker;
}

/** One symbol-table entry. Exposed read-only through JITDylib.getSymbol(). */
/**
 * The empty list every SymbolEntry starts with (frozen: replaced, never filled): a session defines
 * hundreds of symbols it never looks up (a runtime's outline atomics), and two arrays and a set per
 * entry were 5% of a fuzz-lazy campaign's allocation.
 */
const NONE: readonly never[] = Object.freeze([]);

/** Notes that `waiter` waits for `e` (its set made at the first). */
function addDependant(e: SymbolEntry, waiter: SymbolEntry): void {
  if (e.dependants === null) e.dependants = new Set();
  e.dependants.add(waiter);
}

class SymbolEntry {
  address: ExecutorAddr = 0;
  state: SymbolState = SymbolState.NeverSearched;
  hasError = false;
  /** Set with hasError: the root causes of the failure (see rootCausesOf), travelling to dependants. */
  failure: readonly Error[] = NONE;
  removed = false;
  resolved = false;
  unmaterialized: UnmaterializedInfo | null = null;
  mr: MaterializationResponsibility | null = null;
  pending: readonly AsynchronousSymbolQuery[] = NONE;
  /** Set while Emitted and not Ready: the not-yet-emitted symbols this one waits for. */
  waitingOn: Set<SymbolEntry> | null = null;
  /** Emitted symbols waiting for this one (null: none yet). */
  dependants: Set<SymbolEntry> | null = null;
  /**
   * Symbols emitted with this one that wait for exactly the same symbols: they share its
   * `waitingOn` set, are not registered as dependants themselves, and become Ready with it.
   */
  followers: SymbolEntry[] | null = null;

  constructor(
    readonly jd: JITDylib,
    readonly name: string,
    public flags: SymbolFlags,
    public definer: string,
    public tracker: ResourceTracker,
  ) {}
}

export interface SymbolInfo {
  name: string;
  flags: SymbolFlags;
  address: ExecutorAddr;
  state: SymbolState;
  hasError: boolean;
  definer: string;
  trackerKey: number;
}

class AsynchronousSymbolQuery {
  readonly result: SymbolMap = new Map();
  readonly deps = new Map<JITDylib, Set<string>>();
  outstanding = 0;
  done = false;
  readonly waitingOn = new Set<SymbolEntry>();

  constructor(
    readonly es: ExecutionSession,
    readonly requiredState: SymbolState,
    private readonly onComplete: LookupCallback,
    private readonly registerDeps: RegisterDependenciesFn | undefined,
  ) {}

  met(e: SymbolEntry): void {
    if (this.done) return;
    if (!isSideEffectsOnly(e.flags)) this.result.set(e.name, { address: e.address, flags: e.flags });
    let s = this.deps.get(e.jd);
    if (!s) {
      s = new Set();
      this.deps.set(e.jd, s);
    }
    s.add(e.name);
    this.waitingOn.delete(e);
    this.outstanding--;
    if (this.outstanding === 0) this.complete();
  }

  complete(): void {
    if (this.done) return;
    this.done = true;
    const result = this.result;
    this.es.enqueueTask({
      kind: 'callback',
      description: 'lookup complete',
      run: () => {
        this.registerDeps?.(this.deps);
        this.onComplete(ok(result));
      },
    });
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    for (const e of this.waitingOn) e.pending = e.pending.filter((q) => q !== this);
    this.waitingOn.clear();
    this.es.enqueueTask({ kind: 'callback', description: 'lookup failed', run: () => this.onComplete(fail(error)) });
  }
}

function notifyQueries(e: SymbolEntry): void {
  if (e.pending.length === 0) return;
  const still: AsynchronousSymbolQuery[] = [];
  const met: AsynchronousSymbolQuery[] = [];
  for (const q of e.pending) {
    if (q.done) continue;
    if (q.requiredState <= e.state) met.push(q);
    else still.push(q);
  }
  e.pending = still;
  for (const q of met) q.met(e);
}

function addName(m: SymbolDependenceNames, jd: string, name: string): void {
  const l = m.get(jd);
  if (l) {
    if (!l.includes(name)) l.push(name);
  } else m.set(jd, [name]);
}

// ---- resource trackers ---------------------------------------------------------------------------

export class ResourceTracker {
  private defunct = false;
  constructor(
    readonly jd: JITDylib,
    readonly key: number,
  ) {}

  getJITDylib(): JITDylib {
    return this.jd;
  }
  isDefunct(): boolean {
    return this.defunct;
  }
  /** @internal */
  makeDefunct(): void {
    this.defunct = true;
  }

  /** Removes every symbol and resource tracked here; managers' errors are thrown joined. */
  remove(): void {
    this.jd.session.removeResourceTracker(this);
  }

  /** Moves this tracker's symbols and resources to `dst` (same JITDylib); this tracker becomes defunct. */
  transferTo(dst: ResourceTracker): void {
    this.jd.session.transferResourceTracker(dst, this);
  }

  /** Runs `fn(key)` unless defunct (then throws ResourceTrackerDefunct). */
  withResourceKeyDo<T>(fn: (key: number) => T): T {
    if (this.defunct) throw new ResourceTrackerDefunct(this.key);
    return fn(this.key);
  }
}

// ---- JITDylib ------------------------------------------------------------------------------------

export class JITDylib {
  /** @internal symbol table */
  readonly table = new Map<string, SymbolEntry>();
  private linkOrder: SearchOrder;
  readonly generators: DefinitionGenerator[] = [];
  private defaultTracker: ResourceTracker;
  /** @internal live MRs per tracker */
  readonly trackerMRs = new Map<ResourceTracker, Set<MaterializationResponsibility>>();

  constructor(
    readonly session: ExecutionSession,
    readonly name: string,
  ) {
    this.linkOrder = [[this, JITDylibLookupFlags.MatchAllSymbols]];
    this.defaultTracker = session.newTracker(this);
  }

  getName(): string {
    return this.name;
  }
  getExecutionSession(): ExecutionSession {
    return this.session;
  }

  getDefaultResourceTracker(): ResourceTracker {
    return this.defaultTracker;
  }
  createResourceTracker(): ResourceTracker {
    return this.session.newTracker(this);
  }
  /** @internal */
  replaceDefaultTracker(): void {
    this.defaultTracker = this.session.newTracker(this);
  }

  // -- link order --

  /** Sets the link order; with linkAgainstSelfFirst, (this, MatchAllSymbols) is put in front. */
  setLinkOrder(order: SearchOrderInput, linkAgainstSelfFirst = true): void {
    const o = normalizeOrder(order, JITDylibLookupFlags.MatchExportedSymbolsOnly);
    this.linkOrder = linkAgainstSelfFirst ? [[this, JITDylibLookupFlags.MatchAllSymbols], ...o] : o;
  }
  addToLinkOrder(jd: JITDylib, flags: JITDylibLookupFlags = JITDylibLookupFlags.MatchExportedSymbolsOnly): void {
    if (this.linkOrder.some(([j]) => j === jd)) return;
    this.linkOrder.push([jd, flags]);
  }
  addAllToLinkOrder(order: SearchOrderInput): void {
    for (const [jd, flags] of normalizeOrder(order, JITDylibLookupFlags.MatchExportedSymbolsOnly))
      this.addToLinkOrder(jd, flags);
  }
  replaceInLinkOrder(
    oldJD: JITDylib,
    newJD: JITDylib,
    flags: JITDylibLookupFlags = JITDylibLookupFlags.MatchExportedSymbolsOnly,
  ): void {
    this.linkOrder = this.linkOrder.map((e) => (e[0] === oldJD ? ([newJD, flags] as const) : e));
  }
  removeFromLinkOrder(jd: JITDylib): void {
    this.linkOrder = this.linkOrder.filter(([j]) => j !== jd);
  }
  getLinkOrder(): SearchOrder {
    return [...this.linkOrder];
  }
  withLinkOrderDo<T>(fn: (order: SearchOrder) => T): T {
    return fn(this.getLinkOrder());
  }

  // -- generators --

  addGenerator<G extends DefinitionGenerator>(g: G): G {
    this.generators.push(g);
    return g;
  }
  removeGenerator(g: DefinitionGenerator): void {
    const i = this.generators.indexOf(g);
    if (i >= 0) this.generators.splice(i, 1);
  }

  // -- introspection --

  getSymbol(name: string): SymbolInfo | undefined {
    const e = this.table.get(name);
    if (!e) return undefined;
    return {
      name,
      flags: e.flags,
      address: e.address,
      state: e.state,
      hasError: e.hasError,
      definer: e.definer,
      trackerKey: e.tracker.key,
    };
  }
  symbolNames(): string[] {
    return [...this.table.keys()];
  }
  /** Names tracked by `rt` (removal leaves none of them behind). */
  symbolsOfTracker(rt: ResourceTracker): string[] {
    return [...this.table.values()].filter((e) => e.tracker === rt).map((e) => e.name);
  }

  // -- definitions --

  /**
   * Adds `mu`'s symbols. Rules: new strong vs existing strong, or vs existing weak already
   * searched → DuplicateDefinition (nothing is added); new weak vs any existing → the new
   * definition is discarded (`mu.doDiscard`); new strong vs never-searched existing weak → the
   * existing one is overridden (its unit's `doDiscard`).
   */
  define(mu: MaterializationUnit, rt: ResourceTracker = this.defaultTracker): void {
    if (rt.isDefunct()) throw new ResourceTrackerDefunct(rt.key);
    if (rt.jd !== this) throw new OrcUsageError(`resource tracker ${rt.key} belongs to JITDylib '${rt.jd.name}'`);
    const overridden: SymbolEntry[] = [];
    const discardNew: string[] = [];
    for (const [name, flags] of mu.symbols) {
      const e = this.table.get(name);
      if (!e) continue;
      if (isWeak(flags)) {
        discardNew.push(name);
        continue;
      }
      if (isWeak(e.flags) && e.state === SymbolState.NeverSearched && e.unmaterialized !== null && !e.hasError) {
        overridden.push(e);
        continue;
      }
      throw new DuplicateDefinition(name, e.definer, mu.getName(), this.name);
    }
    for (const name of discardNew) mu.doDiscard(this, name);
    for (const e of overridden) {
      const ui = e.unmaterialized as UnmaterializedInfo;
      this.table.delete(e.name);
      e.removed = true;
      e.unmaterialized = null;
      ui.mu.doDiscard(this, e.name);
    }
    const ui: UnmaterializedInfo = { mu, tracker: rt };
    for (const [name, flags] of mu.symbols) {
      const e = new SymbolEntry(this, name, flags, mu.getName(), rt);
      e.unmaterialized = ui;
      this.table.set(name, e);
    }
  }

  /** @internal Detaches `ui` from its symbols and creates the MR that will materialize them. */
  takeUnmaterialized(ui: UnmaterializedInfo): MaterializationResponsibility {
    const syms: SymbolFlagsMap = new Map();
    const entries: SymbolEntry[] = [];
    for (const name of ui.mu.symbols.keys()) {
      const e = this.table.get(name);
      if (!e || e.unmaterialized !== ui) continue;
      e.unmaterialized = null;
      e.state = SymbolState.Materializing;
      syms.set(name, e.flags);
      entries.push(e);
    }
    const mr = new MaterializationResponsibility(this, ui.tracker, syms, ui.mu.initSymbol, ui.mu.getName());
    for (const e of entries) e.mr = mr;
    return mr;
  }

  /** @internal */
  trackMR(mr: MaterializationResponsibility): void {
    let s = this.trackerMRs.get(mr.tracker);
    if (!s) {
      s = new Set();
      this.trackerMRs.set(mr.tracker, s);
    }
    s.add(mr);
  }
  /** @internal */
  untrackMR(mr: MaterializationResponsibility): void {
    this.trackerMRs.get(mr.tracker)?.delete(mr);
  }
}

// ---- materialization responsibility --------------------------------------------------------------

export class MaterializationResponsibility {
  private readonly syms: SymbolFlagsMap;
  private finished = false;

  constructor(
    readonly jd: JITDylib,
    /** @internal updated by tracker transfers */
    public tracker: ResourceTracker,
    symbols: SymbolFlagsMap,
    private initSymbol: string | undefined,
    /** Who materializes (the unit's name), for error messages. */
    readonly definer: string,
  ) {
    this.syms = new Map(symbols);
    jd.trackMR(this);
  }

  getTargetJITDylib(): JITDylib {
    return this.jd;
  }
  getExecutionSession(): ExecutionSession {
    return this.jd.session;
  }
  getResourceTracker(): ResourceTracker {
    return this.tracker;
  }
  /** The symbols this MR is (still) responsible for. */
  getSymbols(): ReadonlyMap<string, SymbolFlags> {
    return this.syms;
  }
  getInitializerSymbol(): string | undefined {
    return this.initSymbol;
  }
  get isDone(): boolean {
    return this.finished;
  }

  /** Symbols of this MR that some pending query is waiting for. */
  getRequestedSymbols(): Set<string> {
    const r = new Set<string>();
    for (const name of this.syms.keys()) {
      const e = this.jd.table.get(name);
      if (e?.pending.some((q) => !q.done)) r.add(name);
    }
    return r;
  }

  private checkLive(op: string): void {
    if (this.finished) throw new OrcUsageError(`${op} on a finished MaterializationResponsibility (${this.definer})`);
    if (this.tracker.isDefunct()) throw new ResourceTrackerDefunct(this.tracker.key);
  }

  private entry(name: string): SymbolEntry {
    const e = this.jd.table.get(name);
    if (!e || e.mr !== this) throw new OrcUsageError(`symbol '${name}' is not owned by this MR (${this.definer})`);
    return e;
  }

  /** Runs `fn(key)` with the tracker's key; ResourceTrackerDefunct if the tracker was removed. */
  withResourceKeyDo<T>(fn: (key: number) => T): T {
    if (this.tracker.isDefunct()) throw new ResourceTrackerDefunct(this.tracker.key);
    return fn(this.tracker.key);
  }

  /**
   * Assigns addresses. Every name must be covered by this MR (else UnexpectedSymbolDefinitions);
   * may be called more than once for disjoint sets. Side-effects-only symbols take no address.
   */
  notifyResolved(symbols: SymbolMap | Record<string, ExecutorSymbolDef | ExecutorAddr>): void {
    this.checkLive('notifyResolved');
    const m: SymbolMap =
      symbols instanceof Map
        ? symbols
        : new Map(
            Object.entries(symbols).map(([k, v]) => [
              k,
              typeof v === 'number' ? { address: v, flags: this.syms.get(k) ?? 0 } : v,
            ]),
          );
    const unexpected = [...m.keys()].filter((n) => !this.syms.has(n) || isSideEffectsOnly(this.syms.get(n) ?? 0));
    if (unexpected.length > 0) throw new UnexpectedSymbolDefinitions(this.definer, unexpected);
    const entries = [...m].map(([n, def]) => [this.entry(n), def] as const);
    for (const [e] of entries)
      if (e.resolved) throw new OrcUsageError(`symbol '${e.name}' resolved twice (${this.definer})`);
    for (const [e, def] of entries) {
      e.address = def.address;
      e.resolved = true;
      if (e.state < SymbolState.Resolved) e.state = SymbolState.Resolved;
    }
    for (const [e] of entries) notifyQueries(e);
    this.jd.session.kick();
  }

  /**
   * Marks every symbol of this MR emitted. `groups` give emission dependencies; a symbol becomes
   * Ready when everything it (transitively) depends on is emitted. A dependency that has failed or
   * was removed → UnsatisfiedSymbolDependencies (nothing changes; the client should then call
   * failMaterialization).
   */
  notifyEmitted(groups: SymbolDependenceGroup[] = []): void {
    this.checkLive('notifyEmitted');
    const missing = [...this.syms].filter(([n, f]) => !isSideEffectsOnly(f) && !this.entry(n).resolved).map(([n]) => n);
    if (missing.length > 0) throw new MissingSymbolDefinitions(this.definer, missing);
    this.jd.session.emit(this, groups);
    this.finished = true;
    this.jd.untrackMR(this);
    this.jd.session.kick();
  }

  /** Fails every symbol of this MR (and all symbols waiting on them); `cause` travels in the error. */
  failMaterialization(cause?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.jd.untrackMR(this);
    if (this.tracker.isDefunct()) return;
    const entries = [...this.syms.keys()].map((n) => this.jd.table.get(n)).filter((e) => e?.mr === this);
    this.jd.session.failSymbols(entries as SymbolEntry[], cause ? [cause] : []);
    this.jd.session.kick();
  }

  /** Hands symbols back to the JITDylib under a new (not yet run) unit; run at once if requested. */
  replace(mu: MaterializationUnit): void {
    this.checkLive('replace');
    for (const n of mu.symbols.keys()) if (!this.syms.has(n)) throw new UnexpectedSymbolDefinitions(mu.getName(), [n]);
    const ui: UnmaterializedInfo = { mu, tracker: this.tracker };
    let mustRun = false;
    for (const n of mu.symbols.keys()) {
      const e = this.entry(n);
      this.syms.delete(n);
      e.mr = null;
      e.resolved = false;
      e.state = SymbolState.NeverSearched;
      e.unmaterialized = ui;
      e.definer = mu.getName();
      if (e.pending.some((q) => !q.done)) mustRun = true;
    }
    if (mu.initSymbol === this.initSymbol) this.initSymbol = undefined;
    if (mustRun) this.jd.session.dispatchMaterialization(mu, this.jd.takeUnmaterialized(ui));
    this.jd.session.kick();
  }

  /** Splits `names` off into a new MR (same JITDylib and tracker). */
  delegate(names: Iterable<string>): MaterializationResponsibility {
    this.checkLive('delegate');
    const list = [...names];
    for (const n of list) if (!this.syms.has(n)) throw new UnexpectedSymbolDefinitions(this.definer, [n]);
    const sub: SymbolFlagsMap = new Map();
    for (const n of list) {
      sub.set(n, this.syms.get(n) as SymbolFlags);
      this.syms.delete(n);
    }
    const init = this.initSymbol !== undefined && sub.has(this.initSymbol) ? this.initSymbol : undefined;
    if (init !== undefined) this.initSymbol = undefined;
    const mr = new MaterializationResponsibility(this.jd, this.tracker, sub, init, this.definer);
    for (const n of list) this.entry(n).mr = mr;
    return mr;
  }

  /**
   * Claims extra symbols discovered during materialization. An existing strong definition → DuplicateDefinition
   * (nothing added); a new weak definition that meets an existing one is silently not added.
   */
  defineMaterializing(flags: SymbolFlagsMap | Record<string, SymbolFlags>): void {
    this.checkLive('defineMaterializing');
    const m = flags instanceof Map ? flags : new Map(Object.entries(flags));
    const add: [string, SymbolFlags][] = [];
    for (const [name, f] of m) {
      const e = this.jd.table.get(name);
      if (e) {
        if (isWeak(f)) continue;
        throw new DuplicateDefinition(name, e.definer, this.definer, this.jd.name);
      }
      add.push([name, f]);
    }
    for (const [name, f] of add) {
      const e = new SymbolEntry(this.jd, name, f, this.definer, this.tracker);
      e.state = SymbolState.Materializing;
      e.mr = this;
      this.jd.table.set(name, e);
      this.syms.set(name, f);
    }
  }
}

// ---- lookup state machine --------------------------------------------------------------------------

interface GeneratorState {
  inUse: boolean;
  queue: LookupState[];
}

/** The state of one lookup during phase 1 (search + generators). Generators may suspend it. */
export class LookupState {
  private jdIndex = 0;
  private genIndex = -1;
  private hidden = new Set<string>();
  private readonly candidates: Map<string, SymbolLookupFlags>;
  private readonly found = new Map<string, SymbolEntry>();
  private active: DefinitionGenerator | null = null;
  private owned = false;
  private finished = false;

  constructor(
    private readonly es: ExecutionSession,
    readonly kind: LookupKind,
    private readonly order: SearchOrder,
    set: SymbolLookupSet,
    private readonly query: AsynchronousSymbolQuery,
  ) {
    this.candidates = new Map(set);
  }

  /** For a generator: keep the lookup suspended until `continueLookup` is called. */
  takeOwnership(): void {
    this.owned = true;
  }

  /** Resumes a suspended lookup (from a generator that took ownership). */
  continueLookup(error?: Error): void {
    if (!this.owned) throw new OrcUsageError('continueLookup on a lookup that was not suspended');
    this.owned = false;
    this.es.enqueueTask({
      kind: 'continuation',
      description: 'continue lookup',
      run: () => this.afterGenerator(error),
    });
    this.es.kick();
  }

  private releaseGenerator(): void {
    const g = this.active;
    this.active = null;
    if (!g) return;
    const st = this.es.generatorState(g);
    st.inUse = false;
    const next = st.queue.shift();
    if (next) this.es.enqueueTask({ kind: 'continuation', description: 'resume queued lookup', run: () => next.run() });
  }

  private failWith(error: Error): void {
    this.finished = true;
    this.releaseGenerator();
    this.query.fail(error);
  }

  private afterGenerator(error: Error | undefined): void {
    this.releaseGenerator();
    if (error) {
      this.failWith(error);
      return;
    }
    this.genIndex++;
    const [jd, flags] = this.order[this.jdIndex] as readonly [JITDylib, JITDylibLookupFlags];
    const err = this.match(jd, flags);
    if (err) {
      this.failWith(err);
      return;
    }
    this.run();
  }

  private match(jd: JITDylib, flags: JITDylibLookupFlags): Error | undefined {
    for (const [name, lf] of [...this.candidates]) {
      if (this.hidden.has(name)) continue;
      const e = jd.table.get(name);
      if (!e) continue;
      if (flags === JITDylibLookupFlags.MatchExportedSymbolsOnly && !isExported(e.flags)) {
        this.hidden.add(name);
        continue;
      }
      if (e.hasError) return new FailedToMaterialize(new Map([[jd.name, [name]]]), [...e.failure]);
      if (isSideEffectsOnly(e.flags) && lf === SymbolLookupFlags.RequiredSymbol) return new SymbolsNotFound([name]);
      this.found.set(name, e);
      this.candidates.delete(name);
    }
    return undefined;
  }

  /** Phase 1 driver; returns when finished, suspended, or queued behind a busy generator. */
  run(): void {
    if (this.finished || this.query.done) return;
    while (this.jdIndex < this.order.length) {
      const [jd, flags] = this.order[this.jdIndex] as readonly [JITDylib, JITDylibLookupFlags];
      if (this.genIndex < 0) {
        this.hidden = new Set();
        const err = this.match(jd, flags);
        if (err) {
          this.failWith(err);
          return;
        }
        this.genIndex = 0;
      }
      while (this.genIndex < jd.generators.length) {
        const open = [...this.candidates].filter(([n]) => !this.hidden.has(n));
        if (open.length === 0) break;
        const g = jd.generators[this.genIndex] as DefinitionGenerator;
        const st = this.es.generatorState(g);
        if (st.inUse) {
          st.queue.push(this);
          return;
        }
        st.inUse = true;
        this.active = g;
        let err: Error | undefined;
        try {
          err = g.tryToGenerate(this, this.kind, jd, flags, SymbolLookupSet.from(open)) ?? undefined;
        } catch (e) {
          err = e instanceof Error ? e : new Error(String(e));
        }
        if (this.owned && !err) return;
        this.owned = false;
        this.releaseGenerator();
        if (err) {
          this.failWith(err);
          return;
        }
        this.genIndex++;
        const merr = this.match(jd, flags);
        if (merr) {
          this.failWith(merr);
          return;
        }
      }
      this.jdIndex++;
      this.genIndex = -1;
    }
    const missing = [...this.candidates].filter(([, f]) => f === SymbolLookupFlags.RequiredSymbol).map(([n]) => n);
    if (missing.length > 0) {
      this.failWith(new SymbolsNotFound(missing));
      return;
    }
    this.finished = true;
    this.es.lookupPhase2(this.query, this.found);
  }
}

// ---- execution session ---------------------------------------------------------------------------

export interface ExecutionSessionOptions {
  /** Seed for the dispatcher's permutation of ready tasks (omit for FIFO). */
  seed?: number | undefined;
  /** Drain the task queue at the end of each public entry point (default true). */
  autoRun?: boolean;
  /** Record every task run (`session.dispatcher.trace`). */
  trace?: boolean;
  /** Where reportError goes (default: kept in `reportedErrors`). */
  reportError?: (e: Error) => void;
}

export class ExecutionSession {
  readonly dispatcher: TaskDispatcher;
  autoRun: boolean;
  readonly reportedErrors: Error[] = [];
  private readonly errorReporter: ((e: Error) => void) | undefined;
  private readonly jds = new Map<string, JITDylib>();
  private readonly resourceManagers: ResourceManager[] = [];
  private readonly genStates = new WeakMap<DefinitionGenerator, GeneratorState>();
  private nextKey = 1;
  /** JIT dispatch handlers keyed by the executor address of their tag symbol. */
  readonly jitDispatchHandlers = new Map<ExecutorAddr, JITDispatchHandler>();
  /** Materialization units dispatched so far, by name (tests, tracing). */
  readonly materializationLog: string[] = [];

  constructor(options: ExecutionSessionOptions = {}) {
    this.dispatcher = new TaskDispatcher({ seed: options.seed, trace: options.trace ?? false });
    this.autoRun = options.autoRun ?? true;
    this.errorReporter = options.reportError;
  }

  // -- JITDylibs --

  createBareJITDylib(name: string): JITDylib {
    if (this.jds.has(name)) throw new OrcError(`JITDylib '${name}' already exists`);
    const jd = new JITDylib(this, name);
    this.jds.set(name, jd);
    return jd;
  }
  /** Same as createBareJITDylib (no platform hooks yet). */
  createJITDylib(name: string): JITDylib {
    return this.createBareJITDylib(name);
  }
  getJITDylibByName(name: string): JITDylib | undefined {
    return this.jds.get(name);
  }
  getJITDylibs(): JITDylib[] {
    return [...this.jds.values()];
  }

  /** @internal */
  newTracker(jd: JITDylib): ResourceTracker {
    return new ResourceTracker(jd, this.nextKey++);
  }

  // -- errors, tasks --

  reportError(e: Error): void {
    this.reportedErrors.push(e);
    this.errorReporter?.(e);
  }

  enqueueTask(t: Task): void {
    this.dispatcher.enqueue(t);
  }
  /** Runs queued tasks until none is left. */
  runTasks(): void {
    this.dispatcher.runAll();
  }
  /** @internal drain if autoRun */
  kick(): void {
    if (this.autoRun) this.dispatcher.runAll();
  }

  /** @internal */
  generatorState(g: DefinitionGenerator): GeneratorState {
    let s = this.genStates.get(g);
    if (!s) {
      s = { inUse: false, queue: [] };
      this.genStates.set(g, s);
    }
    return s;
  }

  // -- resource managers --

  registerResourceManager(rm: ResourceManager): void {
    this.resourceManagers.push(rm);
  }
  deregisterResourceManager(rm: ResourceManager): void {
    const i = this.resourceManagers.lastIndexOf(rm);
    if (i >= 0) this.resourceManagers.splice(i, 1);
  }

  // -- lookups --

  /**
   * Asynchronous lookup. `onComplete` runs exactly once (as a dispatcher task) with all addresses
   * (weakly referenced symbols that were not found are absent) or an error. `registerDeps`, if
   * given, is called with the symbols found (JITDylib → names) just before a successful completion.
   */
  lookup(
    kind: LookupKind,
    searchOrder: SearchOrderInput,
    symbols: SymbolLookupSet | Iterable<string | readonly [string, SymbolLookupFlags]>,
    requiredState: SymbolState,
    onComplete: LookupCallback,
    registerDeps?: RegisterDependenciesFn,
  ): void {
    const order = normalizeOrder(searchOrder, JITDylibLookupFlags.MatchExportedSymbolsOnly);
    const set = SymbolLookupSet.from(symbols);
    const q = new AsynchronousSymbolQuery(this, requiredState, onComplete, registerDeps);
    new LookupState(this, kind, order, set, q).run();
    this.kick();
  }

  /** Promise form of lookup (the queue is drained first when autoRun is on). */
  lookupAsync(
    searchOrder: SearchOrderInput,
    symbols: SymbolLookupSet | Iterable<string | readonly [string, SymbolLookupFlags]>,
    requiredState: SymbolState = SymbolState.Ready,
    kind: LookupKind = 'Static',
  ): Promise<SymbolMap> {
    return new Promise((resolve, reject) => {
      this.lookup(kind, searchOrder, symbols, requiredState, (r) => (r.ok ? resolve(r.value) : reject(r.error)));
    });
  }

  /**
   * Blocking form: looks up, drains the queue, and returns or throws. Throws OrcError if the lookup
   * is still waiting afterwards (some materializer waits for something outside the session).
   */
  lookupSync(
    searchOrder: SearchOrderInput,
    symbols: SymbolLookupSet | Iterable<string | readonly [string, SymbolLookupFlags]>,
    requiredState: SymbolState = SymbolState.Ready,
    kind: LookupKind = 'Static',
  ): SymbolMap {
    let result: Expected<SymbolMap> | undefined;
    this.lookup(kind, searchOrder, symbols, requiredState, (r) => {
      result = r;
    });
    this.dispatcher.runAll();
    if (result === undefined) throw new OrcError('lookup did not complete: it waits for work outside the session');
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** Looks one symbol up synchronously (MatchAllSymbols over the given JITDylibs when not a search order). */
  lookupSymbol(searchOrder: SearchOrderInput, name: string, requiredState: SymbolState = SymbolState.Ready) {
    return this.lookupSync(searchOrder, [name], requiredState).get(name) as ExecutorSymbolDef;
  }

  /** Flags of the symbols visible along `searchOrder` (symbol tables only; generators are not run). */
  lookupFlags(searchOrder: SearchOrderInput, symbols: Iterable<string>): SymbolFlagsMap {
    const order = normalizeOrder(searchOrder, JITDylibLookupFlags.MatchExportedSymbolsOnly);
    const r: SymbolFlagsMap = new Map();
    for (const name of symbols) {
      for (const [jd, flags] of order) {
        const e = jd.table.get(name);
        if (!e) continue;
        if (flags === JITDylibLookupFlags.MatchExportedSymbolsOnly && !isExported(e.flags)) continue;
        r.set(name, e.flags);
        break;
      }
    }
    return r;
  }

  /** @internal Phase 2: attach the query, start units, complete what is already there. */
  lookupPhase2(q: AsynchronousSymbolQuery, found: Map<string, SymbolEntry>): void {
    const notFound: string[] = [];
    const failed: SymbolDependenceNames = new Map();
    const roots: Error[] = [];
    for (const [name, e] of found) {
      if (e.removed) notFound.push(name);
      else if (e.hasError) {
        addName(failed, e.jd.name, name);
        roots.push(...e.failure);
      }
    }
    if (failed.size > 0) {
      q.fail(new FailedToMaterialize(failed, distinctErrors(roots)));
      return;
    }
    if (notFound.length > 0) {
      q.fail(new SymbolsNotFound(notFound));
      return;
    }
    q.outstanding = found.size;
    if (found.size === 0) {
      q.complete();
      return;
    }
    const toRun: [MaterializationUnit, MaterializationResponsibility][] = [];
    for (const e of found.values()) {
      if (e.state >= q.requiredState) {
        q.met(e);
        continue;
      }
      // The shared empty list is replaced, never filled; a list of the entry's own grows in place.
      if (e.pending.length === 0) e.pending = [q];
      else (e.pending as AsynchronousSymbolQuery[]).push(q);
      q.waitingOn.add(e);
      if (e.state === SymbolState.NeverSearched && e.unmaterialized) {
        const ui = e.unmaterialized;
        toRun.push([ui.mu, e.jd.takeUnmaterialized(ui)]);
      }
    }
    for (const [mu, mr] of toRun) this.dispatchMaterialization(mu, mr);
  }

  /** @internal */
  dispatchMaterialization(mu: MaterializationUnit, mr: MaterializationResponsibility): void {
    this.enqueueTask({
      kind: 'materialization',
      description: mu.getName(),
      run: () => {
        this.materializationLog.push(mu.getName());
        try {
          mu.materialize(mr);
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          this.reportError(err);
          mr.failMaterialization(err);
        }
      },
    });
  }

  // -- emission / failure --

  /** @internal */
  emit(mr: MaterializationResponsibility, groups: SymbolDependenceGroup[]): void {
    const jd = mr.jd;
    const emitting = new Set<SymbolEntry>();
    for (const n of mr.getSymbols().keys()) {
      const e = jd.table.get(n);
      if (e && e.mr === mr) emitting.add(e);
    }
    // Every symbol of a dependence group has the same direct dependencies: they are kept (and
    // their transitive closure computed) once per group, not once per symbol. A library's objects
    // emit hundreds of symbols each while depending on each other in cycles, and the per-symbol
    // walk made emission quadratic in the number of symbols waiting.
    const groupOf = new Map<SymbolEntry, Set<SymbolEntry>>();
    const noDeps = new Set<SymbolEntry>();
    const bad: SymbolDependenceNames = new Map();
    const badSyms: string[] = [];
    const roots: Error[] = [];
    for (const g of groups) {
      const gsyms = [...g.symbols];
      let groupBad = false;
      const entries: SymbolEntry[] = [];
      for (const s of gsyms) {
        const e = jd.table.get(s);
        if (!e || !emitting.has(e)) throw new UnexpectedSymbolDefinitions(mr.definer, [s]);
        entries.push(e);
      }
      const deps = new Set<SymbolEntry>();
      for (const [djd, names] of g.dependencies) {
        for (const dn of names) {
          const d = djd.table.get(dn);
          if (!d || d.removed || d.hasError) {
            addName(bad, djd.name, dn);
            if (d) roots.push(...d.failure);
            groupBad = true;
            continue;
          }
          if (d.state === SymbolState.Ready) continue;
          deps.add(d);
        }
      }
      for (const e of entries) {
        const prev = groupOf.get(e);
        if (prev === undefined) groupOf.set(e, deps);
        else if (prev !== deps) {
          // A symbol in several groups: the union of their dependencies.
          const u = new Set([...prev, ...deps]);
          groupOf.set(e, u);
        }
      }
      if (groupBad) badSyms.push(...gsyms);
    }
    if (bad.size > 0)
      throw new UnsatisfiedSymbolDependencies(
        jd.name,
        badSyms,
        bad,
        'dependencies failed to materialize or were removed',
        distinctErrors(roots),
      );

    // Transitive closure: what each emitting symbol waits for among not-yet-emitted symbols
    // (computed once per distinct dependency set).
    const closures = new Map<Set<SymbolEntry>, Set<SymbolEntry>>();
    const closureOf = (direct: Set<SymbolEntry>): Set<SymbolEntry> => {
      const hit = closures.get(direct);
      if (hit) return hit;
      const out = new Set<SymbolEntry>();
      const seen = new Set<SymbolEntry | Set<SymbolEntry>>([direct]);
      const stack: Iterable<SymbolEntry>[] = [direct];
      while (stack.length > 0) {
        for (const m of stack.pop() as Iterable<SymbolEntry>) {
          if (m.state === SymbolState.Ready || seen.has(m)) continue;
          seen.add(m);
          if (emitting.has(m)) {
            const d = groupOf.get(m) ?? noDeps;
            if (!seen.has(d)) {
              seen.add(d);
              stack.push(d);
            }
          } else if (m.waitingOn !== null) stack.push(m.waitingOn);
          else out.add(m);
        }
      }
      closures.set(direct, out);
      return out;
    };
    const waits = new Map<SymbolEntry, Set<SymbolEntry>>();
    for (const e of emitting) waits.set(e, closureOf(groupOf.get(e) ?? noDeps));
    // One representative per distinct closure carries the wait; the others follow it.
    const reps = new Map<Set<SymbolEntry>, SymbolEntry>();
    for (const e of emitting) {
      const w = waits.get(e) as Set<SymbolEntry>;
      e.state = SymbolState.Emitted;
      e.mr = null;
      const rep = reps.get(w);
      if (rep === undefined || w.size === 0) {
        reps.set(w, e);
        e.waitingOn = new Set(w);
        for (const x of w) addDependant(x, e);
      } else {
        e.waitingOn = rep.waitingOn;
        rep.followers ??= [];
        rep.followers.push(e);
      }
    }
    // Symbols emitted earlier that waited on these now wait on what these wait on; each distinct
    // closure is merged into a waiter once.
    const merges = new Map<SymbolEntry, Set<Set<SymbolEntry>>>();
    for (const e of emitting) {
      const w = waits.get(e) as Set<SymbolEntry>;
      for (const x of e.dependants ?? NONE) {
        if (x.waitingOn === null) continue;
        x.waitingOn.delete(e);
        let ws = merges.get(x);
        if (!ws) {
          ws = new Set();
          merges.set(x, ws);
        }
        ws.add(w);
      }
      e.dependants = null;
    }
    const ready: SymbolEntry[] = [];
    for (const [x, ws] of merges) {
      const xw = x.waitingOn as Set<SymbolEntry>;
      for (const w of ws)
        for (const m of w) {
          xw.add(m);
          addDependant(m, x);
        }
      if (xw.size === 0) ready.push(x);
    }
    for (const e of emitting) notifyQueries(e);
    for (const e of emitting) if ((waits.get(e) as Set<SymbolEntry>).size === 0) ready.push(e);
    for (const r of ready) {
      const group = r.followers ? [r, ...r.followers] : [r];
      r.followers = null;
      for (const e of group) {
        if (e.state === SymbolState.Ready || e.hasError) continue;
        e.state = SymbolState.Ready;
        e.waitingOn = null;
        notifyQueries(e);
      }
    }
  }

  /** @internal Marks `entries` failed, propagates to everything waiting on them, fails their queries. */
  failSymbols(entries: SymbolEntry[], causes: Error[]): void {
    const failed = new Set<SymbolEntry>();
    for (const f of entries) {
      failed.add(f);
      for (const y of f.followers ?? []) failed.add(y);
      for (const x of f.dependants ?? NONE) {
        failed.add(x);
        for (const y of x.followers ?? []) failed.add(y);
      }
    }
    const names: SymbolDependenceNames = new Map();
    const queries = new Set<AsynchronousSymbolQuery>();
    const roots = distinctErrors(causes.flatMap(rootCausesOf));
    for (const g of failed) {
      if (g.hasError && !entries.includes(g)) continue;
      g.hasError = true;
      g.failure = roots;
      g.mr = null;
      addName(names, g.jd.name, g.name);
      if (g.waitingOn) for (const w of g.waitingOn) w.dependants?.delete(g);
      g.waitingOn = null;
      g.followers = null;
      g.dependants = null;
      for (const q of g.pending) queries.add(q);
      g.pending = [];
    }
    const err = new FailedToMaterialize(names, causes);
    for (const q of queries) q.fail(err);
  }

  // -- trackers --

  /** @internal */
  removeResourceTracker(rt: ResourceTracker): void {
    if (rt.isDefunct()) throw new ResourceTrackerDefunct(rt.key);
    rt.makeDefunct();
    const jd = rt.jd;
    const removed = [...jd.table.values()].filter((e) => e.tracker === rt);
    const removedSet = new Set(removed);
    const queries = new Set<AsynchronousSymbolQuery>();
    const failedNames: SymbolDependenceNames = new Map();
    const orphans: SymbolEntry[] = [];
    for (const r of removed) {
      jd.table.delete(r.name);
      r.removed = true;
      r.unmaterialized = null;
      r.mr = null;
      for (const q of r.pending) {
        if (q.done) continue;
        queries.add(q);
        addName(failedNames, jd.name, r.name);
      }
      r.pending = [];
      if (r.waitingOn) for (const w of r.waitingOn) w.dependants?.delete(r);
      r.waitingOn = null;
      for (const x of r.dependants ?? NONE) if (!removedSet.has(x)) orphans.push(x);
      // Followers left behind wait through this entry: they cannot become Ready any more.
      for (const y of r.followers ?? []) if (!removedSet.has(y)) orphans.push(y);
      r.followers = null;
      r.dependants = null;
    }
    jd.trackerMRs.delete(rt);
    if (rt === jd.getDefaultResourceTracker()) jd.replaceDefaultTracker();
    const errors: Error[] = [];
    for (const rm of [...this.resourceManagers].reverse()) {
      try {
        const e = rm.handleRemoveResources(jd, rt.key);
        if (e) errors.push(e);
      } catch (e) {
        errors.push(e instanceof Error ? e : new Error(String(e)));
      }
    }
    const err = new FailedToMaterialize(failedNames, [new ResourceTrackerDefunct(rt.key)]);
    for (const q of queries) q.fail(err);
    if (orphans.length > 0) this.failSymbols(orphans, [new ResourceTrackerDefunct(rt.key)]);
    this.kick();
    const joined = joinErrors(errors);
    if (joined) throw joined;
  }

  /** @internal */
  transferResourceTracker(dst: ResourceTracker, src: ResourceTracker): void {
    if (dst === src) return;
    if (dst.jd !== src.jd) throw new OrcUsageError("can't transfer resources between JITDylibs");
    if (src.isDefunct()) throw new ResourceTrackerDefunct(src.key);
    if (dst.isDefunct()) throw new ResourceTrackerDefunct(dst.key);
    const jd = src.jd;
    src.makeDefunct();
    for (const e of jd.table.values()) {
      if (e.tracker === src) e.tracker = dst;
      if (e.unmaterialized?.tracker === src) e.unmaterialized.tracker = dst;
    }
    const mrs = jd.trackerMRs.get(src);
    if (mrs) {
      jd.trackerMRs.delete(src);
      for (const mr of mrs) {
        mr.tracker = dst;
        jd.trackMR(mr);
      }
    }
    if (src === jd.getDefaultResourceTracker()) jd.replaceDefaultTracker();
    for (const rm of [...this.resourceManagers].reverse()) rm.handleTransferResources(jd, dst.key, src.key);
  }

  // -- JIT dispatch --

  /**
   * Looks up each tag symbol (Static, MatchAllSymbols, weakly referenced) in `jd` and keys its
   * handler by the tag's address. A tag the JITDylib does not define is silently skipped.
   */
  registerJITDispatchHandlers(
    jd: JITDylib,
    handlers: Record<string, JITDispatchHandler> | Map<string, JITDispatchHandler>,
  ): Promise<void> {
    const m = handlers instanceof Map ? handlers : new Map(Object.entries(handlers));
    return new Promise((resolve, reject) => {
      this.lookup(
        'Static',
        [[jd, JITDylibLookupFlags.MatchAllSymbols]],
        [...m.keys()].map((n) => [n, SymbolLookupFlags.WeaklyReferencedSymbol] as const),
        SymbolState.Ready,
        (r) => {
          if (!r.ok) return reject(r.error);
          for (const [name, h] of m) {
            const def = r.value.get(name);
            if (!def) continue;
            if (this.jitDispatchHandlers.has(def.address)) {
              return reject(new OrcError(`JIT dispatch handler for tag ${hexAddr(def.address)} already registered`));
            }
            this.jitDispatchHandlers.set(def.address, h);
          }
          resolve();
        },
      );
    });
  }

  /** Runs the handler for `tagAddr`; unknown tags answer an out-of-band error. */
  runJITDispatchHandler(sendResult: (r: WrapperFunctionResult) => void, tagAddr: ExecutorAddr, args: Uint8Array): void {
    const h = this.jitDispatchHandlers.get(tagAddr);
    if (!h) {
      sendResult({ ok: false, error: `No function registered for tag 0x${tagAddr.toString(16).padStart(16, '0')}` });
      return;
    }
    h(sendResult, args);
    this.kick();
  }
}
