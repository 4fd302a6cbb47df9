/** Builds a jitlink-check environment from linked graphs and the engine's memory. */
import type { Engine } from '../../emu/engine.ts';
import type { LinkResult } from '../link.ts';
import { collectLinkInfo, type LinkInfo } from '../session.ts';
import type { CheckEnvironment } from './checker.ts';

/**
 * The jitlink-check environment of linked graphs: their symbols, GOT entries, stubs and sections,
 * and the engine's memory.
 *
 * @param results - the link results (linkObjects(...).results).
 * @param engine - the engine whose memory they were linked into.
 * @param absolutes - absolute symbols defined for the link.
 * @returns the environment evaluateRule and checkFile read.
 * @example
 * ```ts
 * const outcomes = checkFile(rulesText, 'rules.s', checkEnvironment(linked.results, engine));
 * ```
 */
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
