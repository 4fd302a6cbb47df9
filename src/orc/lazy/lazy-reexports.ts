/**
 * LazyReexportsManager (as ORC's, reference section 1): an alias map becomes reentry trampolines
 * plus redirectable symbols whose pointers initially hold the trampolines. On reentry the runtime
 * asks (JIT dispatch, tag `__orc_rt_resolve_tag`) for the body behind trampoline T:
 * T → (JITDylib, alias, body) → lookup body in that JITDylib (MatchAllSymbols, Ready) → redirect the
 * alias → answer the body's address. Later calls go stub → pointer → body.
 *
 * Tables: CallThroughs (trampoline → info) and KeyToReentryAddrs (resource key → trampolines). The
 * manager is a registered resource manager, so removing/transferring a tracker updates them.
 * Differences from upstream: an unknown trampoline answers its error and returns at once (upstream
 * goes on with an empty record); redirection never blocks (pointer addresses are cached).
 */

import {
  SPSExecutorAddr,
  SPSExecutorSymbolDef,
  SPSExpected,
  type SPSExpectedValue,
  type SPSSymbolDef,
} from '../../protocol/sps.ts';
import { type JITDispatchHandler, wrapAsyncHandler } from '../../protocol/wrapper.ts';
import { FailedToMaterialize, OrcError } from '../core/errors.ts';
import { MaterializationUnit } from '../core/materialization-unit.ts';
import type { ExecutionSession, JITDylib, MaterializationResponsibility, ResourceManager } from '../core/session.ts';
import {
  type ExecutorAddr,
  type ExecutorSymbolDef,
  hexAddr,
  JITDylibLookupFlags,
  SymbolLookupFlags,
  type SymbolMap,
  SymbolState,
} from '../core/types.ts';
import type { SymbolAliasMap, SymbolAliasMapEntry } from '../core/units.ts';
import type { RedirectableSymbolManager } from './redirectable-symbols.ts';
import type { EmitTrampolinesFn } from './reentry-trampolines.ts';

export const RESOLVE_TAG = '__orc_rt_resolve_tag';

/** What a trampoline stands for. */
export interface CallThroughInfo {
  jd: JITDylib;
  /** The lazy reexport (the stub's name). */
  name: string;
  /** The body looked up on the first call. */
  bodyName: string;
}

/** One finished reentry, for listeners and `--trace lazy`. */
export interface ReentryRecord {
  trampoline: ExecutorAddr;
  info: CallThroughInfo | undefined;
  /** The body's address, or the error answered to the executor. */
  result: { ok: true; address: ExecutorAddr } | { ok: false; error: string };
  /** Host time spent in resolve (lookup, linking, redirect), microseconds. */
  hostMicros: number;
}

/** Observer hooks (as upstream's LazyReexportsManager::Listener, plus a completion hook). */
export interface LazyReexportsListener {
  onLazyReexportsCreated?(
    jd: JITDylib,
    key: number,
    reexports: { alias: string; body: string; trampoline: ExecutorAddr }[],
  ): void;
  onLazyReexportsTransfered?(jd: JITDylib, dstKey: number, srcKey: number): void;
  onLazyReexportsRemoved?(jd: JITDylib, key: number): Error | undefined;
  onLazyReexportCalled?(info: CallThroughInfo): void;
  onReentryResolved?(record: ReentryRecord): void;
}

type ResolveResult = SPSExpectedValue<SPSSymbolDef>;

export class LazyReexportsManager implements ResourceManager {
  /** trampoline address → (JITDylib, alias, body). */
  readonly callThroughs = new Map<ExecutorAddr, CallThroughInfo>();
  /** resource key → trampoline addresses. */
  readonly keyToReentryAddrs = new Map<number, ExecutorAddr[]>();
  readonly listeners: LazyReexportsListener[] = [];
  /** trampoline → the first failure's message (later lookups of a failed body carry no cause). */
  private readonly firstFailure = new Map<ExecutorAddr, string>();
  private registration: Promise<void> | null = null;

  constructor(
    private readonly emitTrampolines: EmitTrampolinesFn,
    readonly rsm: RedirectableSymbolManager,
    readonly platformJD: JITDylib,
    listener?: LazyReexportsListener,
    options: { registerHandlerLazily?: boolean } = {},
  ) {
    if (listener) this.listeners.push(listener);
    const es = platformJD.getExecutionSession();
    es.registerResourceManager(this);
    if (!options.registerHandlerLazily) this.registerHandler();
  }

