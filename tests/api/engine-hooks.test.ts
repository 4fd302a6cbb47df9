/**
 * Unicorn's hook kinds on both engines: memory hooks by kind (read: before, value 0; read-after:
 * the loaded value; write: before the permission check, the stored value; fetch: never for a
 * successful fetch, as native Unicorn 2), invalid-access hooks by access and fault kind (true: the
 * fault is handled and the access retried), and `insn` hooks on svc and mrs. The ts engine's call sequence
 * is asserted as concrete lines; the oracle test requires native Unicorn to produce the same.
 */
import { expect, it } from 'vitest';
import {
  createEngine,
  EngineApiError,
  type EngineKind,
  INTNO_SVC,
  MemoryFault,
  PROT_ALL,
  PROT_READ,
  PROT_WRITE,
} from '../../src/api/engine.ts';
import type { TsEngine } from '../../src/emu/ts/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';

const code = (words: number[]): Uint8Array => new Uint8Array(new Uint32Array(words).buffer);

// mov x1,#0x20000; mov x2,#0x1234; str x2,[x1]; ldr x3,[x1]; ldrb w4,[x1,#1]; svc #0; add x5,x3,#1;
// mov x7,#0x30000; ldr x6,[x7] (unmapped); mov x8,#0x40000; str x2,[x8] (read-only)
const PROGRAM = [
  0xd2a00041, 0xd2824682, 0xf9000022, 0xf9400023, 0x39400424, 0xd4000001, 0x91000465, 0xd2a00067, 0xf94000e6,
  0xd2a00088, 0xf9000102,
];

async function memoryScenario(kind: EngineKind, memoryHooks: boolean): Promise<string[]> {
  const e = await createEngine(kind);
  const log: string[] = [];
  try {
    e.memMap(0x10000, 0x1000, PROT_ALL);
    e.memMap(0x20000, 0x1000, PROT_READ | PROT_WRITE);
    e.memMap(0x40000, 0x1000, PROT_READ);
    e.memWrite(0x10000, code(PROGRAM));
    if (memoryHooks)
      for (const t of ['mem-read', 'mem-write', 'mem-read-after', 'mem-fetch'] as const)
        e.hookAdd(t, (a, addr, size, v) => log.push(`${t} ${a} 0x${addr.toString(16)} ${size} 0x${v.toString(16)}`));
    for (const t of ['mem-read-unmapped', 'mem-write-prot', 'mem-write-unmapped', 'mem-invalid'] as const)
      e.hookAdd(t, (a, k, addr, size, v) => {
        log.push(`${t} ${a} ${k} 0x${addr.toString(16)} ${size} 0x${v.toString(16)}`);
        if (t === 'mem-read-unmapped') {
          e.memMap(0x30000, 0x1000, PROT_READ);
          return true;
        }
        if (t === 'mem-write-prot') {
          e.memProtect(0x40000, 0x1000, PROT_READ | PROT_WRITE);
          return true;
        }
        return false;
      });
    e.hookAdd('insn', (at) => log.push(`svc at 0x${at.toString(16)}, pc 0x${e.getPc().toString(16)}`), { insn: 'svc' });
    e.hookAdd('intr', (n) => log.push(`intr ${n}`));
    const r = e.start(0x10000, 0x10000 + 4 * PROGRAM.length);
    log.push(
      `end ${r.reason} ${r.instructions} x3=0x${e.regRead('x3').toString(16)} x5=0x${e.regRead('x5').toString(16)}`,
    );
    log.push(`stored 0x${new DataView(e.memRead(0x40000, 8).buffer).getBigUint64(0, true).toString(16)}`);
  } finally {
    e.close();
  }
  return log;
}

