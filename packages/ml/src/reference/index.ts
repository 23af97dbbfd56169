export { ReferenceTrainingError } from "./reference-error.js";
export {
  REFERENCE_MODELS,
  trainReference,
  type ReferenceModelName,
  type ReferenceTrainingResult,
  type TrainReferenceOptions,
} from "./train-reference.js";