  /**
   * Registers the reentry handler against the runtime's tag (links the runtime's tag definition).
   * Upstream does it in the constructor; with `registerHandlerLazily` it happens when the first
   * lazy reexports are materialized, so programs without lazy inputs never link the runtime.
   */
  registerHandler(): Promise<void> {
    this.registration ??= this.session.registerJITDispatchHandlers(this.platformJD, {
      [RESOLVE_TAG]: this.dispatchHandler(),
    });
    return this.registration;
  }

  /** Resolves when the handler is registered (or at once when registration has not started). */
  whenReady(): Promise<void> {
    return this.registration ?? Promise.resolve();
  }

  get session(): ExecutionSession {
    return this.platformJD.getExecutionSession();
  }

  /** The SPS wrapper: SPSExpected<SPSExecutorSymbolDef>(SPSExecutorAddr). */
  private dispatchHandler(): JITDispatchHandler {
    return wrapAsyncHandler<[ExecutorAddr], ResolveResult>(
      SPSExpected(SPSExecutorSymbolDef),
      [SPSExecutorAddr],
      (send, trampoline) => {
        this.resolve(trampoline, (r) =>
          send(
            r.ok
              ? { ok: true, value: { address: r.value.address, flags: r.value.flags & 0xff } }
              : { ok: false, error: r.error },
          ),
        );
      },
    );
  }

  /**
   * Resolves a reentry: looks the body up, redirects the alias to it, answers its definition.
   * `send` is called exactly once.
   */
  resolve(
    trampoline: ExecutorAddr,
    send: (r: { ok: true; value: ExecutorSymbolDef } | { ok: false; error: string }) => void,
  ): void {
    const t0 = performance.now();
    const info = this.callThroughs.get(trampoline);
    const finish = (r: { ok: true; value: ExecutorSymbolDef } | { ok: false; error: string }): void => {
      const record: ReentryRecord = {
        trampoline,
        info,
        result: r.ok ? { ok: true, address: r.value.address } : { ok: false, error: r.error },
        hostMicros: Math.round((performance.now() - t0) * 1000),
      };
      for (const l of this.listeners) l.onReentryResolved?.(record);
      send(r);
    };
    if (!info) {
      finish({ ok: false, error: `Reentry address ${hexAddr(trampoline)} not registered` });
      return;
    }
    for (const l of this.listeners) l.onLazyReexportCalled?.(info);
    const es = this.session;
    es.lookup(
      'Static',
      [[info.jd, JITDylibLookupFlags.MatchAllSymbols]],
      [[info.bodyName, SymbolLookupFlags.RequiredSymbol]],
      SymbolState.Ready,
      (r) => {
        if (!r.ok) {
          const prev = this.firstFailure.get(trampoline);
          const bare = r.error instanceof FailedToMaterialize && r.error.causes.length === 0;
          const error = bare && prev !== undefined ? prev : r.error.message;
          if (prev === undefined) this.firstFailure.set(trampoline, error);
          finish({ ok: false, error });
          return;
        }
        const body = r.value.get(info.bodyName) as ExecutorSymbolDef;
        try {
          // The pointer leaves the trampoline once: if anything redirected the alias already (an
          // earlier resolution, or a hot swap by another thread while this call was on its way
          // through the trampoline), that write is newer than this call and stays. LLVM's resolve
          // redirects unconditionally and would undo the hot swap.
          if ((this.rsm.redirectCount?.(info.jd, info.name) ?? 0) === 0)
            this.rsm.redirect(info.jd, new Map([[info.name, body]]));
        } catch (e) {
          finish({ ok: false, error: (e as Error).message });
          return;
        }
        finish({ ok: true, value: body });
      },
    );
  }

  /** Promise form of `resolve` (tests, tools). */
  resolveAsync(trampoline: ExecutorAddr): Promise<ExecutorSymbolDef> {
    return new Promise((res, rej) =>
      this.resolve(trampoline, (r) => (r.ok ? res(r.value) : rej(new OrcError(r.error)))),
    );
  }

