/**
 * First-call latency of a lazy function and the controller ↔ executor traffic it costs, with the
 * session's executor in process (InProcessEPC: direct calls) and in a worker thread (WorkerEPC:
 * messages). A first call: trampoline → reentry → JIT dispatch → link math.o → redirect → body.
 *
 *   npx tsx benchmarks/executor.ts [--engine ts|unicorn] [--runs N]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../src/emu/engine.ts';
import type { ExecutorProcessControl } from '../src/orc/epc/epc.ts';
import { openSession } from '../src/orc/session/session.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
};
const engine = opt('--engine', 'ts') as EngineKind;
const runs = Number(opt('--runs', '20'));
const dir = fileURLToPath(new URL('../examples/lazy-demo/obj/', import.meta.url));
const obj = (n: string) => new Uint8Array(readFileSync(`${dir}${n}`));
const quiet = () => {};

interface Sample {
  first: number;
  second: number;
  messages: number;
  requests: number;
  dispatches: number;
  bytes: number;
}

interface Session {
  addObject(b: Uint8Array, n: string, o?: { lazy?: boolean }): void;
  lookupOne(n: string): Promise<{ address: number }>;
  call(fn: number, a: number[]): Promise<bigint>;
}

async function measure(sb: Session, epc: ExecutorProcessControl | undefined): Promise<Sample> {
  sb.addObject(obj('main.o'), 'main.o');
  for (const n of ['greet.o', 'math.o', 'data.o', 'rarely.o']) sb.addObject(obj(n), n, { lazy: true });
  const square = (await sb.lookupOne('square')).address;
  // The executor maps its stack on the first call: a host function (abs) takes that cost, so the
  // timed call is the lazy path alone (as a stack mapped beforehand would give).
  await sb.call((await sb.lookupOne('abs')).address, [-1]);
  const s0 = epc ? { ...epc.stats } : undefined;
  let t = performance.now();
  const r1 = await sb.call(square, [12]);
  const first = performance.now() - t;
  const s1 = epc ? { ...epc.stats } : undefined;
  t = performance.now();
  const r2 = await sb.call(square, [12]);
  const second = performance.now() - t;
  if (r1 !== 144n || r2 !== 144n) throw new Error(`square(12) = ${r1}, ${r2}`);
  return {
    first,
    second,
    messages: s0 && s1 ? s1.messagesSent + s1.messagesReceived - s0.messagesSent - s0.messagesReceived : 0,
    requests: s0 && s1 ? s1.requests - s0.requests : 0,
    dispatches: s0 && s1 ? s1.dispatches - s0.dispatches : 0,
    bytes: s0 && s1 ? s1.payloadBytes - s0.payloadBytes : 0,
  };
}

const modes: Record<string, () => Promise<Sample>> = {
  'in-process (openSession)': async () => {
    const sb = await openSession({ engine, stdout: quiet, stderr: quiet });
    try {
      return await measure(sb, sb.epc);
    } finally {
      await sb.close();
    }
  },
  'worker (openSession)': async () => {
    const sb = await openSession({ engine, executor: 'worker', stdout: quiet, stderr: quiet });
    try {
      return await measure(sb, sb.epc);
    } finally {
      await sb.close();
    }
  },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`first call of a lazy function (square in math.o), engine ${engine}, median of ${runs} fresh sessions`);
console.log(
  `${'executor'.padEnd(32)}${'first call'.padStart(12)}${'2nd call'.padStart(11)}${'messages'.padStart(10)}${'requests'.padStart(10)}${'dispatch'.padStart(10)}${'bytes'.padStart(8)}`,
);
for (const [name, f] of Object.entries(modes)) {
  const samples: Sample[] = [];
  await f(); // warm-up (module loading, JIT)
  for (let i = 0; i < runs; i++) samples.push(await f());
  const m = (k: keyof Sample) => median(samples.map((s) => s[k]));
  console.log(
    `${name.padEnd(32)}${`${m('first').toFixed(2)} ms`.padStart(12)}${`${m('second').toFixed(3)} ms`.padStart(11)}${String(m('messages')).padStart(10)}${String(m('requests')).padStart(10)}${String(m('dispatches')).padStart(10)}${String(m('bytes')).padStart(8)}`,
  );
}
