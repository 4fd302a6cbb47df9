/** ORC core, public surface. */
export * from './dispatcher.ts';
export * from './errors.ts';
export * from './materialization-unit.ts';
export * from './session.ts';
export * from './types.ts';
export * from './units.ts';
