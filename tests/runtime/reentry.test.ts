/**
 * The reentry path run emulated: caller → stub → trampoline → __orc_rt_sysv_resolve →
 * __orc_rt_resolve_implementation → __orc_rt_jit_dispatch (host gate, SPS) → body → caller.
 * Invariants (reference orc-lazy-linking.md §2.3, §4, §9.5): the body receives x0–x15, x18–x28,
 * x29, q0–q31 and SP exactly as the caller left them, its x30 is the caller's return address, the
 * caller's stack is untouched, SP is 16-byte aligned at every instruction of the routine, and the
 * host is asked about exactly the trampoline's start address with the documented tag and context.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineKind, PROT_READ, PROT_WRITE } from '../../src/emu/engine.ts';
import { runProgram } from '../../src/executor/host/index.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { hex, makeWorld, type RuntimeWorld, readU64, readU128, u64le } from './support.ts';

const STACK_BASE = 0x6000_0000;
const STACK_SIZE = 0x1_0000;
const FRAME = 720;
const Q_ONES = (1n << 128n) - 1n;

const GPRS = [...Array.from({ length: 16 }, (_, i) => i), 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];

interface Inputs {
  x: bigint[]; // x0..x30 (x16, x17, x30 ignored)
  q: bigint[]; // q0..q31
  spOffset: number; // multiple of 16
  stack: Uint8Array; // the caller's frame above SP
  nzcv: number;
}

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const inputsArb: fc.Arbitrary<Inputs> = fc.record({
  x: fc.array(u64, { minLength: 31, maxLength: 31 }),
  q: fc.array(u128, { minLength: 32, maxLength: 32 }),
  spOffset: fc.integer({ min: 0x2000 / 16, max: 0xe000 / 16 }).map((n) => n * 16),
  stack: fc.uint8Array({ minLength: 256, maxLength: 256 }),
  nzcv: fc.integer({ min: 0, max: 15 }).map((n) => n << 28),
});

interface Observed {
  reason: string;
  dump: { x: bigint[]; sp: bigint; q: bigint[] };
  after: { x: bigint[]; sp: bigint; q: bigint[] };
  stackAfter: Uint8Array;
  spAtRoutine: number[];
  frameAtImpl: {
    x: bigint[];
    q: bigint[];
    callerFp: bigint;
    callerLr: bigint;
    x0: bigint;
    x29: bigint;
    sp: bigint;
  } | null;
}

/** Runs caller → … → body once with the given register/stack contents. */
function callThroughTrampoline(w: RuntimeWorld, inp: Inputs): Observed {
  const e = w.engine;
  const sp = STACK_BASE + inp.spOffset;
  e.memWrite(w.sym('lazy_fn_ptr'), u64le(w.sym('trampoline')));
  e.memWrite(w.sym('dump'), new Uint8Array(768));
  e.memWrite(sp, inp.stack);
  for (const i of GPRS) e.setX(i, inp.x[i] as bigint);
  e.setX(30, inp.x[30] as bigint);
  for (let i = 0; i < 32; i++) e.regWrite(`q${i}`, inp.q[i] as bigint);
  e.setX(31, sp);
  e.regWrite('nzcv', BigInt(inp.nzcv));

  const reentry = w.sym('__orc_rt_sysv_resolve');
  const spAtRoutine: number[] = [];
  const h1 = e.hookAdd('code', () => spAtRoutine.push(Number(e.getX(31))), {
    begin: reentry,
    end: reentry + w.reentrySize - 1,
  });
  let frameAtImpl: Observed['frameAtImpl'] = null;
  const impl = w.sym('__orc_rt_resolve_implementation');
  const h2 = e.hookAdd(
    'code',
    () => {
      const s = Number(e.getX(31));
      frameAtImpl = {
        x: GPRS.filter((i) => i !== 18 && i !== 29).map((i) => readU64(e, s + (i < 16 ? 8 * i : 128 + 8 * (i - 19)))),
        q: Array.from({ length: 32 }, (_, i) => readU128(e, s + 208 + 16 * i)),
        callerFp: readU64(e, s + 720),
        callerLr: readU64(e, s + 728),
        x0: e.getX(0),
        x29: e.getX(29),
        sp: BigInt(s),
      };
      // Give the restore code something to do: every register the routine saved is garbage from
      // here on (x0 = the argument stays). The C code saves and restores these garbage values.
      for (const i of GPRS) if (i !== 0 && i !== 18) e.setX(i, BigInt.asUintN(64, ~(inp.x[i] as bigint)));
      for (let i = 0; i < 32; i++) e.regWrite(`q${i}`, (inp.q[i] as bigint) ^ Q_ONES);
    },
    { begin: impl, end: impl },
  );
  let r: { reason: string };
  try {
    r = e.start(w.sym('caller'), w.sym('caller_ret'), { count: 100_000 });
  } finally {
    e.hookDel(h1);
    e.hookDel(h2);
  }
  const d = w.sym('dump');
  return {
    reason: r.reason,
    dump: {
      x: Array.from({ length: 31 }, (_, i) => readU64(e, d + 8 * i)),
      sp: readU64(e, d + 248),
      q: Array.from({ length: 32 }, (_, i) => readU128(e, d + 256 + 16 * i)),
    },
    after: {
      x: Array.from({ length: 31 }, (_, i) => e.getX(i)),
      sp: e.getX(31),
      q: Array.from({ length: 32 }, (_, i) => e.regRead(`q${i}`)),
    },
    stackAfter: e.memRead(sp, inp.stack.length),
    spAtRoutine,
    frameAtImpl,
  };
}

