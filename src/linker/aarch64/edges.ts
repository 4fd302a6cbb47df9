/** JITLink aarch64 edge kinds (numeric values are ours; do not persist them). */

export const K = {
  KeepAlive: 0,
  Pointer64: 1,
  Pointer32: 2,
  Delta64: 3,
  Delta32: 4,
  NegDelta64: 5,
  NegDelta32: 6,
  Branch26PCRel: 7,
  TestAndBranch14PCRel: 8,
  CondBranch19PCRel: 9,
  MoveWide16: 10,
  LDRLiteral19: 11,
  ADRLiteral21: 12,
  Page21: 13,
  PageOffset12: 14,
  GotPageOffset15: 15,
  RequestGOTAndTransformToPage21: 16,
  RequestGOTAndTransformToPageOffset12: 17,
  RequestGOTAndTransformToPageOffset15: 18,
  RequestTLSDescEntryAndTransformToPage21: 19,
  RequestTLSDescEntryAndTransformToPageOffset12: 20,
  Branch26PCRelRelaxable: 21,
  Page21Relaxable: 22,
  PageOffset12Relaxable: 23,
} as const;

export type EdgeKind = number;

export const EDGE_KIND_NAMES: readonly string[] = Object.keys(K);

export function edgeKindName(kind: number): string {
  return EDGE_KIND_NAMES[kind] ?? `edge kind ${kind}`;
}
