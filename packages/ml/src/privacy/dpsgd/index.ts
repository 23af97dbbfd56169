export type { HiddenActivation } from "./dense-network.js";
export type { LabelledRows } from "./labelled-rows.js";
export type {
  DenseMlpModel,
  DenseTrainingSummary,
  DenseTrainOptions,
  DpEpochReport,
  DpMlpModel,
  DpOptimizer,
  DpSgdOptions,
  DpSgdPrivacy,
} from "./dp-sgd-types.js";
export { perExampleGradientNorms } from "./per-example-gradient-norms.js";
export { clippedGradientSum, type DenseLayerGradient } from "./clipped-gradient-sum.js";
export { poissonSample } from "./poisson-sample.js";
export { DpSgdLedger, type DpSgdLedgerOptions } from "./dp-sgd-ledger.js";
export { trainMlpDp } from "./train-mlp-dp.js";
export { trainMlpSgd, type MlpSgdOptions } from "./train-mlp-sgd.js";