  /** Called by the unit: trampolines for every reexport, bind, then stubs. */
  emitReentryTrampolinesAndStubs(mr: MaterializationResponsibility, reexports: SymbolAliasMap): void {
    const es = this.session;
    const entries = [...reexports];
    this.registerHandler().catch((e: unknown) => es.reportError(e instanceof Error ? e : new Error(String(e))));
    this.emitTrampolines(mr.getResourceTracker(), entries.length, (r) => {
      if (!r.ok) {
        es.reportError(r.error);
        mr.failMaterialization(r.error);
        return;
      }
      const addrs = r.value;
      const jd = mr.getTargetJITDylib();
      const initial: SymbolMap = new Map();
      try {
        const created: { alias: string; body: string; trampoline: ExecutorAddr }[] = [];
        mr.withResourceKeyDo((key) => {
          const list = this.keyToReentryAddrs.get(key) ?? [];
          entries.forEach(([alias, e], i) => {
            const t = addrs[i] as ExecutorAddr;
            this.callThroughs.set(t, { jd, name: alias, bodyName: e.aliasee });
            list.push(t);
            initial.set(alias, { address: t, flags: e.flags });
            created.push({ alias, body: e.aliasee, trampoline: t });
          });
          this.keyToReentryAddrs.set(key, list);
          for (const l of this.listeners) l.onLazyReexportsCreated?.(jd, key, created);
        });
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        es.reportError(err);
        mr.failMaterialization(err);
        return;
      }
      this.rsm.emitRedirectableSymbols(mr, initial);
    });
  }

  /** The info behind a trampoline (tests, tracing). */
  callThrough(trampoline: ExecutorAddr): CallThroughInfo | undefined {
    return this.callThroughs.get(trampoline);
  }

  /** The trampoline of alias `name` in `jd`, if it was materialized. */
  trampolineOf(jd: JITDylib, name: string): ExecutorAddr | undefined {
    for (const [t, i] of this.callThroughs) if (i.jd === jd && i.name === name) return t;
    return undefined;
  }

  handleRemoveResources(jd: JITDylib, key: number): Error | undefined {
    for (const t of this.keyToReentryAddrs.get(key) ?? []) {
      this.callThroughs.delete(t);
      this.firstFailure.delete(t);
    }
    this.keyToReentryAddrs.delete(key);
    const errors = this.listeners.map((l) => l.onLazyReexportsRemoved?.(jd, key)).filter((e) => e !== undefined);
    return errors[0];
  }

  handleTransferResources(jd: JITDylib, dstKey: number, srcKey: number): void {
    const src = this.keyToReentryAddrs.get(srcKey);
    if (src) {
      this.keyToReentryAddrs.delete(srcKey);
      this.keyToReentryAddrs.set(dstKey, [...(this.keyToReentryAddrs.get(dstKey) ?? []), ...src]);
    }
    for (const l of this.listeners) l.onLazyReexportsTransfered?.(jd, dstKey, srcKey);
  }
}

/** The unit behind `lazyReexports`: materializes all (remaining) reexports together. */
export class LazyReexportsMaterializationUnit extends MaterializationUnit {
  private readonly reexports: SymbolAliasMap;
  constructor(
    private readonly manager: LazyReexportsManager,
    reexports: SymbolAliasMap,
  ) {
    super(new Map([...reexports].map(([n, e]) => [n, e.flags])));
    this.reexports = new Map(reexports);
  }
  getName(): string {
    return '<lazy reexports>';
  }
  materialize(mr: MaterializationResponsibility): void {
    const live: SymbolAliasMap = new Map();
    for (const n of mr.getSymbols().keys()) {
      const e = this.reexports.get(n);
      if (e) live.set(n, e);
    }
    this.manager.emitReentryTrampolinesAndStubs(mr, live);
  }
  protected override discard(_jd: JITDylib, name: string): void {
    this.reexports.delete(name);
  }
}

/** Lazy reexports `alias → { aliasee: body, flags }` (define the unit in the JITDylib of the bodies). */
export function lazyReexports(
  manager: LazyReexportsManager,
  aliases: SymbolAliasMap | Record<string, SymbolAliasMapEntry>,
): LazyReexportsMaterializationUnit {
  return new LazyReexportsMaterializationUnit(
    manager,
    aliases instanceof Map ? aliases : new Map(Object.entries(aliases)),
  );
}
