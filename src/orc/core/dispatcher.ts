/**
 * The session's task dispatcher: a queue of materialization and callback tasks driven explicitly.
 *
 * Nothing here uses timers, microtasks or promise ordering. `runAll()` runs tasks until the queue is
 * empty; tasks may enqueue more. Without a seed the queue is FIFO; with a seed each step picks one
 * of the ready tasks with a seeded PRNG, so different seeds explore different (but reproducible)
 * orders. The order of materializations depends only on the inputs and the seed.
 */

export type TaskKind = 'materialization' | 'callback' | 'continuation' | 'generic';

export interface Task {
  readonly kind: TaskKind;
  /** Short text for traces, e.g. the materialization unit's name. */
  readonly description: string;
  run(): void;
}

/** mulberry32: a tiny deterministic PRNG (32-bit state). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TaskDispatcher {
  private queue: Task[] = [];
  private running = false;
  private readonly random: (() => number) | null;
  /** Observers of every task run (tests, `--trace`). */
  readonly trace: Task[] | null;
  /** Called with an error a task threw (the session reports it). */
  onTaskError: (e: Error, task: Task) => void = (e) => {
    throw e;
  };

  constructor(options: { seed?: number | undefined; trace?: boolean } = {}) {
    this.random = options.seed === undefined ? null : seededRandom(options.seed);
    this.trace = options.trace ? [] : null;
  }

  enqueue(task: Task): void {
    this.queue.push(task);
  }

  get pending(): number {
    return this.queue.length;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Runs one task; false when the queue is empty. */
  runOne(): boolean {
    if (this.queue.length === 0) return false;
    let i = 0;
    if (this.random !== null && this.queue.length > 1) i = Math.floor(this.random() * this.queue.length);
    const [task] = this.queue.splice(i, 1) as [Task];
    this.trace?.push(task);
    try {
      task.run();
    } catch (e) {
      this.onTaskError(e instanceof Error ? e : new Error(String(e)), task);
    }
    return true;
  }

  /** Drains the queue. Re-entrant calls (from inside a task) return at once: the outer loop continues. */
  runAll(): void {
    if (this.running) return;
    this.running = true;
    try {
      while (this.runOne()) {
        // keep going
      }
    } finally {
      this.running = false;
    }
  }
}