/** Jumping to unmapped, then to non-executable code: fetch hooks map and re-protect, and it runs. */
async function fetchScenario(kind: EngineKind): Promise<string[]> {
  const e = await createEngine(kind);
  const log: string[] = [];
  try {
    e.memMap(0x60000, 0x1000, PROT_READ | PROT_WRITE);
    e.memWrite(0x60000, code([0xd28000ea])); // mov x10, #7
    e.hookAdd('mem-fetch', (_a, addr) => log.push(`mem-fetch 0x${addr.toString(16)}`));
    e.hookAdd('mem-read-unmapped', () => {
      log.push('mem-read-unmapped (wrong kind)');
      return false;
    });
    e.hookAdd('mem-fetch-unmapped', (a, k, addr, size) => {
      log.push(`mem-fetch-unmapped ${a} ${k} 0x${addr.toString(16)} ${size}`);
      e.memMap(0x50000, 0x1000, PROT_ALL);
      e.memWrite(0x50000, code([0xd2800129])); // mov x9, #9
      return true;
    });
    e.hookAdd('mem-fetch-prot', (a, k, addr, size) => {
      log.push(`mem-fetch-prot ${a} ${k} 0x${addr.toString(16)} ${size}`);
      e.memProtect(0x60000, 0x1000, PROT_ALL);
      return true;
    });
    const a = e.start(0x50000, 0x50004);
    const b = e.start(0x60000, 0x60004);
    log.push(`ends ${a.reason}/${b.reason} x9=${e.regRead('x9')} x10=${e.regRead('x10')}`);
  } finally {
    e.close();
  }
  return log;
}

/** mrs tpidr_el0 / nzcv / fpcr: the hook emulates nzcv (writes x1, skips it), lets the others run. */
async function mrsScenario(kind: EngineKind): Promise<string[]> {
  const e = await createEngine(kind);
  const log: string[] = [];
  try {
    e.memMap(0x10000, 0x1000, PROT_ALL);
    e.memWrite(0x10000, code([0xd53bd040, 0xd53b4201, 0xd53b4402, 0xd53bd043]));
    e.regWrite('tpidr_el0', 0x77);
    e.regWrite('nzcv', 0x6000_0000);
    e.hookAdd(
      'insn',
      (i) => {
        log.push(`mrs at 0x${i.address.toString(16)} x${i.rt} s${i.op0}_${i.op1}_c${i.crn}_c${i.crm}_${i.op2}`);
        if (i.crn === 4 && i.crm === 2) {
          e.setX(i.rt, 0x1234);
          return true;
        }
        return false;
      },
      { insn: 'mrs', begin: 0x10000, end: 0x10008 },
    );
    const r = e.start(0x10000, 0x10010);
    log.push(
      `end ${r.reason} ${r.instructions} x0=${e.regRead('x0')} x1=${e.regRead('x1')} x2=${e.regRead('x2')} x3=${e.regRead('x3')}`,
    );
  } finally {
    e.close();
  }
  return log;
}

const EXPECTED_ALL = [
  'mem-write write 0x20000 8 0x1234',
  'mem-read read 0x20000 8 0x0',
  'mem-read-after read 0x20000 8 0x1234',
  'mem-read read 0x20001 1 0x0',
  'mem-read-after read 0x20001 1 0x12',
  'svc at 0x10014, pc 0x10018',
  'mem-read-unmapped read unmapped 0x30000 8 0x0',
  'mem-invalid read unmapped 0x30000 8 0x0',
  'mem-read read 0x30000 8 0x0',
  'mem-read-after read 0x30000 8 0x0',
  'mem-write write 0x40000 8 0x1234',
  'mem-write-prot write protection 0x40000 8 0x1234',
  'mem-invalid write protection 0x40000 8 0x1234',
  'end until 11 x3=0x1234 x5=0x1235',
  'stored 0x1234',
];

it('ts engine: memory hooks by kind, invalid hooks by kind with retry, svc insn hook (concrete sequence)', async () => {
  expect(await memoryScenario('ts', true)).toEqual(EXPECTED_ALL);
  // Invalid hooks alone still see the faulting store's value.
  expect(await memoryScenario('ts', false)).toEqual(
    EXPECTED_ALL.filter((l) => !/^mem-(read|write|read-after) /.test(l)),
  );
  expect(await fetchScenario('ts')).toEqual([
    'mem-fetch-unmapped fetch unmapped 0x50000 4',
    'mem-fetch-prot fetch protection 0x60000 4',
    'ends until/until x9=9 x10=7',
  ]);
});

