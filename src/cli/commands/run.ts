/**
 * `orc-sandbox run`: links objects into an ORC session (JITDylibs main → Platform → Process) and
 * runs the entry point on the emulator; the exit status is the program's.
 */
import { readFileSync } from 'node:fs';
import { createEngine, type EngineKind } from '../../emu/engine.ts';
import { EngineMemoryManager } from '../../linker/memory.ts';
import { absoluteSymbols, ExecutionSession, JITSymbolFlags, SymbolLookupFlags } from '../../orc/core/index.ts';
import { ProcessHost, runProgram } from '../../orc/host/index.ts';
import { ObjectLinkingLayer, showLinkedFilesPlugin } from '../../orc/layers/object-linking-layer.ts';
import { CliError, flag, intOption, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'link objects with the ORC layer and run them on the emulator (exit status = program status)',
  usage:
    'orc-sandbox run [--entry SYM] [--engine ts|unicorn] [--abs name=addr]… [--show-linked-files] [--max-insns N] [--seed S] a.o b.o … [-- args]',
  async run(argv) {
    const p = parseArgs(argv, {
      entry: { value: true },
      engine: { value: true },
      abs: { value: true, repeat: true },
      'show-linked-files': {},
      'max-insns': { value: true },
      seed: { value: true },
    });
    const entry = p.options.get('entry')?.[0] ?? 'main';
    const engineKind = (p.options.get('engine')?.[0] ?? 'ts') as EngineKind;
    if (engineKind !== 'ts' && engineKind !== 'unicorn') throw new CliError(`--engine must be ts or unicorn`);
    const seedText = p.options.get('seed')?.[0];
    const seed = seedText === undefined ? undefined : intOption(p, 'seed', 0);
    const maxInsns = p.options.has('max-insns') ? intOption(p, 'max-insns', 0) : undefined;
    if (p.positionals.length === 0) throw new CliError('give at least one object file');
    const abs = new Map<string, number>();
    for (const a of p.options.get('abs') ?? []) {
      const m = /^([^=]+)=(0x[0-9a-fA-F]+|\d+)$/.exec(a);
      if (!m) throw new CliError(`--abs expects name=address, got '${a}'`);
      const v = Number(m[2]);
      if (!Number.isSafeInteger(v) || v >= 2 ** 52) throw new CliError(`--abs address out of range: '${a}'`);
      abs.set(m[1] as string, v);
    }

    const engine = await createEngine(engineKind, seed === undefined ? {} : { seed });
    const es = new ExecutionSession({ seed });
    const main = es.createJITDylib('main');
    const platform = es.createJITDylib('Platform');
    const proc = es.createJITDylib('Process');
    main.setLinkOrder([platform, proc]);
    platform.setLinkOrder([proc]);

    const host = new ProcessHost(engine);
    proc.define(host.definitionUnit());
    if (abs.size > 0) {
      main.define(
        absoluteSymbols(
          new Map([...abs].map(([n, a]) => [n, { address: a, flags: JITSymbolFlags.Exported }])),
          '<--abs symbols>',
        ),
      );
    }

    const layer = new ObjectLinkingLayer(es, new EngineMemoryManager(engine));
    if (flag(p, 'show-linked-files')) layer.addPlugin(showLinkedFilesPlugin((l) => process.stdout.write(l)));

    const initSymbols: string[] = [];
    for (const { value: file } of p.positionals) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(file));
      } catch (e) {
        throw new CliError(`cannot read '${file}': ${(e as Error).message}`);
      }
      layer.add(main, bytes, file);
    }
    for (const name of main.symbolNames()) {
      const s = main.getSymbol(name);
      if (s && s.flags & JITSymbolFlags.MaterializationSideEffectsOnly) initSymbols.push(name);
    }

    // Look the entry point up (links what it needs), plus objects with initializers.
    const found = await es.lookupAsync(main.getLinkOrder(), [
      [entry, SymbolLookupFlags.RequiredSymbol],
      ...initSymbols.map((n) => [n, SymbolLookupFlags.WeaklyReferencedSymbol] as const),
    ]);
    await layer.whenIdle();
    const entryAddr = found.get(entry)?.address as number;

    const inits = layer.getInitializers(main);
    for (const fini of inits.filter((i) => i.kind === 'fini')) host.atexitHandlers.push(...fini.pointers);
    const initializers = [
      ...inits.filter((i) => i.kind === 'preinit').flatMap((i) => i.pointers),
      ...inits.filter((i) => i.kind === 'init').flatMap((i) => i.pointers),
    ];
    const argv0 = p.positionals[0]?.value ?? 'a.out';
    const result = runProgram(host, entryAddr, {
      argv: [argv0, ...p.rest],
      initializers,
      ...(maxInsns === undefined ? {} : { maxInstructions: maxInsns }),
    });
    return result.status;
  },
};
