/**
 * Each test fork tunes V8 as the `orc-sandbox` command does (src/emu/ts/v8-tiering.ts): Sparkplug
 * at once, WebAssembly regions on V8's baseline tier until they have run long. The tests then run
 * the translation tier as users' commands run it, and a fork's regions no longer start V8's
 * background optimizing compilations that took CPU from the other fork (the suite took 235 s
 * without this, 207 s with it, on the 2-core machine). Worker threads the tests start join it.
 */
import { tuneV8ForTranslation } from '../../src/emu/ts/v8-tiering.ts';

tuneV8ForTranslation();
