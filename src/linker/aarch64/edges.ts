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
  // Beyond LLVM's JITLink (ld.lld's formulas and checks): see fixup.ts.
  /** MOVZ/MOVK of S+A bits [16g+15:16g], checked 0 <= S+A < 2^(16g+16) (MOVW_UABS_G0/G1/G2). */
  MoveWide16Checked: 24,
  /** MOVN/MOVZ/MOVK of signed S+A (opcode follows the sign): MOVW_SABS_G0/G1/G2 (checked). */
  MoveWideSignedChecked: 25,
  /** The same with S+A-P, unchecked: MOVW_PREL_G0_NC/G1_NC/G2_NC/G3. */
  MoveWidePCRel: 26,
  /** S+A-P, checked signed 17/33/49 bits: MOVW_PREL_G0/G1/G2. */
  MoveWidePCRelChecked: 27,
  /** Page21 without the range check (ADR_PREL_PG_HI21_NC). */
  Page21NoCheck: 28,
  /** TP-relative offset (variant 1: TCB of 16 bytes) in MOVN/MOVZ/MOVK, unchecked (TLSLE_MOVW_TPREL_G*_NC). */
  TPRelMoveWide: 29,
  /** The same, checked signed 17/33/49 bits (TLSLE_MOVW_TPREL_G0/G1/G2). */
  TPRelMoveWideChecked: 30,
  /** ADD imm12 of TP-offset bits [23:12], checked 0 <= X < 2^24 (TLSLE_ADD_TPREL_HI12). */
  TPRelAddHi12: 31,
  /** ADD / LDR / STR imm12 of the TP offset's low 12 bits, scaled (TLSLE_*_TPREL_LO12_NC). */
  TPRelLo12: 32,
  /** The same, checked 0 <= X < 2^12 (TLSLE_ADD_TPREL_LO12, TLSLE_LDST*_TPREL_LO12). */
  TPRelLo12Checked: 33,
  /** 64-bit TP offset (initial-exec GOT entries). */
  TPOff64: 34,
  RequestTLSIEGotAndTransformToPage21: 35,
  RequestTLSIEGotAndTransformToPageOffset12: 36,
  RequestTLSIEGotAndTransformToLDRLiteral19: 37,
  /** 16-bit S+A, checked -2^15 <= X < 2^16 (ABS16). */
  Pointer16: 38,
  /** 16-bit S+A-P, checked -2^15 <= X < 2^16 (PREL16). */
  Delta16: 39,
  /** GOT_LD_PREL19: LDR (literal) of the target's GOT entry. */
  RequestGOTAndTransformToLDRLiteral19: 40,
  /** GOTPCREL32: 32-bit GOT-entry address minus P. */
  RequestGOTAndTransformToDelta32: 41,
} as const;

/** Kinds whose target value is the TP offset of a thread-local symbol, not its address. */
export function isTPRelKind(kind: number): boolean {
  return kind >= K.TPRelMoveWide && kind <= K.TPOff64;
}

export type EdgeKind = number;

export const EDGE_KIND_NAMES: readonly string[] = Object.keys(K);

export function edgeKindName(kind: number): string {
  return EDGE_KIND_NAMES[kind] ?? `edge kind ${kind}`;
}
