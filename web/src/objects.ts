/**
 * The objects the page bundles: the lazy-demo (examples/lazy-demo/obj, built with -g from
 * examples/lazy-demo/src, whose C sources come along for the source view) and the ORC runtime
 * (runtime-aarch64/obj), as Vite asset URLs fetched at start-up (no node:fs in the browser).
 */

import dataUrl from '../../examples/lazy-demo/obj/data.o?url';
import greetUrl from '../../examples/lazy-demo/obj/greet.o?url';
import mainUrl from '../../examples/lazy-demo/obj/main.o?url';
import mathUrl from '../../examples/lazy-demo/obj/math.o?url';
import rarelyUrl from '../../examples/lazy-demo/obj/rarely.o?url';
import dataC from '../../examples/lazy-demo/src/data.c?raw';
import greetC from '../../examples/lazy-demo/src/greet.c?raw';
import mainC from '../../examples/lazy-demo/src/main.c?raw';
import mathC from '../../examples/lazy-demo/src/math.c?raw';
import rarelyC from '../../examples/lazy-demo/src/rarely.c?raw';
import { RUNTIME_OBJECT_NAMES, type RuntimeObject } from '../../runtime-aarch64/abi.ts';
import atomicsUrl from '../../runtime-aarch64/obj/atomics.o?url';
import resolveUrl from '../../runtime-aarch64/obj/resolve.o?url';
import sysvResolveUrl from '../../runtime-aarch64/obj/sysv_resolve.o?url';

const RUNTIME_URLS: Record<(typeof RUNTIME_OBJECT_NAMES)[number], string> = {
  'resolve.o': resolveUrl,
  'sysv_resolve.o': sysvResolveUrl,
  'atomics.o': atomicsUrl,
};

/** As `orc-sandbox demo`: main.o eagerly, the rest with -lazy. */
export const DEMO: readonly { name: string; url: string; lazy: boolean }[] = [
  { name: 'main.o', url: mainUrl, lazy: false },
  { name: 'greet.o', url: greetUrl, lazy: true },
  { name: 'math.o', url: mathUrl, lazy: true },
  { name: 'data.o', url: dataUrl, lazy: true },
  { name: 'rarely.o', url: rarelyUrl, lazy: true },
];

export const DEMO_SOURCES: ReadonlyMap<string, string> = new Map([
  ['main.c', mainC],
  ['greet.c', greetC],
  ['math.c', mathC],
  ['data.c', dataC],
  ['rarely.c', rarelyC],
]);

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot fetch ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function fetchRuntimeObjects(): Promise<RuntimeObject[]> {
  return Promise.all(RUNTIME_OBJECT_NAMES.map(async (name) => ({ name, bytes: await fetchBytes(RUNTIME_URLS[name]) })));
}

/** The demo's objects by name. */
export async function fetchDemoObjects(): Promise<Map<string, Uint8Array>> {
  const all = await Promise.all(DEMO.map(async (d) => [d.name, await fetchBytes(d.url)] as const));
  return new Map(all);
}