function checkInvariants(w: RuntimeWorld, inp: Inputs, o: Observed): void {
  const sp = BigInt(STACK_BASE + inp.spOffset);
  const callerRet = BigInt(w.sym('caller_ret'));
  expect(o.reason).toBe('until');
  // the host was asked exactly once, about the trampoline's start, with the documented tag/context
  expect(w.dispatches).toHaveLength(1);
  const d = w.dispatches[0]!;
  expect(d.args).toHaveLength(8);
  expect(hex(d.trampoline ?? -1)).toBe(hex(w.sym('trampoline')));
  expect(d.tag).toBe(w.sym('__orc_rt_resolve_tag'));
  expect(d.ctx).toBe(w.sym('__orc_rt_jit_dispatch_ctx'));
  // what the body received
  for (const i of GPRS) expect(hex(o.dump.x[i] as bigint), `body x${i}`).toBe(hex(inp.x[i] as bigint));
  expect(hex(o.dump.x[30] as bigint), 'body x30 = caller return address').toBe(hex(callerRet));
  expect(hex(o.dump.sp), 'body sp').toBe(hex(sp));
  for (let i = 0; i < 32; i++) expect(hex(o.dump.q[i] as bigint), `body q${i}`).toBe(hex(inp.q[i] as bigint));
  // back in the caller: everything but x16/x17/x30 as before, and the caller's frame untouched
  for (const i of GPRS) expect(hex(o.after.x[i] as bigint), `after x${i}`).toBe(hex(inp.x[i] as bigint));
  expect(hex(o.after.sp)).toBe(hex(sp));
  for (let i = 0; i < 32; i++) expect(hex(o.after.q[i] as bigint), `after q${i}`).toBe(hex(inp.q[i] as bigint));
  expect(Buffer.from(o.stackAfter).equals(Buffer.from(inp.stack)), 'caller stack preserved').toBe(true);
  // the routine: SP 16-byte aligned before every instruction, never above the trampoline's pair
  expect(o.spAtRoutine.length, 'instructions executed in the routine').toBe(66);
  for (const s of o.spAtRoutine) expect(s % 16).toBe(0);
  expect(o.spAtRoutine[0], 'entry: below the trampoline pair').toBe(Number(sp) - 16);
  expect(o.spAtRoutine.at(-1), 'at the final br: the caller SP').toBe(Number(sp));
  for (const s of o.spAtRoutine.slice(0, -1)) expect(s).toBeLessThanOrEqual(Number(sp) - 16);
  // the documented frame, seen at the entry of __orc_rt_resolve_implementation
  const f = o.frameAtImpl!;
  expect(f).not.toBeNull();
  expect(hex(f.sp)).toBe(hex(sp - 16n - BigInt(FRAME)));
  expect(hex(f.x0)).toBe(hex(w.sym('trampoline')));
  expect(hex(f.x29), 'x29 = frame record of the caller').toBe(hex(f.sp + 720n));
  expect(hex(f.callerFp)).toBe(hex(inp.x[29] as bigint));
  expect(hex(f.callerLr)).toBe(hex(callerRet));
  const saved = GPRS.filter((i) => i !== 18 && i !== 29);
  saved.forEach((r, k) => {
    expect(hex(f.x[k] as bigint), `frame x${r}`).toBe(hex(inp.x[r] as bigint));
  });
  for (let i = 0; i < 32; i++) expect(hex(f.q[i] as bigint), `frame q${i}`).toBe(hex(inp.q[i] as bigint));
  // the result buffer the gate malloc'd was freed by the runtime
  expect(w.host.heap.liveBlocks).toBe(0);
}

const fixedInputs = (): Inputs => ({
  x: Array.from({ length: 31 }, (_, i) => 0x0101_0101_0101_0101n * BigInt(i + 1) + 0xf0n),
  q: Array.from(
    { length: 32 },
    (_, i) => (0x1111_2222_3333_4444_5555_6666_7777_8888n * BigInt(i + 3)) & ((1n << 128n) - 1n),
  ),
  spOffset: 0x8000,
  stack: Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 0xff),
  nzcv: 0x6000_0000,
});

