/**
 * LLVM's own ORC runtime (`liborc_rt-aarch64.a` from compiler-rt, llvm-jitlink's `-orc-runtime`)
 * as the Platform JITDylib's runtime, instead of runtime-aarch64's reentry routine.
 *
 * What LLVM's ELFNixPlatform does for lazy linking, and what we do the same way:
 * - the archive is a definition generator of the Platform JITDylib: a member is linked, with its
 *   bytes unmodified, when one of its symbols is looked up (the reentry handler's tag lookup pulls
 *   `resolve.cpp.o`, the trampolines' `__orc_rt_reenter` pulls `sysv_reenter.arm64.S.o`);
 * - the platform alias `__orc_rt_reenter → __orc_rt_sysv_reenter` (LLVM's "standard lazy
 *   compilation aliases");
 * - `__orc_rt_jit_dispatch` and `__orc_rt_jit_dispatch_ctx` (weak imports of the runtime) are
 *   absolute symbols of the Platform JITDylib, as the executor's bootstrap symbols are in LLVM:
 *   the dispatch function is the executor's dispatch host gate, the context an opaque executor
 *   address the gate does not read (LLVM passes the EPC server object there).
 * The runtime's C++ and fortified-libc needs that the host-function libc lacks come from
 * runtime-aarch64's cxx_fallback.o, in a JITDylib searched after Process (so a real libstdc++ or
 * glibc in the Process JITDylib wins). The ELFNix platform's bootstrap, initializer and dlopen
 * protocol is not run (docs/orc-runtime.md).
 */
import type { RuntimeObject } from '../../../runtime-aarch64/abi.ts';
import type { ExecutionSession, JITDylib } from '../core/session.ts';
import { JITSymbolFlags } from '../core/types.ts';
import { absoluteSymbols, type SymbolAliasMap, symbolAliases } from '../core/units.ts';
import type { ObjectLinkingLayer } from '../layers/object-linking-layer.ts';
import { StaticLibraryDefinitionGenerator } from '../layers/static-library-generator.ts';

/** An ORC runtime archive: its name (diagnostics, `Linking …` lines) and bytes. */
export interface OrcRuntimeArchive {
  name: string;
  bytes: Uint8Array;
}

/** The platform aliases of LLVM's ELFNixPlatform for lazy reexports (alias → target). */
export const LLVM_ORC_RT_ALIASES: ReadonlyMap<string, string> = new Map([
  ['__orc_rt_reenter', '__orc_rt_sysv_reenter'],
]);

/** The reentry routine and resolver of LLVM's runtime (for traces and tests). */
export const LLVM_ORC_RT_SYMBOLS = {
  reentry: '__orc_rt_sysv_reenter',
  resolve: '__orc_rt_resolve',
  resolveTag: '__orc_rt_resolve_tag',
  dispatch: '__orc_rt_jit_dispatch',
  dispatchCtx: '__orc_rt_jit_dispatch_ctx',
} as const;

/** Name of the JITDylib holding the C++ fallback (searched after Process by the Platform JITDylib). */
export const CXX_FALLBACK_JD = 'orc_rt-fallback';

export interface LlvmOrcRuntime {
  /** The archive's generator (`addedMembers`: what was linked so far). */
  generator: StaticLibraryDefinitionGenerator;
  /** The JITDylib of the C++/fortify fallback object. */
  fallbackJD: JITDylib;
}

/**
 * Installs LLVM's ORC runtime archive in `platformJD`. `extraObjects` go to the Platform JITDylib
 * as they are (runtime-aarch64's outline atomics, which LLVM's processes get from libgcc);
 * `fallbackObjects` to a JITDylib after `processJD`. Throws ArchiveFormatError for a bad archive.
 */
export function installLlvmOrcRuntime(parts: {
  es: ExecutionSession;
  layer: ObjectLinkingLayer;
  platformJD: JITDylib;
  processJD: JITDylib;
  archive: OrcRuntimeArchive;
  dispatchGate: number;
  extraObjects: readonly RuntimeObject[];
  fallbackObjects: readonly RuntimeObject[];
  namePrefix: string;
}): LlvmOrcRuntime {
  const { es, layer, platformJD, processJD } = parts;
  const generator = platformJD.addGenerator(
    StaticLibraryDefinitionGenerator.fromBytes(layer, parts.archive.bytes, parts.archive.name),
  );
  for (const o of parts.extraObjects) layer.add(platformJD, o.bytes, `${parts.namePrefix}${o.name}`);
  const fallbackJD = es.createJITDylib(CXX_FALLBACK_JD);
  fallbackJD.setLinkOrder([processJD]);
  for (const o of parts.fallbackObjects) layer.add(fallbackJD, o.bytes, `${parts.namePrefix}${o.name}`);
  platformJD.setLinkOrder([processJD, fallbackJD]);
  const aliases: SymbolAliasMap = new Map();
  for (const [alias, target] of LLVM_ORC_RT_ALIASES)
    aliases.set(alias, { aliasee: target, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable });
  platformJD.define(symbolAliases(aliases));
  platformJD.define(
    absoluteSymbols(
      {
        [LLVM_ORC_RT_SYMBOLS.dispatch]: {
          address: parts.dispatchGate,
          flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable,
        },
        [LLVM_ORC_RT_SYMBOLS.dispatchCtx]: { address: parts.dispatchGate, flags: JITSymbolFlags.Exported },
      },
      '<platform host gates>',
    ),
  );
  return { generator, fallbackJD };
}
