export { ReferenceTrainingError } from "./reference-error.js";
export {
  REFERENCE_MODELS,
  trainReference,
  type ReferenceModelName,
  type ReferenceTrainingResult,
  type TrainReferenceOptions,
} from "./train-reference.js";
export {
  SPAM_FROM_BASE_DEFAULTS,
  trainSpamFromBase,
  type SpamFromBaseResult,
  type TrainSpamFromBaseOptions,
} from "./train-spam-from-base.js";