it('mrs insn hooks: see each mrs in their range with its fields; true skips it (ts engine)', async () => {
  expect(await mrsScenario('ts')).toEqual([
    'mrs at 0x10000 x0 s3_3_c13_c0_2',
    'mrs at 0x10004 x1 s3_3_c4_c2_0',
    'mrs at 0x10008 x2 s3_3_c4_c4_0',
    'end until 4 x0=119 x1=4660 x2=0 x3=119',
  ]);
});

it('svc insn hooks: limited by range, after exception stops; an unhandled fault still throws', async () => {
  const e = await createEngine('ts');
  try {
    e.memMap(0x10000, 0x1000, PROT_ALL);
    e.memWrite(0x10000, code([0xd4000001, 0xd4000021])); // svc #0; svc #1
    const seen: number[] = [];
    const intr: number[] = [];
    e.hookAdd('insn', (at) => seen.push(at), { insn: 'svc', begin: 0x10004, end: 0x10004 });
    e.hookAdd('intr', (n) => intr.push(n));
    expect(e.start(0x10000, 0x10008).reason).toBe('until');
    expect(seen).toEqual([0x10004]);
    expect(intr).toEqual([INTNO_SVC]); // the svc outside the range went to the intr hook
    e.setExceptionStops([INTNO_SVC]);
    const r = e.start(0x10004, 0x10008);
    expect([r.reason, r.intno, seen.length]).toEqual(['exception', INTNO_SVC, 1]);
    e.setExceptionStops([]);
    // A fault no hook handles ends the run with MemoryFault.
    e.hookAdd('mem-write-unmapped', () => false);
    e.memWrite(0x10000, code([0xf900001f])); // str xzr, [x0]
    e.regWrite('x0', 0x90000);
    expect(() => e.start(0x10000, 0x10004)).toThrow(MemoryFault);
  } finally {
    e.close();
  }
});

it('bad hook requests are typed errors; which hooks keep the ts translation tier', async () => {
  const e = (await createEngine('ts', { jitThreshold: 0 })) as unknown as TsEngine;
  try {
    expect(() => e.hookAdd('mem-everything' as 'mem-read', () => {})).toThrow(EngineApiError);
    expect(() => e.hookAdd('insn', () => {}, { insn: 'hvc' as 'svc' })).toThrow(EngineApiError);
    // mrs hooks look at every instruction: the interpreter (checked below with the loop).
    const mrs = e.hookAdd('insn', () => false, { insn: 'mrs' });
    e.memMap(0x10000, 0x1000, PROT_ALL);
    // mov x0,#100; subs x0,x0,#1; b.ne -4
    e.memWrite(0x10000, code([0xd2800c80, 0xf1000400, 0x54ffffe1]));
    const run = () => {
      e.translatedRegions = 0;
      e.memWrite(0x10000, code([0xd2800c80, 0xf1000400, 0x54ffffe1])); // drop earlier translations
      e.start(0x10000, 0x1000c);
      return e.translatedRegions;
    };
    expect(run()).toBe(0);
    e.hookDel(mrs);
    const keep = [
      e.hookAdd('insn', () => {}, { insn: 'svc' }),
      e.hookAdd('mem-read-unmapped', () => false),
      e.hookAdd('intr', () => {}),
    ];
    expect(run()).toBeGreaterThan(0);
    const interp = e.hookAdd('mem-read-after', () => {});
    expect(run()).toBe(0);
    e.hookDel(interp);
    expect(run()).toBeGreaterThan(0);
    for (const h of keep) e.hookDel(h);
  } finally {
    e.close();
  }
});

describeWithOracles(['unicorn'], 'hook call sequences: ts engine vs native Unicorn', () => {
  it('the same memory, invalid-access and svc hook calls in the same order', async () => {
    expect(await memoryScenario('unicorn', true)).toEqual(await memoryScenario('ts', true));
    expect(await memoryScenario('unicorn', false)).toEqual(await memoryScenario('ts', false));
  });
  it('the same mrs hook calls and results', async () => {
    expect(await mrsScenario('unicorn')).toEqual(await mrsScenario('ts'));
  });
  it('the same fetch-unmapped and fetch-protection handling (mem-fetch: never for a good fetch)', async () => {
    expect(await fetchScenario('unicorn')).toEqual(await fetchScenario('ts'));
  });
});