function reentrySuite(kind: EngineKind, runs: number): void {
  let world: RuntimeWorld | undefined;
  afterEach(() => {
    world?.engine.close();
    world = undefined;
  });
  const setup = async () => {
    world = await makeWorld(kind);
    world.engine.memMap(STACK_BASE, STACK_SIZE, PROT_READ | PROT_WRITE);
    return world;
  };

  it('caller → stub → trampoline → runtime → body: registers, stack and frame invariants', async () => {
    const w = await setup();
    const inp = fixedInputs();
    checkInvariants(w, inp, callThroughTrampoline(w, inp));
  });

  it('property: random x0–x15, x18–x28, x29, q0–q31, SP and caller stack survive the reentry', async () => {
    const w = await setup();
    fc.assert(
      fc.property(inputsArb, (inp) => {
        w.dispatches.length = 0;
        checkInvariants(w, inp, callThroughTrampoline(w, inp));
      }),
      { numRuns: runs, seed: 0x0c0ffee },
    );
  });

  it('after the host redirects the stub, later calls go straight to the body', async () => {
    const w = await setup();
    w.onDispatch = () => w.engine.memWrite(w.sym('lazy_fn_ptr'), u64le(w.sym('body')));
    const r = runProgram(w.host, w.sym('main'));
    expect(r).toMatchObject({ status: 7, reason: 'return' });
    expect(w.dispatches).toHaveLength(1);
    const again = runProgram(w.host, w.sym('main'), { stack: { top: 0x7e00_0000, size: 0x1_0000 } });
    expect(again).toMatchObject({ status: 7, reason: 'return' });
    expect(w.dispatches).toHaveLength(1);
    expect(again.instructions).toBeLessThan(r.instructions);
  });
}

describe('reentry on the ts engine', () => reentrySuite('ts', 60));
describeWithOracles(['unicorn'], 'reentry on the unicorn engine', () => reentrySuite('unicorn', 15));

// ---- failures: message on stderr, abort() → 134 ------------------------------------------------

async function runFailing(kind: EngineKind, configure: (w: RuntimeWorld) => void, withoutGate = false) {
  const w = await makeWorld(kind, { withoutDispatchGate: withoutGate });
  configure(w);
  try {
    const r = runProgram(w.host, w.sym('main'));
    return {
      w,
      r,
      stderr: w.stderr(),
      prefix: `error resolving implementation for stub ${hex(w.sym('trampoline'))}: `,
    };
  } finally {
    w.engine.close();
  }
}

function failureSuite(kind: EngineKind): void {
  it('an SPS Expected error from the host: exact stderr line, exit status 134', async () => {
    const msg = 'Symbols not found: [ greet$orc_fnbody ]';
    const { w, r, stderr, prefix } = await runFailing(kind, (w) => {
      w.answer = () => ({ kind: 'expected', value: { ok: false, error: msg } });
    });
    expect(r).toMatchObject({ status: 134, reason: 'abort' });
    expect(stderr).toBe(`${prefix}${msg}\n`);
    expect(w.dispatches).toHaveLength(1);
    expect(w.host.heap.liveBlocks).toBe(0);
  });

  it('an out-of-band error (transport failure)', async () => {
    const { w, r, stderr, prefix } = await runFailing(kind, (w) => {
      w.answer = () => ({ kind: 'oob', error: 'No handler for tag 0x1234' });
    });
    expect(r).toMatchObject({ status: 134, reason: 'abort' });
    expect(stderr).toBe(`${prefix}No handler for tag 0x1234\n`);
    expect(w.host.heap.liveBlocks).toBe(0);
  });

  it('an error message longer than one buffer, with UTF-8', async () => {
    const msg = `résolution ${'x'.repeat(3000)} ✗`;
    const { r, stderr, prefix } = await runFailing(kind, (w) => {
      w.answer = () => ({ kind: 'expected', value: { ok: false, error: msg } });
    });
    expect(r.status).toBe(134);
    expect(stderr).toBe(`${prefix}${msg}\n`);
  });

  it.each([
    ['empty', new Uint8Array([])],
    ['inline true, too short', new Uint8Array([1, 2, 3])],
    ['bad bool tag', Uint8Array.from([7, ...new Uint8Array(10)])],
    ['error string length beyond the data', Uint8Array.from([0, 50, 0, 0, 0, 0, 0, 0, 0, 65])],
  ])('a malformed result (%s) is a deserialization error', async (_name, bytes) => {
    const { w, r, stderr, prefix } = await runFailing(kind, (w) => {
      w.answer = () => ({ kind: 'raw', bytes });
    });
    expect(r.status).toBe(134);
    expect(stderr).toBe(`${prefix}Could not deserialize result from serialized wrapper function call\n`);
    expect(w.host.heap.liveBlocks).toBe(0);
  });

  it('a body at address 0 is refused', async () => {
    const { r, stderr, prefix } = await runFailing(kind, (w) => {
      w.answer = () => ({ kind: 'expected', value: { ok: true, value: { address: 0, flags: 0 } } });
    });
    expect(r.status).toBe(134);
    expect(stderr).toBe(`${prefix}the JIT answered address 0\n`);
  });

  it('no __orc_rt_jit_dispatch in the process (weak reference left at 0)', async () => {
    const { r, stderr, prefix } = await runFailing(kind, () => {}, true);
    expect(r.status).toBe(134);
    expect(stderr).toBe(`${prefix}__orc_rt_jit_dispatch not set\n`);
  });
}

describe('reentry failures on the ts engine', () => failureSuite('ts'));
describeWithOracles(['unicorn'], 'reentry failures on the unicorn engine', () => failureSuite('unicorn'));
