export { CardInputError } from "./card-input-error.js";
export { modelCardMarkdown } from "./model-card-markdown.js";
export type {
  CardDataset,
  CardEarlyStopping,
  CardPrivacy,
  CardResult,
  CardSplit,
  CardTraining,
  CardUsage,
  ModelCardInfo,
} from "./model-card-info.js";
