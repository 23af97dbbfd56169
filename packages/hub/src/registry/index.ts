export { newRegistryCaches, type RegistryCaches } from "./caches.js";
export { MAX_CARD_DEPTH, MAX_CARD_VALUES } from "./card-yaml.js";
export {
  MAX_CARD_BYTES,
  MAX_FRONT_MATTER_BYTES,
  RISK_TIERS,
  cardText,
  parseModelCard,
  type CardData,
} from "./model-card.js";
export { isPublicStage } from "./hf-shapes.js";
export { loadModel, versionResource, type ModelRecord, type VersionAccess } from "./load-model.js";
export {
  resolveVersion,
  type PublishHooks,
  type ResolvedVersion,
  type VersionRecord,
} from "./versions.js";
