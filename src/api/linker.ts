/**
 * Public linker API (`orc-sandbox/linker`): a JITLink-style static linker for AArch64 ELF
 * relocatable objects (`linkObjects` lays out and links a set of objects and archives into an
 * engine's memory; `link` runs one LinkGraph through the pass pipeline), and the checker of
 * llvm-jitlink's `# jitlink-check:` rules (`extractRules`, `evaluateRule`, `checkFile`).
 */
export { ARCHIVE_MAGIC, type Archive, type ArchiveMember } from '../linker/archive.ts';
export { type BuildOptions, type BuildResult, buildGraphFromObject } from '../linker/build.ts';
export {
  type CheckEnvironment,
  checkFile,
  evaluateRule,
  extractRules,
  type Rule,
  type RuleOutcome,
} from '../linker/check/checker.ts';
export { checkEnvironment } from '../linker/check/environment.ts';
export { ArchiveFormatError, CheckError, ElfFormatError, LinkError } from '../linker/errors.ts';
export {
  type LinkedSymbol,
  type LinkOptions,
  type LinkPlugin,
  type LinkResult,
  link,
  newPassConfiguration,
  type Pass,
  type PassConfiguration,
} from '../linker/link.ts';
export {
  EngineMemoryManager,
  type EngineMemoryManagerOptions,
  type JITLinkMemoryManager,
} from '../linker/memory.ts';
export {
  collectLinkInfo,
  type LinkInfo,
  linkObjects,
  loadInputs,
  type ObjectInput,
  type SessionOptions as LinkObjectsOptions,
  type SessionResult as LinkObjectsResult,
} from '../linker/session.ts';
