/**
 * objectInterface (src/orc/layers/object-linking-layer.ts) remembers the interface of bytes it has
 * read: the same array added again (a session per fuzz case adds the same runtime objects) is not
 * parsed again. The cache must never serve stale or shared results: bytes changed in place are
 * read again, another name is read again, and each caller gets a map of its own.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JITSymbolFlags } from '../../src/orc/core/types.ts';
import { objectInterface } from '../../src/orc/layers/object-linking-layer.ts';

const RESOLVE = new URL('../../runtime-aarch64/obj/resolve.o', import.meta.url);

describe('objectInterface', () => {
  it('reads the same bytes once, and again after they change in place', () => {
    const bytes = new Uint8Array(readFileSync(RESOLVE));
    const first = objectInterface(bytes, 'resolve.o');
    const names = [...first.symbols.keys()].sort();
    expect(names).toContain('__orc_rt_resolve_implementation');
    expect(names).toContain('__orc_rt_resolve_tag');
    expect(first.symbols.get('__orc_rt_resolve_implementation')).toBe(
      JITSymbolFlags.Exported | JITSymbolFlags.Callable,
    );
    // A copy: changing what a caller got changes nothing for the next one.
    first.symbols.delete('__orc_rt_resolve_tag');
    const second = objectInterface(bytes, 'resolve.o');
    expect([...second.symbols.keys()].sort()).toEqual(names);
    expect(second.symbols).not.toBe(first.symbols);
    second.symbols.clear();
    expect([...objectInterface(bytes, 'resolve.o').symbols.keys()].sort()).toEqual(names);
    // Rename the function in place (its string table entry): the interface follows.
    const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('__orc_rt_resolve_implementation\0');
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = 'X'.charCodeAt(0);
    const renamed = [...objectInterface(bytes, 'resolve.o').symbols.keys()];
    expect(renamed).toContain('__Xrc_rt_resolve_implementation');
    expect(renamed).not.toContain('__orc_rt_resolve_implementation');
  });

  it('reads again under another name, and fails again on bytes that do not parse', () => {
    const bytes = new Uint8Array(readFileSync(RESOLVE));
    expect(objectInterface(bytes, 'a.o').symbols.size).toBe(objectInterface(bytes, 'b.o').symbols.size);
    const bad = bytes.slice(0, 40);
    expect(() => objectInterface(bad, 'bad.o')).toThrow(/bad\.o/);
    expect(() => objectInterface(bad, 'bad.o')).toThrow(/bad\.o/);
  });
});
