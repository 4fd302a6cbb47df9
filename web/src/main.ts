/**
 * The page: wires the Stepper (stepper.ts) and the walk (narrative.ts) to plain DOM views. Each
 * move resumes the program and re-renders every view at the next stop; the URL's fragment keeps
 * the demo objects, lazy flags and phase (inputs.ts) so a stop can be shared.
 */

import type { RuntimeObject } from '../../runtime-aarch64/abi.ts';
import { addObjects, demoSelection, formatHash, type PageObject, parseHash } from './inputs.ts';
import { PHASE_IDS } from './narrative.ts';
import { DEMO, DEMO_SOURCES, fetchDemoObjects, fetchRuntimeObjects } from './objects.ts';
import { type Mode, type OutputChunk, REG_NAMES, Stepper, type TimelineEntry } from './stepper.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const hex = (n: number | bigint, width = 0): string => `0x${n.toString(16).padStart(width, '0')}`;

function el(tag: string, className?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Short names of the walk's phases, for the progress strip. */
const STEP_NAMES: Record<string, string> = {
  call: 'call',
  stub: 'stub',
  pointer: 'pointer load',
  trampoline: 'trampoline',
  reenter: 'bl reentry',
  saved: 'registers saved',
  dispatch: 'JIT dispatch',
  link: 'lookup, link',
  redirect: 'redirect',
  restored: 'registers restored',
  body: 'body',
  call2: 'second call',
  stub2: 'through the stub',
  body2: 'body',
};

let runtimeObjects: RuntimeObject[] = [];
let demoBytes = new Map<string, Uint8Array>();
let objects: PageObject[] = [];
const userSources = new Map<string, string>();
let stepper: Stepper | undefined;
let busy = false;
let generation = 0;
/** Stub targets at the previous render (to flash rows that just got redirected). */
let lastTargets = new Map<string, string>();

const buttons: Record<Mode | 'reset', HTMLButtonElement> = {
  phase: $('btn-phase'),
  step: $('btn-step'),
  over: $('btn-over'),
  lazy: $('btn-lazy'),
  run: $('btn-run'),
  reset: $('btn-reset'),
};

function setBusy(b: boolean): void {
  busy = b;
  const done = stepper === undefined || stepper.state === 'exited' || stepper.state === 'failed';
  for (const [k, btn] of Object.entries(buttons)) {
    btn.disabled = b || (k !== 'reset' && done) || (k === 'phase' && stepper?.tour.next === 'done');
  }
  document.body.dataset.busy = String(b);
}

// ---- output and timeline (appended as they come) -------------------------------------------

function appendOutput(c: OutputChunk): void {
  const out = $('output');
  out.append(el('span', c.stream, c.text));
  const panel = $('panel-output');
  panel.scrollTop = panel.scrollHeight;
}

function appendTimeline(e: TimelineEntry): void {
  const list = $('timeline');
  const li = el('li', `tl tl-${e.kind}`);
  li.dataset.kind = e.kind;
  li.dataset.phase = String(e.phase);
  li.append(el('span', 'tl-kind', e.kind), ' ', el('span', 'tl-text', e.text));
  if (e.kind !== 'phase') li.title = `#${e.seq}, after ${e.instructions} instructions, during phase ${e.phase}`;
  list.append(li);
  while (list.childElementCount > 1000) list.firstElementChild?.remove();
  const panel = $('panel-timeline');
  panel.scrollTop = panel.scrollHeight;
}

// ---- views --------------------------------------------------------------------------------

function renderStatus(s: Stepper): void {
  const status = $('status');
  status.dataset.state = s.state;
  const pc = s.pc;
  const where = s.state === 'paused' ? ` at ${hex(pc)} ${s.symbolize(pc) ?? ''}` : '';
  status.textContent = `${s.state}${where} — ${s.why} · ${s.instructions} instructions · stop #${s.stops}`;
}

function renderNarrative(s: Stepper): void {
  const p = s.phase;
  const art = $('phase');
  art.dataset.phaseId = p.id;
  art.dataset.phaseIndex = String(p.index);
  const exited = s.state === 'exited' || s.state === 'failed';
  const failed = s.state === 'failed';
  art.dataset.failed = String(failed);
  $('phase-title').textContent = failed ? 'The program cannot go on' : p.step > 0 ? `${p.step}. ${p.title}` : p.title;
  const text = $('phase-text');
  text.replaceChildren();
  for (const para of failed
    ? [s.why, 'Change the objects below (add the missing ones, or the demo objects) and it starts again.']
    : p.text) {
    const e = el('p');
    // `code` spans: the instructions quoted in the text.
    para.split(/(`[^`]+`)/).forEach((part) => {
      if (part.startsWith('`') && part.endsWith('`')) e.append(el('code', undefined, part.slice(1, -1)));
      else e.append(part);
    });
    text.append(e);
  }
  if (exited && !failed) text.append(el('p', 'note', `The program ${s.why}.`));
  else if (s.tour.next === 'done' && p.id !== 'done')
    text.append(el('p', 'note', 'The walk is over: Run (r) finishes the program; Reset (R) starts again.'));
  const steps = $('phase-steps');
  steps.replaceChildren();
  PHASE_IDS.forEach((id, i) => {
    const name = STEP_NAMES[id];
    if (!name) return;
    const li = el('li', id === p.id ? 'current' : PHASE_IDS.indexOf(p.id) > i && p.id !== 'done' ? 'past' : '', name);
    li.dataset.step = String(i);
    steps.append(li);
  });
}

function renderSource(s: Stepper): void {
  const box = $('source');
  box.replaceChildren();
  const v = s.state === 'paused' ? s.source() : undefined;
  $('source-file').textContent = v ? `${v.file}:${v.line}` : '';
  $('source-note').textContent = v ? v.note : s.state === 'paused' ? 'no line information for this address' : '';
  if (!v) return;
  if (!v.lines) {
    box.append(el('div', 'row note', `(no text for ${v.file}: add the .c file with your objects)`));
    return;
  }
  v.lines.forEach((text, i) => {
    const n = i + 1;
    const row = el('div', `row line${n === v.line ? ` current${v.frame > 0 ? ' caller' : ''}` : ''}`);
    row.dataset.line = String(n);
    row.append(el('span', 'lineno', String(n).padStart(3)), el('span', 'src', ` ${text}`));
    box.append(row);
  });
  scrollInto($('panel-source'), box.querySelector('.current'));
}

/** Scrolls a panel (only the panel: the page stays where it is) so that `row` is in view. */
function scrollInto(panel: HTMLElement, row: Element | null): void {
  if (!(row instanceof HTMLElement)) return;
  const top = row.offsetTop - panel.clientHeight / 2;
  panel.scrollTop = Math.max(0, top);
}

function renderDisasm(s: Stepper): void {
  const box = $('disasm');
  box.replaceChildren();
  $('disasm-function').textContent = s.state === 'paused' ? (s.codeFunction ?? '') : '';
  if (s.state !== 'paused') {
    box.append(el('div', 'row addr', '(not stopped)'));
    return;
  }
  for (const l of s.disassembly()) {
    if (l.symbolStart) box.append(el('div', 'row sym', `${l.symbolStart}:`));
    const row = el('div', `row${l.current ? ' current' : ''}${l.data ? ' data' : ''}`);
    row.dataset.address = hex(l.address);
    row.append(
      el('span', 'addr', `${l.current ? '▶' : ' '} ${hex(l.address, 8)}  ${hex(l.word, 8).slice(2)}  `),
      el('span', 'insn', l.text),
    );
    if (l.line) row.append(el('span', 'srcline', `  ${l.line}`));
    box.append(row);
  }
  scrollInto($('panel-disasm'), box.querySelector('.current'));
}

function renderMemory(s: Stepper): void {
  const box = $('memory');
  box.replaceChildren();
  for (const m of s.memory()) {
    const row = el('div', `mem mem-${m.role}`);
    row.dataset.role = m.role;
    const bytes = el('span', 'bytes');
    m.bytes.forEach((b, i) => {
      const span = el('span', `byte${m.changed[i] ? ' changed' : ''}`, b.toString(16).padStart(2, '0'));
      bytes.append(span);
    });
    row.append(el('div', 'mem-head', `${m.label}  ${hex(m.address)}`), bytes, el('div', 'mem-text', m.text));
    box.append(row);
  }
  if (s.phase.beforeRedirect)
    box.append(el('div', 'note', 'as the program left it when it entered the host (the pointer is written next)'));
}

function renderRegs(s: Stepper): void {
  const box = $('regs');
  box.replaceChildren();
  const regs = s.registers();
  REG_NAMES.forEach((name, i) => {
    const v = regs[i] as bigint;
    if (v === undefined) return;
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
  const focus = s.tourTarget?.alias;
  for (const r of s.stubRows()) {
    const tr = el('tr', r.alias === focus ? 'focus' : '');
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

function renderObjects(notes: readonly string[] = []): void {
  const list = $('objects');
  list.replaceChildren();
  objects.forEach((o, i) => {
    const li = el('li');
    li.dataset.name = o.name;
    li.dataset.origin = o.origin;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = o.lazy;
    box.title = 'lazy (-lazy): link on first call';
    box.addEventListener('change', () => {
      (objects[i] as PageObject).lazy = box.checked;
      void reset();
    });
    const label = el('label', 'lazy');
    label.append(box, ' lazy');
    const remove = el('button', 'remove', '×') as HTMLButtonElement;
    remove.title = `remove ${o.name} from the link`;
    remove.addEventListener('click', () => {
      objects.splice(i, 1);
      void reset();
    });
    li.append(
      el('span', 'mono name', o.name),
      el('span', 'size', `${o.bytes.length} B${o.origin === 'user' ? ', yours' : ''}`),
      label,
      remove,
    );
    list.append(li);
  });
  const missing = $('demo-missing');
  missing.replaceChildren();
  for (const d of DEMO) {
    if (objects.some((o) => o.name === d.name)) continue;
    const b = el('button', 'add-demo', `+ ${d.name}`) as HTMLButtonElement;
    b.title = `put the demo's ${d.name} back`;
    b.addEventListener('click', () => {
      objects.push({ name: d.name, bytes: demoBytes.get(d.name) as Uint8Array, lazy: d.lazy, origin: 'demo' });
      void reset();
    });
    missing.append(b);
  }
  const ul = $('object-notes');
  ul.replaceChildren();
  for (const n of notes) ul.append(el('li', undefined, n));
}

function render(): void {
  const s = stepper;
  if (!s) return;
  renderStatus(s);
  renderNarrative(s);
  renderSource(s);
  renderDisasm(s);
  renderMemory(s);
  renderRegs(s);
  renderStack(s);
  renderStubs(s);
  updateUrl(s);
}

function updateUrl(s: Stepper): void {
  const hash = formatHash(objects, s.onlyPhases ? s.phase.index : undefined);
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

// ---- moves --------------------------------------------------------------------------------

async function reset(phases = 0, notes: readonly string[] = []): Promise<void> {
  const gen = ++generation;
  stepper?.dispose();
  stepper = undefined;
  setBusy(true);
  $('output').replaceChildren();
  $('timeline').replaceChildren();
  lastTargets = new Map();
  renderObjects(notes);
  try {
    const sources = new Map([...DEMO_SOURCES, ...userSources]);
    const s = await Stepper.create({
      objects,
      runtimeObjects,
      sources,
      onOutput: (c) => {
        if (stepper === s) appendOutput(c);
      },
      onTimeline: (e) => {
        if (stepper === s) appendTimeline(e);
      },
    });
    if (gen !== generation) return;
    stepper = s;
    await s.start();
    for (let i = 0; i < phases && s.state === 'paused' && s.tour.next !== 'done'; i++) {
      await s.nextPhase();
      if (gen !== generation) return;
    }
    if (gen !== generation) return;
    render();
  } catch (e) {
    $('status').dataset.state = 'failed';
    $('status').textContent = `failed: ${(e as Error).message}`;
    $('phase-title').textContent = 'The objects could not be linked';
    $('phase-text').replaceChildren(el('p', undefined, `${(e as Error).name}: ${(e as Error).message}`));
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

async function loadFiles(files: Iterable<File>, replace: boolean): Promise<void> {
  const added: { name: string; bytes: Uint8Array }[] = [];
  for (const f of files) {
    if (f.name.endsWith('.c')) userSources.set(f.name, await f.text());
    else added.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  const base = replace && added.length > 0 ? [] : objects;
  const r = addObjects(base, added);
  objects = r.objects;
  await reset(0, r.notes);
}

// ---- wiring -------------------------------------------------------------------------------

function toggleHelp(show?: boolean): void {
  const help = $('help');
  help.hidden = show === undefined ? !help.hidden : !show;
  if (!help.hidden) $('btn-help-close').focus();
}

function wire(): void {
  buttons.phase.addEventListener('click', () => void resume('phase'));
  buttons.step.addEventListener('click', () => void resume('step'));
  buttons.over.addEventListener('click', () => void resume('over'));
  buttons.lazy.addEventListener('click', () => void resume('lazy'));
  buttons.run.addEventListener('click', () => void resume('run'));
  buttons.reset.addEventListener('click', () => void reset());
  $('btn-help').addEventListener('click', () => toggleHelp());
  $('btn-help-close').addEventListener('click', () => toggleHelp(false));
  $('help').addEventListener('click', (e) => {
    if (e.target === $('help')) toggleHelp(false);
  });
  $('btn-demo').addEventListener('click', () => {
    objects = demoSelection({ objects: undefined, lazy: undefined, phase: 0 }, DEMO, demoBytes);
    void reset();
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') return toggleHelp();
    if (e.key === 'Escape') return toggleHelp(false);
    if (!$('help').hidden) return;
    const mode = ({ p: 'phase', s: 'step', n: 'over', l: 'lazy', r: 'run' } as Record<string, Mode>)[e.key];
    if (mode) void resume(mode);
    else if (e.key === 'R') void reset();
  });
  for (const [id, replace] of [
    ['file-input', false],
    ['file-replace', true],
  ] as const) {
    const input = $<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      if (input.files) void loadFiles([...input.files], replace);
      input.value = '';
    });
  }
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
    if (e.dataTransfer) void loadFiles([...e.dataTransfer.files], false);
  });
}

async function boot(): Promise<void> {
  wire();
  setBusy(true);
  try {
    [runtimeObjects, demoBytes] = await Promise.all([fetchRuntimeObjects(), fetchDemoObjects()]);
  } catch (e) {
    $('status').dataset.state = 'failed';
    $('status').textContent = `cannot load the bundled objects: ${(e as Error).message}`;
    return;
  }
  const state = parseHash(location.hash);
  objects = demoSelection(state, DEMO, demoBytes);
  await reset(state.phase);
}

void boot();
