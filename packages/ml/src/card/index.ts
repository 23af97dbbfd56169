export { CardInputError } from "./card-input-error.js";
export { modelCardMarkdown } from "./model-card-markdown.js";
export type {
  CardBaseModel,
  CardDataset,
  CardEarlyStopping,
  CardPrivacy,
  CardResult,
  CardSection,
  CardSplit,
  CardTraining,
  CardUsage,
  ModelCardInfo,
} from "./model-card-info.js";
export { readCardLicence } from "./read-card-licence.js";
