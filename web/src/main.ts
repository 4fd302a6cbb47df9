/**
 * The step-through page: wires the Stepper (stepper.ts) to plain DOM views. Each button resumes
 * the program in one mode and re-renders every view at the next stop.
 */

import type { RuntimeObject } from '../../runtime-aarch64/abi.ts';
import { fetchDemoObjects, fetchRuntimeObjects } from './objects.ts';
import { type InputObject, type LogEntry, type Mode, REG_NAMES, Stepper } from './stepper.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const hex = (n: number | bigint, width = 0): string => `0x${n.toString(16).padStart(width, '0')}`;

function el(tag: string, className?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

let runtimeObjects: RuntimeObject[] = [];
let objects: InputObject[] = [];
let stepper: Stepper | undefined;
let busy = false;
let generation = 0;
/** Stub targets at the previous render (to flash rows that just got redirected). */
let lastTargets = new Map<string, string>();

const buttons: Record<Mode | 'reset', HTMLButtonElement> = {
  step: $('btn-step'),
  over: $('btn-over'),
  lazy: $('btn-lazy'),
  run: $('btn-run'),
  reset: $('btn-reset'),
};

function setBusy(b: boolean): void {
  busy = b;
  const done = stepper === undefined || stepper.state === 'exited' || stepper.state === 'failed';
  for (const [k, btn] of Object.entries(buttons)) btn.disabled = b || (k !== 'reset' && done);
  document.body.dataset.busy = String(b);
}

function appendLog(e: LogEntry): void {
  const log = $('log');
  for (const line of e.text.split('\n')) log.append(el('div', `row log-${e.kind}`, `[${e.kind}] ${line}`));
  while (log.childElementCount > 1000) log.firstElementChild?.remove();
  const panel = $('panel-log');
  panel.scrollTop = panel.scrollHeight;
}

function renderStatus(s: Stepper): void {
  const status = $('status');
  status.dataset.state = s.state;
  const pc = s.pc;
  const where = s.state === 'paused' ? ` at ${hex(pc)} ${s.symbolize(pc) ?? ''}` : '';
  status.textContent = `${s.state}${where} — ${s.why} · ${s.instructions} instructions · stop #${s.stops}`;
}

function renderDisasm(s: Stepper): void {
  const box = $('disasm');
  box.replaceChildren();
  if (s.state !== 'paused') {
    box.append(el('div', 'row addr', '(not stopped)'));
    return;
  }
  for (const l of s.disassembly(10, 22)) {
    if (l.symbolStart) box.append(el('div', 'row sym', `${l.symbolStart}:`));
    const row = el('div', `row${l.current ? ' current' : ''}`);
    row.dataset.address = hex(l.address);
    row.append(
      el('span', 'addr', `${l.current ? '▶' : ' '} ${hex(l.address, 8)}  ${hex(l.word, 8).slice(2)}  `),
      el('span', 'insn', l.text),
    );
    box.append(row);
  }
  box.querySelector('.current')?.scrollIntoView({ block: 'center' });
}

function renderRegs(s: Stepper): void {
  const box = $('regs');
  box.replaceChildren();
  const regs = s.registers();
  REG_NAMES.forEach((name, i) => {
    const v = regs[i] as bigint;
    const prev = s.previousRegs[i];
    const changed = prev !== undefined && prev !== v;
    const label = name === 'nzcv' ? '' : v > 0xfffn && v < 2n ** 48n ? (s.symbolize(Number(v)) ?? '') : '';
    const row = el('div', `row reg${changed ? ' changed' : ''}`, `${name.padStart(4)}  ${hex(v, 16)}  ${label}`);
    row.dataset.reg = name;
    box.append(row);
  });
}

function renderStack(s: Stepper): void {
  const box = $('stack');
  box.replaceChildren();
  const sp = s.sp;
  for (const slot of s.stack(20)) {
    const off = BigInt(slot.address) - sp;
    box.append(
      el('div', 'row', `sp+${off.toString(16).padStart(3, '0')}  ${hex(slot.value, 16)}  ${slot.label ?? ''}`),
    );
  }
}

function renderStubs(s: Stepper): void {
  const table = $('stubs');
  table.replaceChildren();
  const head = el('tr');
  for (const h of ['alias', 'stub', 'pointer', 'target']) head.append(el('th', undefined, h));
  table.append(head);
  const targets = new Map<string, string>();
  for (const r of s.stubRows()) {
    const tr = el('tr');
    tr.dataset.alias = r.alias;
    const target = r.resolved ? r.targetLabel : `trampoline ${hex(r.trampoline)}`;
    targets.set(r.alias, target);
    if (lastTargets.has(r.alias) && lastTargets.get(r.alias) !== target) tr.classList.add('flash');
    tr.append(
      el('td', 'alias', r.alias),
      el('td', undefined, r.stub === undefined ? '—' : hex(r.stub)),
      el('td', undefined, r.pointer === undefined ? '—' : hex(r.pointer)),
    );
    const td = el('td', `target ${r.resolved ? 'resolved' : 'trampoline'}`, target);
    td.title = r.resolved ? `${r.body} at ${hex(r.target ?? 0)}` : `not called yet: first call re-enters (${r.body})`;
    tr.append(td);
    table.append(tr);
  }
  if (targets.size === 0) {
    const tr = el('tr');
    tr.append(el('td', undefined, '(no lazy reexports yet)'));
    table.append(tr);
  }
  lastTargets = targets;
}

function renderObjects(): void {
  const list = $('objects');
  list.replaceChildren();
  objects.forEach((o, i) => {
    const li = el('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = o.lazy;
    box.title = 'lazy (-lazy): link on first call';
    box.addEventListener('change', () => {
      (objects[i] as InputObject).lazy = box.checked;
      void reset();
    });
    const label = el('label');
    label.append(box, ` lazy`);
    li.append(el('span', 'mono', o.name), el('span', 'size', `${o.bytes.length} bytes`), label);
    list.append(li);
  });
}

function render(): void {
  const s = stepper;
  if (!s) return;
  renderStatus(s);
  renderDisasm(s);
  renderRegs(s);
  renderStack(s);
  renderStubs(s);
}

async function reset(): Promise<void> {
  const gen = ++generation;
  stepper?.dispose();
  stepper = undefined;
  setBusy(true);
  $('log').replaceChildren();
  lastTargets = new Map();
  renderObjects();
  try {
    const s = await Stepper.create({ objects, runtimeObjects, onLog: appendLog });
    if (gen !== generation) return;
    stepper = s;
    await s.start();
    if (gen !== generation) return;
    render();
  } catch (e) {
    appendLog({ kind: 'error', text: `${(e as Error).name}: ${(e as Error).message}` });
    $('status').dataset.state = 'failed';
    $('status').textContent = `failed: ${(e as Error).message}`;
  } finally {
    if (gen === generation) setBusy(false);
  }
}

async function resume(mode: Mode): Promise<void> {
  const s = stepper;
  if (!s || busy) return;
  setBusy(true);
  try {
    await s.resume(mode);
  } finally {
    if (s === stepper) {
      render();
      setBusy(false);
    }
  }
}

async function addFiles(files: Iterable<File>): Promise<void> {
  let added = 0;
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const existing = objects.findIndex((o) => o.name === f.name);
    const obj = { name: f.name, bytes, lazy: existing >= 0 ? (objects[existing] as InputObject).lazy : true };
    if (existing >= 0) objects[existing] = obj;
    else objects.push(obj);
    added++;
  }
  if (added > 0) await reset();
}

function wire(): void {
  buttons.step.addEventListener('click', () => void resume('step'));
  buttons.over.addEventListener('click', () => void resume('over'));
  buttons.lazy.addEventListener('click', () => void resume('lazy'));
  buttons.run.addEventListener('click', () => void resume('run'));
  buttons.reset.addEventListener('click', () => void reset());
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
    const mode = ({ s: 'step', n: 'over', l: 'lazy', r: 'run' } as Record<string, Mode>)[e.key];
    if (mode) void resume(mode);
    else if (e.key === 'R') void reset();
  });
  const input = $<HTMLInputElement>('file-input');
  input.addEventListener('change', () => {
    if (input.files) void addFiles([...input.files]);
    input.value = '';
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    if (e.dataTransfer) void addFiles([...e.dataTransfer.files]);
  });
}

async function boot(): Promise<void> {
  wire();
  setBusy(true);
  try {
    [runtimeObjects, objects] = await Promise.all([fetchRuntimeObjects(), fetchDemoObjects()]);
  } catch (e) {
    $('status').dataset.state = 'failed';
    $('status').textContent = `cannot load the bundled objects: ${(e as Error).message}`;
    return;
  }
  await reset();
}

void boot();
