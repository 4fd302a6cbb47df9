/**
 * `fuzz-lazy --objects DIR`: users' own objects mixed into generated programs as callees. Every
 * `NAME.o` in DIR comes with a sidecar `NAME.o.json`, `{"functions": [{"name": "add3", "ints": 3}]}`,
 * declaring exported functions `u64 f(u64 × n)` (n ≤ 8, result in x0) that are pure — symbol names
 * alone say nothing about arity. The reference value of a call comes from an eagerly linked
 * reference session that calls the function once per distinct argument tuple (memoized).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import type { ExecutorRuntime } from '../../executor/runtime.ts';
import { openSession } from '../../orc/session/index.ts';
import type { UserFn } from './program.ts';
import { UserValues } from './semantics.ts';

export class UserObjectsError extends Error {
  override name = 'UserObjectsError';
}

export interface UserObjects {
  /** Object files in name order. */
  objects: { name: string; bytes: Uint8Array }[];
  fns: UserFn[];
}

/** Reads DIR's objects and sidecars; a missing or malformed sidecar is an error naming the file. */
export function loadUserObjects(dir: string): UserObjects {
  if (!existsSync(dir)) throw new UserObjectsError(`--objects: ${dir} does not exist`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.o'))
    .sort();
  if (files.length === 0) throw new UserObjectsError(`--objects: no .o files in ${dir}`);
  const fns: UserFn[] = [];
  const objects = files.map((name, obj) => {
    const sidecar = join(dir, `${name}.json`);
    if (!existsSync(sidecar))
      throw new UserObjectsError(`--objects: ${name} has no sidecar ${name}.json declaring its functions`);
    let decl: unknown;
    try {
      decl = JSON.parse(readFileSync(sidecar, 'utf8'));
    } catch (e) {
      throw new UserObjectsError(`--objects: ${sidecar}: ${(e as Error).message}`);
    }
    const list = (decl as { functions?: unknown }).functions;
    if (!Array.isArray(list)) throw new UserObjectsError(`--objects: ${sidecar}: expected {"functions": [...]}`);
    list.forEach((f: unknown, k) => {
      const { name: fn, ints } = (f ?? {}) as { name?: unknown; ints?: unknown };
      if (typeof fn !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(fn) || (fn.startsWith('f') && /^f\d+$/.test(fn)))
        throw new UserObjectsError(
          `--objects: ${sidecar}: functions[${k}].name must be a C identifier other than f<N>`,
        );
      if (typeof ints !== 'number' || !Number.isInteger(ints) || ints < 0 || ints > 8)
        throw new UserObjectsError(`--objects: ${sidecar}: functions[${k}].ints must be an integer 0..8`);
      fns.push({ name: fn, ints, obj });
    });
    return { name, bytes: new Uint8Array(readFileSync(join(dir, name))) };
  });
  return { objects, fns };
}

const STACK = { base: 0x6e00_0000, size: 0x1_0000 };

/**
 * The eager reference session: every user object linked up front (no lazy machinery), each
 * function called from the host with x0–x7 set. `fill` computes the values a case still needs.
 */
export class UserReference {
  readonly values = new UserValues();
  private session: Awaited<ReturnType<typeof openSession>> | undefined;

  constructor(
    readonly user: UserObjects,
    readonly engine: 'ts' | 'unicorn' = 'ts',
  ) {}

  async value(name: string, ints: bigint[]): Promise<bigint> {
    const key = UserValues.key(name, ints);
    const memo = this.values.memo.get(key);
    if (memo !== undefined) return memo;
    if (!this.session) {
      this.session = await openSession({
        engine: this.engine,
        syscalls: false,
        faultsAsSignals: false,
        threads: false,
        stdout: () => {},
        stderr: () => {},
        reportError: () => {},
      });
      (this.session.local as ExecutorRuntime).engine.memMap(STACK.base, STACK.size, PROT_READ | PROT_WRITE);
      const rt = this.session.main.createResourceTracker();
      for (const o of this.user.objects) this.session.layer.add(rt, o.bytes, o.name);
    }
    const s = this.session;
    const runtime = s.local as ExecutorRuntime;
    const addr = (await s.lookupOne(name)).address;
    ints.forEach((v, j) => {
      runtime.engine.setX(j, v);
    });
    runtime.engine.setX(31, STACK.base + STACK.size - 64);
    runtime.host.instructionDeadline = runtime.engine.instructionCount() + 1_000_000;
    let x0 = 0n;
    try {
      await runtime.executor.call(addr, [], (e) => {
        x0 = e.getX(0);
      });
    } finally {
      runtime.host.instructionDeadline = undefined;
    }
    this.values.memo.set(key, x0);
    return x0;
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
  }
}
