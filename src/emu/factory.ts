/**
 * Opens an engine by kind. Kept apart from the Engine interface (./engine.ts) because the engines
 * themselves import that interface: here the interface module imports no engine, so src/emu has
 * no import cycle.
 */
import type { Engine, EngineKind, EngineOptions } from './engine.ts';

export type { EngineKind, EngineOptions };

/**
 * Creates an AArch64 engine with nothing mapped and every register zero.
 *
 * @param kind - 'ts' (default: pure TypeScript, always available) or 'unicorn' (native Unicorn 2
 *   through the optional koffi package; the oracle the ts engine is tested against).
 * @param options - seed, memory limits, the ts engine's translation threshold (see EngineOptions).
 * @returns the engine; call close() when done (the unicorn engine holds native memory).
 * @throws EngineUnavailable for 'unicorn' when koffi or libunicorn2 is missing (the message says
 *   how to install them).
 * @example
 * ```ts
 * import { createEngine, PROT_ALL } from 'orc-sandbox/engine';
 * const e = await createEngine('ts');
 * e.memMap(0x10000, 0x1000, PROT_ALL);
 * e.memWrite(0x10000, new Uint8Array([0xa0, 0x00, 0x80, 0xd2])); // movz x0, #5
 * e.start(0x10000, 0x10004);
 * console.log(e.regRead('x0')); // 5n
 * e.close();
 * ```
 */
export async function createEngine(kind: EngineKind = 'ts', options: EngineOptions = {}): Promise<Engine> {
  if (kind === 'ts') {
    const { TsEngine } = await import('./ts/engine.ts');
    return new TsEngine(options);
  }
  const { openUnicornEngine } = await import('./unicorn/engine.ts');
  return openUnicornEngine(options);
}
