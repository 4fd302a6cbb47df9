import type { Engine, EngineOptions } from '../engine.ts';
import { EngineUnavailable } from '../errors.ts';

// Replaced by the koffi binding (work in progress in this commit).
export async function openUnicornEngine(_options: EngineOptions): Promise<Engine> {
  throw new EngineUnavailable('the unicorn engine is not built yet');
}
