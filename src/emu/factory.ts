/**
 * Opens an engine by kind. Kept apart from the Engine interface (./engine.ts) because the engines
 * themselves import that interface: here the interface module imports no engine, so src/emu has
 * no import cycle.
 */
import type { Engine, EngineKind, EngineOptions } from './engine.ts';

export type { EngineKind, EngineOptions };

export async function createEngine(kind: EngineKind = 'ts', options: EngineOptions = {}): Promise<Engine> {
  if (kind === 'ts') {
    const { TsEngine } = await import('./ts/engine.ts');
    return new TsEngine(options);
  }
  const { openUnicornEngine } = await import('./unicorn/engine.ts');
  return openUnicornEngine(options);
}
