/**
 * The worker executor shares no memory with the controller: the controller's object graph holds no
 * engine, every message is a structured clone without SharedArrayBuffers or transferred ports,
 * payloads are copies, and no SharedArrayBuffer is ever constructed on either side.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROT_READ } from '../../src/emu/engine.ts';
import { type ExecutorProcessControl, InProcessEPC } from '../../src/orc/epc/epc.ts';
import { WorkerEPC } from '../../src/orc/epc/worker-epc.ts';
import { OrcSession } from '../../src/orc/session/session.ts';

const demo = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));
const obj = (n: string) => new Uint8Array(readFileSync(`${demo}${n}`));

/** Objects reachable from `root` through properties, array items, Map/Set entries. */
function reachable(root: unknown, limit = 200_000): Set<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0 && seen.size < limit) {
    const v = stack.pop();
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) continue;
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && 'value' in d) stack.push(d.value);
    }
  }
  return seen;
}

const isEngine = (o: object): boolean =>
  typeof (o as { memMap?: unknown }).memMap === 'function' &&
  typeof (o as { start?: unknown }).start === 'function' &&
  typeof (o as { instructionCount?: unknown }).instructionCount === 'function';

/** Every SharedArrayBuffer, MessagePort or non-plain buffer inside a message. */
function sharedThings(m: unknown, found: string[] = [], path = 'msg'): string[] {
  if (typeof m !== 'object' || m === null) return found;
  if (m instanceof SharedArrayBuffer) found.push(`${path}: SharedArrayBuffer`);
  else if (ArrayBuffer.isView(m)) {
    if (!(m.buffer instanceof ArrayBuffer)) found.push(`${path}: view on ${m.buffer.constructor.name}`);
  } else if (m.constructor?.name === 'MessagePort') found.push(`${path}: MessagePort`);
  else for (const [k, v] of Object.entries(m)) sharedThings(v, found, `${path}.${k}`);
  return found;
}

let sabCreated = 0;
const OriginalSAB = globalThis.SharedArrayBuffer;
beforeAll(() => {
  globalThis.SharedArrayBuffer = new Proxy(OriginalSAB, {
    construct(target, args, newTarget) {
      sabCreated++;
      return Reflect.construct(target, args, newTarget);
    },
  });
});
afterAll(() => {
  globalThis.SharedArrayBuffer = OriginalSAB;
});

async function runDemo(epc: ExecutorProcessControl): Promise<OrcSession> {
  const sb = new OrcSession(epc);
  sb.addObject(obj('main.o'), 'main.o');
  for (const n of ['greet.o', 'math.o', 'data.o', 'rarely.o']) sb.addObject(obj(n), n, { lazy: true });
  const r = await sb.run('main');
  expect(r.status).toBe(0);
  return sb;
}

describe('no shared memory between controller and worker executor', () => {
  it('the demo runs; no message carries shared memory; no SharedArrayBuffer anywhere; no engine reachable', async () => {
    const problems: string[] = [];
    let messages = 0;
    let out = '';
    const epc = await WorkerEPC.start({
      auditSharedMemory: true,
      stdout: (b) => {
        out += new TextDecoder().decode(b);
      },
      onMessage: (_dir, m) => {
        messages++;
        sharedThings(m, problems);
      },
    });
    try {
      const sb = await runDemo(epc);
      expect(out).toContain('main: fib(20)=6765, square(12)=144');
      expect(messages).toBeGreaterThan(10);
      expect(problems).toEqual([]);
      expect((await epc.executorStats()).sharedArrayBuffers).toBe(0);
      expect(sabCreated).toBe(0);
      const engines = [...reachable(sb)].filter(isEngine);
      expect(engines).toEqual([]);
      expect(sb.dispatches).toBe(3);
    } finally {
      await epc.close();
    }
  });

  it('(control) the same walk finds the engine of the in-process EPC', async () => {
    const epc = await InProcessEPC.create({ stdout: () => {} });
    try {
      const sb = await runDemo(epc);
      expect([...reachable(sb)].filter(isEngine)).toHaveLength(1);
    } finally {
      await epc.close();
    }
  });

  it('payloads are copies both ways', async () => {
    const epc = await WorkerEPC.start({ auditSharedMemory: true });
    try {
      const page = 0x3000_0000;
      await epc.reserve([{ address: page, size: 0x1000 }]);
      const bytes = new Uint8Array([1, 2, 3, 4]);
      const written = epc.writeMemory({ address: page, bytes });
      bytes.fill(9); // after the send: the executor must not see this
      await written;
      expect(bytes.buffer.byteLength).toBe(4); // not detached (nothing was transferred)
      const a = await epc.readMemory({ address: page, size: 4 });
      expect([...a]).toEqual([1, 2, 3, 4]);
      expect(a.buffer).toBeInstanceOf(ArrayBuffer);
      a.fill(7);
      const b = await epc.readMemory({ address: page, size: 4 });
      expect([...b]).toEqual([1, 2, 3, 4]);
      await epc.finalize([], [{ address: page, size: 0x1000, prot: PROT_READ }]);
      expect((await epc.executorStats()).sharedArrayBuffers).toBe(0);
    } finally {
      await epc.close();
    }
  });
});
