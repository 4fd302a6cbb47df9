/**
 * Browser stand-in for src/emu/unicorn/engine.ts (web/vite.config.ts aliases that module to this
 * one): native Unicorn through koffi cannot load in a page, so `createEngine('unicorn')` fails
 * with a clear message, as it does in Node when libunicorn2 is absent. The page uses the `ts` engine.
 */
import type { Engine, EngineOptions } from '../../../src/emu/engine.ts';

export async function openUnicornEngine(_options: EngineOptions = {}): Promise<Engine> {
  throw new Error('the unicorn engine (native, through koffi) is not available in the browser; use the ts engine');
}
