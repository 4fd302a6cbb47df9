/**
 * The objects the page bundles: the lazy-demo (examples/lazy-demo/obj) and the ORC runtime
 * (runtime-aarch64/obj), as Vite asset URLs fetched at start-up (no node:fs in the browser).
 */

import dataUrl from '../../examples/lazy-demo/obj/data.o?url';
import greetUrl from '../../examples/lazy-demo/obj/greet.o?url';
import mainUrl from '../../examples/lazy-demo/obj/main.o?url';
import mathUrl from '../../examples/lazy-demo/obj/math.o?url';
import rarelyUrl from '../../examples/lazy-demo/obj/rarely.o?url';
import { RUNTIME_OBJECT_NAMES, type RuntimeObject } from '../../runtime-aarch64/abi.ts';
import atomicsUrl from '../../runtime-aarch64/obj/atomics.o?url';
import resolveUrl from '../../runtime-aarch64/obj/resolve.o?url';
import sysvResolveUrl from '../../runtime-aarch64/obj/sysv_resolve.o?url';
import type { InputObject } from './stepper.ts';

const RUNTIME_URLS: Record<(typeof RUNTIME_OBJECT_NAMES)[number], string> = {
  'resolve.o': resolveUrl,
  'sysv_resolve.o': sysvResolveUrl,
  'atomics.o': atomicsUrl,
};

/** As `orc-sandbox demo`: main.o eagerly, the rest with -lazy. */
const DEMO: readonly { name: string; url: string; lazy: boolean }[] = [
  { name: 'main.o', url: mainUrl, lazy: false },
  { name: 'greet.o', url: greetUrl, lazy: true },
  { name: 'math.o', url: mathUrl, lazy: true },
  { name: 'data.o', url: dataUrl, lazy: true },
  { name: 'rarely.o', url: rarelyUrl, lazy: true },
];

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot fetch ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function fetchRuntimeObjects(): Promise<RuntimeObject[]> {
  return Promise.all(RUNTIME_OBJECT_NAMES.map(async (name) => ({ name, bytes: await fetchBytes(RUNTIME_URLS[name]) })));
}

export async function fetchDemoObjects(): Promise<InputObject[]> {
  return Promise.all(DEMO.map(async (d) => ({ name: d.name, lazy: d.lazy, bytes: await fetchBytes(d.url) })));
}
