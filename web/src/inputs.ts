/**
 * The page's object list (the demo's objects and the user's), free of DOM: loading your own
 * objects replaces the ones that define the same symbols (your main.o instead of the demo's, not
 * a `duplicate definition of symbol 'main'`), and the shareable part of the state (which demo
 * objects, which are lazy, how many phases) goes to and from the URL's fragment.
 */

import { readElf, SHN_UNDEF, STB_GLOBAL } from '../../src/linker/elf/reader.ts';
import type { InputObject } from './stepper.ts';

export interface PageObject extends InputObject {
  origin: 'demo' | 'user';
}

/** Names an object defines with global (strong) binding: what would clash with another object. */
export function strongDefinitions(bytes: Uint8Array, name: string): Set<string> {
  const elf = readElf(bytes, name);
  const out = new Set<string>();
  for (const s of elf.symbols) if (s.bind === STB_GLOBAL && s.shndx !== SHN_UNDEF && s.name !== '') out.add(s.name);
  return out;
}

export interface AddResult {
  objects: PageObject[];
  /** What happened, for the page to say (replaced, removed for a clash, unreadable). */
  notes: string[];
}

/**
 * Adds the user's objects: one with the name of an object in the list replaces it; an object in
 * the list that defines a symbol a new one defines is taken out (the new one replaces it). New
 * objects are lazy unless they define the entry point.
 */
export function addObjects(
  list: readonly PageObject[],
  added: readonly { name: string; bytes: Uint8Array }[],
  entry = 'main',
): AddResult {
  const notes: string[] = [];
  let objects = [...list];
  for (const a of added) {
    let defs: Set<string>;
    try {
      defs = strongDefinitions(a.bytes, a.name);
    } catch (e) {
      notes.push(`${a.name} not added: ${(e as Error).message}`);
      continue;
    }
    const same = objects.findIndex((o) => o.name === a.name);
    const lazy = same >= 0 ? (objects[same] as PageObject).lazy : !defs.has(entry);
    if (same >= 0) {
      notes.push(`${a.name} replaces the previous ${a.name}`);
      objects.splice(same, 1);
    }
    objects = objects.filter((o) => {
      let clash: string[];
      try {
        clash = [...strongDefinitions(o.bytes, o.name)].filter((n) => defs.has(n));
      } catch {
        clash = [];
      }
      if (clash.length === 0) return true;
      notes.push(
        `${a.name} defines ${clash.map((n) => `'${n}'`).join(', ')}, as ${o.name} did: ${o.name} removed from the link`,
      );
      return false;
    });
    objects.push({ name: a.name, bytes: a.bytes, lazy, origin: 'user' });
  }
  return { objects, notes };
}

export interface UrlState {
  /** Demo objects in the link (names without `.o`); undefined: all. */
  objects: string[] | undefined;
  /** Lazy ones among them; undefined: the demo's defaults. */
  lazy: string[] | undefined;
  /** "Next phase" moves from the start. */
  phase: number;
}

const stem = (name: string): string => name.replace(/\.o$/, '');

export function parseHash(hash: string): UrlState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const list = (k: string): string[] | undefined => {
    const v = p.get(k);
    return v === null ? undefined : v.split(',').filter((x) => /^[\w.+-]+$/.test(x));
  };
  const phase = Number(p.get('phase') ?? '0');
  return {
    objects: list('objects'),
    lazy: list('lazy'),
    phase: Number.isInteger(phase) && phase >= 0 && phase < 1000 ? phase : 0,
  };
}

/** The fragment for the current demo objects, lazy flags and phase (undefined: the position is not a phase). */
export function formatHash(objects: readonly PageObject[], phase: number | undefined): string {
  const demo = objects.filter((o) => o.origin === 'demo');
  const p = new URLSearchParams();
  p.set('objects', demo.map((o) => stem(o.name)).join(','));
  p.set(
    'lazy',
    demo
      .filter((o) => o.lazy)
      .map((o) => stem(o.name))
      .join(','),
  );
  if (phase !== undefined && phase > 0) p.set('phase', String(phase));
  return `#${p.toString().replace(/%2C/g, ',')}`;
}

/** The demo objects a URL state selects (unknown names are ignored). */
export function demoSelection(
  state: UrlState,
  demo: readonly { name: string; lazy: boolean }[],
  bytes: ReadonlyMap<string, Uint8Array>,
): PageObject[] {
  const chosen = state.objects ? demo.filter((d) => state.objects?.includes(stem(d.name))) : demo;
  return chosen.map((d) => ({
    name: d.name,
    bytes: bytes.get(d.name) as Uint8Array,
    lazy: state.lazy ? state.lazy.includes(stem(d.name)) : d.lazy,
    origin: 'demo' as const,
  }));
}
