/** Builds a jitlink-check environment from linked graphs and the engine's memory. */
import type { Engine } from '../../emu/engine.ts';
import type { LinkResult } from '../link.ts';
import { collectLinkInfo, type LinkInfo } from '../session.ts';
import type { CheckEnvironment } from './checker.ts';

export function checkEnvironment(
  results: readonly LinkResult[],
  engine: Engine,
  absolutes?: Map<string, number>,
): CheckEnvironment {
  const info: LinkInfo = collectLinkInfo(results, absolutes);
  return {
    symbolAddress: (n) => info.symbols.get(n),
    stubAddress: (f, s) => info.files.get(f)?.stubs.get(s),
    gotAddress: (f, s) => info.files.get(f)?.got.get(s),
    sectionAddress: (f, s) => info.files.get(f)?.sections.get(s),
    bigEndian: results.some((r) => r.graph.bigEndian),
    read(address, size) {
      try {
        return engine.memRead(address, size);
      } catch {
        return undefined;
      }
    },
  };
}
