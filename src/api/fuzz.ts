/**
 * Public fuzzing API (`orc-sandbox/fuzz`): the lazy-linking fuzzer (random programs of several
 * objects, some lazy, run under the sandbox and checked against their expected output, failures
 * shrunk) and the ISA differential campaign (random instruction words on the ts engine against
 * Unicorn, sliced over worker threads).
 */

export { CampaignError, parseShard, type Shard } from '../fuzz/campaign.ts';
export {
  type IsaCampaignParams,
  type IsaCampaignRun,
  runIsaCampaign,
} from '../fuzz/isa/campaign.ts';
export { FUZZ_CLASSES, type FuzzClass } from '../fuzz/isa/fuzzer.ts';
export {
  type CampaignOptions as LazyCampaignOptions,
  type CampaignResult as LazyCampaignResult,
  campaign as lazyCampaign,
} from '../fuzz/lazy/campaign.ts';
export type { FuzzCase as LazyFuzzCase } from '../fuzz/lazy/program.ts';
export { type RunOptions as LazyCaseRunOptions, runCase as runLazyCase } from '../fuzz/lazy/runner.ts';
