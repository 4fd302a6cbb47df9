/**
 * The executor-side ORC runtime (AArch64), environment-neutral part (no Node modules, so the web
 * page can bundle it): the object names, what they define, what they need from the host, and the
 * host side of the `__orc_rt_jit_dispatch` calling convention. Reading the prebuilt objects from
 * disk is Node-only: runtime-aarch64/index.ts (which re-exports all of this).
 */
import type { Engine } from '../src/emu/engine.ts';

export interface RuntimeObject {
  /** File name, e.g. `resolve.o` (also the object's name for linker diagnostics). */
  name: string;
  bytes: Uint8Array;
}

/** The committed objects, in a link order where each one's runtime references are already defined. */
export const RUNTIME_OBJECT_NAMES = ['resolve.o', 'sysv_resolve.o', 'atomics.o'] as const;

/**
 * With LLVM's own runtime (`--orc-runtime`): the C++ ABI / fortified-libc entry points its members
 * need beyond the host-function libc (searched after the Process JITDylib; src/orc/platform/orc-rt.ts).
 */
export const ORC_RT_FALLBACK_OBJECT_NAMES = ['cxx_fallback.o'] as const;

/** With LLVM's own runtime, the objects of ours that stay in the Platform JITDylib (outline atomics). */
export const ORC_RT_KEPT_OBJECT_NAMES: readonly string[] = ['atomics.o'];

/** Symbols the runtime defines that the ORC side refers to by name. */
export const RUNTIME_SYMBOLS = {
  /** The reentry routine; the Platform JITDylib aliases `__orc_rt_reenter` to it. */
  reentry: '__orc_rt_sysv_resolve',
  /** `void *__orc_rt_resolve_implementation(void *trampoline)` (called by the reentry routine). */
  resolveImplementation: '__orc_rt_resolve_implementation',
  /** `char` whose address keys the JIT dispatch handler for reentry (LazyReexportsManager.resolve). */
  resolveTag: '__orc_rt_resolve_tag',
  /** `void *`; its address is passed as the first argument of `__orc_rt_jit_dispatch`. */
  dispatchCtx: '__orc_rt_jit_dispatch_ctx',
} as const;

/** Aliases the Platform JITDylib adds (alias → target). */
export const PLATFORM_ALIASES: ReadonlyMap<string, string> = new Map([['__orc_rt_reenter', '__orc_rt_sysv_resolve']]);

export interface RuntimeImport {
  name: string;
  kind: 'function' | 'data';
  /** A weak reference: may stay undefined (address 0); the runtime then reports it. */
  weak: boolean;
  /** C declaration, for documentation and error messages. */
  decl: string;
}

/** What the runtime needs from the host (the Process JITDylib); all of it today's ProcessHost has, but the gate. */
export const RUNTIME_HOST_IMPORTS: readonly RuntimeImport[] = [
  {
    name: '__orc_rt_jit_dispatch',
    kind: 'function',
    weak: true,
    decl: 'orc_rt_CWrapperFunctionResult __orc_rt_jit_dispatch(void *ctx, const void *tag, const char *data, size_t size)',
  },
  {
    name: 'fwrite',
    kind: 'function',
    weak: false,
    decl: 'size_t fwrite(const void *p, size_t size, size_t n, FILE *f)',
  },
  { name: 'stderr', kind: 'data', weak: false, decl: 'FILE *stderr' },
  { name: 'free', kind: 'function', weak: false, decl: 'void free(void *p)' },
  { name: 'abort', kind: 'function', weak: false, decl: 'void abort(void) /* exit status 134 */' },
];

export const ATOMIC_ORDERS = ['relax', 'acq', 'rel', 'acq_rel'] as const;
export const ATOMIC_OPS = ['cas', 'swp', 'ldadd', 'ldclr', 'ldeor', 'ldset'] as const;
export type AtomicOrder = (typeof ATOMIC_ORDERS)[number];
export type AtomicOp = (typeof ATOMIC_OPS)[number];

/** Every outline-atomics helper atomics.o defines (`__aarch64_<op><size>_<order>`). */
export function outlineAtomicNames(): string[] {
  const names: string[] = [];
  for (const op of ATOMIC_OPS) {
    for (const size of op === 'cas' ? [1, 2, 4, 8, 16] : [1, 2, 4, 8]) {
      for (const order of ATOMIC_ORDERS) names.push(`__aarch64_${op}${size}_${order}`);
    }
  }
  return names;
}

// ---- the host side of __orc_rt_jit_dispatch ---------------------------------------------------

/** The arguments of a `__orc_rt_jit_dispatch` call, read from x0–x3 at the host gate. */
export interface JitDispatchCall {
  /** Address of `__orc_rt_jit_dispatch_ctx`. */
  ctx: number;
  /** Address of the tag (e.g. `__orc_rt_resolve_tag`): keys the handler. */
  tag: number;
  /** The SPS-serialized argument bytes (copied out of executor memory). */
  args: Uint8Array;
}

export function readJitDispatchCall(engine: Engine): JitDispatchCall {
  const ctx = Number(engine.getX(0));
  const tag = Number(engine.getX(1));
  const data = Number(engine.getX(2));
  const size = Number(engine.getX(3));
  return { ctx, tag, args: size === 0 ? new Uint8Array() : engine.memRead(data, size) };
}

/** Same shape as src/orc/dispatch's WrapperFunctionResult. */
export type DispatchAnswer = { ok: true; data: Uint8Array } | { ok: false; error: string };

/**
 * Puts an answer in x0/x1 as the 16-byte C struct orc_rt_CWrapperFunctionResult is returned
 * (AAPCS64: a composite of two 8-byte fields comes back in x0, x1):
 *   - result of at most 8 bytes: inline, x0 = the bytes (little-endian, zero padded), x1 = size;
 *   - longer result: x0 = pointer to a copy in memory from `malloc`, x1 = size;
 *   - out-of-band error: x0 = pointer to a NUL-terminated copy of the message from `malloc`, x1 = 0.
 * The runtime frees the pointer with `free` (as orc_rt_DisposeCWrapperFunctionResult does), so
 * `malloc` must be the allocator behind the Process JITDylib's `free`.
 */
export function writeJitDispatchResult(engine: Engine, answer: DispatchAnswer, malloc: (size: number) => number): void {
  if (answer.ok && answer.data.length <= 8) {
    let v = 0n;
    for (let i = answer.data.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(answer.data[i] as number);
    engine.setX(0, v);
    engine.setX(1, BigInt(answer.data.length));
    return;
  }
  const bytes = answer.ok ? answer.data : nulTerminated(answer.error);
  const p = malloc(bytes.length);
  if (p === 0) throw new Error(`__orc_rt_jit_dispatch: out of memory for a ${bytes.length}-byte result`);
  engine.memWrite(p, bytes);
  engine.setX(0, BigInt(p));
  engine.setX(1, answer.ok ? BigInt(bytes.length) : 0n);
}

function nulTerminated(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const z = new Uint8Array(b.length + 1);
  z.set(b);
  return z;
}
